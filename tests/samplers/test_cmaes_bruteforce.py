"""CmaEsSampler and BruteForceSampler: Optuna's two samplers, rebuilt from the study's trials."""

from __future__ import annotations

import collections
import itertools
import logging
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tunewise as tw
from tunewise import distributions as D
from tunewise.samplers._cmaes import GENERATION_ATTR
from tunewise.testing import sampler as conformance
from tunewise.trial import TrialState

logging.getLogger("tunewise").setLevel(logging.ERROR)
S = tw.samplers


def _sphere(trial: tw.Trial) -> float:
    return sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(3))


def _rosenbrock(trial: tw.Trial) -> float:
    x = [trial.suggest_float(f"x{i}", -2, 2) for i in range(4)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))


def _mixed(trial: tw.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-6, 1.0, log=True)
    n = trial.suggest_int("n", 0, 10)
    s = trial.suggest_float("s", -1.0, 1.0, step=0.25)
    units = trial.suggest_int("units", 1, 1024, log=True)
    return (math.log10(lr) + 3) ** 2 + (n - 3) ** 2 + (s - 0.5) ** 2 + (math.log2(units) - 6) ** 2


def _tags(study: tw.Study) -> list[dict[str, Any] | None]:
    return [t.system_attrs.get(GENERATION_ATTR) for t in study.trials]


# ---- CmaEsSampler -------------------------------------------------------------------------------
@pytest.mark.parametrize("objective, n_trials", [(_sphere, 80), (_rosenbrock, 150)])
def test_cmaes_beats_random_search_at_equal_trials(objective: Any, n_trials: int) -> None:
    cma_best, rnd_best = [], []
    for seed in range(3):
        cma = tw.create_study(sampler=S.CmaEsSampler(seed=seed))
        cma.optimize(objective, n_trials=n_trials)
        rnd = tw.create_study(sampler=S.RandomSampler(seed=seed))
        rnd.optimize(objective, n_trials=n_trials)
        cma_best.append(cma.best_value)
        rnd_best.append(rnd.best_value)
    # Measured: sphere 0.02-0.05 vs 1.0-1.6; Rosenbrock 1.4-2.6 vs 7-41.
    assert np.mean(cma_best) < 0.2 * np.mean(rnd_best), (cma_best, rnd_best)
    assert max(cma_best) < min(rnd_best), (cma_best, rnd_best)
    # Generations of popsize 4 + floor(3 ln d) trials follow the one start-up trial.
    d = 3 if objective is _sphere else 4
    popsize = 4 + math.floor(3 * math.log(d))
    tags = _tags(cma)
    assert tags[0] is None and all(tag is not None for tag in tags[1:])
    assert [tag["generation"] for tag in tags[1:1 + 2 * popsize] if tag] == [0] * popsize + [1] * popsize


@pytest.mark.parametrize("kwargs", [{}, {"with_margin": True}, {"use_separable_cma": True}, {"lr_adapt": True}])
def test_cmaes_searches_log_int_and_stepped_parameters(kwargs: dict[str, Any]) -> None:
    study = tw.create_study(sampler=S.CmaEsSampler(seed=0, **kwargs))
    study.optimize(_mixed, n_trials=150)
    dists = study.distributions
    for t in study.trials:
        assert all(dists[name].contains(v) for name, v in t.params.items()), t.params
        assert isinstance(t.params["n"], int) and isinstance(t.params["units"], int)
        assert isinstance(t.params["lr"], float) and isinstance(t.params["s"], float)
    best = study.best_params
    # Optimum lr = 1e-3 (log scale), n = 3, s = 0.5, units = 64 (log scale): found by every variant.
    assert 2e-4 < best["lr"] < 5e-3 and abs(best["n"] - 3) <= 1 and best["s"] in (0.25, 0.5, 0.75), best
    assert 32 <= best["units"] <= 128, best
    rnd = tw.create_study(sampler=S.RandomSampler(seed=0))
    rnd.optimize(_mixed, n_trials=150)
    assert study.best_value < rnd.best_value
    if kwargs.get("with_margin"):
        # CMA-ES with margin learns from the point before rounding, and keeps trying other
        # values of the integer parameters instead of freezing on one.
        assert all(len(tag["x"]) == 4 for tag in _tags(study)[1:] if tag)
        assert len({t.params["n"] for t in study.trials[-40:]}) >= 2


def test_cmaes_samples_log_parameters_in_log_space() -> None:
    # Around a log-scale optimum the generations' draws spread evenly in log10, not in linear scale.
    study = tw.create_study(sampler=S.CmaEsSampler(seed=1, sigma0=0.05, x0={"lr": 1e-4}))
    study.optimize(lambda t: (math.log10(t.suggest_float("lr", 1e-8, 1.0, log=True)) + 4) ** 2, n_trials=10)
    logs = np.log10([t.params["lr"] for t in study.trials[1:]])
    assert np.all(np.abs(logs + 4) < 2.0), logs  # sigma0 = 0.05 of 8 decades is 0.4 decade
    assert logs.min() < -4.0 < logs.max()


