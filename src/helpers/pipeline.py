"""``python -m helpers.pipeline``: build every region's report (the runner, :mod:`helpers.runner`).

::

    python -m helpers.pipeline run                 # every region in config/regions.yaml
    python -m helpers.pipeline run --region medan  # one (or several) regions
    python -m helpers.pipeline --list              # the regions and their notebooks
"""

from typing import Any

from helpers.runner.cli import main

__all__ = ["main", "run_pipeline", "run_region"]  # noqa: F822 - the last two: __getattr__


def __getattr__(name: str) -> Any:
    # run_pipeline and run_region are imported when asked for, so that the command line
    # starts a run's kernel before this process imports pandas (helpers.runner.cli)
    if name == "run_pipeline":
        from helpers.runner.run import run_pipeline

        return run_pipeline
    if name == "run_region":
        from helpers.runner.regions import run_region

        return run_region
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    raise SystemExit(main())
