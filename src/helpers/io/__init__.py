"""Layer 5, reading and writing: raw tables, KoboToolbox and Google Forms exports, coded
interview segments, codebooks, table schemas and atomic writes."""

from helpers import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__)
