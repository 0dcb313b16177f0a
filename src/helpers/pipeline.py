"""``python -m helpers.pipeline``: build every region's report (the runner, :mod:`helpers.runner`).

::

    python -m helpers.pipeline run                 # every region in config/regions.yaml
    python -m helpers.pipeline run --region medan  # one (or several) regions
    python -m helpers.pipeline --list              # the regions and their notebooks
"""

from helpers.runner.cli import main
from helpers.runner.regions import run_region
from helpers.runner.run import run_pipeline

__all__ = ["main", "run_pipeline", "run_region"]

if __name__ == "__main__":
    raise SystemExit(main())