def test_cmaes_sends_categorical_parameters_to_the_independent_sampler_with_a_warning() -> None:
    class Recording(tw.samplers.RandomSampler):
        def __init__(self, seed: int) -> None:
            super().__init__(seed=seed)
            self.names: list[str] = []

        def sample(self, study: Any, trial: Any, name: str, distribution: D.Distribution) -> Any:
            self.names.append(name)
            return super().sample(study, trial, name, distribution)

    def objective(t: tw.Trial) -> float:
        x = t.suggest_float("x", -3, 3)
        opt = t.suggest_categorical("opt", ["adam", "sgd"])
        return x ** 2 + (opt == "sgd")

    recording = Recording(seed=0)
    study = tw.create_study(sampler=S.CmaEsSampler(seed=0, independent_sampler=recording, n_startup_trials=3))
    with pytest.warns(UserWarning, match=r"parameter 'opt' with its independent sampler \(Recording\): CMA-ES"):
        study.optimize(objective, n_trials=20)
    # The start-up trials are all the independent sampler's; afterwards only the categorical one.
    assert recording.names[:6] == ["x", "opt"] * 3 and set(recording.names[6:]) == {"opt"}
    assert len(recording.names[6:]) == 17
    assert all(tag is not None for tag in _tags(study)[3:])

    quiet = tw.create_study(sampler=S.CmaEsSampler(seed=0, warn_independent_sampling=False))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet.optimize(objective, n_trials=5)


def test_cmaes_leaves_conditional_parameters_to_the_independent_sampler() -> None:
    def objective(t: tw.Trial) -> float:
        x = t.suggest_float("x", -3, 3)
        if x > 0:
            return x ** 2 + t.suggest_float("y", 0, 1)
        return x ** 2

    study = tw.create_study(sampler=S.CmaEsSampler(seed=0))
    with pytest.warns(UserWarning, match="'y'.*conditional"):
        study.optimize(objective, n_trials=40)
    assert study.best_value < 0.05
    assert all(tag is not None for tag in _tags(study)[1:])


