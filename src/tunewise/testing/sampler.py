"""The sampler conformance suite: does a :class:`~tunewise.samplers.Sampler` keep the contract of
tunewise's own samplers?

Run it from your tests by subclassing :class:`SamplerTests` (pytest collects the subclass, whose
name must start with ``Test``) and overriding the ``make_sampler`` fixture, a function
``seed -> sampler`` (each check builds fresh samplers)::

    import pytest
    from tunewise.testing.sampler import SamplerTests

    class TestMySampler(SamplerTests):
        @pytest.fixture
        def make_sampler(self):
            return lambda seed: MySampler(seed=seed)

Set ``seeded = False`` on the subclass for a sampler without a random seed. Or call the
``check_*`` functions yourself with such a factory; each runs small seeded studies (in memory
unless said otherwise) over every kind of distribution (floats, log and stepped floats, integers,
log and stepped integers, categorical choices of mixed types) with conditional parameters, and
raises ``AssertionError`` naming the rule that was broken. The rules:

- proposals stay inside every kind of distribution, with the right Python type, and a
  conditional parameter appears exactly in its branch (:func:`check_proposals_stay_inside_distributions`);
- the same seed gives the same trials, another seed other trials (:func:`check_deterministic`);
- the sampler writes nothing: no storage write while ``propose``, ``sample`` or ``after_trial``
  runs (the study's storage refuses them then; ``before_trial`` may only claim, to take a random
  stream), ``propose`` returns a dict or a :class:`~tunewise.samplers.Proposal`, and the trials it
  is shown are left as they were (:func:`check_writes_nothing`);
- RUNNING trials (parallel workers, several ``ask()`` before any ``tell``) get proposals inside
  the space, and are told later (:func:`check_handles_running_trials`);
- PRUNED and FAILED trials are tolerated (:func:`check_tolerates_pruned_and_failed_trials`);
- a parameter suggested as another kind gets the study's error, and the study goes on
  (:func:`check_distribution_change_gets_the_study_error`); a range that depends on another
  parameter or changes between trials is sampled as each trial suggests it (:func:`check_evolving_space`);
- a maximized study and an enqueued trial's values are respected (:func:`check_maximize_and_enqueued_values`);
- it pickles (``n_jobs`` ships it to worker processes): a copy describes itself alike (as JSON)
  and goes on with the study (:func:`check_pickles_and_describes_itself`), and it runs in
  worker processes (:func:`check_runs_in_worker_processes`; a few seconds).
"""

from __future__ import annotations

import contextlib
import copy
import json
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tunewise as tw
from tunewise import distributions as D
from tunewise.samplers import Proposal, Sampler, StudyContext, TrialContext
from tunewise.storage import InMemoryStorage
from tunewise.testing._guard import WriteGuardStorage, guarding
from tunewise.trial import FrozenTrial, TrialState

__all__ = [
    "SamplerTests",
    "WriteGuardStorage",
    "check_deterministic",
    "check_distribution_change_gets_the_study_error",
    "check_evolving_space",
    "check_handles_running_trials",
    "check_maximize_and_enqueued_values",
    "check_pickles_and_describes_itself",
    "check_proposals_stay_inside_distributions",
    "check_runs_in_worker_processes",
    "check_tolerates_pruned_and_failed_trials",
    "check_writes_nothing",
]

SamplerFactory = Callable[[int], Sampler]


_WHY = ("a sampler writes nothing: it returns what it wants written in a tunewise.samplers.Proposal and "
        "the loop writes it")


def _hook(name: str, allowed: tuple[str, ...] = ()) -> contextlib.AbstractContextManager[None]:
    return guarding(name, _WHY, allowed)


# ---- a wrapper around the sampler under test that marks its hooks -------------------------------
def _shown(trials: list[FrozenTrial]) -> list[Any]:
    return [(t.number, t.state, t.values, copy.deepcopy(t.params), copy.deepcopy(dict(t.reports)),
             copy.deepcopy(t.system_attrs), copy.deepcopy(t.user_attrs)) for t in trials]


