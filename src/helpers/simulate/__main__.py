"""``python -m helpers.simulate``."""

from helpers.simulate.cli import main

raise SystemExit(main())
