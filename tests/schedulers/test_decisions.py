"""Schedulers return decisions and the loop acts: the Decision types, the loop's side
(tunewise/_decisions.py), schedulers of the earlier interface, and the conformance suite catching
schedulers that break the contract."""

from __future__ import annotations

import pathlib
import re
import time
from typing import Any

import pytest

import tunewise as tw
from tunewise.schedulers import Action, Continuation, Decision, Scheduler
from tunewise.storage import InMemoryStorage
from tunewise.testing import scheduler as suite
from tunewise.trial import TrialState

SRC = pathlib.Path(tw.__file__).parent


# ---- the types --------------------------------------------------------------------------------
def test_decision_constructors_and_validation() -> None:
    assert Decision.CONTINUE.action is Action.CONTINUE and not Decision.CONTINUE.prunes
    assert Decision.stop().prunes and Decision.pause(at=3).prunes
    assert Decision.proceed() is Decision.CONTINUE
    assert Decision.proceed({"k": 1}, publish=True).attrs == {"k": 1}
    with pytest.raises(ValueError, match="PAUSE decision needs at="):
        Decision(Action.PAUSE)
    with pytest.raises(ValueError, match="at must be a finite number"):
        Decision.pause(at=float("nan"))
    with pytest.raises(ValueError, match="WAIT decision needs then="):
        Decision(Action.WAIT, retry_after=0.1, timeout=1.0)
    with pytest.raises(ValueError, match="retry_after"):
        Decision.wait(-1, 1.0, Decision.stop())
    with pytest.raises(ValueError, match="then= is for WAIT"):
        Decision(Action.STOP, then=Decision.CONTINUE)
    with pytest.raises(TypeError, match="attrs must be a dict with string keys"):
        Decision.stop({1: 2})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="continues must be"):
        Continuation(continues=-1, params={})
    with pytest.raises(ValueError, match="claim must be"):
        Continuation(continues=0, params={}, claim="")


def test_step_pruner_lives_with_the_schedulers() -> None:
    from tunewise.integrations import _pruning
    from tunewise.integrations.sklearn import StepPruner

    assert StepPruner is _pruning.StepPruner is tw.schedulers.StepPruner
    assert StepPruner.__module__ == "tunewise.schedulers._step"