class _Guarded(Sampler):
    """The study's sampler during :func:`check_writes_nothing`: forwards every hook to the sampler
    under test, marking it for :class:`WriteGuardStorage` and checking what it returns."""

    def __init__(self, inner: Sampler) -> None:
        self.inner = inner
        self._name = type(inner).__name__

    def __getattr__(self, name: str) -> Any:  # seed, n_startup_trials, ...
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def before_trial(self, study: StudyContext) -> None:
        with _hook(f"{self._name}.before_trial", allowed=("try_claim",)):
            self.inner.before_trial(study)

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
        assert isinstance(study, StudyContext) and isinstance(trial, TrialContext)
        before = _shown(study.get_trials())
        with _hook(f"{self._name}.propose"):
            out = self.inner.propose(study, trial)
        assert isinstance(out, (dict, Proposal)), (
            f"{self._name}.propose returned {out!r}; it must return a dict of values or a tunewise.samplers.Proposal")
        assert _shown(study.get_trials()) == before, (
            f"{self._name}.propose changed the trials it was shown; they are read-only")
        return out

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        with _hook(f"{self._name}.sample"):
            return self.inner.sample(study, trial, name, distribution)

    def after_trial(self, study: StudyContext, trial: FrozenTrial) -> None:
        with _hook(f"{self._name}.after_trial"):
            self.inner.after_trial(study, trial)

    def reseed(self, seed: int | None) -> None:
        self.inner.reseed(seed)

    def describe(self) -> dict[str, Any]:
        return self.inner.describe()


# ---- the objectives -----------------------------------------------------------------------------
def _mixed(trial: tw.Trial) -> float:
    """Every kind of distribution, plus a conditional branch."""
    x = trial.suggest_float("x", -2.0, 3.0)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    q = trial.suggest_float("q", 0.0, 1.0, step=0.25)
    n = trial.suggest_int("n", 1, 9)
    units = trial.suggest_int("units", 8, 512, log=True)
    k = trial.suggest_int("k", 0, 30, step=5)
    opt = trial.suggest_categorical("opt", ["adam", "sgd", None, 3])
    value = (x - 1) ** 2 + abs(lr - 1e-3) * 100 + q + n / 10 + abs(units - 64) / 100 + k / 50
    if opt == "sgd":
        value += trial.suggest_float("momentum", 0.0, 0.99)
    elif opt == "adam":
        value += trial.suggest_int("beta_exp", 1, 4) / 10
    return value


#: A grid over every parameter the suite's objectives suggest, with values inside each of their
#: distributions: ``GridSampler(GRID)`` runs the suite.
GRID: dict[str, list[Any]] = {
    "x": [0.25, 0.75], "y": [1, 2], "c": ["a", "b"], "lr": [1e-3], "q": [0.25, 0.5], "n": [2], "units": [64],
    "k": [10], "opt": ["adam", "sgd", None, 3], "momentum": [0.5], "beta_exp": [2],
}


