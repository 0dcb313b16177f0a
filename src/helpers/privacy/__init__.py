"""Layer 4, personal data: NIP checks, keyed pseudonyms, de-identification of quotes and the
disclosure rules. General tools: they know nothing of regions, files or notebooks."""

from helpers import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__)
