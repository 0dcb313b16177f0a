"""``python -m helpers.codebook``: the codebook command (``template``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from helpers.core.errors import InputFileError
from helpers.io.storage import write_csv_atomic
from helpers.io.template import codebook_template

__all__ = [
    "main",
]


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m helpers.codebook template RAW_FILE [-o OUT.csv] [--sheet NAME] [--force]``.

    Returns the exit status: 0 on success, 1 when the output exists (without ``--force``),
    2 when the raw file cannot be read.
    """
    parser = argparse.ArgumentParser(
        prog="python -m helpers.codebook",
        description="Codebook tools (the Python counterpart of iecodebook).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    template = commands.add_parser(
        "template", help="write a starting codebook (CSV) from a raw CSV/XLSX file"
    )
    template.add_argument("raw_file", type=Path, help="the raw export")
    template.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="where to write (default: <raw file stem>_codebook.csv beside the raw file)",
    )
    template.add_argument("--sheet", default=None, help="XLSX sheet (default: the first)")
    template.add_argument("--force", action="store_true", help="overwrite an existing output")
    args = parser.parse_args(argv)

    output = args.output or args.raw_file.with_name(f"{args.raw_file.stem}_codebook.csv")
    if output.exists() and not args.force:
        sys.stderr.write(f"error: {output} exists; use --force to overwrite it\n")
        return 1
    try:
        frame = codebook_template(args.raw_file, sheet=args.sheet)
    except InputFileError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    write_csv_atomic(frame, output)
    sys.stdout.write(f"wrote {output} ({len(frame)} rows); check every guessed name and type\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
