"""Benchmark the whole batch against its floor, the per-notebook overhead, rebuilds and --jobs.

Usage::

    .venv/bin/python benchmarks/batch.py                 # all measurements, shipped data
    .venv/bin/python benchmarks/batch.py --skip-jobs     # without the --jobs 2 run
    .venv/bin/python benchmarks/batch.py --repeat 5      # more rounds (default 3)

It works on a temporary copy of the project (config, notebooks, data/raw), so the repository
is not touched, and prints, then appends to ``benchmarks/results.jsonl``:

* ``batch_s``: ``python -m helpers.pipeline run --force``, every region and the synthesis;
* ``floor_s``: the same notebooks' code run as plain calls in ONE Python process (imports paid
  once, figures still rendered to PNG, no kernels, no papermill, no export);
* ``ratio``: batch / floor;
* per notebook: kernel start + papermill overhead (notebook duration minus its cells),
  execution (sum of cells) and, for reports, the HTML export;
* ``peak_rss_mb``: the largest resident set of any process of the batch;
* ``rebuild_s``: the same command again with nothing changed (incremental: all skipped);
* ``jobs2_s`` and ``speedup``: ``--jobs 2 --force``.

Batch, floor and ``--jobs 2`` run in interleaved rounds (``--repeat``, default 3) and the
medians are reported, with every round's figures beside them: on a shared machine one run
can be 20% slower than the next.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.jsonl"


def make_copy(tmp: Path) -> Path:
    root = tmp / "project"
    for part in ("config", "notebooks"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    return root


def env_for(root: Path, tmp: Path) -> dict[str, str]:
    return {**os.environ, "ASN_EVAL_ROOT": str(root), "ASN_EVAL_KEY_FILE": str(tmp / "bench.key")}


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, proc


FLOOR = r"""
import io, json, sys, time, warnings
warnings.filterwarnings("ignore")
start = time.perf_counter()
# helpers.runner first, as in the pipeline: it keeps jsonschema's slow IRI grammars out
from helpers.runner.notebooks import REGION_NOTEBOOKS, SYNTHESIS_NOTEBOOK, batch_parameters
import nbformat
from matplotlib.figure import Figure
from helpers.core.config import load_registry
from helpers.core.config import paths

def display(*objs, **kw):
    for o in objs:  # the same rendering work a kernel does for the report
        if isinstance(o, Figure):
            o.savefig(io.BytesIO(), format="png")
        elif hasattr(o, "_repr_html_"):
            o._repr_html_()

def run(name, params):
    nb = nbformat.read(str(paths.notebooks / f"{name}.ipynb"), as_version=4)
    ns = {"display": display, **params}
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        code = "\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith("%"))
        exec(compile(code, name, "exec"), ns)

regions = list(load_registry())
for slug in regions:
    for name in REGION_NOTEBOOKS:
        run(name, batch_parameters(paths.notebooks / f"{name}.ipynb", {"region": slug}))
run(SYNTHESIS_NOTEBOOK, {"regions": ",".join(regions)})
print(json.dumps({"floor_s": time.perf_counter() - start}))
"""


def notebook_split(build: Path) -> list[dict]:
    """Kernel start + overhead vs execution per executed notebook (papermill's metadata)."""
    import nbformat

    rows = []
    for path in sorted(build.rglob("*.ipynb")):
        if path.name.startswith("."):
            continue
        nb = nbformat.read(str(path), as_version=4)
        total = nb.metadata.get("papermill", {}).get("duration") or 0.0
        cells = sum((c.metadata.get("papermill", {}).get("duration") or 0.0) for c in nb.cells)
        rows.append(
            {
                "notebook": str(path.relative_to(build)),
                "total_s": round(total, 2),
                "execution_s": round(cells, 2),
                "overhead_s": round(total - cells, 2),
            }
        )
    return rows


def export_time(root: Path, env: dict[str, str]) -> float:
    code = (
        "import time; from helpers.report.export import export_report; from helpers.core.config import paths;"
        "t=time.perf_counter(); export_report(paths.build/'kemuning'/'04-region-report.ipynb',"
        " paths.reports/'kemuning.html'); print(time.perf_counter()-t)"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"timing the export failed: {proc.stderr.strip()[-2000:]}")
    return float(proc.stdout.strip().splitlines()[-1])


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-jobs", action="store_true", help="skip the --jobs 2 run")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds of (sequential, floor, --jobs 2), interleaved; medians are reported "
        "(default 3: a shared 2-core machine varies by 20%% between runs)",
    )
    parser.add_argument("--no-save", action="store_true", help="do not append to results.jsonl")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    tmp = Path(tempfile.mkdtemp(prefix="asn-bench-"))
    try:
        root = make_copy(tmp)
        env = env_for(root, tmp)
        pipeline = [sys.executable, "-m", "helpers.pipeline", "run"]
        runs: dict[str, list[float]] = {"batch": [], "floor": [], "jobs2": []}
        for i in range(args.repeat):
            batch_s, proc = timed([*pipeline, "--force"], env)
            if proc.returncode != 0:
                print(proc.stdout[-3000:], proc.stderr[-3000:])
                return 1
            runs["batch"].append(batch_s)
            if i == 0:  # what one sequential build shows in detail
                peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                split = notebook_split(root / "reports" / "build")
                export_s = export_time(root, env)
                rebuild_s, proc = timed(pipeline, env)
            floor_s, fproc = timed([sys.executable, "-c", FLOOR], env)
            if fproc.returncode != 0:
                print(fproc.stderr[-3000:])
                return 1
            runs["floor"].append(floor_s)
            if not args.skip_jobs:
                jobs_s, proc = timed([*pipeline, "--force", "--jobs", "2"], env)
                if proc.returncode != 0:
                    print(proc.stdout[-3000:], proc.stderr[-3000:])
                    return 1
                runs["jobs2"].append(jobs_s)
        batch_s, floor_s = median(runs["batch"]), median(runs["floor"])
        result = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": git_commit(),
            "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
            "regions": 5,
            "repeat": args.repeat,
            "batch_s": round(batch_s, 1),
            "floor_s": round(floor_s, 1),
            "ratio": round(batch_s / floor_s, 2),
            "rebuild_s": round(rebuild_s, 2),
            "peak_rss_mb": round(peak_mb),
            "export_s": round(export_s, 2),
            "mean_notebook_overhead_s": round(sum(r["overhead_s"] for r in split) / len(split), 2),
            "mean_notebook_execution_s": round(
                sum(r["execution_s"] for r in split) / len(split), 2
            ),
            "batch_runs_s": [round(x, 1) for x in runs["batch"]],
            "floor_runs_s": [round(x, 1) for x in runs["floor"]],
        }
        if runs["jobs2"]:
            jobs_s = median(runs["jobs2"])
            result.update(
                jobs2_s=round(jobs_s, 1),
                speedup=round(batch_s / jobs_s, 2),
                jobs2_runs_s=[round(x, 1) for x in runs["jobs2"]],
                # each round's own ratio: the two runs of a round saw the same machine
                speedup_by_round=[
                    round(b / j, 2) for b, j in zip(runs["batch"], runs["jobs2"], strict=True)
                ],
            )
        print(json.dumps(result, indent=1))
        print(f"{'notebook':<42}{'total':>8}{'exec':>8}{'overhead':>10}")
        for r in split:
            print(f"{r['notebook']:<42}{r['total_s']:>8}{r['execution_s']:>8}{r['overhead_s']:>10}")
        if not args.no_save:
            with open(RESULTS, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(result) + "\n")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