def test_cmaes_resumes_from_sqlite_in_a_new_study_object(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cma.db'}"
    first = S.CmaEsSampler(seed=0)
    study = tw.create_study(study_name="cma", storage=url, sampler=first)
    study.optimize(_sphere, n_trials=50)
    reached = first.generation(study)
    assert reached is not None and reached[1] >= 6
    run = next(iter(first._hist.runs.values()))  # type: ignore[union-attr]

    # Another process (a new sampler, another seed) replays the same tells: the same optimizer.
    second = S.CmaEsSampler(seed=7)
    resumed = tw.load_study("cma", url, sampler=second)
    assert second.generation(resumed) == reached
    again = next(iter(second._hist.runs.values()))  # type: ignore[union-attr]
    assert np.allclose(again.optimizer.mean, run.optimizer.mean)
    assert again.optimizer._sigma == pytest.approx(run.optimizer._sigma)
    assert np.allclose(again.optimizer._C, run.optimizer._C)

    resumed.optimize(_sphere, n_trials=30)
    new = [tag["generation"] for tag in _tags(resumed)[50:]]
    assert new[0] == reached[1] and new == sorted(new) and new[-1] >= reached[1] + 3  # goes on, not from 0
    # ... where it had got to: its draws are as good as the last ones before, far better than the first.
    values = [t.value for t in resumed.trials]
    assert np.median(values[50:]) < 0.5 * np.median(values[1:15])


@pytest.mark.slow
def test_cmaes_with_two_worker_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    study = tw.create_study(study_name="w", storage=url, sampler=S.CmaEsSampler(seed=0))
    study.optimize(_sphere, n_trials=50, n_jobs=2)
    trials = study.trials
    assert len(trials) == 50 and all(t.state == TrialState.COMPLETE for t in trials)
    popsize = 4 + math.floor(3 * math.log(3))
    by_gen: dict[int, list[int]] = collections.defaultdict(list)
    for t in trials:
        tag = t.system_attrs.get(GENERATION_ATTR)
        if tag:
            by_gen[tag["generation"]].append(t.number)
    gens = sorted(by_gen)
    assert gens == list(range(len(gens))) and len(gens) >= 5, by_gen
    # A generation started only after the one before had its population.
    for g in gens[1:]:
        assert sum(n < min(by_gen[g]) for n in by_gen[g - 1]) >= popsize, by_gen
    replay = S.CmaEsSampler(seed=3)
    assert replay.generation(tw.load_study("w", url, sampler=replay)) in ((0, gens[-1]), (0, gens[-1] + 1))
    # One search shared by the workers: about as many generations as one process makes of 50 trials,
    # bar the draws made while a generation waited for its last results (one or two per generation).
    assert len(gens) >= (50 - 1) // (popsize + 2)


def test_cmaes_generations_go_on_past_failed_and_pruned_trials() -> None:
    def flaky(t: tw.Trial) -> float:
        value = _sphere(t)
        if t.number % 4 == 1:
            raise RuntimeError("boom")
        if t.number % 4 == 2:
            t.report(value, step=0)
            raise tw.TrialPruned()
        return value

    for consider in (False, True):
        study = tw.create_study(sampler=S.CmaEsSampler(seed=0, consider_pruned_trials=consider))
        study.optimize(flaky, n_trials=80, catch=(RuntimeError,))
        reached = study.sampler.generation(study)  # type: ignore[attr-defined]
        usable = sum(t.state == TrialState.COMPLETE or (consider and t.state == TrialState.PRUNED)
                     for t in study.trials)
        assert reached is not None and reached[1] == (usable - 1) // 7, (consider, reached, usable)
        assert study.best_value < 2.0


def test_cmaes_a_trial_left_running_does_not_hold_its_generation() -> None:
    storage = tw.storage.InMemoryStorage()
    study = tw.create_study(study_name="stuck", storage=storage, sampler=S.CmaEsSampler(seed=0, popsize=4))

    def told(t: tw.Trial) -> None:
        study.tell(t, t.suggest_float("x", -10, 10) ** 2 + t.suggest_float("y", -10, 10) ** 2)

    told(study.ask())  # the start-up trial
    stuck = study.ask()  # generation 0, never told (a hung worker, a forgotten ask)
    stuck.suggest_float("x", -10, 10), stuck.suggest_float("y", -10, 10)
    for _ in range(16):
        told(study.ask())
    tags: list[Any] = _tags(study)
    gens = [tag and tag["generation"] for tag in tags]
    # Generation 0 is told its first 4 results (trials 2-5), not held back by trial 1.
    assert gens == [None, 0, 0, 0, 0, 0] + [1] * 4 + [2] * 4 + [3] * 4, gens
    # The first trial of each generation records, with its start, the trials the one before was told.
    assert tags[6]["told"] == [{"restart": 0, "generation": 0, "trials": [2, 3, 4, 5]}]
    assert tags[10]["told"] == [{"restart": 0, "generation": 1, "trials": [6, 7, 8, 9]}]
    assert all("told" not in tag for tag in tags[1:6] + tags[7:10])
    study.tell(stuck, 0.0)  # finished at last (the best value): the choice made stands, in every process
    replay = S.CmaEsSampler(seed=1, popsize=4)
    assert replay.generation(tw.load_study("stuck", storage, sampler=replay)) == (0, 4)
    assert study.sampler.generation(study) == (0, 4)  # type: ignore[attr-defined]
    run, again = (next(iter(s._hist.runs.values())) for s in (study.sampler, replay))  # type: ignore[attr-defined]
    assert run.log[(0, 0)][0] == again.log[(0, 0)][0] == (2, 3, 4, 5)
    assert np.allclose(run.optimizer.mean, again.optimizer.mean)
    assert study.sampler._hist.rebuilds == 0  # type: ignore[attr-defined]


def test_cmaes_replays_the_record_of_a_generation_told_past_a_stuck_trial_by_an_earlier_version() -> None:
    # Earlier versions tagged trials without a basis and recorded a generation told past a
    # RUNNING trial in the study's system attrs: a study they ran is replayed as they told it.
    def legacy_study(record: list[int] | None) -> tw.Study:
        source = tw.create_study(sampler=S.CmaEsSampler(seed=0, popsize=4))
        source.optimize(lambda t: t.suggest_float("x", -10, 10) ** 2 + t.suggest_float("y", -10, 10) ** 2,
                        n_trials=8)
        study = tw.create_study(sampler=S.CmaEsSampler(seed=3, popsize=4))
        for t in source.trials:
            tag = t.system_attrs.get(GENERATION_ATTR)  # 7 trials of generation 0, the way they were tagged
            attrs = {GENERATION_ATTR: {"space": tag["space"], "restart": 0, "generation": 0}} if tag else {}
            study.add_trial(tw.create_trial(params=t.params, distributions=t.distributions, value=t.value,
                                            system_attrs=attrs))
        if record is not None:
            space = study.trials[1].system_attrs[GENERATION_ATTR]["space"]
            study.set_system_attr(f"cmaes:told:{space}:0:0", record)
        return study

    for record, told in ([3, 4, 5, 6], (3, 4, 5, 6)), (None, (1, 2, 3, 4)):
        study = legacy_study(record)
        assert study.sampler.generation(study) == (0, 1)  # type: ignore[attr-defined]
        run = next(iter(study.sampler._hist.runs.values()))  # type: ignore[attr-defined]
        assert run.log[(0, 0)][0] == told and run.log[(0, 0)][3] == "legacy"
        study.optimize(lambda t: t.suggest_float("x", -10, 10) ** 2 + t.suggest_float("y", -10, 10) ** 2,
                       n_trials=1)
        assert "told" not in study.trials[-1].system_attrs[GENERATION_ATTR]  # nothing to record again


def _optimizer_state(study: tw.Study) -> tuple[Any, ...]:
    study.sampler.generation(study)  # type: ignore[attr-defined]  # reads what the other process wrote
    run = next(iter(study.sampler._hist.runs.values()))  # type: ignore[attr-defined]
    opt = run.optimizer
    opt._eigen_decomposition()  # C as the next ask or tell uses it (a process that asked has refactored it)
    return (run.restart, run.generation, opt.generation, opt.mean.copy(), opt._sigma, opt._C.copy(), dict(run.log))


def _same_optimizer(*studies: tw.Study) -> None:
    first, *others = [_optimizer_state(s) for s in studies]
    for other in others:
        assert first[:3] == other[:3] and first[6] == other[6], (first, other)
        assert np.array_equal(first[3], other[3]) and first[4] == other[4] and np.array_equal(first[5], other[5])


def _xy(t: tw.Trial) -> float:
    return (t.suggest_float("x", -10, 10) - 3) ** 2 + (t.suggest_float("y", -10, 10) + 1) ** 2


def _racing_studies(tmp_path: Path) -> tuple[tw.Study, tw.Study, str]:
    """Two workers (two Study objects, two storage objects) on one SQLite study of CMA-ES with a
    population of 4, past its start-up trial; and the study's URL."""
    url = f"sqlite:///{tmp_path / 'race.db'}"
    a = tw.create_study(study_name="race", storage=url, sampler=S.CmaEsSampler(seed=0, popsize=4))
    b = tw.load_study("race", url, sampler=S.CmaEsSampler(seed=1, popsize=4))  # another storage object too
    start = a.ask()
    a.tell(start, _xy(start))
    return a, b, url


def _b_starts_before_a(a: tw.Study, b: tw.Study, first: tw.Trial) -> tuple[tw.Trial, tw.Trial]:
    """a asks; after its sampler proposed and before its trial starts, ``first`` ends (told by a)
    and b asks, so b's trial starts first. Returns (b's trial, a's trial)."""
    start_trial = a._storage.start_trial
    raced: list[tw.Trial] = []

    def b_starts_first(*args: Any, **kwargs: Any) -> Any:
        if not raced:
            a.tell(first, _xy(first))
            raced.append(b.ask())
        return start_trial(*args, **kwargs)

    a._storage.start_trial = b_starts_first  # type: ignore[method-assign]
    late = a.ask()
    a._storage.start_trial = start_trial  # type: ignore[method-assign]
    return raced[0], late


def test_cmaes_two_processes_that_told_a_generation_differently_end_on_the_recorded_choice(tmp_path: Path) -> None:
    a, b, url = _racing_studies(tmp_path)
    gen0 = [a.ask() for _ in range(6)]  # trials 1-6
    values = {t.number: _xy(t) for t in gen0}
    for t in gen0[2:]:
        a.tell(t, values[t.number])
    assert a.sampler.generation(a) == (0, 1)  # type: ignore[attr-defined]  # a tells trials 3-6
    a.tell(gen0[0], values[1])
    assert b.sampler.generation(b) == (0, 1)  # type: ignore[attr-defined]  # b, later, tells trials 1, 3-5
    state_a, state_b = (next(iter(s.sampler._hist.runs.values())) for s in (a, b))  # type: ignore[attr-defined]
    assert state_a.log[(0, 0)][0] == (3, 4, 5, 6) and state_b.log[(0, 0)][0] == (1, 3, 4, 5)
    assert not np.allclose(state_a.optimizer.mean, state_b.optimizer.mean)

    first = b.ask()  # b proposes generation 1 first: it claims the record and writes its choice
    assert first.number == 7 and b.trials[7].system_attrs[GENERATION_ATTR]["told"][0]["trials"] == [1, 3, 4, 5]
    second = a.ask()  # a reads b's record, replays it (its own choice lost), and draws from it
    assert "told" not in a.trials[8].system_attrs[GENERATION_ATTR]
    assert a.sampler._hist.rebuilds == 1 and b.sampler._hist.rebuilds == 0  # type: ignore[attr-defined]
    _same_optimizer(a, b)
    for study, t in ((b, first), (a, second), (a, gen0[1])):
        study.tell(t, _xy(t) if t is not gen0[1] else values[2])
    # The late trial 2 changes nothing: generation 0's choice is recorded.
    _same_optimizer(a, b, tw.load_study("race", url, sampler=S.CmaEsSampler(seed=9, popsize=4)))


def test_cmaes_a_record_written_by_the_claim_loser_before_the_winner_counts(tmp_path: Path) -> None:
    """The claim saves draws; the record of the lowest-numbered trial decides. Here a proposes
    and wins the claim, then b (which saw one result more) is refused, finds no record yet,
    records its own choice and starts its trial before a's: b's record counts, a replays it,
    and a's draw (from the choice that lost) is never told. That order (claim, then start) is a
    storage's that does not claim with the start (``claims_at_start()`` False: one's own)."""
    a, b, url = _racing_studies(tmp_path)
    for study in (a, b):
        study._storage.claims_at_start = lambda: False  # type: ignore[method-assign]
    gen0 = [a.ask() for _ in range(5)]  # trials 1-5
    for t in gen0[1:]:
        a.tell(t, _xy(t))

    early, late = _b_starts_before_a(a, b, gen0[0])
    assert (early.number, late.number) == (6, 7)
    tags: list[Any] = _tags(a)
    assert tags[6]["told"][0]["trials"] == [1, 2, 3, 4] and tags[7]["told"][0]["trials"] == [2, 3, 4, 5]
    assert tags[6]["basis"] != tags[7]["basis"]
    _same_optimizer(a, b)  # a replays b's choice
    assert a.sampler._hist.rebuilds == 1 and b.sampler._hist.rebuilds == 0  # type: ignore[attr-defined]
    for study, t in ((b, early), (a, late)):
        study.tell(t, _xy(t))
    for _ in range(4):  # generation 1 goes on; trial 7 (drawn from the choice that lost) is never told
        for study in (a, b):
            t = study.ask()
            study.tell(t, _xy(t))
    state = _optimizer_state(a)
    assert state[1] >= 2 and 7 not in state[6][(0, 1)][0], state[6]
    _same_optimizer(a, b, tw.load_study("race", url, sampler=S.CmaEsSampler(seed=9, popsize=4)))


def test_cmaes_with_the_claim_made_at_the_start_the_first_to_start_records_and_the_other_replays(
        tmp_path: Path) -> None:
    """tunewise's storages claim with the trial's start. The same race as above: a proposes
    (looking, not claiming), then before its start trial 1 ends and b (which saw one result more)
    proposes and starts first, claiming and recording its choice. a's start finds the claim taken
    and starts nothing; a's sampler proposes again, replaying b's record: a's trial records
    nothing and a's own choice is never drawn from."""
    a, b, url = _racing_studies(tmp_path)
    assert a._storage.claims_at_start() and b._storage.claims_at_start()
    gen0 = [a.ask() for _ in range(5)]  # trials 1-5
    for t in gen0[1:]:
        a.tell(t, _xy(t))

    early, late = _b_starts_before_a(a, b, gen0[0])
    assert (early.number, late.number) == (6, 7)
    for study, t in ((b, early), (a, late)):
        study.tell(t, _xy(t))
    tags: list[Any] = _tags(a)
    assert tags[6]["told"][0]["trials"] == [1, 2, 3, 4]
    assert "told" not in tags[7]  # a replayed b's record instead of recording its own choice
    _same_optimizer(a, b)
    for _ in range(4):  # generation 1 goes on in both processes
        for study in (a, b):
            t = study.ask()
            study.tell(t, _xy(t))
    assert _optimizer_state(a)[1] >= 2
    _same_optimizer(a, b, tw.load_study("race", url, sampler=S.CmaEsSampler(seed=9, popsize=4)))


def test_cmaes_a_claim_whose_holder_died_before_its_trial_started_does_not_block(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'race.db'}"
    a = tw.create_study(study_name="race", storage=url, sampler=S.CmaEsSampler(seed=0, popsize=4))
    a.optimize(_xy, n_trials=5)  # the start-up trial and generation 0
    space = a.trials[1].system_attrs[GENERATION_ATTR]["space"]
    assert a._storage.try_claim(a._study_id, f"cmaes:told:{space}:0:0")  # a worker killed after its claim
    a.optimize(_xy, n_trials=1)  # refused, it reads the study again, finds no record and writes its own
    tags: list[Any] = _tags(a)
    assert tags[5]["told"] == [{"restart": 0, "generation": 0, "trials": [1, 2, 3, 4]}]
    b = tw.load_study("race", url, sampler=S.CmaEsSampler(seed=1, popsize=4))
    b.optimize(_xy, n_trials=12)
    a.optimize(_xy, n_trials=4)
    gens = [tag["generation"] for tag in _tags(a)[1:] if tag is not None]
    assert gens == sorted(gens) and gens[-1] >= 4, gens
    _same_optimizer(a, b)


def test_cmaes_two_processes_interleaving_asks_and_tells_share_one_optimizer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'race.db'}"
    studies = [tw.create_study(study_name="race", storage=url, sampler=S.CmaEsSampler(seed=0, popsize=5))]
    studies.append(tw.load_study("race", url, sampler=S.CmaEsSampler(seed=1, popsize=5)))
    rng = np.random.default_rng(0)
    running: list[tuple[tw.Study, tw.Trial, float]] = []
    for _ in range(160):
        if len(running) < 4:  # one of 4 workers asks ...
            study = studies[int(rng.integers(2))]
            t = study.ask()
            running.append((study, t, _xy(t)))
        else:  # ... or a trial finishes, in any order; a few fail or never finish
            study, t, value = running.pop(int(rng.integers(len(running))))
            if rng.random() < 0.1:
                study.tell(t, state=TrialState.FAILED)
            elif rng.random() > 0.05:
                study.tell(t, value)
    replay = tw.load_study("race", url, sampler=S.CmaEsSampler(seed=2, popsize=5))
    _same_optimizer(*studies, replay)
    state = _optimizer_state(replay)
    assert state[1] >= 7, state[:2]  # 80 trials, 5% never told: 8 generations of 7-10 trials (measured)
    # Each generation was told 5 of its own trials, drawn from one optimizer, as its next one recorded.
    tags: dict[int, Any] = {t.number: t.system_attrs.get(GENERATION_ATTR) for t in replay.trials}
    for (_, g), (numbers, basis, _, source) in state[6].items():
        assert len(numbers) == 5 and all(tags[n]["generation"] == g and tags[n]["basis"] == basis for n in numbers)
        assert source == "record" or g == state[1] - 1, (g, source)


