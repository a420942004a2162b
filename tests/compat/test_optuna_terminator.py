"""``optuna.terminator`` under ``import tunewise as optuna`` (optuna-examples' terminator/ and
lightgbm_terminator.py): the same evaluators, values close to Optuna's, and the callback stops the study."""

from __future__ import annotations

import math
import statistics
import warnings
from typing import Any

import numpy as np
import pytest

import tunewise as tw
from tunewise.terminator import (
    BestValueStagnationEvaluator,
    CrossValidationErrorEvaluator,
    MedianErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    Terminator,
    TerminatorCallback,
    report_cross_validation_scores,
)


def _trials(module: object, values: list[float], xs: list[float], ys: list[float], cv: bool = False) -> list:
    d = module.distributions  # type: ignore[attr-defined]
    out = []
    for v, x, y in zip(values, xs, ys):
        attrs = {"terminator:cv_scores": [v - 0.1, v, v + 0.3]} if cv else {}
        out.append(module.create_trial(  # type: ignore[attr-defined]
            params={"x": x, "y": y}, value=v, system_attrs=attrs,
            distributions={"x": d.FloatDistribution(-3, 3), "y": d.FloatDistribution(-3, 3)}))
    return out


def _data(n: int) -> tuple[list[float], list[float], list[float]]:
    rng = np.random.default_rng(0)
    xs, ys = rng.uniform(-3, 3, n), rng.uniform(-3, 3, n)
    values = (xs - 1) ** 2 + 0.5 * ys**2 + rng.normal(0, 0.05, n)
    return [float(v) for v in values], [float(x) for x in xs], [float(y) for y in ys]


@pytest.fixture(scope="module")
def optuna() -> object:
    optuna = pytest.importorskip("optuna")
    pytest.importorskip("optuna.terminator")
    return optuna


def test_evaluators_agree_with_optunas(optuna: object) -> None:
    import optuna.terminator as ot  # type: ignore[import-not-found,unused-ignore]

    values, xs, ys = _data(40)
    ours, theirs = _trials(tw, values, xs, ys, cv=True), _trials(optuna, values, xs, ys, cv=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna's terminator is experimental / deprecated
        for direction in ("minimize", "maximize"):
            od = getattr(optuna.study.StudyDirection, direction.upper())  # type: ignore[attr-defined]
            assert CrossValidationErrorEvaluator().evaluate(ours, direction) == pytest.approx(
                ot.CrossValidationErrorEvaluator().evaluate(theirs, od))
            assert BestValueStagnationEvaluator(10).evaluate(ours, direction) == \
                ot.BestValueStagnationEvaluator(10).evaluate(theirs, od)
        for n in (20, 80):  # a different GP (tunewise's), the same bound: measured 0.51/0.34 and 0.52/0.55
            values, xs, ys = _data(n)
            mine = RegretBoundEvaluator(seed=0).evaluate(_trials(tw, values, xs, ys), "minimize")
            reference = ot.RegretBoundEvaluator(seed=0).evaluate(_trials(optuna, values, xs, ys),
                                                                 optuna.study.StudyDirection.MINIMIZE)  # type: ignore[attr-defined]
            assert 0.5 < mine / reference < 2.0


def test_cv_error_is_the_corrected_standard_error_of_the_best_trial() -> None:
    study = tw.create_study(direction="maximize")
    for scores in ([0.5, 0.7, 0.6], [0.8, 0.9, 0.7, 1.0]):
        trial = study.ask()
        report_cross_validation_scores(trial, scores)
        study.tell(trial, float(np.mean(scores)))
    best = [0.8, 0.9, 0.7, 1.0]
    assert CrossValidationErrorEvaluator().evaluate(study.trials, study.direction) == pytest.approx(
        math.sqrt((1 / 4 + 1 / 3) * np.var(best)))
    with pytest.raises(ValueError, match="two or more"):
        report_cross_validation_scores(study.ask(), [0.5])


def test_callback_stops_a_converged_study_after_min_n_trials() -> None:
    """terminator_simple.py's loop: CV scores reported, TerminatorCallback given to optimize()."""

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        value = 1 - (x - 0.5) ** 2
        report_cross_validation_scores(trial, [value - 0.2, value, value + 0.2])
        return value

    study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=60, callbacks=[TerminatorCallback()])
    assert len(study.trials) == 20  # the bound (about 0.01) is below the error (0.2) from the first check on


