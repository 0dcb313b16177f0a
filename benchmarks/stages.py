"""Stage profile: where each region's plain-Python work spends its time.

Usage::

    .venv/bin/python benchmarks/stages.py                    # every shipped region
    .venv/bin/python benchmarks/stages.py --region medan     # one (or several) regions
    .venv/bin/python benchmarks/stages.py --label after --repeat 3

In ONE process, on a temporary copy of the project (config, notebooks, data/raw; the
repository is not touched), each region goes through what a pipeline run does, without
kernels or papermill: the data check, notebooks 01-04's code cells (executed as plain
Python, figures rendered as the kernel would), the HTML export of the report and the
disclosure scan. The functions that do each kind of work are timed where the notebooks call
them; a call's time goes to its own stage, minus the time of the timed calls inside it (so
reading a file inside the data check counts as ``read``, not ``check``). The stages:

* ``read``: raw files (:func:`helpers.io.reading.read_table`, exports, interview sheets,
  review files), every time a file is read;
* ``check``: the contract check before a build (``require_ready``, the fingerprint);
* ``codebook``: loading and applying the codebook (rename, types, labels, ranges);
* ``nip``: NIP validation and pseudonyms;
* ``mask``: masking names, NIPs, phones and e-mails in free text and the log;
* ``duplicates``: finding and resolving repeated submissions;
* ``schemas``: schema validation before tables are written;
* ``write``: Parquet and CSV written atomically;
* ``clean``: the rest of notebook 01 (scales, corrections, logs, its cells);
* ``codes``: notebook 02 (interview codes, agreement);
* ``estimation``: notebook 03's loading, estimators and writing;
* ``figures``: drawing (:mod:`helpers.steps.plots`) and rendering (``Figure.savefig``);
* ``report``: notebook 04's sections;
* ``export``: the executed report notebook to HTML;
* ``scan``: the disclosure scan of everything written.

The imports are paid once, before the first region, and reported as ``imports``. It prints
a table (seconds per stage per region; with ``--repeat``, each figure is the median over the
rounds) and appends one line to ``benchmarks/results.jsonl`` with ``"kind": "stages"``.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.jsonl"

STAGES = (
    "read",
    "check",
    "codebook",
    "nip",
    "mask",
    "duplicates",
    "schemas",
    "write",
    "clean",
    "codes",
    "estimation",
    "figures",
    "report",
    "export",
    "scan",
)

#: (module, attribute, stage): the functions timed, where they are defined; every module that
#: imported the same function object is patched too.
TIMED = (
    ("helpers.io.reading", "read_table", "read"),
    ("helpers.io.sources", "read_export", "read"),
    ("helpers.io.sources", "_workbook_shapes", "read"),
    ("helpers.io.segments", "_read_raw", "read"),
    ("helpers.io.storage", "read_csv_for_people", "read"),
    ("helpers.steps.check", "require_ready", "check"),
    ("helpers.runner.fingerprint", "region_fingerprint", "check"),
    ("helpers.core.config", "check_region_files", "check"),
    ("helpers.io.codebook", "load_codebook", "codebook"),
    ("helpers.io.recode", "apply_codebook", "codebook"),
    ("helpers.steps.check", "codebook_problems", "codebook"),
    ("helpers.privacy.nip", "validate_nip", "nip"),
    ("helpers.privacy.pseudonym", "pseudonymise", "nip"),
    ("helpers.privacy.deidentify", "mask_series", "mask"),
    ("helpers.survey.duplicates", "find_duplicates", "duplicates"),
    ("helpers.survey.duplicates", "resolve_duplicates", "duplicates"),
    ("helpers.survey.duplicates", "merge_duplicate_decisions", "duplicates"),
    ("helpers.io.schemas", "validate", "schemas"),
    ("helpers.io.storage", "write_parquet_atomic", "write"),
    ("helpers.io.storage", "write_csv_atomic", "write"),
    ("helpers.steps.cleaning", "clean_region", "clean"),
    ("helpers.steps.cleaning", "write_cleaning", "clean"),
    ("helpers.steps.qualitative", "clean_region_codes", "codes"),
    ("helpers.steps.qualitative", "write_region_codes", "codes"),
    ("helpers.steps.analysis", "load_processed", "estimation"),
    ("helpers.steps.analysis", "estimate_region", "estimation"),
    ("helpers.steps.analysis", "write_effects", "estimation"),
    ("helpers.steps.sections", "load_report", "report"),
    ("helpers.report.export", "export_report", "export"),
    ("helpers.steps.scan", "scan_region", "scan"),
)
#: Notebook cells not inside any timed call go to their notebook's stage.
NOTEBOOK_STAGES = {
    "01-clean-survey": "clean",
    "02-clean-interviews": "codes",
    "03-estimate-effects": "estimation",
    "04-region-report": "report",
}


class StageClock:
    """Self time per stage: a timed call's time minus the timed calls inside it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._stack: list[list[float]] = []  # per open call: [start, time of nested calls]

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        self._stack.append([start, 0.0])
        try:
            yield
        finally:
            _, nested = self._stack.pop()
            spent = time.perf_counter() - start
            self.seconds[name] += spent - nested
            if self._stack:
                self._stack[-1][1] += spent

    def wrap(self, fn: Callable[..., Any], name: str) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return fn(*args, **kwargs)

        timed.__wrapped_stage__ = name  # type: ignore[attr-defined]
        return timed

    def take(self) -> dict[str, float]:
        out = dict(self.seconds)
        self.seconds.clear()
        return out


