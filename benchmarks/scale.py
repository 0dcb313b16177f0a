"""How cost grows with the number of regions and with respondents: a national-scale run.

Usage::

    .venv/bin/python benchmarks/scale.py                      # N = 5 and 10, --jobs 2
    .venv/bin/python benchmarks/scale.py --regions 5 50 500   # the national scale (hours)
    .venv/bin/python benchmarks/scale.py --size-factor 2      # twice the respondents
    .venv/bin/python benchmarks/scale.py --regions 50 --dask  # also on a local Dask cluster
    .venv/bin/python benchmarks/scale.py --regions 514 --size-factor 0.5 --from-project DIR
        # DIR from `python -m helpers.simulate --scale 514 --size-factor 0.5 --root DIR`:
        # the same data, without generating them again (6-7 minutes at 514 regions)

For each N the generator writes N synthetic regions (cycling through the five programmes'
shapes) into a temporary project, and the pipeline builds them with ``--jobs``. It prints, and
appends to ``benchmarks/results.jsonl``: wall time, seconds per region, the peak memory of the
pipeline's main process (which must stay flat as N grows) and of its whole process tree
(main + kernels + workers).

With ``--dask`` the same project is also built through the distributed executor
(``--scheduler``) on a ``distributed.LocalCluster`` of ``--jobs`` worker processes (one thread
each) on this machine, so the two executors are compared at the same number of processes; the
cluster's processes count in the tree's memory.
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


def failures(log: Path) -> list[str]:
    """The rows of the pipeline's summary table that failed, and its last line (what a run
    that exits non-zero says about why)."""
    if not log.is_file():
        return []
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    failed = [ln.strip() for ln in lines if " failed " in f" {ln} " and not ln.startswith("[")]
    return failed[-20:]


def watch(
    cmd: list[str], env: dict[str, str], log: Path | None = None
) -> tuple[float, float, float, int]:
    """Run ``cmd`` (its output to ``log``); return wall seconds, peak RSS (MB) of the main
    process and of the tree, and the exit code."""
    start = time.perf_counter()
    out = open(log, "w", encoding="utf-8") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
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
    if log:
        out.close()
    return time.perf_counter() - start, peak_main / 2**20, peak_tree / 2**20, proc.returncode


def watch_with(cluster_pids: list[int], cmd: list[str], env: dict[str, str], log: Path):
    """:func:`watch`, with the peak memory of the cluster's processes added to the tree's."""
    start = time.perf_counter()
    out = open(log, "w", encoding="utf-8")  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    main = psutil.Process(proc.pid)
    others = [psutil.Process(p) for p in cluster_pids]
    peak_main = peak_tree = 0.0
    while proc.poll() is None:
        try:
            rss_main = main.memory_info().rss
            tree = rss_main + sum(c.memory_info().rss for c in main.children(recursive=True))
            for other in others:
                tree += other.memory_info().rss
                tree += sum(c.memory_info().rss for c in other.children(recursive=True))
            peak_main, peak_tree = max(peak_main, rss_main), max(peak_tree, tree)
        except psutil.Error:
            pass
        time.sleep(0.2)
    out.close()
    return time.perf_counter() - start, peak_main / 2**20, peak_tree / 2**20, proc.returncode


def run_dask(
    root: Path, env: dict[str, str], jobs: int, log: Path
) -> tuple[float, float, float, int]:
    """The pipeline with ``--scheduler`` on a LocalCluster of ``jobs`` worker processes (whose
    environment names the temporary project, as a real cluster's workers see the folder)."""
    from distributed import LocalCluster

    saved = dict(os.environ)
    os.environ.update(env)  # the worker processes inherit it
    try:
        with LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:  # fmt: skip
            pids = [w.process.pid for w in cluster.workers.values()]
            cmd = [sys.executable, "-m", "helpers.pipeline", "run", "--force",
                   "--scheduler", cluster.scheduler_address]  # fmt: skip
            return watch_with(pids, cmd, env, log)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def copy_generated(source: Path, root: Path, n: int) -> None:
    """The config and raw data of a project generated earlier (``helpers.simulate --scale n
    --root source``) into ``root``: the same data as a new generation, without its minutes."""
    regions = [p for p in (source / "data" / "raw").iterdir() if p.is_dir()]
    if len(regions) != n:
        raise SystemExit(f"{source} has {len(regions)} regions under data/raw, not {n}")
    shutil.copytree(source / "config", root / "config")
    shutil.copytree(source / "data" / "raw", root / "data" / "raw")


def run(
    n: int, *, jobs: int, size_factor: float, dask: bool = False, source: Path | None = None
) -> dict:
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
        if source is not None:
            copy_generated(source, root, n)
        else:
            _generate(n, size_factor, root)
        generate_s = time.perf_counter() - t0
        log = tmp / "jobs.log"
        wall, main_mb, tree_mb, code = watch(
            [sys.executable, "-m", "helpers.pipeline", "run", "--jobs", str(jobs)], env, log
        )
        extra: dict = {"failed": failures(log)} if code else {}
        if dask:
            d_log = tmp / "dask.log"
            d_wall, d_main, d_tree, d_code = run_dask(root, env, jobs, d_log)
            if d_code:
                extra["dask_failed"] = failures(d_log)
            extra.update(
                {
                    "dask_batch_s": round(d_wall, 1),
                    "dask_s_per_region": round(d_wall / n, 1),
                    "dask_vs_jobs": round(d_wall / wall, 2),
                    "dask_peak_main_mb": round(d_main),
                    "dask_peak_tree_mb": round(d_tree),
                    "dask_exit": d_code,
                }
            )
        return {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "kind": "scale",
            "regions": n,
            "size_factor": size_factor,
            "jobs": jobs,
            "generate_s": round(generate_s, 1),
            "data": "copied from a generated project" if source is not None else "generated",
            "batch_s": round(wall, 1),
            "s_per_region": round(wall / n, 1),
            "peak_main_mb": round(main_mb),
            "peak_tree_mb": round(tree_mb),
            "exit": code,
            **extra,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _generate(n: int, size_factor: float, root: Path) -> None:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--size-factor", type=float, default=1.0)
    parser.add_argument("--dask", action="store_true", help="also on a local Dask cluster")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument(
        "--from-project",
        type=Path,
        help="copy config and data/raw from a project generated earlier with python -m "
        "helpers.simulate --scale N --size-factor F --root DIR (one N only; give the same F)",
    )
    args = parser.parse_args(argv)
    if args.from_project and len(args.regions) != 1:
        parser.error("--from-project takes one --regions value (its number of regions)")
    print(f"{'regions':>8}{'batch s':>10}{'s/region':>10}{'main MB':>9}{'tree MB':>9}{'exit':>6}")
    for n in args.regions:
        r = run(
            n,
            jobs=args.jobs,
            size_factor=args.size_factor,
            dask=args.dask,
            source=args.from_project,
        )
        print(
            f"{r['regions']:>8}{r['batch_s']:>10}{r['s_per_region']:>10}"
            f"{r['peak_main_mb']:>9}{r['peak_tree_mb']:>9}{r['exit']:>6}"
        )
        for line in r.get("failed", []) + r.get("dask_failed", []):
            print(f"    {line}")
        if args.dask:
            print(
                f"{'dask':>8}{r['dask_batch_s']:>10}{r['dask_s_per_region']:>10}"
                f"{r['dask_peak_main_mb']:>9}{r['dask_peak_tree_mb']:>9}{r['dask_exit']:>6}"
                f"   ({r['dask_vs_jobs']}x the --jobs run)"
            )
        if not args.no_save:
            with open(RESULTS, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(r) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