def test_stagnation_rule_and_errors() -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=1))
    terminator = Terminator(BestValueStagnationEvaluator(max_stagnation_trials=3), min_n_trials=1)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=100, callbacks=[TerminatorCallback(terminator)])
    values = [t.value for t in study.trials]
    best = values.index(min(values))
    assert len(values) - 1 - best == 4  # stopped when 4 trials in a row (more than 3) did not improve
    with pytest.raises(ValueError, match="report_cross_validation_scores"):
        Terminator(min_n_trials=1).should_terminate(study)  # no CV scores reported
    assert Terminator(StaticErrorEvaluator(0), StaticErrorEvaluator(1), min_n_trials=1).should_terminate(study)


class _SpreadOfValues:
    """A deterministic improvement evaluator (max - min of the values it is given), which records
    the trial numbers of each call: any library's MedianErrorEvaluator must give the same threshold."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def evaluate(self, trials: list, study_direction: object) -> float:
        self.calls.append([t.number for t in trials])
        values = [t.value for t in trials]
        return float(max(values) - min(values))


def _study_from(module: object, values: list[float], xs: list[float], ys: list[float]) -> object:
    study = module.create_study()  # type: ignore[attr-defined]
    study.add_trials(_trials(module, values, xs, ys))
    return study


def test_median_error_evaluator_validates_its_arguments() -> None:
    assert isinstance(MedianErrorEvaluator()._paired_improvement_evaluator, RegretBoundEvaluator)
    for kwargs in ({"warm_up_trials": -1}, {"warm_up_trials": 1.5}, {"n_initial_trials": 0},
                   {"n_initial_trials": True}, {"threshold_ratio": 0.0}, {"threshold_ratio": math.inf},
                   {"threshold_ratio": math.nan}, {"threshold_ratio": "0.1"}):
        (message,) = kwargs  # the error names the parameter
        with pytest.raises(ValueError, match=message):
            MedianErrorEvaluator(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="paired_improvement_evaluator"):
        MedianErrorEvaluator(0.1)  # type: ignore[arg-type]


def test_median_error_threshold_is_the_ratio_times_the_early_median() -> None:
    values, xs, ys = _data(30)
    study = _study_from(tw, values, xs, ys)
    paired = _SpreadOfValues()
    evaluator = MedianErrorEvaluator(paired, warm_up_trials=3, n_initial_trials=6, threshold_ratio=0.1)
    assert evaluator.evaluate(study.trials[:8], "minimize") < 0 and paired.calls == []  # 8 < 3 + 6: not yet
    threshold = evaluator.evaluate(study.trials[::-1], "minimize")  # trials in any order: by number
    assert paired.calls == [list(range(3, 3 + i)) for i in range(1, 7)]
    spreads = [max(values[3:3 + i]) - min(values[3:3 + i]) for i in range(1, 7)]
    assert threshold == pytest.approx(0.1 * statistics.median_high(spreads))  # the upper middle, as Optuna
    assert evaluator.evaluate(study.trials[:5], "minimize") == threshold and len(paired.calls) == 6  # kept

    # The default: the regret bound on the first 1, 2, ..., n_initial_trials after the warm-up.
    evaluator = MedianErrorEvaluator(RegretBoundEvaluator(seed=0), warm_up_trials=10, n_initial_trials=7)
    reference = RegretBoundEvaluator(seed=0)  # the same seed, called in the same order
    bounds = [reference.evaluate(study.trials[10:10 + i], "minimize") for i in range(1, 8)]
    assert evaluator.evaluate(study.trials, "minimize") == pytest.approx(0.01 * float(np.median(bounds)))


def test_median_error_evaluator_agrees_with_optunas(optuna: object) -> None:
    import optuna.terminator as ot  # type: ignore[import-not-found,unused-ignore]

    values, xs, ys = _data(30)
    ours, theirs = _study_from(tw, values, xs, ys), _study_from(optuna, values, xs, ys)
    direction = optuna.study.StudyDirection.MINIMIZE  # type: ignore[attr-defined]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna's terminator is experimental
        for n_initial in (4, 7):  # an even count takes the upper middle value in both
            mine = MedianErrorEvaluator(_SpreadOfValues(), warm_up_trials=2, n_initial_trials=n_initial,
                                        threshold_ratio=0.5)
            reference = ot.MedianErrorEvaluator(_SpreadOfValues(), warm_up_trials=2, n_initial_trials=n_initial,
                                                threshold_ratio=0.5)
            assert mine.evaluate(ours.trials, "minimize") == reference.evaluate(theirs.trials, direction)
        assert MedianErrorEvaluator().evaluate(ours.trials[:29], "minimize") == \
            ot.MedianErrorEvaluator(ot.RegretBoundEvaluator()).evaluate(theirs.trials[:29], direction)  # not yet
        # With the regret bound, tunewise's GP against Optuna's: measured 0.0352 / 0.0333.
        mine_threshold = MedianErrorEvaluator(RegretBoundEvaluator(seed=0)).evaluate(ours.trials, "minimize")
        reference_threshold = ot.MedianErrorEvaluator(ot.RegretBoundEvaluator(seed=0)).evaluate(
            theirs.trials, direction)
        assert 0.5 < mine_threshold / reference_threshold < 2.0


def test_median_error_evaluator_stops_a_converged_study() -> None:
    """Optuna's pairing (the same improvement evaluator on both sides), no CV scores needed."""
    regret = RegretBoundEvaluator(seed=0)
    median = MedianErrorEvaluator(regret, warm_up_trials=5, n_initial_trials=10)
    terminator = Terminator(regret, median, min_n_trials=15)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", -1, 1) - 0.3) ** 2, n_trials=150,
                   callbacks=[TerminatorCallback(terminator)])
    threshold = median.evaluate(study.trials, study.direction)
    assert len(study.trials) == 25 and threshold > 0  # the bound fell below 1% of its early median
    assert terminator.should_terminate(study)
    assert study.best_value < 1e-3


