"""Search spaces that depend and evolve: a range that depends on another parameter, a range widened
or narrowed or a choice added when a study is resumed. Each trial keeps the distribution it was
sampled from; TPE, GP and the default sampler read old observations in the current space; only a
change of kind is an error."""

from __future__ import annotations

import logging
import math

import pytest

import tunewise as tw
from tunewise import distributions as D

SAMPLERS = {
    "tpe": lambda: tw.samplers.TPESampler(seed=0, n_startup_trials=5),
    "gp": lambda: tw.samplers.GPSampler(seed=0, n_startup_trials=5),
    "default": lambda: None,
}


@pytest.fixture(autouse=True)
def _quiet():
    logger = logging.getLogger("tunewise")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


def _url(backend: str, tmp_path) -> str | None:
    return None if backend == "memory" else f"sqlite:///{tmp_path / 'tw.db'}"


def _study(backend, tmp_path, sampler, name="s"):
    return tw.create_study(study_name=name, storage=_url(backend, tmp_path), sampler=sampler)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
@pytest.mark.parametrize("kind", list(SAMPLERS))
def test_a_range_that_depends_on_another_parameter(kind, backend, tmp_path):
    def objective(t: tw.Trial) -> float:
        n0 = t.suggest_int("n_units_l0", 4, 128)
        n1 = t.suggest_int("n_units_l1", 4, n0)  # Optuna's examples do this
        return (n0 - 64) ** 2 / 100 + (n1 - 32) ** 2 / 100

    study = _study(backend, tmp_path, SAMPLERS[kind]())
    study.optimize(objective, n_trials=14)
    trials = study.trials
    assert [t.state.value for t in trials] == ["COMPLETE"] * 14
    for t in trials:
        assert t.distributions == {"n_units_l0": D.Int(4, 128), "n_units_l1": D.Int(4, t.params["n_units_l0"])}
        assert 4 <= t.params["n_units_l1"] <= t.params["n_units_l0"]
    if backend == "sqlite":  # each trial's own distribution is stored with it
        again = tw.load_study("s", _url(backend, tmp_path))
        assert [t.distributions for t in again.trials] == [t.distributions for t in trials]
        again.storage.close()
        study.storage.close()


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
@pytest.mark.parametrize("kind", list(SAMPLERS))
def test_resuming_with_a_widened_range_searches_the_new_range(kind, backend, tmp_path):
    def objective(high: float):
        return lambda t: (t.suggest_float("x", 0.0, high) - 2.0) ** 2 + (t.suggest_categorical("c", ["a", "b"]) == "b")

    study = _study(backend, tmp_path, SAMPLERS[kind]())
    study.optimize(objective(1.0), n_trials=8)  # the best x is beyond the first range's edge
    if backend == "sqlite":
        study.storage.close()
        study = tw.load_study("s", _url(backend, tmp_path), sampler=SAMPLERS[kind]())
    study.optimize(objective(4.0), n_trials=12)
    trials = study.trials
    assert all(t.state.value == "COMPLETE" for t in trials)
    assert [t.distributions["x"] for t in trials] == [D.Float(0.0, 1.0)] * 8 + [D.Float(0.0, 4.0)] * 12
    assert study.distributions["x"] == D.Float(0.0, 4.0)
    assert any(t.params["x"] > 1.0 for t in trials[8:])
    assert abs(study.best_params["x"] - 2.0) < 0.5, [round(t.params["x"], 2) for t in trials]
    assert study.best_value < 0.25
    if backend == "sqlite":
        study.storage.close()


@pytest.mark.parametrize("kind", list(SAMPLERS))
def test_narrowing_a_range_and_changing_choices_keep_working(kind):
    study = tw.create_study(sampler=SAMPLERS[kind]())
    study.optimize(lambda t: (t.suggest_float("x", 0.0, 4.0) - 0.5) ** 2 + (t.suggest_categorical(
        "c", ["a", "b"]) == "a"), n_trials=8)
    # Narrowed, a choice removed and one added: old points beyond the edge count at the edge.
    study.optimize(lambda t: (t.suggest_float("x", 0.0, 1.0) - 0.5) ** 2 + (t.suggest_categorical(
        "c", ["b", "c"]) == "c"), n_trials=10)
    new = study.trials[8:]
    assert all(t.state.value == "COMPLETE" for t in new)
    assert all(0.0 <= t.params["x"] <= 1.0 and t.params["c"] in ("b", "c") for t in new)
    assert study.trials[0].distributions == {"x": D.Float(0.0, 4.0), "c": D.Categorical(("a", "b"))}
    assert new[-1].distributions == {"x": D.Float(0.0, 1.0), "c": D.Categorical(("b", "c"))}
    # What the sampler is shown: every observation inside the current space.
    seen = study._sampler_context().get_trials()
    assert all(0.0 <= t.params["x"] <= 1.0 for t in seen)
    assert all(t.params.get("c", "b") in ("b", "c") for t in seen)
    moved = [(t.params["x"], s.params["x"]) for t, s in zip(study.trials, seen, strict=True) if t.params["x"] > 1.0]
    assert moved and all(x_seen == 1.0 for _, x_seen in moved)
    assert all(t.params["x"] == x for t, (x, _) in zip([t for t in study.trials if t.params["x"] > 1.0], moved,
                                                        strict=True))  # the stored trials are untouched


def test_a_change_of_kind_is_a_clear_error():
    study = tw.create_study()
    study.optimize(lambda t: t.suggest_float("units", 4, 128), n_trials=2)
    trial = study.ask()
    with pytest.raises(ValueError, match=r"parameter 'units' was a float parameter .* but is now suggested as a "
                                         r"categorical one .*not its kind"):
        trial.suggest_categorical("units", [32, 64])
    with pytest.raises(ValueError, match="not its kind"):
        trial.suggest_int("units", 4, 128)
    assert trial.suggest_float("units", 8, 256) <= 256  # a wider float range is fine


def test_a_widened_range_is_visible_to_other_processes_through_the_trials(tmp_path):
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    study = tw.create_study(study_name="s", storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("lr", 1e-4, 1e-2, log=True), n_trials=3)
    study.optimize(lambda t: t.suggest_float("lr", 1e-5, 1e-1, log=True), n_trials=3)
    study.storage.close()
    other = tw.load_study("s", url)
    assert [t.distributions["lr"] for t in other.trials] == [D.Float(1e-4, 1e-2, log=True)] * 3 + \
        [D.Float(1e-5, 1e-1, log=True)] * 3
    frame = [t.params["lr"] for t in other.trials]
    assert all(not math.isnan(v) for v in frame)
    other.storage.close()
