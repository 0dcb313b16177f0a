"""``python -m helpers.simulate``: regenerate the shipped example data."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from helpers.core.config import ProjectPaths, paths
from helpers.simulate.common import DEFAULT_SEED
from helpers.simulate.driver import generate_all, generate_many
from helpers.simulate.plans import REGIONS

__all__ = [
    "main",
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.simulate",
        description="Write the synthetic example data to data/raw/<region>/ and the true "
        "effects to data/truth/<region>.json.",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--region", action="append", choices=sorted(REGIONS), help="only this region (repeatable)"
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=None,
        metavar="N",
        help="write N regions (a national-scale run) under --root, with their registry",
    )
    parser.add_argument(
        "--size-factor",
        type=float,
        default=1.0,
        help="with --scale: multiply each region's staff (and respondents) by this",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="write under this project root instead of the repository",
    )
    args = parser.parse_args(argv)
    project = ProjectPaths(args.root.resolve()) if args.root else paths
    if args.scale is not None:
        if args.root is None:
            parser.error("--scale writes a whole registry: give it --root DIR")
        slugs = generate_many(
            args.scale, seed=args.seed, project=project, size_factor=args.size_factor
        )
        print(f"{len(slugs)} regions -> {project.raw} (registry {project.config_file})")
        return 0
    for slug, truth in generate_all(seed=args.seed, regions=args.region, project=project).items():
        print(
            f"{slug:10s} {truth['n_staff']:5d} ASN, {truth['n_treated']:4d} trained "
            f"-> {project.raw / slug}"
        )
    return 0