def test_cmaes_ask_and_tell_batches() -> None:
    study = tw.create_study(sampler=S.CmaEsSampler(seed=0, popsize=5))
    for _ in range(4):
        batch = [study.ask() for _ in range(5)]
        for t in batch:
            study.tell(t, t.suggest_float("x", -10, 10) ** 2 + t.suggest_float("y", -10, 10))
    gens = [tag and tag["generation"] for tag in _tags(study)]
    assert gens == [None] * 5 + [0] * 5 + [1] * 5 + [2] * 5


def test_cmaes_x0_sigma0_source_trials_and_ipop() -> None:
    near = tw.create_study(sampler=S.CmaEsSampler(x0={"x0": 4.0, "x1": -4.0, "x2": 4.0}, sigma0=0.01, seed=0))
    near.optimize(_sphere, n_trials=8)
    assert all(abs(t.params["x0"] - 4.0) < 0.5 and abs(t.params["x1"] + 4.0) < 0.5 for t in near.trials[1:])

    def corner(t: tw.Trial) -> float:  # optimum far from the centre, where a cold start begins
        return sum((t.suggest_float(f"x{i}", -5, 5) - 4) ** 2 for i in range(3))

    source = tw.create_study(sampler=S.RandomSampler(seed=0))
    source.optimize(corner, n_trials=60)
    warm = tw.create_study(sampler=S.CmaEsSampler(seed=0, source_trials=source.trials))
    warm.optimize(corner, n_trials=15)
    cold = tw.create_study(sampler=S.CmaEsSampler(seed=0))
    cold.optimize(corner, n_trials=15)
    warm_mean, cold_mean = (np.mean([t.value for t in s.trials[1:]]) for s in (warm, cold))
    assert warm_mean < 0.5 * cold_mean, (warm_mean, cold_mean)

    ipop = tw.create_study(sampler=S.CmaEsSampler(seed=0, restart_strategy="ipop", inc_popsize=2, popsize=4))
    ipop.optimize(lambda t: round(t.suggest_float("x", -1, 1), 1) ** 2, n_trials=300)  # a plateau: converges
    restarts = [(tag["restart"], tag["generation"]) for tag in _tags(ipop) if tag]
    assert restarts[-1][0] >= 1
    first_of_restart_1 = restarts.index((1, 0))
    assert restarts[first_of_restart_1:first_of_restart_1 + 8] == [(1, 0)] * 8  # the population doubled