def install(clock: StageClock) -> None:
    """Patch every timed function, and ``Figure.savefig``, in every module that holds it."""
    import importlib

    import matplotlib.figure

    import helpers.steps.plots as plots

    timed = [(m, a, s) for m, a, s in TIMED]
    timed += [
        ("helpers.steps.plots", a, "figures")
        for a in plots.__all__
        if callable(getattr(plots, a)) and not isinstance(getattr(plots, a), type)
    ]
    modules = [
        m for m in list(sys.modules.values()) if getattr(m, "__name__", "").startswith("helpers")
    ]
    for module_name, attr, stage in timed:
        original = getattr(importlib.import_module(module_name), attr)
        wrapped = clock.wrap(original, stage)
        for mod in modules:
            for key, value in list(vars(mod).items()):
                if value is original:
                    setattr(mod, key, wrapped)
    savefig = matplotlib.figure.Figure.savefig
    matplotlib.figure.Figure.savefig = clock.wrap(savefig, "figures")


def import_everything() -> None:
    """What the notebooks, the export and the scan import."""
    import helpers.report.export  # noqa: F401
    import helpers.runner.fingerprint  # noqa: F401
    import helpers.steps.analysis  # noqa: F401
    import helpers.steps.check  # noqa: F401
    import helpers.steps.cleaning  # noqa: F401
    import helpers.steps.plots  # noqa: F401
    import helpers.steps.qualitative  # noqa: F401
    import helpers.steps.scan  # noqa: F401
    import helpers.steps.sections  # noqa: F401


def _bundle(obj: Any) -> dict[str, Any] | None:
    """The display data a kernel would make of ``obj`` (HTML, PNG or text)."""
    import base64

    from matplotlib.figure import Figure

    if obj is None:
        return None
    if hasattr(obj, "_repr_html_"):
        html = obj._repr_html_()
        if html is not None:
            return {"text/html": html, "text/plain": repr(obj)[:200]}
    if isinstance(obj, Figure):
        if hasattr(obj, "_repr_png_"):
            data = obj._repr_png_()
            data = data[0] if isinstance(data, tuple) else data
        else:
            buffer = io.BytesIO()
            obj.savefig(buffer, format="png", bbox_inches="tight")
            data = buffer.getvalue()
        return {"image/png": base64.b64encode(data).decode("ascii"), "text/plain": "<Figure>"}
    return {"text/plain": str(obj)}


def run_notebook(
    clock: StageClock, name: str, params: dict[str, Any], notebooks: Path, build: Path
) -> Path:
    """Execute a notebook's code cells in one namespace, as a kernel would, and save it with
    its outputs (for the export); returns the saved notebook."""
    import ast

    import nbformat

    nb = nbformat.read(str(notebooks / f"{name}.ipynb"), as_version=4)
    outputs: list[dict[str, Any]] = []

    def display(*objs: Any, **_kw: Any) -> None:
        for o in objs:
            data = _bundle(o)
            if data:
                outputs.append(nbformat.v4.new_output("display_data", data=data, metadata={}))

    ns: dict[str, Any] = {"display": display, "__name__": "__main__", **params}
    stage = NOTEBOOK_STAGES.get(name, "report")
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            continue
        code = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith("%")
        )
        tree = ast.parse(code)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        outputs.clear()
        with clock.stage(stage):
            exec(compile(tree, name, "exec"), ns)
            if last is not None:
                value = eval(compile(last, name, "eval"), ns)
                data = _bundle(value)
                if data:
                    outputs.append(
                        nbformat.v4.new_output(
                            "execute_result", data=data, metadata={}, execution_count=1
                        )
                    )
        cell.outputs = list(outputs)
    build.mkdir(parents=True, exist_ok=True)
    target = build / f"{name}.ipynb"
    nbformat.write(nb, str(target))
    return target


