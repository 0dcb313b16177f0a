"""helpers.runner.scheduling: tasks on a process pool, most urgent first, added as results arrive."""

from __future__ import annotations

import operator
import os
import time

import pytest

from helpers.runner.scheduling import Outcome, Task, critical_path, run_tasks


def _span(key: str, seconds: float) -> tuple[str, int, float, float]:
    """Sleep, and say which process ran it and when."""
    start = time.monotonic()
    time.sleep(seconds)
    return key, os.getpid(), start, time.monotonic()


def _boom(message: str) -> None:
    raise RuntimeError(message)


def _die() -> None:
    os._exit(3)  # the worker process itself goes away


def test_one_worker_runs_ready_tasks_in_priority_order():
    order = []

    def done(outcome: Outcome) -> list[Task]:
        order.append(outcome.result[0])
        return []

    tasks = [Task(k, _span, (k, 0.0), priority=p) for k, p in [("a", 1), ("b", 3), ("c", 2)]]
    run_tasks(tasks, done, workers=1)
    assert order == ["b", "c", "a"]


def test_equal_priorities_keep_the_order_they_were_added():
    order = []
    run_tasks(
        [Task(k, _span, (k, 0.0)) for k in "xyzw"],
        lambda o: order.append(o.result[0]) or [],
        workers=1,
    )
    assert order == list("xyzw")


def test_no_more_than_workers_tasks_run_at_once_and_all_workers_are_used():
    spans = []
    run_tasks(
        [Task(i, _span, (str(i), 0.3)) for i in range(6)],
        lambda o: spans.append(o.result) or [],
        workers=2,
    )
    assert len(spans) == 6
    events = sorted([(s, 1) for _, _, s, _ in spans] + [(e, -1) for _, _, _, e in spans])
    running, most = 0, 0
    for _, step in events:
        running += step
        most = max(most, running)
    assert most == 2
    assert len({pid for _, pid, _, _ in spans}) == 2  # two long-lived workers, reused


def test_tasks_added_by_on_result_run_after_their_parent():
    seen = []

    def done(outcome: Outcome) -> list[Task]:
        seen.append((outcome.task.key, outcome.result))
        if outcome.task.key == "a":
            return [Task("b", operator.add, (outcome.result, 1))]
        return []

    run_tasks([Task("a", operator.mul, (6, 7))], done, workers=2)
    assert seen == [("a", 42), ("b", 43)]


def test_a_later_urgent_task_overtakes_those_waiting():
    order = []

    def done(outcome: Outcome) -> list[Task]:
        order.append(outcome.task.key)
        if outcome.task.key == "first":
            return [Task("urgent", _span, ("urgent", 0.0), priority=10)]
        return []

    tasks = [Task("first", _span, ("first", 0.0), priority=5)] + [
        Task(f"w{i}", _span, (f"w{i}", 0.0), priority=1) for i in range(3)
    ]
    run_tasks(tasks, done, workers=1)
    assert order == ["first", "urgent", "w0", "w1", "w2"]


def test_an_exception_is_handed_to_on_result_and_the_rest_still_run():
    outcomes = []
    run_tasks(
        [Task("bad", _boom, ("no such column",)), Task("good", operator.neg, (5,))],
        lambda o: outcomes.append(o) or [],
        workers=1,
    )
    by_key = {o.task.key: o for o in outcomes}
    assert not by_key["bad"].ok and "no such column" in str(by_key["bad"].error)
    assert by_key["good"].ok and by_key["good"].result == -5


def test_a_dead_worker_fails_its_task_and_a_new_pool_runs_the_rest():
    outcomes = []

    def done(outcome: Outcome) -> list[Task]:
        outcomes.append(outcome)
        return [Task("after", operator.neg, (1,))] if outcome.task.key == "die" else []

    run_tasks([Task("die", _die)], done, workers=1)
    from concurrent.futures.process import BrokenProcessPool

    assert isinstance(outcomes[0].error, BrokenProcessPool)
    assert outcomes[1].task.key == "after" and outcomes[1].result == -1


def _slow_exit(marker: str) -> None:
    """Initializer: the worker's exit takes 1.5 s (as a kernel's shutdown does), then leaves
    a file saying it ended."""
    from multiprocessing.util import Finalize

    def finish() -> None:
        time.sleep(1.5)
        with open(marker, "a") as fh:
            fh.write(f"{os.getpid()}\n")

    Finalize(finish, finish, exitpriority=10)


def test_it_returns_before_the_workers_have_exited_and_they_still_exit_cleanly(tmp_path):
    marker = tmp_path / "exited"
    seen = []
    run_tasks([Task("a", operator.neg, (2,))], lambda o: seen.append(o.result) or [], workers=1,
              initializer=_slow_exit, initargs=(str(marker),))  # fmt: skip
    assert seen == [-2]
    assert not marker.exists()  # the worker is still exiting, beside the caller
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(marker.read_text().split()) == 1


def test_when_on_result_raises_the_workers_are_stopped_first(tmp_path):
    marker = tmp_path / "exited"

    def fail(outcome: Outcome) -> list[Task]:
        raise KeyError("bookkeeping broke")

    with pytest.raises(KeyError, match="bookkeeping"):
        run_tasks([Task("a", operator.neg, (2,))], fail, workers=1, initializer=_slow_exit,
                  initargs=(str(marker),))  # fmt: skip
    assert len(marker.read_text().split()) == 1


def test_workers_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        run_tasks([], lambda o: [], workers=0)


def test_critical_path_is_cost_plus_the_costliest_path_after():
    costs = {"01": 5.0, "02": 2.0, "03": 3.0, "04": 2.5, "05": 1.0}
    after = {"01": ["03", "04"], "02": ["04"], "03": ["04", "05"], "04": [], "05": []}
    rank = critical_path(costs, after)
    assert rank == {"01": 10.5, "02": 4.5, "03": 5.5, "04": 2.5, "05": 1.0}


def test_critical_path_refuses_a_cycle():
    with pytest.raises(ValueError, match="cycle"):
        critical_path({"a": 1, "b": 1}, {"a": ["b"], "b": ["a"]})


def test_project_errors_cross_the_process_boundary_intact():
    import pickle

    from helpers.core.errors import CodebookError, InputFileError

    for cls in (InputFileError, CodebookError):
        err = cls("data/raw/x/survei.csv", "expected a number", row=3, column="Umur")
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is cls and str(back) == str(err)
        assert (back.row, back.column, back.path) == (3, "Umur", err.path)
