"""The executor conformance suite: does an :class:`~tunewise.execution.Executor` run trials the
way tunewise's own executors do?

Run it from your tests by subclassing :class:`ExecutorTests` (pytest collects the subclass,
whose name must start with ``Test``); override the ``executor`` fixture, and ``storage`` if the
executor needs another storage than a SQLite file::

    import pytest
    from tunewise.testing.executor import ExecutorTests

    class TestRayExecutor(ExecutorTests):
        separate_processes = True  # trials run in other processes: a killed one is checked too

        @pytest.fixture
        def executor(self):
            return RayExecutor(address="auto")

Or call the ``check_*`` functions yourself: each builds a fresh study on ``storage`` (a URL,
or None for an in-memory study), runs it with ``executor`` and raises ``AssertionError`` naming
the rule it broke. The rules:

- ``n_trials`` trials run per call, no more, no fewer; callbacks run once per finished trial,
  in the calling process (:func:`check_runs_n_trials`);
- the study-wide ``max_trials`` holds exactly, however many workers race for the last trials
  (:func:`check_max_trials_is_exact`);
- an exception in ``catch`` (and ``TrialPruned``) finishes its trial and the run goes on
  (:func:`check_caught_exceptions_go_on`); any other propagates as raised, its trial FAILED
  (:func:`check_uncaught_exception_propagates`);
- ``study.stop()`` from a callback starts no further trial (:func:`check_stop_from_a_callback`);
- Ctrl-C (KeyboardInterrupt in the calling process) leaves no trial RUNNING
  (:func:`check_ctrl_c_leaves_no_trial_running`);
- with trials in other processes, a worker killed mid-trial has its trial recorded FAILED at
  once (``fail_reason`` "worker died: ..."), not after a heartbeat timeout, and retried; the
  lost trial does not count towards ``n_trials`` (:func:`check_a_killed_workers_trial_is_retried`).

The objectives are module-level functions of this module, so worker processes import them.
"""

from __future__ import annotations

import functools
import os
import signal
import threading
import time
from typing import Any

import pytest

import tunewise as tw
from tunewise.execution import Executor
from tunewise.trial import FrozenTrial, Trial, TrialState

__all__ = [
    "ConformanceError",
    "ExecutorTests",
    "check_a_killed_workers_trial_is_retried",
    "check_caught_exceptions_go_on",
    "check_ctrl_c_leaves_no_trial_running",
    "check_max_trials_is_exact",
    "check_runs_n_trials",
    "check_stop_from_a_callback",
    "check_uncaught_exception_propagates",
]


class ConformanceError(Exception):
    """What the suite's objectives raise on purpose."""


# ---- objectives (module level: picklable by reference, importable in any worker) ---------------
def _quadratic(trial: Trial) -> float:
    x = trial.suggest_float("x", -2.0, 2.0)
    return (x - 1.0) ** 2


def _fails_some(trial: Trial) -> float:
    x = trial.suggest_float("x", -2.0, 2.0)
    if trial.number % 3 == 1:
        raise ValueError(f"trial {trial.number} is not welcome")
    if trial.number % 3 == 2:
        raise tw.TrialPruned()
    return x


def _raises_at(trial: Trial, number: int) -> float:
    x = trial.suggest_float("x", -2.0, 2.0)
    if trial.number == number:
        raise ConformanceError(f"trial {number} broke")
    # The other trials take a little time: instant ones let another worker run the whole budget
    # before the raising worker's report arrives (seen once in a full suite run, session 22).
    time.sleep(0.01)
    return x


def _slow(trial: Trial, seconds: float) -> float:
    x = trial.suggest_float("x", -2.0, 2.0)
    time.sleep(seconds)
    return x


def _dies_once(trial: Trial, number: int, caller_pid: int) -> float:
    x = trial.suggest_float("x", -2.0, 2.0)
    if trial.number == number and "retried_from" not in trial.system_attrs:
        if os.getpid() == caller_pid:
            raise ConformanceError("the trial runs in the calling process, but the executor was checked as "
                                   "running trials in processes of their own (separate_processes=True)")
        time.sleep(0.2)  # a while into the trial, as an out-of-memory kill would be
        os.kill(os.getpid(), signal.SIGKILL)
    return x


