"""``optuna.visualization.matplotlib``: every plot returns matplotlib Axes (or arrays of them) as
Optuna's do, and draws the study's data: the same points as the plotly figure, and where
Optuna's figure holds plain data (history, slice, EDF) the same points as Optuna's."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

pytest.importorskip("plotly")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402

import tunewise as tw  # noqa: E402
from tunewise.trial import TrialState  # noqa: E402

M = tw.visualization.matplotlib
# Optuna's own matplotlib functions (the references here) warn that they are experimental.
pytestmark = pytest.mark.filterwarnings("ignore:.*is experimental:Warning")


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _objective(t: Any) -> float:
    x = t.suggest_float("x", -2, 2)
    lr = t.suggest_float("lr", 1e-4, 1, log=True)
    c = t.suggest_categorical("c", ["a", "b"])
    for step in range(3):
        t.report(x * step + lr, step)
    return x**2 + lr + (c == "a")


@pytest.fixture(scope="module")
def study() -> tw.Study:
    tw.logging.set_verbosity(tw.logging.WARNING)
    s = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    s.optimize(_objective, n_trials=14)
    return s


def _points(ax: Axes) -> np.ndarray:
    """Every scatter point drawn on ``ax`` (x, y), in drawing order."""
    offsets = [np.asarray(c.get_offsets(), dtype=float) for c in ax.collections if isinstance(c, PathCollection)]
    return np.concatenate(offsets) if offsets else np.empty((0, 2))


def _as_optuna(study: tw.Study) -> Any:
    """The same trials in an Optuna study, to compare with Optuna's figures."""
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    other = optuna.create_study(directions=study.directions)
    for t in study.trials:
        dists = {}
        for k, d in t.distributions.items():
            if isinstance(d, tw.distributions.CategoricalDistribution):
                dists[k] = optuna.distributions.CategoricalDistribution(d.choices)
            else:
                dists[k] = optuna.distributions.FloatDistribution(d.low, d.high, log=d.log)
        other.add_trial(optuna.trial.create_trial(params=t.params, distributions=dists, values=t.values,
                                                  intermediate_values=t.intermediate_values))
    return other


def test_every_optuna_name_is_here_and_reachable_as_an_attribute() -> None:
    optuna = pytest.importorskip("optuna")
    assert set(optuna.visualization.matplotlib.__all__) <= set(M.__all__)
    import tunewise as optuna_alias

    assert optuna_alias.visualization.matplotlib.plot_slice is M.plot_slice
    assert M.is_available()


def test_optimization_history_points_are_the_trial_values_and_match_optunas(study: tw.Study) -> None:
    ax = M.plot_optimization_history(study)
    assert isinstance(ax, Axes)
    values = [t.value for t in study.trials]
    np.testing.assert_allclose(_points(ax), np.column_stack([range(len(values)), values]))
    best = ax.lines[0]
    assert best.get_label() == "Best value"
    # The step line runs through the improvements; at each of them it is the running minimum.
    np.testing.assert_allclose(best.get_ydata(), np.minimum.accumulate(values)[best.get_xdata().astype(int)])
    optuna_ax = pytest.importorskip("optuna").visualization.matplotlib.plot_optimization_history(_as_optuna(study))
    np.testing.assert_allclose(_points(ax), _points(optuna_ax))


def test_a_list_of_studies_is_overlaid(study: tw.Study) -> None:
    ax = M.plot_optimization_history([study, study])
    assert len(_points(ax)) == 2 * len(study.trials)


def test_slice_gives_one_axes_per_parameter_with_the_trials_values(study: tw.Study) -> None:
    axes = M.plot_slice(study)
    assert isinstance(axes, np.ndarray) and axes.shape == (3,)
    assert [a.get_xlabel() for a in axes] == ["c", "lr", "x"]
    by_x = axes[2]
    expected = np.array([(t.params["x"], t.value) for t in study.trials])
    np.testing.assert_allclose(_points(by_x), expected)
    assert axes[1].get_xscale() == "log"
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["a", "b"]
    optuna_axes = pytest.importorskip("optuna").visualization.matplotlib.plot_slice(_as_optuna(study),
                                                                                  params=["x"])
    np.testing.assert_allclose(np.sort(_points(M.plot_slice(study, params=["x"])), axis=0),
                               np.sort(_points(optuna_axes), axis=0))
    assert isinstance(M.plot_slice(study, params=["x"]), Axes)  # one parameter: one Axes, as Optuna


