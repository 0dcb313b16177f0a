"""Run a growing set of tasks on a pool of worker processes, most urgent first.

The pipeline's parallel run is a small task graph: per region, notebooks ``01`` and ``02`` are
independent, ``03`` needs ``01``, ``04`` needs all three, and the synthesis needs every
region's ``03``. Running whole regions in parallel leaves a core idle whenever the regions are
uneven (five regions on two cores is the shipped case), so :func:`run_tasks` schedules single
notebooks instead, the way a build system schedules a dependency graph:

* at most ``workers`` tasks run at once, each in a worker process that lives for the whole run
  (so a worker's kernel and imports are paid once);
* when a worker is free it gets the ready task with the highest ``priority`` (the pipeline uses
  the estimated time to the end of the graph from that task, the *critical path* rule of list
  scheduling), ties going to the task added first;
* when a task ends, ``on_result`` is called in the calling process with the task and its result
  (or the exception it raised) and returns the tasks that became ready, so dependencies,
  failures and what to skip stay with the caller.

This module knows nothing about notebooks; tests drive it with plain functions.
"""

from __future__ import annotations

import heapq
import itertools
import multiprocessing
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Task", "Outcome", "run_tasks", "critical_path"]


@dataclass(frozen=True)
class Task:
    """One unit of work: ``fn(*args)`` in a worker process.

    ``fn`` and ``args`` must be picklable (a module-level function and plain values).
    """

    key: Hashable
    fn: Callable[..., Any]
    args: tuple = ()
    priority: float = 0.0


@dataclass(frozen=True)
class Outcome:
    """What a task gave back: its ``result``, or the ``error`` it raised (then ``result`` is
    None). A worker process that died takes its task down with ``BrokenProcessPool``."""

    task: Task
    result: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(order=True)
class _Queued:
    sort_key: tuple[float, int]
    task: Task = field(compare=False)


def run_tasks(
    initial: Iterable[Task],
    on_result: Callable[[Outcome], Iterable[Task]],
    *,
    workers: int,
    mp_context: str = "spawn",
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
) -> None:
    """Run ``initial`` and every task ``on_result`` adds, at most ``workers`` at a time.

    Parameters
    ----------
    initial
        Tasks ready to run now.
    on_result
        Called in this process as each task ends, in the order they end; returns the tasks
        that are now ready (an empty list when none). It is never called concurrently.
    workers
        Number of worker processes (at least 1).
    mp_context
        ``multiprocessing`` start method. ``spawn`` (the default) gives each worker a clean
        interpreter, which Jupyter kernels and threads in the caller require.
    initializer, initargs
        Run once in each worker when it starts.

    Notes
    -----
    Tasks are handed out only when a worker is free, so a task added later with a higher
    priority still overtakes those waiting. If a worker process dies, the tasks it and the
    others were running end with ``BrokenProcessPool`` and a new pool runs the rest.
    It returns when the last task has ended, without waiting for the worker processes to
    exit (a worker's exit shuts down its kernel, about 0.6 s): they exit beside what the
    caller does next, and the interpreter waits for them before it exits. When ``on_result``
    raises, the workers are stopped before the error propagates.

    Examples
    --------
    >>> import operator
    >>> seen = []
    >>> def done(outcome):
    ...     seen.append(outcome.result)
    ...     return [Task("b", operator.add, (outcome.result, 1))] if outcome.task.key == "a" else []
    >>> run_tasks([Task("a", operator.mul, (6, 7))], done, workers=1)
    >>> seen
    [42, 43]
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    counter = itertools.count()
    ready: list[_Queued] = []

    def push(tasks: Iterable[Task]) -> None:
        for t in tasks:
            heapq.heappush(ready, _Queued((-t.priority, next(counter)), t))

    push(initial)
    ctx = multiprocessing.get_context(mp_context)

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=initializer, initargs=initargs
        )

    pool = new_pool()
    running: dict[Future, Task] = {}
    ended = False
    try:
        while ready or running:
            while ready and len(running) < workers:
                task = heapq.heappop(ready).task
                try:
                    running[pool.submit(task.fn, *task.args)] = task
                except BrokenProcessPool:
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = new_pool()
                    running[pool.submit(task.fn, *task.args)] = task
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            # report in submission order when several end together, for a stable log
            for fut in sorted(finished, key=lambda f: list(running).index(f)):
                task = running.pop(fut)
                try:
                    outcome = Outcome(task, result=fut.result())
                except BaseException as exc:  # noqa: BLE001 - the caller decides what it means
                    outcome = Outcome(task, error=exc)
                push(on_result(outcome))
        ended = True
    finally:
        # after the last task the workers exit (and shut their kernels down) while the caller
        # goes on; the interpreter waits for them at exit. After an error, here and now.
        pool.shutdown(wait=not ended, cancel_futures=True)


def critical_path(
    costs: dict[Hashable, float], successors: dict[Hashable, Iterable[Hashable]]
) -> dict[Hashable, float]:
    """Each node's cost plus the costliest path after it (its *upward rank*).

    Running the ready task with the largest value first is the classic list-scheduling rule
    (HEFT's rank, Graham's critical-path heuristic): work that holds up the most work after it
    starts first.

    Examples
    --------
    >>> critical_path({"a": 2, "b": 1, "c": 3}, {"a": ["c"], "b": ["c"], "c": []})
    {'a': 5.0, 'b': 4.0, 'c': 3.0}
    """
    rank: dict[Hashable, float] = {}

    def visit(node: Hashable, trail: tuple = ()) -> float:
        if node in trail:
            raise ValueError(f"cycle through {node!r}")
        if node not in rank:
            after = [visit(s, (*trail, node)) for s in successors.get(node, ())]
            rank[node] = costs[node] + max(after, default=0.0)
        return rank[node]

    for node in costs:
        visit(node)
    return {node: rank[node] for node in costs}
