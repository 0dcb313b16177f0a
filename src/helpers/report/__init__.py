"""Layer 2, the report builder: an executed notebook becomes one offline HTML page; the index
lists every region."""

from helpers.runner.imports import skip_slow_optional_imports

skip_slow_optional_imports()  # before nbconvert imports nbformat