def _shrinking_quadratic_trials(n: int, module: Any) -> list[Any]:
    """Trials of a 2-d quadratic whose points close in on the optimum, as a converging study's do."""
    rng = np.random.default_rng(0)
    dist = module.distributions.FloatDistribution(-5, 5)
    trials = []
    for i in range(n):
        x, y = rng.uniform(-5, 5, 2) * 0.95**i
        value = x**2 + y**2 + 0.01 * rng.normal()
        trials.append(module.trial.create_trial(params={"x": x, "y": y}, distributions={"x": dist, "y": dist},
                                                value=value))
    return trials


def test_emmr_evaluator_follows_optunas_on_the_same_trials() -> None:
    """EMMR (Ishibashi et al. 2023) on the same trials: the same magnitude as Optuna's (the GPs differ: each
    library fits its own kernel), large while the study still moves, small once it has converged."""
    optuna = pytest.importorskip("optuna")
    optuna_terminator = pytest.importorskip("optuna.terminator")

    from tunewise.terminator import EMMREvaluator

    ours, theirs = _shrinking_quadratic_trials(40, tw), _shrinking_quadratic_trials(40, optuna)
    got = {n: EMMREvaluator(seed=0).evaluate(ours[:n], "minimize") for n in (10, 20, 40)}
    want = {n: optuna_terminator.EMMREvaluator(seed=0).evaluate(theirs[:n], optuna.study.StudyDirection.MINIMIZE)
            for n in (10, 20, 40)}
    for n in got:
        assert 0 < got[n] and 0.2 < got[n] / want[n] < 5, (n, got[n], want[n])
    assert got[40] < got[10] / 10
    assert EMMREvaluator().evaluate(ours[:1], "minimize") > 1e300  # below min_n_trials: never stop


def test_emmr_evaluator_with_median_error_stops_optunas_docstring_loop() -> None:
    """Optuna's EMMREvaluator docstring example (5-d sphere, TPE): the terminator stops it, early."""
    from tunewise.terminator import EMMREvaluator, MedianErrorEvaluator, Terminator

    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
    emmr = EMMREvaluator(seed=0)
    terminator = Terminator(improvement_evaluator=emmr, error_evaluator=MedianErrorEvaluator(emmr))
    for _ in range(200):
        trial = study.ask()
        study.tell(trial, sum(trial.suggest_float(f"x{i}", -10.0, 10.0) ** 2 for i in range(5)))
        if terminator.should_terminate(study):
            break
    assert 20 < len(study.trials) < 200