# ---- helpers -------------------------------------------------------------------------------------
def _study(storage: str | None, **kwargs: Any) -> tw.Study:
    kwargs.setdefault("sampler", tw.samplers.RandomSampler(seed=0))
    return tw.create_study(storage=storage, **kwargs)


class _Seen:
    """A callback that records each trial it is given, in the calling process."""

    def __init__(self, study: tw.Study) -> None:
        self.study = study
        self.trials: list[FrozenTrial] = []
        self.pid = os.getpid()
        self.wrong: list[str] = []

    def __call__(self, study: tw.Study, trial: FrozenTrial) -> None:
        if os.getpid() != self.pid:
            self.wrong.append(f"a callback ran in process {os.getpid()}, not in the calling process {self.pid}")
        if study is not self.study:
            self.wrong.append(f"a callback was given {study!r}, not the study being optimized")
        if not trial.state.is_finished():
            self.wrong.append(f"a callback was given trial {trial.number} in state {trial.state.value}")
        self.trials.append(trial)

    def numbers(self) -> list[int]:
        assert not self.wrong, self.wrong[0]
        numbers = [t.number for t in self.trials]
        dup = sorted({n for n in numbers if numbers.count(n) > 1})
        assert not dup, f"callbacks ran more than once for trial(s) {dup}"
        return sorted(numbers)


def _states(study: tw.Study) -> list[TrialState]:
    return [t.state for t in study.trials]


def _assert_none_unfinished(study: tw.Study, when: str) -> None:
    left = [(t.number, t.state.value) for t in study.trials if not t.state.is_finished()]
    assert not left, f"{when}, trials were left unfinished: {left} (an executor finishes every trial it starts)"


# ---- the checks ----------------------------------------------------------------------------------
def check_runs_n_trials(executor: Executor, storage: str | None) -> None:
    """Each call runs exactly ``n_trials`` trials, all recorded COMPLETE; callbacks run once per
    trial, in the calling process, with the study and the finished trial."""
    study = _study(storage)
    seen = _Seen(study)
    study.optimize(_quadratic, n_trials=6, executor=executor, callbacks=[seen])
    trials = study.trials
    assert len(trials) == 6, f"optimize(n_trials=6) ran {len(trials)} trials"
    assert [t.number for t in trials] == list(range(6)), [t.number for t in trials]
    assert all(t.state == TrialState.COMPLETE for t in trials), [t.state.value for t in trials]
    assert all(t.value == (t.params["x"] - 1.0) ** 2 for t in trials), "a trial's value is not its objective's"
    assert seen.numbers() == list(range(6)), f"callbacks saw trials {seen.numbers()}, expected 0..5 once each"
    study.optimize(_quadratic, n_trials=4, executor=executor, callbacks=[seen])
    assert len(study.trials) == 10, f"a second optimize(n_trials=4) left {len(study.trials)} trials, expected 10"
    assert seen.numbers() == list(range(10))
    study.optimize(_quadratic, n_trials=0, executor=executor)
    assert len(study.trials) == 10, "optimize(n_trials=0) ran trials"


def check_max_trials_is_exact(executor: Executor, storage: str | None) -> None:
    """The study-wide ``max_trials`` stops every worker at exactly that many trials."""
    study = _study(storage)
    study.optimize(_quadratic, n_trials=2)  # trials of earlier calls count
    seen = _Seen(study)
    study.optimize(_quadratic, n_trials=50, max_trials=7, executor=executor, callbacks=[seen])
    assert len(study.trials) == 7, f"max_trials=7 ended with {len(study.trials)} trials in the study"
    assert seen.numbers() == list(range(2, 7)), f"callbacks saw {seen.numbers()}, expected trials 2..6"
    study.optimize(_quadratic, max_trials=9, executor=executor)  # no n_trials: the budget ends it
    trials = study.trials
    assert [t.number for t in trials] == list(range(9)), f"max_trials=9 gave trials {[t.number for t in trials]}"
    assert all(t.state == TrialState.COMPLETE for t in trials), [t.state.value for t in trials]