def test_schedulers_and_integrations_never_touch_the_storage() -> None:
    files = sorted((SRC / "schedulers").glob("*.py")) + [SRC / "integrations" / "_pruning.py"]
    pattern = re.compile(r"\._storage\b|\._study_id\b|tunewise\.storage|_flush_system_attrs|try_claim|enqueue_trial")
    hits = [f"{p.name}:{i}: {line.strip()}" for p in files
            for i, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert not hits, hits


# ---- the loop carries decisions out -----------------------------------------------------------
class _CountingStorage(InMemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def update_trial(self, trial_id: int, **kwargs: Any) -> None:
        self.writes.append("update_trial")
        super().update_trial(trial_id, **kwargs)

    def try_claim(self, study_id: int, key: str) -> bool:
        self.writes.append(f"try_claim {key}")
        return super().try_claim(study_id, key)

    def enqueue_trial(self, study_id: int, fixed_params: Any, system_attrs: Any = None,
                      user_attrs: Any = None) -> Any:
        self.writes.append("enqueue_trial")
        return super().enqueue_trial(study_id, fixed_params, system_attrs, user_attrs)


def test_a_decision_without_attrs_writes_nothing() -> None:
    storage = _CountingStorage()
    study = tw.create_study(storage=storage, scheduler=tw.schedulers.MedianScheduler(n_startup_trials=0))
    for v in (1.0, 2.0):
        t = study.ask()
        t.report(v, 0)
        study.tell(t, v)
    t = study.ask()
    t.report(3.0, 0)
    storage.writes.clear()
    assert t.should_prune()  # worse than the median of 1 and 2
    assert storage.writes == []


class _PauseAndResume(Scheduler):
    """Pauses every trial at step 1 and suggests two continuations of it under one claim key."""

    def on_report(self, ctx: tw.schedulers.SchedulerContext, trial: tw.trial.FrozenTrial) -> Decision:
        if "seg" in trial.system_attrs:
            return Decision.CONTINUE
        return Decision.pause(at=1, attrs={"paused": True}, publish=True, suggest=True)

    def suggest(self, ctx: tw.schedulers.SchedulerContext, trial: tw.trial.FrozenTrial) -> list[Continuation]:
        return [Continuation(continues=trial.number, params={"x": x}, attrs={"seg": 1}, claim=f"k{trial.number}")
                for x in (0.25, 0.75)]


def test_the_loop_publishes_claims_hands_over_and_enqueues(tmp_path: pathlib.Path) -> None:
    storage = _CountingStorage()
    study = tw.create_study(storage=storage, scheduler=_PauseAndResume())
    study.set_system_attr("checkpoint_dir", str(tmp_path))
    t = study.ask()
    t.suggest_float("x", 0, 1)
    t.report(1.0, 1)
    t.save_checkpoint({"owner": t.number})
    storage.writes.clear()
    assert t.should_prune()
    # Published before suggest was asked; one claim for both continuations; both enqueued.
    assert storage.writes == ["update_trial", "try_claim k0", "enqueue_trial", "enqueue_trial"]
    assert study.storage.get_trial(t._trial_id).system_attrs["paused"] is True
    study.tell(t, state=TrialState.PRUNED)
    waiting = study.get_trials(states=(TrialState.WAITING,))
    assert [w.system_attrs["fixed_params"] for w in waiting] == [{"x": 0.25}, {"x": 0.75}]
    assert all(w.system_attrs["continues"] == 0 and w.system_attrs["seg"] == 1 for w in waiting)
    resumed = study.ask()
    assert resumed.suggest_float("x", 0, 1) == 0.25 and resumed.load_checkpoint() == {"owner": 0}
    # A key another worker claimed first: nothing is enqueued here.
    study.tell(resumed, 1.0)
    second = study.ask()
    study.tell(second, 1.0)
    fresh = study.ask()
    assert "seg" not in fresh.system_attrs
    fresh.report(1.0, 1)
    assert study.storage.try_claim(study.storage.get_study_id(study.study_name), f"k{fresh.number}")
    storage.writes.clear()
    assert fresh.should_prune()
    assert storage.writes == ["update_trial", f"try_claim k{fresh.number}"]
    assert study.storage.count_trials(study.storage.get_study_id(study.study_name), (TrialState.WAITING,)) == 0


class _WaitThenDecide(Scheduler):
    def __init__(self, waits: int, timeout: float) -> None:
        self.waits, self.timeout, self.calls = waits, timeout, 0

    def on_report(self, ctx: tw.schedulers.SchedulerContext, trial: tw.trial.FrozenTrial) -> Decision:
        self.calls += 1
        if self.calls <= self.waits:
            return Decision.wait(retry_after=0.001, timeout=self.timeout, then=Decision.stop({"timed_out": True}))
        return Decision.CONTINUE


def test_wait_is_asked_again_until_decided_or_timed_out() -> None:
    sched = _WaitThenDecide(waits=2, timeout=60.0)
    study = tw.create_study(scheduler=sched)
    t = study.ask()
    t.report(1.0, 0)
    assert not t.should_prune() and sched.calls == 3
    timed = _WaitThenDecide(waits=10**9, timeout=0.0)
    t2 = tw.create_study(scheduler=timed).ask()
    t2.report(1.0, 0)
    assert t2.should_prune() and t2.system_attrs["timed_out"] is True and timed.calls == 1


def test_wrong_return_types_get_clear_errors() -> None:
    class ReturnsBool(Scheduler):
        def on_report(self, ctx, trial):  # type: ignore[no-untyped-def]
            return True

    t = tw.create_study(scheduler=ReturnsBool()).ask()
    t.report(1.0, 0)
    with pytest.raises(TypeError, match=r"ReturnsBool.on_report returned True; it must return a tunewise"):
        t.should_prune()

    class Neither(Scheduler):
        pass

    with pytest.raises(TypeError, match=r"Neither must implement on_report\(ctx, trial\) -> Decision"):
        Neither()
    study = tw.create_study()
    study.scheduler = object()  # type: ignore[assignment]
    t = study.ask()
    t.report(1.0, 0)
    with pytest.raises(TypeError, match="must be a tunewise.schedulers.Scheduler"):
        t.should_prune()


def test_pbt_excess_trial_resolves_an_orphaned_generation_then_stops(tmp_path: pathlib.Path) -> None:
    # WAIT on a real scheduler: a trial outside the population waits for population work; the
    # generation nobody resolved (its other lineage died) is resolved by its suggest, so it stops at once.
    pbt = tw.schedulers.PBTScheduler(perturbation_interval=2, population_size=2, seed=0, excess_wait=30.0,
                                     checkpoint_dir=str(tmp_path))
    study = tw.create_study(scheduler=pbt)
    t0, t1 = study.ask(), study.ask()
    for t in (t0, t1):
        t.suggest_float("x", 0, 1)
    t0.report(1.0, 1)
    assert not t0.should_prune()
    t0.report(2.0, 2)
    t0.save_checkpoint({"step": 2})
    assert t0.should_prune()  # arrived at the end of generation 0; lineage 1 still trains
    study.tell(t0, state=TrialState.PRUNED)
    assert study.get_trials(states=(TrialState.WAITING,)) == []
    study.tell(t1, state=TrialState.FAILED)  # lineage 1 dies: nobody arrives to resolve generation 0
    # A trial started anyway (an optimize() worker whose excess_wait ran out; study.ask() outside
    # optimize() would queue the generation first and return its segment: test_pbt_ask_tell.py).
    study._in_optimize = True
    try:
        t2 = study.ask()  # outside the population, which is not done
    finally:
        study._in_optimize = False
    t2.suggest_float("x", 0, 1)
    t2.report(0.5, 1)
    start = time.monotonic()
    assert t2.should_prune()  # it resolved generation 0 (one continuation of trial 0), then stopped
    assert time.monotonic() - start < 10.0  # did not wait for excess_wait
    assert t2.system_attrs["pbt"] == {"excess": True}
    (cont,) = study.get_trials(states=(TrialState.WAITING,))
    assert cont.system_attrs["continues"] == 0 and cont.system_attrs["pbt"]["generation"] == 1
    study.tell(t2, state=TrialState.PRUNED)
    t3 = study.ask()
    assert t3.number == cont.number and t3.load_checkpoint() == {"step": 2}


# ---- schedulers written for the earlier interface keep working ---------------------------------
class _OldStyle(Scheduler):
    """should_prune(study, trial) and budget(study, trial), with its own storage writes."""

    def should_prune(self, study: tw.Study, trial: tw.Trial) -> bool:
        study.set_user_attr("seen", trial.number)
        return max(trial.intermediate_values) >= 2

    def budget(self, study: tw.Study, trial: tw.Trial) -> float:
        return 10.0 + trial.number


class _Duck:
    """Not even a Scheduler subclass: only should_prune(study, trial)."""

    def should_prune(self, study: tw.Study, trial: tw.Trial) -> bool:
        return len(study.get_trials()) > 1

    def describe(self) -> dict[str, Any]:
        return {"name": "duck"}


def test_earlier_interface_schedulers_still_work() -> None:
    study = tw.create_study(scheduler=_OldStyle())
    t = study.ask()
    assert t.budget == 10.0
    t.report(1.0, 1)
    assert not t.should_prune()
    t.report(1.0, 2)
    assert t.should_prune() and study.user_attrs["seen"] == 0
    # Delegated to by a new-style scheduler: called with the study and the live trial.
    patience = tw.schedulers.PatienceScheduler(patience=1, wrapped=_OldStyle())
    study2 = tw.create_study(scheduler=patience)
    t2 = study2.ask()
    assert t2.budget == 10.0
    t2.report(1.0, 1)
    t2.report(1.0, 2)
    assert t2.should_prune() and study2.user_attrs["seen"] == 0
    duck = tw.create_study(scheduler=_Duck())  # type: ignore[arg-type]
    t3 = duck.ask()
    t3.report(1.0, 0)
    assert not t3.should_prune() and t3.budget is None
    duck.tell(t3, 1.0)
    t4 = duck.ask()
    t4.report(1.0, 0)
    assert t4.should_prune()


class _LoggingMedian(tw.schedulers.MedianScheduler):
    """An earlier-interface subclass of a shipped scheduler: overrides should_prune, calls super()."""

    def __init__(self) -> None:
        super().__init__(n_startup_trials=0)
        self.asked: list[int] = []

    def should_prune(self, study: tw.Study, trial: tw.Trial) -> bool:
        self.asked.append(trial.number)
        return super().should_prune(study, trial)


class _AsksItsBase(Scheduler):
    def should_prune(self, study: tw.Study, trial: tw.Trial) -> bool:
        return bool(super().should_prune(study, trial)) or len(trial.intermediate_values) > 2


def test_earlier_interface_overrides_of_shipped_schedulers_are_still_called() -> None:
    sched = _LoggingMedian()
    study = tw.create_study(scheduler=sched)
    for v in (2.0, 1.0):
        t = study.ask()
        t.report(v, 0)
        assert not t.should_prune()
        study.tell(t, v)
    t = study.ask()
    t.report(3.0, 0)
    assert t.should_prune() and sched.asked == [0, 1, 2]  # the override ran, the median rule decided
    t = tw.create_study(scheduler=_AsksItsBase()).ask()
    for step in range(3):
        t.report(1.0, step)
    assert t.should_prune()  # the base answered False (nothing decides there), no recursion


def test_calling_a_new_scheduler_the_old_way_decides_and_acts() -> None:
    median = tw.schedulers.MedianScheduler(n_startup_trials=0)
    study = tw.create_study(scheduler=median)
    for v in (1.0, 2.0):
        t = study.ask()
        t.report(v, 0)
        study.tell(t, v)
    t = study.ask()
    t.report(3.0, 0)
    assert median.should_prune(study, t) is True


# ---- the conformance suite catches what breaks the contract -------------------------------------
class _WritesThroughTheStudy(Scheduler):
    def should_prune(self, study: tw.Study, trial: tw.Trial) -> bool:  # earlier interface, run by the adapter
        study.set_system_attr("last", trial.number)
        return False


class _ChangesTheTrial(Scheduler):
    def on_report(self, ctx, trial):  # type: ignore[no-untyped-def]
        trial.system_attrs["mine"] = 1
        return Decision.CONTINUE


class _Counts(Scheduler):
    """Keeps per-study state on itself: a second study gets other decisions."""

    def __init__(self) -> None:
        self.n = 0

    def on_report(self, ctx, trial):  # type: ignore[no-untyped-def]
        self.n += 1
        return Decision.stop() if self.n > 50 else Decision.CONTINUE


class _IgnoresDirection(Scheduler):
    def on_report(self, ctx, trial):  # type: ignore[no-untyped-def]
        return Decision.stop() if trial.intermediate_values[max(trial.intermediate_values)] > 0.9 else Decision.CONTINUE


class _ShrinkingPauses(Scheduler):
    """Pauses each trial after 2 steps and resumes it with a smaller budget."""

    def on_report(self, ctx, trial):  # type: ignore[no-untyped-def]
        if "gen" in trial.system_attrs or max(trial.intermediate_values) < 2:
            return Decision.CONTINUE
        return Decision.pause(at=2, suggest=True)

    def suggest(self, ctx, trial):  # type: ignore[no-untyped-def]
        return [Continuation(continues=trial.number, params=dict(trial.params), attrs={"gen": 1})]

    def budget(self, ctx, trial):  # type: ignore[no-untyped-def]
        return 1.0 if "gen" in trial.system_attrs else None


class _NoDirectionCheck(Scheduler):
    def on_report(self, ctx, trial):  # type: ignore[no-untyped-def]
        return Decision.CONTINUE


class _Unpicklable(tw.schedulers.MedianScheduler):
    def __init__(self) -> None:
        super().__init__()
        self.fn = lambda x: x


@pytest.mark.parametrize(("check", "sched", "message"), [
    (suite.check_writes_nothing, _WritesThroughTheStudy, r"on_report wrote to the storage \(set_study_attr"),
    (suite.check_writes_nothing, _ChangesTheTrial, "changed the trial it was shown"),
    (suite.check_deterministic, _Counts, "differs between two identical studies"),
    (suite.check_follows_the_direction, _IgnoresDirection, "maximizing -f decided"),
    (suite.check_pauses_resume_with_growing_budgets, _ShrinkingPauses, "budgets must grow|trains beyond"),
    (suite.check_rejects_multi_objective, _NoDirectionCheck, "decided on a study with directions"),
    (suite.check_pickles_and_describes_itself, _Unpicklable, "lambda"),
])
def test_the_suite_catches_broken_schedulers(check: Any, sched: type, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check(sched())


def test_the_suite_passes_a_plain_third_party_scheduler() -> None:
    class StopAfterThree(Scheduler):
        def on_report(self, ctx, trial):  # type: ignore[no-untyped-def]
            sign = 1.0 if list(ctx.directions) == ["minimize"] else -1.0
            if len(ctx.directions) != 1:
                raise ValueError(f"one objective only, got directions {list(ctx.directions)}")
            best = min(sign * v for t in ctx.get_trials(states=(TrialState.COMPLETE,)) for v in t.reports.values()) \
                if ctx.count_trials((TrialState.COMPLETE,)) else None
            now = sign * trial.intermediate_values[max(trial.intermediate_values)]
            return Decision.stop() if best is not None and len(trial.intermediate_values) >= 3 and now > best + 0.5 \
                else Decision.CONTINUE

    for check in (suite.check_returns_decisions, suite.check_writes_nothing, suite.check_deterministic,
                  suite.check_follows_the_direction, suite.check_rejects_multi_objective,
                  suite.check_pauses_resume_with_growing_budgets):
        check(StopAfterThree())