def test_emmr_evaluator_arguments_are_checked() -> None:
    from tunewise.terminator import EMMREvaluator

    with pytest.raises(ValueError, match="min_n_trials must be an integer of at least 2, got 1"):
        EMMREvaluator(min_n_trials=1)
    with pytest.raises(ValueError, match="delta must be in"):
        EMMREvaluator(delta=0)
    with pytest.warns(UserWarning, match="deterministic_objective=True"):
        EMMREvaluator(True, 0.2, 5, 0)


def test_plot_terminator_improvement() -> None:
    pytest.importorskip("plotly")
    from tunewise.visualization import plot_terminator_improvement

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        report_cross_validation_scores(trial, [x, x + 0.1])
        return x

    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=6)
    fig = plot_terminator_improvement(study, plot_error=True, min_n_trials=3)
    faint, solid, error = fig.data
    assert list(faint.x) == [0, 1, 2] and list(solid.x) == [2, 3, 4, 5] and list(error.x) == list(range(6))
    assert all(v > 0 for v in (*faint.y, *solid.y)) and error.y[-1] == pytest.approx(
        math.sqrt((1 / 2 + 1) * np.var([study.best_value, study.best_value + 0.1])))
    assert fig.layout.title.text == "Terminator Improvement Plot"


def test_terminator_reads_the_fold_scores_of_optuna_search_cv() -> None:
    """terminator/terminator_search_cv.py: OptunaSearchCV(callbacks=[TerminatorCallback()]) without
    report_cross_validation_scores; Optuna's OptunaSearchCV reports the folds, tunewise's keeps them."""
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_iris
    from sklearn.svm import SVC

    import tunewise as optuna

    X, y = load_iris(return_X_y=True)
    search = optuna.integration.OptunaSearchCV(
        SVC(gamma="auto"), {"C": optuna.distributions.FloatDistribution(1e-10, 1e10, log=True),
                            "degree": optuna.distributions.IntDistribution(1, 5)},
        n_trials=22, random_state=0, callbacks=[TerminatorCallback()])
    search.fit(X, y)  # the callback judges from trial 20 on: it needs the folds of the best trial
    best = search.study_.best_trial
    folds = best.user_attrs["sklearn_cv"]["test"]
    (scores,) = folds.values()
    assert CrossValidationErrorEvaluator().evaluate(search.study_.trials, "maximize") == pytest.approx(
        math.sqrt((1 / len(scores) + 1 / (len(scores) - 1)) * np.var(scores)))
    # It judges from trial 20 on, and its study.stop() ends the search (as it ends Optuna's optimize).
    assert 20 <= search.n_trials_ <= 22 and len(scores) == 5


def test_a_terminator_of_ones_own_subclasses_base_terminator() -> None:
    from tunewise.terminator import BaseTerminator

    class AfterFive(BaseTerminator):
        def should_terminate(self, study: tw.Study) -> bool:
            return len(study.trials) >= 5

    study = tw.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=50, callbacks=[TerminatorCallback(AfterFive())])
    assert len(study.trials) == 5 and isinstance(Terminator(), BaseTerminator)


def test_optunas_module_paths_of_the_terminator() -> None:
    # Scripts written for Optuna import from the submodules, not only from optuna.terminator.
    import importlib

    import tunewise.terminator as t

    paths = {"tunewise.terminator.improvement.evaluator": ["RegretBoundEvaluator", "BestValueStagnationEvaluator",
                                                           "BaseImprovementEvaluator", "DEFAULT_MIN_N_TRIALS"],
             "tunewise.terminator.improvement.emmr": ["EMMREvaluator"],
             "tunewise.terminator.terminator": ["Terminator", "BaseTerminator"],
             "tunewise.terminator.erroreval": ["CrossValidationErrorEvaluator", "StaticErrorEvaluator"],
             "tunewise.terminator.median_erroreval": ["MedianErrorEvaluator"],
             "tunewise.terminator.callback": ["TerminatorCallback"]}
    for module, names in paths.items():
        mod = importlib.import_module(module)
        for name in names:
            assert getattr(mod, name) is getattr(t, name, getattr(mod, name)), (module, name)
    assert importlib.import_module("tunewise.terminator.improvement.evaluator").DEFAULT_MIN_N_TRIALS == 20