def test_contour_draws_the_surface_and_the_trials(study: tw.Study) -> None:
    ax = M.plot_contour(study, params=["x", "lr"])
    assert isinstance(ax, Axes)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_yscale()) == ("x", "lr", "log")
    expected = np.array([(t.params["x"], t.params["lr"]) for t in study.trials])
    np.testing.assert_allclose(np.sort(_points(ax), axis=0), np.sort(expected, axis=0))
    fig = tw.visualization.plot_contour(study, params=["x", "lr"])
    surface = [c for c in ax.collections if not isinstance(c, PathCollection)]
    assert surface and fig.data[0].type == "contour"
    grid = M.plot_contour(study)
    assert isinstance(grid, np.ndarray) and grid.shape == (2, 2)
    assert not grid[0, 1].axison  # the unused upper cell is switched off


def test_rank_returns_axes_or_a_grid(study: tw.Study) -> None:
    ax = M.plot_rank(study, params=["x", "lr"])
    assert isinstance(ax, Axes)
    expected = np.array([(t.params["x"], t.params["lr"]) for t in study.trials])
    np.testing.assert_allclose(np.sort(_points(ax), axis=0), np.sort(expected, axis=0))
    assert M.plot_rank(study).shape == (2, 2)


def test_parallel_coordinate_draws_one_line_per_trial_through_its_values(study: tw.Study) -> None:
    ax = M.plot_parallel_coordinate(study, params=["x"])
    lines = next(c for c in ax.collections if isinstance(c, LineCollection))
    segments = lines.get_segments()
    assert len(segments) == len(study.trials)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Objective value", "x"]
    # Each axis is scaled to its range: the trial with the largest x is at the top of the x axis.
    xs = np.array([t.params["x"] for t in study.trials])
    heights = np.array([seg[1, 1] for seg in segments])
    np.testing.assert_allclose(heights, (xs - xs.min()) / (xs.max() - xs.min()))
    np.testing.assert_allclose(lines.get_array(), [t.value for t in study.trials])


def test_param_importances_bars_are_the_importances(study: tw.Study) -> None:
    ax = M.plot_param_importances(study)
    expected = tw.importance.get_param_importances(study)
    drawn = {label.get_text(): bar.get_width() for label, bar in zip(ax.get_yticklabels(), ax.patches)}
    assert drawn == pytest.approx(expected)


def test_intermediate_values_lines_are_the_reports(study: tw.Study) -> None:
    ax = M.plot_intermediate_values(study)
    y = ax.lines[0].get_ydata()
    reports = [v for t in study.trials for v in t.intermediate_values.values()]
    np.testing.assert_allclose(y[~np.isnan(y)], reports)


def test_edf_is_the_sorted_values_and_matches_optunas(study: tw.Study) -> None:
    ax = M.plot_edf(study)
    line = ax.lines[0]
    values = np.sort([t.value for t in study.trials])
    np.testing.assert_allclose(line.get_xdata(), values)
    np.testing.assert_allclose(line.get_ydata(), np.arange(1, len(values) + 1) / len(values))
    theirs = pytest.importorskip("optuna").visualization.matplotlib.plot_edf(_as_optuna(study)).lines[0]
    # Optuna samples the EDF on a grid of 100 values: ours must agree at each of them.
    ours_at = np.searchsorted(values, theirs.get_xdata(), side="right") / len(values)
    np.testing.assert_allclose(ours_at, theirs.get_ydata())


