"""The example-data generator: seeded synthetic exports for the five shipped regions (and N
regions for scale runs), with the true effects in ``data/truth``. It stands beside the layers:
tests and ``make data`` use it, the analysis never does.

``python -m helpers.simulate`` regenerates ``data/raw``.
"""

from helpers.simulate.common import DEFAULT_SEED
from helpers.simulate.driver import generate_all, generate_many, generate_region
from helpers.simulate.plans import REGIONS

__all__ = ["generate_region", "generate_all", "generate_many", "REGIONS", "DEFAULT_SEED"]
