"""Layer 4, statistics: the effect estimators and their checks, power, multiplicity,
meta-analysis, reliability and agreement, and the IKM index. General tools: a DataFrame and
options in, a frozen result or a DataFrame out; they know nothing of regions or files."""

from helpers import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__)