@pytest.fixture(scope="module")
def two_objectives() -> tw.Study:
    s = tw.create_study(directions=["minimize", "minimize"], sampler=tw.samplers.RandomSampler(seed=1))
    s.optimize(lambda t: (t.suggest_float("x", 0, 1), (1 - t.params["x"]) ** 2 + t.suggest_float("y", 0, 1)),
               n_trials=12)
    return s


def test_pareto_front_shows_every_trial_and_marks_the_front(two_objectives: tw.Study) -> None:
    ax = M.plot_pareto_front(two_objectives)
    assert isinstance(ax, Axes)
    all_points = np.array([t.values for t in two_objectives.trials])
    np.testing.assert_allclose(np.sort(_points(ax), axis=0), np.sort(all_points, axis=0))
    front = np.array(sorted(t.values for t in two_objectives.best_trials))
    line = next(line for line in ax.lines if line.get_label() == "Pareto front")
    np.testing.assert_allclose(np.column_stack([line.get_xdata(), line.get_ydata()]), front)


def test_three_objectives_give_a_3d_axes_with_every_trial() -> None:
    s = tw.create_study(directions=["minimize"] * 3, sampler=tw.samplers.RandomSampler(seed=2))
    s.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1), 1 - t.params["a"]), n_trials=8)
    ax = M.plot_pareto_front(s)
    assert ax.name == "3d"
    drawn = np.concatenate([np.column_stack(c._offsets3d) for c in ax.collections])
    np.testing.assert_allclose(np.sort(drawn, axis=0), np.sort([t.values for t in s.trials], axis=0))


def test_hypervolume_history_is_the_computed_history(two_objectives: tw.Study) -> None:
    ax = M.plot_hypervolume_history(two_objectives, [2.0, 2.0])
    numbers, volumes = tw.hypervolume_history(two_objectives, reference_point=[2.0, 2.0])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), volumes)


def test_timeline_has_a_bar_per_trial(study: tw.Study) -> None:
    ax = M.plot_timeline(study)
    line = ax.lines[0]
    assert line.get_label() == "COMPLETE"
    x = line.get_xdata()
    starts = [t.datetime_start.timestamp() for t in study.trials]
    assert np.count_nonzero(~np.isnan(x)) == 2 * len(starts)  # a segment (start, end) per trial


def test_terminator_improvement_draws_the_plotly_figures_values() -> None:
    s = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    s.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=6)
    error = tw.terminator.StaticErrorEvaluator(0.1)
    fig = tw.visualization.plot_terminator_improvement(s, plot_error=True, error_evaluator=error, min_n_trials=3)
    ax = M.plot_terminator_improvement(s, plot_error=True, error_evaluator=error, min_n_trials=3)
    plotly_y = np.concatenate([np.asarray(tr.y, dtype=float) for tr in fig.data])
    drawn_y = np.concatenate([line.get_ydata() for line in ax.lines])
    np.testing.assert_allclose(drawn_y, plotly_y, rtol=1e-4)  # two GP fits: equal up to the fit's tolerance


def test_an_empty_study_gives_an_axes_that_says_so() -> None:
    empty = tw.create_study()
    ax = M.plot_optimization_history(empty)
    assert isinstance(ax, Axes)
    assert any("No COMPLETE trials" in t.get_text() for t in ax.texts)
    assert isinstance(M.plot_slice(empty), Axes)


def test_bad_arguments_are_the_plotly_functions_errors(study: tw.Study, two_objectives: tw.Study) -> None:
    with pytest.raises(ValueError, match="nope"):
        M.plot_slice(study, params=["nope"])
    with pytest.raises(ValueError, match="target"):
        M.plot_optimization_history(two_objectives)
    ax = M.plot_optimization_history(two_objectives, target=lambda t: t.values[1], target_name="second")
    np.testing.assert_allclose(_points(ax)[:, 1], [t.values[1] for t in two_objectives.trials])
    assert ax.get_ylabel() == "second"
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * len(study.trials)


def test_without_matplotlib_the_error_names_the_extra(study: tw.Study, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "tunewise\[plots\]"'):
        M.plot_optimization_history(study)