def profile_region(clock: StageClock, slug: str) -> dict[str, float]:
    """One region's stages, in the pipeline's order (check, notebooks, export, scan)."""
    from helpers.core.config import check_region_files, load_registry, paths
    from helpers.report.export import export_report
    from helpers.runner.fingerprint import region_fingerprint
    from helpers.runner.notebooks import REGION_NOTEBOOKS, batch_parameters
    from helpers.steps.check import require_ready
    from helpers.steps.scan import scan_region

    region = load_registry()[slug]
    clock.take()
    start = time.perf_counter()
    with clock.stage("check"):
        check_region_files(region, paths)
        region_fingerprint(region, project=paths)
        require_ready(region, project=paths)
    build = paths.build / slug
    notebook = None
    for name in REGION_NOTEBOOKS:
        params = batch_parameters(paths.notebooks / f"{name}.ipynb", region.parameters())
        notebook = run_notebook(clock, name, params, paths.notebooks, build)
    report = paths.report_file(slug)
    export_report(notebook, report, language=region.language)
    targets = [paths.processed_region(slug), paths.review_region(slug), report]
    # as the runner does: a region nobody reviewed yet has no review folder
    findings = scan_region(region, paths, targets=[t for t in targets if t.exists()])
    if len(findings):
        raise SystemExit(f"{slug}: the disclosure scan found {len(findings)} problem(s)")
    seconds = clock.take()
    seconds["total"] = time.perf_counter() - start
    return seconds


def make_copy(tmp: Path, source: Path = ROOT, slugs: list[str] | None = None) -> Path:
    """A project to profile in ``tmp``: this repository's notebooks, ``source``'s config and
    raw data (only ``slugs``' folders when given, so a national project copies a few)."""
    root = tmp / "project"
    shutil.copytree(source / "config", root / "config")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    raw = source / "data" / "raw"
    if slugs is None:
        shutil.copytree(raw, root / "data" / "raw")
    else:
        for slug in slugs:
            shutil.copytree(raw / slug, root / "data" / "raw" / slug)
    return root


def spread(slugs: list[str], n: int) -> list[str]:
    """``n`` of ``slugs`` evenly spaced in registry order (all of them when n >= len)."""
    if n >= len(slugs):
        return list(slugs)
    return [slugs[round(i * (len(slugs) - 1) / max(n - 1, 1))] for i in range(n)]


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def median(xs: list[float]) -> float:
    xs = sorted(xs)
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def print_table(profile: dict[str, dict[str, float]]) -> None:
    columns = [*STAGES, "total"]
    width = max([11, *(len(r) + 2 for r in profile)])
    print(f"{'stage':<12}" + "".join(f"{r:>{width}}" for r in profile) + f"{'all':>9}")
    for stage in columns:
        values = [profile[r].get(stage, 0.0) for r in profile]
        cells = "".join(f"{v:>{width}.2f}" for v in values)
        print(f"{stage:<12}" + cells + f"{sum(values):>9.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--region", action="append", help="a region slug (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; medians are reported")
    parser.add_argument("--label", default="", help="a word saved with the result (before...)")
    parser.add_argument("--no-save", action="store_true", help="do not append to results.jsonl")
    parser.add_argument(
        "--from-project",
        type=Path,
        help="profile the regions of a generated project (benchmarks/scale.py, "
        "helpers.simulate --root) instead of the shipped ones",
    )
    parser.add_argument(
        "--sample", type=int, help="profile N regions evenly spaced in the registry"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.sample is not None and args.sample < 1:
        parser.error("--sample must be at least 1")
    warnings.filterwarnings("ignore")
    source = (args.from_project or ROOT).resolve()
    chosen = args.region
    if args.sample:
        import yaml

        with open(source / "config" / "regions.yaml", encoding="utf-8") as fh:
            registered = [r["slug"] for r in yaml.safe_load(fh)["regions"]]
        chosen = spread(registered, args.sample)
    tmp = Path(tempfile.mkdtemp(prefix="asn-stages-"))
    try:
        root = make_copy(tmp, source, chosen)
        os.environ["ASN_EVAL_ROOT"] = str(root)
        os.environ["ASN_EVAL_KEY_FILE"] = str(tmp / "bench.key")
        start = time.perf_counter()
        import_everything()
        imports_s = time.perf_counter() - start
        clock = StageClock()
        install(clock)
        from helpers.core.config import load_registry

        slugs = chosen or list(load_registry())
        rounds: dict[str, list[dict[str, float]]] = {s: [] for s in slugs}
        for _ in range(args.repeat):
            for slug in slugs:
                rounds[slug].append(profile_region(clock, slug))
        profile = {
            slug: {
                stage: round(median([r.get(stage, 0.0) for r in runs]), 3)
                for stage in [*STAGES, "total"]
            }
            for slug, runs in rounds.items()
        }
        print(f"imports: {imports_s:.2f} s")
        print_table(profile)
        result = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "kind": "stages",
            "label": args.label,
            "commit": git_commit(),
            "machine": f"{platform.machine()} {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
            "repeat": args.repeat,
            "project": str(args.from_project) if args.from_project else "shipped",
            "imports_s": round(imports_s, 2),
            "total_s": round(sum(p["total"] for p in profile.values()), 2),
            "stages_s": {
                stage: round(sum(p[stage] for p in profile.values()), 2) for stage in STAGES
            },
            "regions": profile,
        }
        if not args.no_save:
            with open(RESULTS, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(result) + "\n")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