@pytest.mark.parametrize("kwargs, error, says", [
    ({"restart_strategy": "sometimes"}, ValueError, "restart_strategy must be"),
    ({"inc_popsize": 0}, ValueError, "inc_popsize must be an integer >= 1"),
    ({"popsize": 1}, ValueError, "popsize must be an integer >= 2"),
    ({"sigma0": -1.0}, ValueError, "sigma0 must be a number > 0"),
    ({"x0": [0.5]}, TypeError, "x0 must be a dict"),
    ({"x0": {"x": "a"}}, TypeError, "x0 must map parameter names to finite numbers"),
    ({"n_startup_trials": -1}, ValueError, "n_startup_trials must be an integer >= 0"),
    ({"independent_sampler": object()}, TypeError, "independent_sampler must be a tunewise sampler"),
    ({"seed": 1.5}, TypeError, "seed must be an integer"),
    ({"with_margin": 1}, TypeError, "with_margin must be True or False"),
    ({"use_separable_cma": True, "with_margin": True}, ValueError, "cannot be combined"),
    ({"lr_adapt": True, "with_margin": True}, ValueError, "lr_adapt=True cannot be combined"),
    ({"source_trials": [], "sigma0": 0.1}, ValueError, "without x0 and sigma0"),
    ({"source_trials": []}, ValueError, "source_trials needs at least 10 COMPLETE trials"),
    ({"source_trials": [1, 2]}, TypeError, "source_trials must be a list of FrozenTrial"),
    ({"popsizes": 4}, TypeError, "popsizes"),  # an argument it does not know is not ignored
])
def test_cmaes_refuses_bad_arguments(kwargs: dict[str, Any], error: type[Exception], says: str) -> None:
    with pytest.raises(error, match=says.replace("(", r"\(").replace("[", r"\[")):
        S.CmaEsSampler(**kwargs)


