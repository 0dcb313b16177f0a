"""Layer 4, survey cleaning: duplicate submissions, reviewers' corrections, scale scores and
record linkage. General tools: they know nothing of regions or files."""

from helpers import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__)
