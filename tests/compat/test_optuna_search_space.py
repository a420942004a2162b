"""Optuna's ``optuna.search_space.IntersectionSearchSpace`` (the class a sampler of one's own keeps)."""

from __future__ import annotations

import pytest

import tunewise as optuna


def test_intersection_search_space_class_follows_the_study() -> None:
    from tunewise.search_space import IntersectionSearchSpace

    def objective(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        return x + (trial.suggest_int("n", 1, 3) if trial.number % 2 else 0)

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    space = IntersectionSearchSpace()
    assert space.calculate(study) == {}
    study.optimize(objective, n_trials=1)
    assert space.calculate(study) == {"x": optuna.distributions.FloatDistribution(0, 1)}
    study.optimize(objective, n_trials=1)  # trial 1 adds n; trial 0 has no n
    assert list(space.calculate(study, use_cache=True)) == ["x"]
    pruned = IntersectionSearchSpace(include_pruned=True)
    trial = study.ask()
    trial.suggest_float("y", 0, 1)
    study.tell(trial, state=optuna.TrialState.PRUNED)
    assert list(pruned.calculate(study)) == [] and list(space.calculate(study)) == ["x"]
    with pytest.raises(ValueError, match="one per study"):
        space.calculate(optuna.create_study())


def test_optuna_module_paths_of_search_space_import_the_same_classes() -> None:
    import tunewise.search_space as package
    from tunewise.search_space.group_decomposed import _GroupDecomposedSearchSpace, _SearchSpaceGroup
    from tunewise.search_space.intersection import IntersectionSearchSpace, intersection_search_space

    assert package.IntersectionSearchSpace is IntersectionSearchSpace
    assert package.intersection_search_space is intersection_search_space
    assert package._GroupDecomposedSearchSpace is _GroupDecomposedSearchSpace
    assert package._SearchSpaceGroup is _SearchSpaceGroup


def _groups(spaces: list[dict[str, object]]) -> list[list[str]]:
    return sorted(sorted(space) for space in spaces)


def test_search_space_group_splits_parameters_as_optuna_does() -> None:
    """The same sequence of distribution sets gives Optuna's groups (names and distributions)."""
    real = pytest.importorskip("optuna")
    from tunewise.search_space import _SearchSpaceGroup

    F = optuna.distributions.FloatDistribution
    sets = [{"a": F(0, 1), "b": F(0, 2), "c": F(0, 3)}, {"a": F(0, 1), "b": F(0, 2)}, {"b": F(0, 2), "d": F(0, 4)},
            {"a": F(0, 1), "b": F(0, 2)}, {"e": F(0, 5)}]
    ours, theirs = _SearchSpaceGroup(), real.search_space._SearchSpaceGroup()
    for distributions in sets:
        ours.add_distributions(distributions)
        theirs.add_distributions({n: real.distributions.FloatDistribution(d.low, d.high) for n, d in
                                  distributions.items()})
        assert _groups(ours.search_spaces) == _groups(theirs.search_spaces)
    assert _groups(ours.search_spaces) == [["a"], ["b"], ["c"], ["d"], ["e"]]
    assert {n: d.high for space in ours.search_spaces for n, d in space.items()} == {"a": 1, "b": 2, "c": 3, "d": 4,
                                                                                   "e": 5}


def test_group_decomposed_search_space_reads_the_finished_trials() -> None:
    from tunewise.search_space import _GroupDecomposedSearchSpace

    def objective(trial: optuna.Trial) -> float:
        kind = trial.suggest_categorical("kind", ["a", "b"])
        if kind == "a":
            return trial.suggest_float("x", 0, 1) + trial.suggest_float("y", 0, 1)
        return trial.suggest_int("n", 1, 3)

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    space = _GroupDecomposedSearchSpace()
    assert space.calculate(study).search_spaces == []
    study.enqueue_trial({"kind": "a"})
    study.enqueue_trial({"kind": "b"})
    study.optimize(objective, n_trials=2)
    assert _groups(space.calculate(study).search_spaces) == [["kind"], ["n"], ["x", "y"]]
    trial = study.ask()
    trial.suggest_float("z", 0, 1)
    study.tell(trial, state=optuna.TrialState.PRUNED)
    assert _groups(space.calculate(study).search_spaces) == [["kind"], ["n"], ["x", "y"]]
    with_pruned = _GroupDecomposedSearchSpace(include_pruned=True).calculate(study)
    assert _groups(with_pruned.search_spaces) == [["kind"], ["n"], ["x", "y"], ["z"]]
    with pytest.raises(ValueError, match="one per study"):
        space.calculate(optuna.create_study())