def check_caught_exceptions_go_on(executor: Executor, storage: str | None) -> None:
    """An exception in ``catch`` records its trial FAILED (with the reason) and the run goes on;
    ``TrialPruned`` records it PRUNED. Callbacks see these trials too."""
    study = _study(storage)
    seen = _Seen(study)
    study.optimize(_fails_some, n_trials=9, catch=(ValueError,), executor=executor, callbacks=[seen])
    trials = study.trials
    assert len(trials) == 9, f"optimize(n_trials=9) with caught exceptions ran {len(trials)} trials"
    expected = {0: TrialState.COMPLETE, 1: TrialState.FAILED, 2: TrialState.PRUNED}
    for t in trials:
        assert t.state == expected[t.number % 3], f"trial {t.number} is {t.state.value}"
        if t.state == TrialState.FAILED:
            reason = t.system_attrs.get("fail_reason")
            assert reason == f"ValueError: trial {t.number} is not welcome", f"trial {t.number}: {reason!r}"
    assert seen.numbers() == list(range(9)), f"callbacks saw {seen.numbers()}, expected 0..8"


def check_uncaught_exception_propagates(executor: Executor, storage: str | None) -> None:
    """An exception not in ``catch`` ends the run and reaches the caller as raised (its type and
    message); its trial is FAILED with the reason and no trial is left RUNNING."""
    study = _study(storage)
    try:
        study.optimize(functools.partial(_raises_at, number=2), n_trials=30, executor=executor)
    except ConformanceError as e:
        assert str(e) == "trial 2 broke", f"the objective's exception arrived as {e!r}"
    else:
        raise AssertionError("the objective's exception (not in catch) did not reach the caller")
    trials = study.trials
    _assert_none_unfinished(study, "after an objective raised")
    assert len(trials) < 30, "the run went on after an objective raised an exception not in catch"
    failed = [t for t in trials if t.state == TrialState.FAILED]
    assert [t.number for t in failed] == [2], f"FAILED trials: {[t.number for t in failed]}, expected [2]"
    assert failed[0].system_attrs.get("fail_reason") == "ConformanceError: trial 2 broke", failed[0].system_attrs


def check_stop_from_a_callback(executor: Executor, storage: str | None) -> None:
    """``study.stop()`` in a callback starts no further trial (those already running finish, and
    callbacks see them)."""
    study = _study(storage)

    def stop_at_three(s: tw.Study, trial: FrozenTrial) -> None:
        if len(seen.trials) >= 3:
            s.stop()

    seen = _Seen(study)
    study.optimize(functools.partial(_slow, seconds=0.02), n_trials=200, executor=executor,
                   callbacks=[seen, stop_at_three])
    trials = study.trials
    _assert_none_unfinished(study, "after study.stop()")
    assert 3 <= len(trials) < 200, f"study.stop() after 3 trials ended with {len(trials)} trials"
    assert seen.numbers() == [t.number for t in trials], \
        f"callbacks saw {seen.numbers()}, but trials {[t.number for t in trials]} finished"


def check_ctrl_c_leaves_no_trial_running(executor: Executor, storage: str | None) -> None:
    """Ctrl-C (SIGINT to the calling process while trials run) raises KeyboardInterrupt from
    ``optimize`` and leaves no trial RUNNING. Call it from the main thread."""
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("check_ctrl_c_leaves_no_trial_running sends SIGINT: call it from the main thread")
    study = _study(storage)
    done = threading.Event()

    def press_ctrl_c() -> None:  # once two trials finished and another one runs
        while not done.is_set():
            states = _states(study)
            if states.count(TrialState.COMPLETE) >= 2 and TrialState.RUNNING in states:
                os.kill(os.getpid(), signal.SIGINT)
                return
            time.sleep(0.02)

    # As in a terminal: a process started in the background by a shell ignores SIGINT.
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    interrupted = False
    try:
        presser = threading.Thread(target=press_ctrl_c, daemon=True)
        presser.start()
        try:
            study.optimize(functools.partial(_slow, seconds=0.3), n_trials=1000, timeout=120, executor=executor)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            done.set()
            presser.join()
    except KeyboardInterrupt:  # pragma: no cover - the signal came after optimize() ended by itself
        interrupted = False
    finally:
        signal.signal(signal.SIGINT, old)
    assert interrupted, "Ctrl-C while trials ran did not raise KeyboardInterrupt from optimize()"
    states = _states(study)
    assert TrialState.RUNNING not in states, \
        f"Ctrl-C left trials RUNNING: {[t.number for t in study.trials if t.state == TrialState.RUNNING]}"
    assert states.count(TrialState.COMPLETE) >= 2 and len(states) < 1000, [s.value for s in states]


