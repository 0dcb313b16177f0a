"""Layer 4, interview and focus-group codes: normalising codes, agreement between coders,
frequencies, co-occurrence and quotes. General tools: they know nothing of regions or files."""

from helpers import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__)