def test_cmaes_takes_optunas_inc_popsize_default() -> None:
    # Optuna's signature default is inc_popsize=-1 ("not given"): the default growth, no error.
    assert S.CmaEsSampler(inc_popsize=-1).inc_popsize == 2
    assert S.CmaEsSampler(restart_strategy="ipop", inc_popsize=-1).inc_popsize == 2
    with pytest.raises(ValueError, match="inc_popsize must be an integer >= 1"):
        S.CmaEsSampler(restart_strategy="ipop", inc_popsize=-2)


def test_cmaes_takes_optunas_deprecated_restart_options_with_a_warning() -> None:
    # Optuna 4.4+ deprecates restart_strategy / inc_popsize and ignores them, so scripts written with
    # restart_strategy="bipop" or inc_popsize alone run there; here they run too, and say what happens.
    with pytest.warns(UserWarning, match="restarts as 'ipop' instead") as caught:
        bipop = S.CmaEsSampler(restart_strategy="bipop", inc_popsize=3, popsize=4, seed=0)
    assert len(caught) == 1 and bipop.restart_strategy == "ipop" and bipop.inc_popsize == 3
    with pytest.warns(UserWarning, match="inc_popsize=2 applies only with restart_strategy='ipop'"):
        alone = S.CmaEsSampler(inc_popsize=2, seed=0)
    assert alone.restart_strategy is None
    study = tw.create_study(sampler=bipop)  # IPOP restarts: test_cmaes_x0_sigma0_source_trials_and_ipop
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=12)
    assert sum(t.state == TrialState.COMPLETE for t in study.trials) == 12 and any(_tags(study))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Optuna's default (-1) and "ipop" stay silent
        S.CmaEsSampler(restart_strategy="ipop", inc_popsize=-1)