def check_a_killed_workers_trial_is_retried(executor: Executor, storage: str | None) -> None:
    """For executors that run trials in processes of their own: the process running trial 1 is
    killed (SIGKILL) mid-trial. Its trial is recorded FAILED ("worker died: ...") without waiting
    for a heartbeat timeout, rerun once with ``system_attrs["retried_from"] == 1``, and ``n_trials``
    COMPLETE trials still run."""
    # Heartbeats a minute apart: only the executor itself can notice the death in time.
    study = _study(storage, heartbeat_interval=60, max_retries=1)
    seen = _Seen(study)
    study.optimize(functools.partial(_dies_once, number=1, caller_pid=os.getpid()), n_trials=6,
                   executor=executor, callbacks=[seen])
    trials = study.trials
    _assert_none_unfinished(study, "after a worker was killed")
    killed = trials[1]
    assert killed.state == TrialState.FAILED, f"the killed worker's trial is {killed.state.value}"
    reason = str(killed.system_attrs.get("fail_reason"))
    assert reason.startswith("worker died"), f"the killed worker's trial has fail_reason {reason!r}"
    retries = [t for t in trials if t.system_attrs.get("retried_from") == 1]
    assert [t.state for t in retries] == [TrialState.COMPLETE], \
        f"trial 1 was retried as {[(t.number, t.state.value) for t in retries]}, expected one COMPLETE retry"
    complete = [t.number for t in trials if t.state == TrialState.COMPLETE]
    assert len(complete) == 6, f"{len(complete)} COMPLETE trials, expected n_trials=6 (the lost one does not count)"
    assert seen.numbers() == complete, f"callbacks saw {seen.numbers()}, but trials {complete} completed"


# ---- the pytest suite ----------------------------------------------------------------------------
class ExecutorTests:
    """Every check above as a pytest test. Subclass it as ``Test...`` and override the fixtures.

    ``executor``: the executor to check (override it; it may use other fixtures, such as a
    cluster's client). ``storage``: the study storage URL (default: a SQLite file in
    ``tmp_path``; return None for in memory). ``separate_processes``: True if trials run in
    processes of their own, so that one can be killed.
    """

    separate_processes = False

    @pytest.fixture
    def executor(self) -> Executor:
        raise NotImplementedError("override the executor fixture: it returns the executor to check")

    @pytest.fixture
    def storage(self, tmp_path: Any) -> str | None:
        return f"sqlite:///{tmp_path / 'executor.db'}"

    def test_runs_n_trials(self, executor: Executor, storage: str | None) -> None:
        check_runs_n_trials(executor, storage)

    def test_max_trials_is_exact(self, executor: Executor, storage: str | None) -> None:
        check_max_trials_is_exact(executor, storage)

    def test_caught_exceptions_go_on(self, executor: Executor, storage: str | None) -> None:
        check_caught_exceptions_go_on(executor, storage)

    def test_uncaught_exception_propagates(self, executor: Executor, storage: str | None) -> None:
        check_uncaught_exception_propagates(executor, storage)

    def test_stop_from_a_callback(self, executor: Executor, storage: str | None) -> None:
        check_stop_from_a_callback(executor, storage)

    def test_ctrl_c_leaves_no_trial_running(self, executor: Executor, storage: str | None) -> None:
        check_ctrl_c_leaves_no_trial_running(executor, storage)

    def test_a_killed_workers_trial_is_retried(self, executor: Executor, storage: str | None) -> None:
        if not self.separate_processes:
            pytest.skip("trials run in the calling process (separate_processes = False): nothing to kill")
        check_a_killed_workers_trial_is_retried(executor, storage)
