"""``python -m helpers.codebook``: the codebook commands (``template``, ``contract``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from helpers.core.errors import CodebookError, ConfigError, InputFileError
from helpers.core.vocabulary import TABLE_KINDS
from helpers.io.code_template import codes_template, interview_layout
from helpers.io.contract import contract_frame, contract_markdown
from helpers.io.storage import write_csv_atomic
from helpers.io.template import codebook_template

__all__ = [
    "main",
]


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------


def _template(args: argparse.Namespace) -> int:
    output = args.output or args.raw_file.with_name(f"{args.raw_file.stem}_codebook.csv")
    if output.exists() and not args.force:
        sys.stderr.write(f"error: {output} exists; use --force to overwrite it\n")
        return 1
    try:
        layout = interview_layout(args.raw_file, sheet=args.sheet)
        if layout is not None:
            return _codes_template(args, output, layout)
        frame = codebook_template(args.raw_file, sheet=args.sheet, kind=args.kind)
    except (InputFileError, ConfigError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    write_csv_atomic(frame, output)
    kind = frame.attrs.get("kind", args.kind)
    noted = int((frame["note"] != "").sum())
    sys.stdout.write(
        f"wrote {output} ({len(frame)} rows) for a table of kind "
        f"{kind}{'' if args.kind else ' (guessed; --kind to change)'}"
        f"; {noted} row(s) have a note to act on. Check every name and type against "
        "`python -m helpers.codebook contract <kind>`, then run "
        "`python -m helpers.pipeline check --region <slug>`\n"
    )
    return 0


def _codes_template(args: argparse.Namespace, output: Path, layout: str) -> int:
    draft = codes_template(args.raw_file, sheet=args.sheet)
    write_csv_atomic(draft.codes, output)
    variables = ", ".join(draft.variables) or "none"
    sys.stdout.write(
        f"{args.raw_file.name} is a {layout} export of coded interview segments: it needs no "
        f"codebook.csv rows. Wrote a draft codes.csv to {output} ({len(draft.codes)} codes; "
        "fill kind, theme and level where the note asks, then save it as "
        "data/raw/<slug>/codes.csv).\n"
        f"Variables in the export: {variables}. In config/regions.yaml, under tables:\n"
        f"      {draft.registry}\n"
    )
    return 0


def _contract(args: argparse.Namespace) -> int:
    kinds = args.kind or list(TABLE_KINDS)
    bad = [k for k in kinds if k not in TABLE_KINDS]
    if bad:
        sys.stderr.write(f"error: unknown kind(s) {bad}; expected {', '.join(TABLE_KINDS)}\n")
        return 2
    if args.csv:
        frame = contract_frame().query("kind in @kinds")
        sys.stdout.write(frame.to_csv(index=False))
    else:
        sys.stdout.write(contract_markdown(kinds))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m helpers.codebook template RAW_FILE [-o OUT.csv] [--kind K] [--sheet NAME]
    [--force]`` or ``python -m helpers.codebook contract [KIND ...] [--csv]``.

    Returns the exit status: 0 on success, 1 when the output exists (without ``--force``),
    2 when the raw file cannot be read or a kind is unknown.
    """
    parser = argparse.ArgumentParser(
        prog="python -m helpers.codebook",
        description="Codebook tools (the Python counterpart of iecodebook).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    template = commands.add_parser(
        "template",
        help="write a starting codebook (CSV) from a raw CSV/XLSX file (a draft codes.csv "
        "from a QualCoder/Taguette export)",
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
    template.add_argument(
        "--kind",
        choices=TABLE_KINDS,
        default=None,
        help="the table's kind in config/regions.yaml (default: guessed from the headers)",
    )
    template.add_argument("--force", action="store_true", help="overwrite an existing output")
    shown = commands.add_parser(
        "contract", help="the clean names, types and values each table kind needs"
    )
    shown.add_argument(
        "kind", nargs="*", help=f"table kinds (default all: {', '.join(TABLE_KINDS)})"
    )
    shown.add_argument("--csv", action="store_true", help="as CSV instead of Markdown")
    args = parser.parse_args(argv)
    if args.command == "contract":
        return _contract(args)
    try:
        return _template(args)
    except CodebookError as exc:  # pragma: no cover - reported above
        sys.stderr.write(f"error: {exc}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
