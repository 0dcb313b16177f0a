"""Layer 5, the base: configuration and paths, the project's errors, and number and HTML
formatting for readers. Imports nothing else of :mod:`helpers`."""

from helpers import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__)
