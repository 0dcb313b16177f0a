"""How cost grows with the number of regions and with respondents: a national-scale run.

Usage::

    .venv/bin/python benchmarks/scale.py                      # N = 5 and 10, --jobs 2
    .venv/bin/python benchmarks/scale.py --regions 5 50 500   # the national scale (hours)
    .venv/bin/python benchmarks/scale.py --size-factor 2      # twice the respondents

For each N the generator writes N synthetic regions (cycling through the five programmes'
shapes) into a temporary project, and the pipeline builds them with ``--jobs``. It prints, and
appends to ``benchmarks/results.jsonl``: wall time, seconds per region, the peak memory of the
pipeline's main process (which must stay flat as N grows) and of its whole process tree
(main + kernels + workers).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.jsonl"


def watch(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Run ``cmd``; return wall seconds, peak RSS (MB) of the main process and of the tree,
    and the exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    main = psutil.Process(proc.pid)
    peak_main = peak_tree = 0.0
    while proc.poll() is None:
        try:
            rss_main = main.memory_info().rss
            tree = rss_main + sum(c.memory_info().rss for c in main.children(recursive=True))
            peak_main, peak_tree = max(peak_main, rss_main), max(peak_tree, tree)
        except psutil.Error:
            pass
        time.sleep(0.2)
    return time.perf_counter() - start, peak_main / 2**20, peak_tree / 2**20, proc.returncode


def run(n: int, *, jobs: int, size_factor: float) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"asn-scale-{n}-"))
    try:
        root = tmp / "project"
        shutil.copytree(ROOT / "notebooks", root / "notebooks")
        env = {
            **os.environ,
            "ASN_EVAL_ROOT": str(root),
            "ASN_EVAL_KEY_FILE": str(tmp / "scale.key"),
        }
        t0 = time.perf_counter()  # the generator reads the repository's registry: its own env
        subprocess.run(
            [
                sys.executable,
                "-m",
                "helpers.simulate",
                "--scale",
                str(n),
                "--size-factor",
                str(size_factor),
                "--root",
                str(root),
            ],
            env=dict(os.environ),
            check=True,
            capture_output=True,
        )
        generate_s = time.perf_counter() - t0
        wall, main_mb, tree_mb, code = watch(
            [sys.executable, "-m", "helpers.pipeline", "run", "--jobs", str(jobs)], env
        )
        return {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "kind": "scale",
            "regions": n,
            "size_factor": size_factor,
            "jobs": jobs,
            "generate_s": round(generate_s, 1),
            "batch_s": round(wall, 1),
            "s_per_region": round(wall / n, 1),
            "peak_main_mb": round(main_mb),
            "peak_tree_mb": round(tree_mb),
            "exit": code,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--size-factor", type=float, default=1.0)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    print(f"{'regions':>8}{'batch s':>10}{'s/region':>10}{'main MB':>9}{'tree MB':>9}{'exit':>6}")
    for n in args.regions:
        r = run(n, jobs=args.jobs, size_factor=args.size_factor)
        print(
            f"{r['regions']:>8}{r['batch_s']:>10}{r['s_per_region']:>10}"
            f"{r['peak_main_mb']:>9}{r['peak_tree_mb']:>9}{r['exit']:>6}"
        )
        if not args.no_save:
            with open(RESULTS, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(r) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