def _pruned_or_failed(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_int("y", 0, 5)
    if trial.number % 3 == 1:
        raise RuntimeError("boom")
    if trial.number % 3 == 2:
        trial.report(x + y, step=0)
        trial.report(x + y - 0.1, step=1)
        raise tw.TrialPruned()
    return (x - 0.3) ** 2 + y


def _mixed_with_failures(trial: tw.Trial) -> float:
    """``_mixed``, but every third trial fails and every third is pruned after two reports."""
    value = _mixed(trial)
    if trial.number % 3 == 1:
        raise RuntimeError("boom")
    if trial.number % 3 == 2:
        trial.report(value, step=0)
        trial.report(value - 0.1, step=1)
        raise tw.TrialPruned()
    return value


def _check_inside(study: tw.Study, trials: list[FrozenTrial] | None = None) -> None:
    dists = study.distributions
    for t in study.trials if trials is None else trials:
        for p, v in t.params.items():
            assert dists[p].contains(v), (p, v, dists[p])
            d = dists[p]
            if isinstance(d, D.Float):
                assert isinstance(v, float), f"{p}={v!r} is a {type(v).__name__}, not a float ({d!r})"
            elif isinstance(d, D.Int):
                assert isinstance(v, int) and not isinstance(v, bool), f"{p}={v!r} is not an int ({d!r})"
            else:
                assert any(v is c or (type(v) is type(c) and v == c) for c in d.choices), (
                    f"{p}={v!r} is not one of the choices {d.choices} (with its type)")


def _check_branches(trials: list[FrozenTrial]) -> None:
    for t in trials:
        # Conditional parameters appear exactly in their branch.
        assert ("momentum" in t.params) == (t.params["opt"] == "sgd")
        assert ("beta_exp" in t.params) == (t.params["opt"] == "adam")


# ---- the checks ---------------------------------------------------------------------------------
def check_proposals_stay_inside_distributions(make_sampler: SamplerFactory) -> None:
    """12 trials over every kind of distribution: each value inside its distribution, of its
    type (float, int, the choice itself), conditional parameters only in their branch."""
    study = tw.create_study(sampler=make_sampler(0))
    study.optimize(_mixed, n_trials=12)
    dists = study.distributions
    assert {"x", "lr", "q", "n", "units", "k", "opt"} <= set(dists)
    for t in study.trials:
        assert t.state == TrialState.COMPLETE, (t.number, t.state, t.system_attrs.get("fail_reason"))
        for p, v in t.params.items():
            assert dists[p].contains(v), (p, v, dists[p])
    _check_branches(study.trials)
    ints = [t.params["units"] for t in study.trials]
    assert all(isinstance(v, int) for v in ints)
    _check_inside(study)


def check_deterministic(make_sampler: SamplerFactory, seeded: bool = True) -> None:
    """The same seed gives the same trials; with ``seeded``, another seed gives other trials."""
    def run(seed: int) -> list[dict[str, Any]]:
        study = tw.create_study(sampler=make_sampler(seed))
        study.optimize(_mixed, n_trials=7)
        return [t.params for t in study.trials]

    first = run(3)
    assert first == run(3), "the same seed gave other trials"
    if seeded:
        assert first != run(4), "another seed gave the same trials"


def check_writes_nothing(make_sampler: SamplerFactory) -> None:
    """A study whose storage refuses writes from inside the sampler's hooks: enqueued, PRUNED,
    FAILED and RUNNING trials, and a conditional space. The sampler returns what it wants written."""
    storage = WriteGuardStorage()
    study = tw.create_study(storage=storage, sampler=_Guarded(make_sampler(0)))
    study.enqueue_trial({"x": 0.5, "opt": "sgd"})
    study.optimize(_mixed, n_trials=8)
    study.optimize(_mixed_with_failures, n_trials=6, catch=(RuntimeError,))
    running = [study.ask() for _ in range(3)]  # three workers at once
    for t in running:
        study.tell(t, _mixed(t))
    assert not storage.violations, storage.violations[0]
    _check_inside(study)


def check_handles_running_trials(make_sampler: SamplerFactory) -> None:
    """Several trials asked before any is told (parallel workers): each gets values inside the
    space, whatever the others hold, before and after the sampler has data."""
    study = tw.create_study(sampler=make_sampler(0))
    for _ in range(3):
        running = [study.ask() for _ in range(4)]
        values = [_mixed(t) for t in running]
        assert [t.state for t in study.get_trials(states=(TrialState.RUNNING,))] == [TrialState.RUNNING] * 4
        for t, v in zip(running, values):
            study.tell(t, v)
    assert len(study.trials) == 12 and all(t.state == TrialState.COMPLETE for t in study.trials)
    _check_branches(study.trials)
    _check_inside(study)


def check_tolerates_pruned_and_failed_trials(make_sampler: SamplerFactory) -> None:
    """PRUNED (with reports) and FAILED trials in the history do not upset the sampler."""
    study = tw.create_study(sampler=make_sampler(1))
    study.optimize(_pruned_or_failed, n_trials=12, catch=(RuntimeError,))
    states = [t.state for t in study.trials]
    assert states.count(TrialState.FAILED) == 4 and states.count(TrialState.PRUNED) == 4, [
        (t.state, t.system_attrs.get("fail_reason")) for t in study.trials]
    assert all(0 <= t.params["x"] <= 1 and t.params["y"] in range(6) for t in study.trials)


def check_distribution_change_gets_the_study_error(make_sampler: SamplerFactory) -> None:
    """A parameter suggested as another kind (a float become categorical) gets the study's
    ValueError (not an error from inside the sampler), and the study goes on."""
    study = tw.create_study(sampler=make_sampler(0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    with pytest.raises(ValueError, match="not its kind"):
        study.optimize(lambda t: t.suggest_categorical("x", [0, 1]), n_trials=1)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert sum(t.state == TrialState.COMPLETE for t in study.trials) == 7


def check_evolving_space(make_sampler: SamplerFactory) -> None:
    """A range that depends on another parameter, and a range widened, narrowed or given other
    choices in a running study, are sampled in the distribution each trial suggests, with the
    old trials in the history."""
    study = tw.create_study(sampler=make_sampler(0))

    def dependent(t: tw.Trial) -> float:
        n0 = t.suggest_int("n0", 4, 64)
        return float(n0 + t.suggest_int("n1", 4, n0))

    study.optimize(dependent, n_trials=8)
    assert all(4 <= t.params["n1"] <= t.params["n0"] for t in study.trials)
    for low, high, choices in ((0.0, 1.0, ("a", "b")), (0.0, 4.0, ("a", "b", "c")), (0.5, 2.0, ("b", "c"))):
        def objective(t: tw.Trial, low: float = low, high: float = high, choices: tuple[str, ...] = choices) -> float:
            return t.suggest_float("x", low, high) + len(t.suggest_categorical("c", list(choices)))

        study.optimize(objective, n_trials=6)
        last = study.trials[-6:]
        assert all(low <= t.params["x"] <= high and t.params["c"] in choices for t in last), [t.params for t in last]
        assert all(t.distributions["x"] == tw.distributions.Float(low, high) for t in last)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def check_maximize_and_enqueued_values(make_sampler: SamplerFactory) -> None:
    """An enqueued trial runs its values; a maximized study keeps its best."""
    study = tw.create_study(direction="maximize", sampler=make_sampler(2))
    study.enqueue_trial({"x": 0.25, "c": "b"})
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + (t.suggest_categorical("c", ["a", "b"]) == "b"),
                   n_trials=7)
    assert study.trials[0].params == {"x": 0.25, "c": "b"}
    assert study.best_value >= 1.25


def check_pickles_and_describes_itself(make_sampler: SamplerFactory) -> None:
    """A sampler pickled mid-study (as ``n_jobs`` ships it to a worker) describes itself alike,
    as JSON, and its copy goes on with the study."""
    storage = InMemoryStorage()
    sampler = make_sampler(0)
    study = tw.create_study(name="pickled", storage=storage, sampler=sampler)
    study.optimize(_mixed, n_trials=6)
    described = sampler.describe()
    assert isinstance(described, dict) and isinstance(described.get("name"), str), described
    json.dumps(described)
    twin = pickle.loads(pickle.dumps(sampler))
    assert json.dumps(twin.describe(), sort_keys=True) == json.dumps(described, sort_keys=True)
    worker = tw.load_study("pickled", storage, sampler=twin)  # a worker's view of the same study
    worker.optimize(_mixed, n_trials=4)
    assert len(worker.trials) == 10 and all(t.state == TrialState.COMPLETE for t in worker.trials)
    _check_branches(worker.trials)
    _check_inside(worker)


def check_runs_in_worker_processes(make_sampler: SamplerFactory, tmp_dir: str | Path | None = None) -> None:
    """``optimize(n_jobs=2)`` on SQLite: the sampler is shipped to two worker processes and every
    trial completes inside the space. Takes a few seconds (process start-up)."""
    with tempfile.TemporaryDirectory(dir=tmp_dir) as tmp:
        url = f"sqlite:///{Path(tmp) / 'workers.db'}"
        study = tw.create_study(storage=url, sampler=make_sampler(0))
        study.optimize(_mixed, n_trials=6, n_jobs=2)
        trials = study.trials
        assert len(trials) == 6 and all(t.state == TrialState.COMPLETE for t in trials), [
            (t.state, t.system_attrs.get("fail_reason")) for t in trials]
        _check_branches(trials)
        _check_inside(study)


class SamplerTests:
    """The suite as a pytest class: subclass it (as ``Test...``) and override ``make_sampler``.

    ``seeded``: whether the sampler takes a random seed (other seeds, other trials).
    """

    seeded = True

    @pytest.fixture
    def make_sampler(self) -> SamplerFactory:
        raise NotImplementedError("override the make_sampler fixture: return a function seed -> sampler")

    def test_proposals_stay_inside_distributions(self, make_sampler: SamplerFactory) -> None:
        check_proposals_stay_inside_distributions(make_sampler)

    def test_deterministic(self, make_sampler: SamplerFactory) -> None:
        check_deterministic(make_sampler, seeded=self.seeded)

    def test_writes_nothing(self, make_sampler: SamplerFactory) -> None:
        check_writes_nothing(make_sampler)

    def test_handles_running_trials(self, make_sampler: SamplerFactory) -> None:
        check_handles_running_trials(make_sampler)

    def test_tolerates_pruned_and_failed_trials(self, make_sampler: SamplerFactory) -> None:
        check_tolerates_pruned_and_failed_trials(make_sampler)

    def test_distribution_change_gets_the_study_error(self, make_sampler: SamplerFactory) -> None:
        check_distribution_change_gets_the_study_error(make_sampler)

    def test_evolving_space(self, make_sampler: SamplerFactory) -> None:
        check_evolving_space(make_sampler)

    def test_maximize_and_enqueued_values(self, make_sampler: SamplerFactory) -> None:
        check_maximize_and_enqueued_values(make_sampler)

    def test_pickles_and_describes_itself(self, make_sampler: SamplerFactory) -> None:
        check_pickles_and_describes_itself(make_sampler)

    def test_runs_in_worker_processes(self, make_sampler: SamplerFactory, tmp_path: Path) -> None:
        check_runs_in_worker_processes(make_sampler, tmp_path)