def test_cmaes_errors_in_the_study_are_clear() -> None:
    mo = tw.create_study(directions=["minimize", "minimize"], sampler=S.CmaEsSampler())
    with pytest.raises(ValueError, match="CmaEsSampler optimizes one objective"):
        mo.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=2)
    assert mo.trials == []
    bad = tw.create_study(sampler=S.CmaEsSampler(x0={"x": 7.0}))
    bad.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    with pytest.raises(ValueError, match=r"x0\['x'\]=7.0 is not a value of the parameter's distribution"):
        bad.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)


_CONFORMANCE = ["check_proposals_stay_inside_distributions", "check_deterministic", "check_writes_nothing",
                "check_handles_running_trials", "check_tolerates_pruned_and_failed_trials",
                "check_distribution_change_gets_the_study_error", "check_evolving_space",
                "check_maximize_and_enqueued_values", "check_pickles_and_describes_itself"]


@pytest.mark.parametrize("check", _CONFORMANCE)
def test_cmaes_keeps_the_sampler_contract(check: str) -> None:
    # (check_runs_in_worker_processes: test_cmaes_with_two_worker_processes, with more to check)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # categorical parameters go to the RandomSampler
        getattr(conformance, check)(lambda seed: S.CmaEsSampler(seed=seed, n_startup_trials=2, popsize=3))


# ---- BruteForceSampler --------------------------------------------------------------------------
def _ablation(trial: tw.Trial) -> float:
    opt = trial.suggest_categorical("optimizer", ["Adam", "SGD"])
    if opt == "Adam":
        trial.suggest_categorical("beta1", [0.9, 0.95])
        trial.suggest_categorical("beta2", [0.999, 0.9999])
    else:
        trial.suggest_categorical("momentum", [0.0, 0.9, 0.99])
        trial.suggest_categorical("nesterov", [True, False])
    lr = trial.suggest_float("lr", 0.001, 0.005, step=0.001)
    return lr + (opt == "SGD")


def _ablation_space() -> set[tuple[tuple[str, Any], ...]]:
    lrs = [0.001, 0.002, 0.003, 0.004, 0.005]
    out = {(("beta1", b1), ("beta2", b2), ("lr", lr), ("optimizer", "Adam"))
           for b1, b2, lr in itertools.product([0.9, 0.95], [0.999, 0.9999], lrs)}
    out |= {(("lr", lr), ("momentum", m), ("nesterov", n), ("optimizer", "SGD"))
            for m, n, lr in itertools.product([0.0, 0.9, 0.99], [True, False], lrs)}
    return out


def _combinations(study: tw.Study) -> list[tuple[tuple[str, Any], ...]]:
    return [tuple(sorted(t.params.items())) for t in study.trials]


def test_brute_force_tries_every_combination_of_a_conditional_space_once_and_stops() -> None:
    study = tw.create_study(sampler=S.BruteForceSampler(seed=0))
    study.optimize(_ablation)  # no n_trials: it stops by itself
    combos = _combinations(study)
    assert len(combos) == 50 and set(combos) == _ablation_space()
    assert study.sampler.is_exhausted(study)  # type: ignore[attr-defined]
    study.optimize(_ablation)  # nothing left: no trial starts
    assert len(study.trials) == 50
    with pytest.raises(tw.SearchExhausted):
        study.ask()
    assert study.best_params["optimizer"] == "Adam" and study.best_params["lr"] == 0.001  # exact lattice values


def test_brute_force_ranges_that_depend_on_earlier_values() -> None:
    def objective(t: tw.Trial) -> float:
        a = t.suggest_int("a", 1, 3)
        b = t.suggest_int("b", a, 3)
        return float(a + b + t.suggest_categorical("c", [0, 1]))

    study = tw.create_study(sampler=S.BruteForceSampler(seed=1))
    study.optimize(objective, n_trials=100)
    expected = {(("a", a), ("b", b), ("c", c)) for a in (1, 2, 3) for b in range(a, 4) for c in (0, 1)}
    assert len(study.trials) == 12 and set(_combinations(study)) == expected


def test_brute_force_counts_failed_and_pruned_trials_as_tried() -> None:
    def objective(t: tw.Trial) -> float:
        x = t.suggest_int("x", 0, 5)
        if x == 1:
            raise RuntimeError("boom")
        if x == 2:
            raise tw.TrialPruned()
        return float(x)

    study = tw.create_study(sampler=S.BruteForceSampler(seed=0))
    study.optimize(objective, catch=(RuntimeError,))
    assert sorted(t.params["x"] for t in study.trials) == [0, 1, 2, 3, 4, 5]
    assert collections.Counter(t.state for t in study.trials)[TrialState.FAILED] == 1


def test_brute_force_refuses_a_float_without_step() -> None:
    study = tw.create_study(sampler=S.BruteForceSampler())
    with pytest.raises(ValueError, match=r"float parameter 'lr' .* has infinitely many: give it a step"):
        study.optimize(lambda t: t.suggest_float("lr", 1e-4, 1e-1, log=True))
    assert [t.state for t in study.trials] == [TrialState.FAILED]


def test_brute_force_order_follows_the_seed() -> None:
    def run(seed: int) -> list[Any]:
        study = tw.create_study(sampler=S.BruteForceSampler(seed=seed))
        study.optimize(_ablation)
        return _combinations(study)

    assert run(3) == run(3) and run(3) != run(4)
    assert set(run(4)) == _ablation_space()


