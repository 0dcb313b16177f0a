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
(main + kernels + workers), and the CPU seconds of the main process, the kernels and the
workers (the papermill clients, data checks, exports and disclosure scans), with the cores
they kept busy on average (CPU seconds / wall): near the machine's cores, the run is bound by
the work itself and only less work per region makes it faster.

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


def _role(proc: psutil.Process) -> str:
    """What a process of the run is: the pipeline's main process, a kernel, or a worker."""
    try:
        cmd = " ".join(proc.cmdline())
    except psutil.Error:
        return "other"
    if "ipykernel" in cmd:
        return "kernels"
    if "helpers.pipeline" in cmd:
        return "main"
    return "workers"  # the pool's (or the cluster's) processes


class _Tree:
    """Samples a run's processes: peak memory of the main process and of the tree, and the CPU
    seconds of each process (its last sample), summed by role."""

    def __init__(self, main: psutil.Process, others: list[psutil.Process]) -> None:
        self.main, self.others = main, others
        self.peak_main = self.peak_tree = 0.0
        self.cpu: dict[int, tuple[str, float]] = {}

    def sample(self) -> None:
        try:
            procs = [self.main, *self.main.children(recursive=True)]
            for other in self.others:
                procs += [other, *other.children(recursive=True)]
            tree = 0
            for proc in procs:
                with proc.oneshot():
                    tree += proc.memory_info().rss
                    times = proc.cpu_times()
                role = self.cpu[proc.pid][0] if proc.pid in self.cpu else _role(proc)
                self.cpu[proc.pid] = (role, times.user + times.system)
            rss_main = self.main.memory_info().rss
            self.peak_main, self.peak_tree = (
                max(self.peak_main, rss_main),
                max(self.peak_tree, tree),
            )
        except psutil.Error:
            pass

    def cpu_by_role(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for role, seconds in self.cpu.values():
            out[role] = round(out.get(role, 0.0) + seconds, 1)
        return out


def watch(
    cmd: list[str], env: dict[str, str], log: Path | None = None, others: list[int] = ()
) -> tuple[float, _Tree, int]:
    """Run ``cmd`` (its output to ``log``), sampling its tree (and the processes ``others``,
    e.g. a cluster's, with their children) every 0.2 s; return wall seconds, the samples and
    the exit code."""
    start = time.perf_counter()
    out = open(log, "w", encoding="utf-8") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    tree = _Tree(psutil.Process(proc.pid), [psutil.Process(p) for p in others])
    while proc.poll() is None:
        tree.sample()
        time.sleep(0.2)
    if log:
        out.close()
    return time.perf_counter() - start, tree, proc.returncode


def run_dask(root: Path, env: dict[str, str], jobs: int, log: Path) -> tuple[float, _Tree, int]:
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
            return watch(cmd, env, log, others=pids)
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
        wall, tree, code = watch(
            [sys.executable, "-m", "helpers.pipeline", "run", "--jobs", str(jobs)], env, log
        )
        cpu = tree.cpu_by_role()
        extra: dict = {"failed": failures(log)} if code else {}
        if dask:
            d_log = tmp / "dask.log"
            d_wall, d_tree, d_code = run_dask(root, env, jobs, d_log)
            if d_code:
                extra["dask_failed"] = failures(d_log)
            extra.update(
                {
                    "dask_batch_s": round(d_wall, 1),
                    "dask_s_per_region": round(d_wall / n, 1),
                    "dask_vs_jobs": round(d_wall / wall, 2),
                    "dask_peak_main_mb": round(d_tree.peak_main / 2**20),
                    "dask_peak_tree_mb": round(d_tree.peak_tree / 2**20),
                    "dask_cpu_s": d_tree.cpu_by_role(),
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
            "peak_main_mb": round(tree.peak_main / 2**20),
            "peak_tree_mb": round(tree.peak_tree / 2**20),
            "cpu_s": cpu,
            "cores_busy": round(sum(cpu.values()) / wall, 2),
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
        split = ", ".join(f"{role} {sec:.0f}" for role, sec in sorted(r["cpu_s"].items()))
        print(f"    CPU seconds: {split}; {r['cores_busy']} cores busy on average")
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
