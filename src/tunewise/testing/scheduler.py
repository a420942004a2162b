"""The scheduler conformance suite: does a :class:`~tunewise.schedulers.Scheduler` keep the
contract of tunewise's own schedulers?

Run it from your tests by subclassing :class:`SchedulerTests` (pytest collects the subclass,
whose name must start with ``Test``) and overriding the ``scheduler`` fixture::

    import pytest
    from tunewise.testing.scheduler import SchedulerTests

    class TestMyScheduler(SchedulerTests):
        @pytest.fixture
        def scheduler(self):
            return MyScheduler(grace=2)

Or call the ``check_*`` functions yourself: each runs seeded studies (in memory, one process)
whose objective trains up to ``max_steps`` steps (or up to ``trial.budget``), resumes from
``trial.load_checkpoint()``, reports each step, saves a checkpoint and asks
``trial.should_prune()``; each raises ``AssertionError`` naming the rule that was broken. The
rules:

- ``on_report`` returns a :class:`~tunewise.schedulers.Decision` (PAUSE with its budget),
  ``suggest`` :class:`~tunewise.schedulers.Continuation` s, ``budget`` None or a positive
  number (:func:`check_returns_decisions`);
- the scheduler writes nothing: no storage write while one of its hooks runs (the study's
  storage refuses them then), and the trial it is shown is left as it was
  (:func:`check_writes_nothing`);
- the same reports give the same decisions, also when one scheduler object serves two studies
  (per-study state belongs in ``ctx.scratch(self)``) (:func:`check_deterministic`);
- maximizing ``-f`` is decided like minimizing ``f`` (:func:`check_follows_the_direction`);
- a study with several objectives is refused with a ValueError that says so, unless the
  scheduler is declared ``multi_objective`` (:func:`check_rejects_multi_objective`);
- a continuation resumes a trial that paused, at most once, and trains beyond the budget the
  trial paused at: budgets grow along every lineage (:func:`check_pauses_resume_with_growing_budgets`);
- it pickles (``n_jobs`` ships it to worker processes) and describes itself as JSON
  (:func:`check_pickles_and_describes_itself`).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import math
import os
import pickle
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

import tunewise as tw
from tunewise.schedulers import Action, Continuation, Decision, Scheduler, SchedulerContext
from tunewise.testing._guard import WriteGuardStorage, guarding
from tunewise.trial import FrozenTrial, Trial, TrialState

__all__ = [
    "SchedulerTests",
    "WriteGuardStorage",
    "check_deterministic",
    "check_follows_the_direction",
    "check_pauses_resume_with_growing_budgets",
    "check_pickles_and_describes_itself",
    "check_rejects_multi_objective",
    "check_returns_decisions",
    "check_writes_nothing",
]

N_TRIALS = 30
MAX_STEPS = 9


_WHY = ("a scheduler writes nothing: it returns what it wants written (Decision attrs, Continuations) and "
        "the loop writes it")


def _hook(name: str, allowed: tuple[str, ...] = ()) -> contextlib.AbstractContextManager[None]:
    return guarding(name, _WHY, allowed)


# ---- a recording wrapper around the scheduler under test -------------------------------------
@dataclass
class _Record:
    decisions: list[tuple[int, int, Decision]] = field(default_factory=list)  # (trial, last step, decision)
    continuations: list[tuple[int, Continuation]] = field(default_factory=list)  # (suggested after trial, c)
    budgets: dict[int, list[Any]] = field(default_factory=dict)


def _shown(trial: FrozenTrial) -> Any:
    return (trial.number, trial.state, copy.deepcopy(dict(trial.reports)), copy.deepcopy(trial.params),
            copy.deepcopy(trial.system_attrs), copy.deepcopy(trial.user_attrs))


class _Recorder(Scheduler):
    """The study's scheduler during a check: forwards to the scheduler under test, marking its
    hooks for :class:`WriteGuardStorage` and recording what they return."""

    def __init__(self, inner: Scheduler) -> None:
        self.inner = inner
        self.record = _Record()
        self._name = type(inner).__name__

    def __getattr__(self, name: str) -> Any:  # checkpoint_dir, keep_checkpoints, ...
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def _call(self, hook: str, trial: FrozenTrial, fn: Any, *args: Any) -> Any:
        before = _shown(trial)
        with _hook(f"{self._name}.{hook}"):
            out = fn(*args)
        assert _shown(trial) == before, (f"{self._name}.{hook} changed the trial it was shown (trial "
                                         f"{trial.number}); it is read-only: return attrs in a Decision instead")
        return out

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        decision = self._call("on_report", trial, self.inner.on_report, ctx, trial)
        assert isinstance(decision, Decision), (f"{self._name}.on_report returned {decision!r}; it must return "
                                                f"a tunewise.schedulers.Decision")
        self.record.decisions.append((trial.number, max(trial.reports), decision))
        return decision

    def suggest(self, ctx: SchedulerContext, trial: FrozenTrial) -> Sequence[Continuation]:
        out = self._call("suggest", trial, self.inner.suggest, ctx, trial)
        assert isinstance(out, Sequence) and all(isinstance(c, Continuation) for c in out), (
            f"{self._name}.suggest returned {out!r}; it must return a sequence of tunewise.schedulers.Continuation")
        self.record.continuations.extend((trial.number, c) for c in out)
        return out

    def budget(self, ctx: SchedulerContext, trial: FrozenTrial) -> float | None:
        b = self._call("budget", trial, self.inner.budget, ctx, trial)
        assert b is None or (isinstance(b, (int, float)) and not isinstance(b, bool) and math.isfinite(b)
                             and b > 0), (f"{self._name}.budget returned {b!r} for trial {trial.number}; it must "
                                          f"return None or a positive number")
        self.record.budgets.setdefault(trial.number, []).append(b)
        return b

    def describe(self) -> dict[str, Any]:
        return self.inner.describe()


# ---- the objective ------------------------------------------------------------------------------
def _curve(x: float, lr: float, kind: str, step: int) -> float:
    """A learning curve: falls with the step; configurations cross (the oscillation) and differ."""
    return ((x - 0.3) ** 2 + 0.2 * abs(math.log10(lr) + 1.5) + {"a": 0.0, "b": 0.1, "c": 0.25}[kind]
            + 1.0 / step + 0.03 * math.sin(9.0 * x * step))


def _objective(trial: Trial, sign: float, max_steps: int) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
    kind = trial.suggest_categorical("kind", ["a", "b", "c"])
    state = trial.load_checkpoint()
    start = 0 if state is None else int(state["step"])
    budget = trial.budget
    end = max_steps if budget is None else min(max_steps, int(math.ceil(budget)))
    value = sign * _curve(x, lr, kind, max(start, 1))
    for step in range(start + 1, end + 1):
        value = sign * _curve(x, lr, kind, step)
        trial.report(value, step)
        trial.save_checkpoint({"step": step})
        if trial.should_prune():
            raise tw.TrialPruned()
    return value


# Checkpoints go to memory where the system has it (a save per step is most of a study's time).
_FAST_DIR = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


@dataclass
class _Run:
    trials: list[FrozenTrial]
    record: _Record
    violations: list[str]


def _run(scheduler: Scheduler, *, direction: str = "minimize", n_trials: int = N_TRIALS,
         max_steps: int = MAX_STEPS, seed: int = 0) -> _Run:
    storage = WriteGuardStorage()
    recorder = _Recorder(scheduler)
    with tempfile.TemporaryDirectory(prefix="tunewise-conformance-", dir=_FAST_DIR) as tmp:
        study = tw.create_study(storage=storage, direction=direction, scheduler=recorder,
                                sampler=tw.samplers.RandomSampler(seed=seed))
        study.set_system_attr("checkpoint_dir", tmp)  # used unless the scheduler names its own
        sign = 1.0 if direction == "minimize" else -1.0
        study.optimize(functools.partial(_objective, sign=sign, max_steps=max_steps), n_trials=n_trials)
        return _Run(study.get_trials(), recorder.record, list(storage.violations))


def _no_problems(run: _Run) -> None:
    # A write raises inside the hook; this catches a scheduler that swallowed that error.
    assert not run.violations, run.violations[0]


def _outcome(trials: Sequence[FrozenTrial]) -> list[Any]:
    out = []
    for t in trials:
        attrs = dict(t.system_attrs)
        # A hand-off snapshot's name is random (also in retry_attrs, what a retry would start with).
        attrs["retry_attrs"] = dict(attrs.get("retry_attrs") or {})
        for held in (attrs, attrs["retry_attrs"]):
            if isinstance(held.get("resume_checkpoint"), str):
                held["resume_checkpoint"] = re.sub(r"-[0-9a-f]+$", "", held["resume_checkpoint"])
        out.append((t.number, t.state.value, t.params, t.values, dict(t.reports), attrs))
    return out


def _decided(record: _Record) -> list[Any]:
    return [(n, step, d.action.value, d.at, dict(d.attrs)) for n, step, d in record.decisions]


# ---- the checks ---------------------------------------------------------------------------------
def check_returns_decisions(scheduler: Scheduler, *, n_trials: int = N_TRIALS, max_steps: int = MAX_STEPS) -> None:
    """Hooks return what the loop expects: Decisions, Continuations, None or positive budgets."""
    run = _run(scheduler, n_trials=n_trials, max_steps=max_steps)
    _no_problems(run)
    assert run.record.decisions, (f"{type(scheduler).__name__}.on_report was never called: the objective "
                                  f"reported {max_steps} steps in each of {n_trials} trials")
    for number, step, d in run.record.decisions:
        if d.action is Action.PAUSE:
            assert d.at is not None and d.at > 0, f"trial {number} paused at step {step} with budget {d.at!r}"


def check_writes_nothing(scheduler: Scheduler, *, n_trials: int = N_TRIALS, max_steps: int = MAX_STEPS) -> None:
    """No storage write while a hook runs; the trial a hook is shown is left unchanged."""
    _no_problems(_run(scheduler, n_trials=n_trials, max_steps=max_steps))


def check_deterministic(scheduler: Scheduler, *, n_trials: int = N_TRIALS, max_steps: int = MAX_STEPS) -> None:
    """The same reports give the same decisions, also when one scheduler object serves two studies."""
    first = _run(scheduler, n_trials=n_trials, max_steps=max_steps)
    second = _run(scheduler, n_trials=n_trials, max_steps=max_steps)
    a, b = _decided(first.record), _decided(second.record)
    for i, (x, y) in enumerate(zip(a, b)):
        assert x == y, (f"decision {i} differs between two identical studies: {x} then {y}; a scheduler keeps "
                        f"per-study state in ctx.scratch(self), not on itself, and seeds its randomness")
    assert len(a) == len(b), f"{len(a)} decisions in one study, {len(b)} in an identical one"
    assert _outcome(first.trials) == _outcome(second.trials), "two identical studies ended differently"


def check_follows_the_direction(scheduler: Scheduler, *, n_trials: int = N_TRIALS,
                                max_steps: int = MAX_STEPS) -> None:
    """Maximizing ``-f`` is decided exactly like minimizing ``f``."""
    lo = _run(copy.deepcopy(scheduler), direction="minimize", n_trials=n_trials, max_steps=max_steps)
    hi = _run(copy.deepcopy(scheduler), direction="maximize", n_trials=n_trials, max_steps=max_steps)
    a = [(n, step, d.action.value, d.at) for n, step, d in lo.record.decisions]
    b = [(n, step, d.action.value, d.at) for n, step, d in hi.record.decisions]
    for x, y in zip(a, b):
        assert x == y, (f"minimizing f decided {x}, maximizing -f decided {y}: compare sign * value "
                        f"(ctx.directions says which way is better)")
    assert len(a) == len(b), f"{len(a)} decisions minimizing f, {len(b)} maximizing -f"
    assert [t.state for t in lo.trials] == [t.state for t in hi.trials]


def check_rejects_multi_objective(scheduler: Scheduler) -> None:
    """A study with two objectives gets a ValueError that says so, at the first decision."""
    study = tw.create_study(directions=["minimize", "maximize"], scheduler=copy.deepcopy(scheduler))
    trial = study.ask()
    trial.suggest_float("x", 0.0, 1.0)
    trial.report(0.5, 1)
    try:
        trial.should_prune()
    except ValueError as e:
        assert "objective" in str(e) and "maximize" in str(e), (
            f"the error should say that the study has several objectives (its directions): {e}")
    else:
        raise AssertionError(f"{type(scheduler).__name__} decided on a study with directions "
                             f"{study.directions}; a scheduler that compares one objective raises ValueError "
                             f"(declare multi_objective = True if it handles several)")
    finally:
        study.tell(trial, state=TrialState.FAILED)


def check_pauses_resume_with_growing_budgets(scheduler: Scheduler, *, n_trials: int = N_TRIALS,
                                             max_steps: int = MAX_STEPS) -> None:
    """Continuations resume paused trials, each at most once, beyond the budget they paused at."""
    run = _run(scheduler, n_trials=n_trials, max_steps=max_steps)
    _no_problems(run)
    paused_at: dict[int, float] = {}
    for number, _, d in run.record.decisions:
        if d.action is Action.PAUSE and d.at is not None:
            paused_at[number] = d.at
    numbers = {t.number for t in run.trials}
    for after, c in run.record.continuations:
        assert c.continues in paused_at, (f"a continuation suggested after trial {after} resumes trial "
                                          f"{c.continues}, which never paused")
        source = c.continues if c.checkpoint_from is None else c.checkpoint_from
        assert source in numbers, f"a continuation starts from the checkpoint of trial {source}, which does not exist"
    continued = [t.system_attrs["continues"] for t in run.trials if "continues" in t.system_attrs]
    twice = sorted({n for n in continued if continued.count(n) > 1})
    assert not twice, f"trial(s) {twice} were resumed more than once"
    for t in run.trials:
        parent = t.system_attrs.get("continues")
        if parent is None or parent not in paused_at:
            continue
        if t.number in paused_at:
            assert paused_at[t.number] > paused_at[parent], (
                f"trial {t.number} continues trial {parent}, which paused at {paused_at[parent]}, but paused "
                f"again at {paused_at[t.number]}: budgets must grow along a lineage")
        for b in run.record.budgets.get(t.number, []):
            assert b is None or b > paused_at[parent], (
                f"trial {t.number} continues trial {parent}, which paused at {paused_at[parent]}, but was given "
                f"budget {b}: a continuation trains beyond where its trial paused")


def check_pickles_and_describes_itself(scheduler: Scheduler) -> None:
    """It survives pickling (``n_jobs`` ships it to workers); ``describe()`` is JSON with a name."""
    try:
        back = pickle.loads(pickle.dumps(scheduler))
    except Exception as e:  # noqa: BLE001 - whatever pickle raises, the rule is broken
        raise AssertionError(f"{type(scheduler).__name__} does not pickle, so n_jobs cannot ship it to worker "
                             f"processes: {type(e).__name__}: {e}") from e
    desc = scheduler.describe()
    assert isinstance(desc, dict) and isinstance(desc.get("name"), str), (
        f"describe() must return a dict with a 'name', got {desc!r}")
    json.dumps(desc)
    assert back.describe() == desc, "describe() changed across a pickle round trip"


class SchedulerTests:
    """Every check above as a pytest test. Subclass it as ``Test...`` and override ``scheduler``.

    ``multi_objective = True`` skips :func:`check_rejects_multi_objective` for a scheduler that
    decides on several objectives; ``n_trials`` and ``max_steps`` size the studies.
    """

    multi_objective = False
    n_trials = N_TRIALS
    max_steps = MAX_STEPS

    @pytest.fixture
    def scheduler(self) -> Scheduler:
        raise NotImplementedError("override the scheduler fixture: it returns the scheduler to check")

    def test_returns_decisions(self, scheduler: Scheduler) -> None:
        check_returns_decisions(scheduler, n_trials=self.n_trials, max_steps=self.max_steps)

    def test_writes_nothing(self, scheduler: Scheduler) -> None:
        check_writes_nothing(scheduler, n_trials=self.n_trials, max_steps=self.max_steps)

    def test_deterministic(self, scheduler: Scheduler) -> None:
        check_deterministic(scheduler, n_trials=self.n_trials, max_steps=self.max_steps)

    def test_follows_the_direction(self, scheduler: Scheduler) -> None:
        check_follows_the_direction(scheduler, n_trials=self.n_trials, max_steps=self.max_steps)

    def test_rejects_multi_objective(self, scheduler: Scheduler) -> None:
        if self.multi_objective:
            pytest.skip("the scheduler decides on several objectives")
        check_rejects_multi_objective(scheduler)

    def test_pauses_resume_with_growing_budgets(self, scheduler: Scheduler) -> None:
        check_pauses_resume_with_growing_budgets(scheduler, n_trials=self.n_trials, max_steps=self.max_steps)

    def test_pickles_and_describes_itself(self, scheduler: Scheduler) -> None:
        check_pickles_and_describes_itself(scheduler)
