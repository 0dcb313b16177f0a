"""Layer 2, the runner: runs each region's notebooks through papermill (in sequence in one
shared kernel, on local worker processes, or on a Dask cluster), skips what did not change and
keeps one region's failure from stopping the others."""

from helpers.runner.imports import skip_slow_optional_imports

skip_slow_optional_imports()  # before papermill/nbconvert import nbformat