def test_brute_force_running_trials_hold_their_combination() -> None:
    def objective(t: tw.Trial) -> float:
        return float(t.suggest_int("x", 0, 2))

    study = tw.create_study(sampler=S.BruteForceSampler(seed=0))
    first = study.ask()
    first_x = objective(first)  # known from its first suggest on (published at once)
    running = [study.ask() for _ in range(2)]
    xs = [objective(t) for t in running]
    assert sorted([first_x, *xs]) == [0.0, 1.0, 2.0]
    with pytest.raises(tw.SearchExhausted):  # every combination is held by a RUNNING trial
        study.ask()
    for t, v in zip([first, *running], [first_x, *xs]):
        study.tell(t, v)
    assert study.sampler.is_exhausted(study)  # type: ignore[attr-defined]

    strict = tw.create_study(sampler=S.BruteForceSampler(seed=0, avoid_premature_stop=True))
    held = [strict.ask() for _ in range(3)]
    values = [objective(t) for t in held]
    extra = strict.ask()  # runs a held combination again rather than stopping
    assert objective(extra) in values


def test_brute_force_two_study_objects_on_one_storage_share_the_work() -> None:
    storage = tw.storage.InMemoryStorage()
    a = tw.create_study(study_name="ab", storage=storage, sampler=S.BruteForceSampler(seed=0))
    b = tw.load_study("ab", storage, sampler=S.BruteForceSampler(seed=0))  # the same seed: same first choices
    for _ in range(30):
        trials = []
        for study in (a, b):
            try:
                trials.append((study, study.ask()))
            except tw.SearchExhausted:
                pass
        if not trials:
            break
        for study, t in trials:
            study.tell(t, _ablation(t))
    combos = _combinations(a)
    assert len(combos) == 50 and set(combos) == _ablation_space()


def test_brute_force_with_two_worker_processes() -> None:
    study = tw.create_study(sampler=S.BruteForceSampler(seed=0))
    study.optimize(_ablation, n_jobs=2)
    combos = _combinations(study)
    assert len(combos) == 50 and set(combos) == _ablation_space()


def test_brute_force_claim_lost_at_the_start_ends_an_exhausted_search_before_any_trial(tmp_path: Path) -> None:
    """Worker a proposes the last point (looking, not claiming); before its start, worker b
    proposes the same point and starts first, claiming it. a's start finds the claim taken: its
    sampler proposes again before anything starts and, the space being run through, ask() raises
    SearchExhausted with no trial started (it started a trial that failed at its first suggest)."""
    url = f"sqlite:///{tmp_path / 'bf.db'}"
    a = tw.create_study(study_name="bf", storage=url, sampler=S.BruteForceSampler(seed=0))
    b = tw.load_study("bf", url, sampler=S.BruteForceSampler(seed=0))
    a.optimize(lambda t: t.suggest_int("x", 0, 2), n_trials=2)  # two of the three points
    start_trial = a._storage.start_trial

    def b_starts_first(*args: Any, **kwargs: Any) -> Any:
        a._storage.start_trial = start_trial  # type: ignore[method-assign]
        t = b.ask()
        b.tell(t, t.suggest_int("x", 0, 2))
        return start_trial(*args, **kwargs)

    a._storage.start_trial = b_starts_first  # type: ignore[method-assign]
    with pytest.raises(tw.SearchExhausted):
        a.ask()
    trials = tw.load_study("bf", url).trials
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 3
    assert sorted(t.params["x"] for t in trials) == [0, 1, 2]


def test_brute_force_resumes_from_sqlite_and_pickles(tmp_path: Path) -> None:
    import json
    import pickle

    url = f"sqlite:///{tmp_path / 'bf.db'}"
    sampler = S.BruteForceSampler(seed=2, avoid_premature_stop=True)
    study = tw.create_study(study_name="p", storage=url, sampler=sampler)
    study.optimize(_ablation, n_trials=20)
    twin = pickle.loads(pickle.dumps(sampler))  # as n_jobs ships it to a worker
    assert json.dumps(twin.describe()) == json.dumps(sampler.describe())
    resumed = tw.load_study("p", url, sampler=twin)  # another process: the tree is rebuilt from the storage
    resumed.optimize(_ablation)
    assert set(_combinations(resumed)) == _ablation_space() and len(resumed.trials) == 50
    with pytest.raises(TypeError, match="avoid_premature_stop must be True or False"):
        S.BruteForceSampler(avoid_premature_stop="yes")  # type: ignore[arg-type]


def test_brute_force_writes_nothing_itself() -> None:
    """What it wants written (its proposal, its claim, a value chosen while the trial runs) is
    handed to the loop, which writes it: the storage refuses writes from inside its hooks."""
    storage = conformance.WriteGuardStorage()
    study = tw.create_study(storage=storage, sampler=conformance._Guarded(S.BruteForceSampler(seed=0)))
    study.enqueue_trial({"optimizer": "SGD", "lr": 0.002})
    study.optimize(_ablation, n_trials=10)
    running = [study.ask() for _ in range(3)]
    for t in running:
        study.tell(t, _ablation(t))
    study.optimize(_ablation)
    assert not storage.violations, storage.violations[0]
    assert len(study.trials) == 50 and set(_combinations(study)) == _ablation_space()
