from __future__ import annotations

import json

import numpy as np
import pytest

import tunewise as tw
from tests.insight._studies import XSS, FakeStudy, big_fake_study, make_mixed_study
from tunewise.trial import FrozenTrial, TrialState

ALL = ["optimization_history", "param_importances", "parallel_coordinate", "contour", "slice",
       "intermediate_values", "edf", "timeline", "pbt_lineage"]


@pytest.mark.parametrize("name", ALL)
def test_every_plot_draws_a_mixed_study(mixed_study, name):
    fig = getattr(tw.plots, name)(mixed_study)
    assert fig.layout.title.text
    json.loads(fig.to_json())  # serializable for the report and the dashboard


@pytest.mark.parametrize("name", ALL)
def test_every_plot_explains_an_empty_study(name):
    fig = getattr(tw.plots, name)(tw.create_study())
    assert len(fig.data) == 0
    assert fig.layout.annotations and fig.layout.annotations[0].text


def test_history_best_line_is_the_running_best(mixed_study):
    fig = tw.plots.optimization_history(mixed_study)
    points, best = fig.data
    assert points.name == "Objective value" and best.name == "Best value"
    values = [t.value for t in mixed_study.get_trials(states=(tw.TrialState.COMPLETE,))]
    assert len(points.y) == len(values)
    assert np.all(np.diff(best.y) <= 0)  # minimize: never gets worse
    assert best.y[-1] == pytest.approx(min(values))


def test_history_overlays_studies_and_handles_maximize():
    a = tw.create_study(name="a", direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    a.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=30)
    b = tw.create_study(name="b", direction="maximize", sampler=tw.samplers.RandomSampler(seed=1))
    b.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=30)
    fig = tw.plots.optimization_history([a, b])
    assert [t.name for t in fig.data] == ["a", "a (best)", "b", "b (best)"]
    assert np.all(np.diff(fig.data[1].y) >= 0)
    assert fig.data[3].y[-1] == pytest.approx(b.best_value)


def test_parallel_coordinate_axes_for_log_categorical_and_conditional(mixed_study):
    dims = {d.label: d for d in tw.plots.parallel_coordinate(mixed_study).data[0].dimensions}
    assert list(dims)[0] == "Objective value"
    lr = [t.params["lr"] for t in mixed_study.get_trials(states=(tw.TrialState.COMPLETE,))]
    assert np.allclose(dims["lr"].values, np.log10(lr))  # log parameter on a log axis
    assert list(dims["optimizer"].ticktext) == ["adam", "sgd", XSS]  # plain-text ticks in parcoords
    assert dims["momentum"].ticktext[0] == "(absent)"  # conditional: own tick for trials without it
    assert min(dims["momentum"].values) == dims["momentum"].tickvals[0]


def test_contour_pairs_use_log_and_categorical_axes(mixed_study):
    fig = tw.plots.contour(mixed_study, params=["lr", "optimizer"])
    assert [t.type for t in fig.data] == ["heatmap", "scatter"]  # cells, not interpolation, across choices
    assert fig.layout.xaxis.type == "log"
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2]
    assert "&lt;script&gt;" in fig.layout.yaxis.ticktext[2]  # escaped for plotly's HTML-like labels
    matrix = tw.plots.contour(mixed_study)  # 4 parameters: the lower triangle of a 3x3 matrix
    assert sum(t.type in ("contour", "heatmap") for t in matrix.data) == 6
    lr_layers = tw.plots.contour(mixed_study, params=["lr", "layers"])
    assert lr_layers.data[0].type == "contour"
    assert lr_layers.layout.xaxis.range[0] == pytest.approx(np.log10(min(t.params["lr"] for t in mixed_study.trials
                                                                          if t.state == tw.TrialState.COMPLETE)))


def test_contour_surface_is_the_cell_mean():
    study = tw.create_study(sampler=tw.samplers.GridSampler({"x": [0.0, 1.0], "y": [0.0, 1.0]}))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) * 10 + t.suggest_float("y", 0, 1), n_trials=4)
    z = np.array(tw.plots.contour(study, bins=2).data[0].z)[1:-1, 1:-1]  # inside the edge padding
    assert z.tolist() == [[0.0, 10.0], [1.0, 11.0]]  # rows are y, columns x


def test_rank_colours_each_trial_by_the_rank_of_its_value(mixed_study):
    study = tw.create_study(direction="maximize", sampler=tw.samplers.GridSampler({"x": [0.0, 1.0, 2.0, 3.0]}))
    study.optimize(lambda t: 4 - (t.suggest_float("x", 0, 3) - 1) ** 2, n_trials=4)
    fig = tw.plots.rank(study)  # one parameter: against the value
    (trace,) = fig.data
    by_x = dict(zip(trace.x, trace.marker.color, strict=True))
    assert by_x == {1.0: 0.0, 0.0: 0.5, 2.0: 0.5, 3.0: 1.0}  # best 0, ties share their mean rank, worst 1
    assert list(fig.layout.coloraxis.colorbar.ticktext) == ["4", "3", "3", "3", "0"]  # the values at the quantiles
    matrix = tw.plots.rank(mixed_study)  # 4 parameters: the lower triangle of a 3x3 matrix
    assert len(matrix.data) == 6 and all(t.type == "scatter" for t in matrix.data)
    assert tw.visualization.plot_rank is tw.plots.rank


def test_slice_panels_and_conditional_counts(mixed_study):
    fig = tw.plots.slice(mixed_study)
    assert len(fig.data) == 4
    have_momentum = sum("momentum" in t.params for t in mixed_study.get_trials(states=(tw.TrialState.COMPLETE,)))
    titles = [fig.layout[f"xaxis{'' if i == 0 else i + 1}"].title.text.split(" <")[0] for i in range(len(fig.data))]
    by_axis = dict(zip(titles, fig.data, strict=True))
    assert len(by_axis["momentum"].x) == have_momentum
    assert have_momentum < len(by_axis["lr"].x)  # only trials that used it
    assert fig.layout.xaxis2.type == "log"  # names sorted: layers, lr, momentum, optimizer


def test_intermediate_values_marks_pruned_trials(mixed_study):
    fig = tw.plots.intermediate_values(mixed_study)
    names = [t.name for t in fig.data]
    assert "COMPLETE" in names and "PRUNED" in names
    marks = next(t for t in fig.data if t.name == "pruned here")
    pruned = [t.number for t in mixed_study.get_trials(states=(tw.TrialState.PRUNED,))]
    assert sorted(marks.customdata) == pruned
    assert set(marks.x) == {3.0}


def test_edf_is_a_cdf(mixed_study):
    trace = tw.plots.edf(mixed_study).data[0]
    assert np.all(np.diff(trace.x) >= 0) and np.all(np.diff(trace.y) > 0)
    assert trace.y[-1] == 1.0


def _timed(number, start, end, state=TrialState.COMPLETE, attrs=None):
    values = [1.0] if state == TrialState.COMPLETE else None
    return FrozenTrial(number=number, trial_id=number, state=state, values=values, params={},
                       system_attrs=attrs or {}, datetime_start=start, datetime_complete=end)


def test_timeline_packs_concurrent_trials_into_lanes():
    trials = [_timed(0, 0, 10), _timed(1, 1, 5), _timed(2, 6, 9), _timed(3, 11, 12, TrialState.FAILED)]
    fig = tw.plots.timeline(FakeStudy(trials))
    complete = fig.data[0]
    lanes = [y for y in complete.y if not np.isnan(y)]
    assert sorted(set(lanes)) == [0.0, 1.0]  # peak concurrency 2
    assert fig.layout.yaxis.title.text == "Concurrent slot"
    assert [t.name for t in fig.data] == ["COMPLETE", "FAILED"]


def test_timeline_uses_recorded_workers():
    trials = [_timed(i, i, i + 1, attrs={"worker": f"<b>host</b>-{i % 2}"}) for i in range(4)]
    fig = tw.plots.timeline(FakeStudy(trials))
    assert list(fig.layout.yaxis.ticktext) == ["&lt;b&gt;host&lt;/b&gt;-0", "&lt;b&gt;host&lt;/b&gt;-1"]


def _segment(number, values, start, lineage, parent=None, donor=None, clone_step=None):
    """A PBT segment as tunewise.schedulers.PBTScheduler records it."""
    attrs = {"pbt": {"lineage": lineage, "generation": 0 if parent is None else 1, "start_step": start,
                     "parent": parent, "donor": donor, "clone_step": clone_step}}
    iv = {start + 1 + k: v for k, v in enumerate(values)}
    return FrozenTrial(number=number, trial_id=number, state=TrialState.PRUNED, values=[values[-1]],
                       intermediate_values=iv, system_attrs=attrs)


def test_pbt_lineage_links_exploits_to_donors():
    trials = [
        _segment(0, [1, 2, 3], 0, lineage=0), _segment(1, [1, 1, 1], 0, lineage=1),
        _segment(2, [3.5, 4.0], 3, lineage=0, parent=0),  # member 0 continues itself
        _segment(3, [3.2, 3.4], 3, lineage=1, parent=1, donor=0, clone_step=3),  # member 1 copies member 0
        FrozenTrial(number=4, trial_id=4, state=TrialState.PRUNED, system_attrs={"pbt": {"excess": True}}),
    ]
    fig = tw.plots.pbt_lineage(FakeStudy(trials, directions=["maximize"]))
    assert [t.name for t in fig.data] == ["member #0", "member #1", "exploit (copied from)"]
    link = fig.data[2]
    assert list(link.x[:2]) == [3.0, 4.0] and list(link.y[:2]) == [3.0, 3.2]  # donor's step 3 -> child's step 4
    member0 = [v for v in fig.data[0].y if not np.isnan(v)]
    assert member0 == [1, 2, 3, 3, 3.5, 4.0]  # the continuation joins its parent's last point


def test_pbt_lineage_from_the_real_scheduler():
    pbt_mod = pytest.importorskip("tunewise.schedulers._pbt")
    study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0),
                            scheduler=pbt_mod.PBTScheduler(perturbation_interval=2, population_size=4, seed=0,
                                                           max_step=6))

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
        state = trial.load_checkpoint()
        start, score = (0, 0.0) if state is None else (state["step"], state["score"])
        for step in range(start + 1, 7):
            score += lr
            trial.report(score, step)
            trial.save_checkpoint({"step": step, "score": score})
            if trial.should_prune():
                raise tw.TrialPruned()
        return score

    study.optimize(objective, n_trials=12)
    fig = tw.plots.pbt_lineage(study)
    names = [t.name for t in fig.data]
    assert sum(n.startswith("member #") for n in names) == 4
    assert "exploit (copied from)" in names


def test_ten_thousand_trials_are_thinned_but_keep_the_best():
    study = big_fake_study(10_000)
    complete = study.get_trials(states=(TrialState.COMPLETE,))
    best = min(t.value for t in complete)
    fig = tw.plots.optimization_history(study, max_points=2000)
    assert fig.data[0].type == "scattergl"
    assert len(fig.data[0].x) < 2200 and best in set(fig.data[0].y)
    assert fig.data[1].y[-1] == best and len(fig.data[1].x) < 100  # the step line keeps change points only
    pc = tw.plots.parallel_coordinate(study, max_points=1000)
    assert len(pc.data[0].dimensions[0].values) <= 1000 and best in set(pc.data[0].dimensions[0].values)
    iv = tw.plots.intermediate_values(study, max_points=5000)
    assert sum(np.isfinite(np.asarray(t.y, dtype=float)).sum() for t in iv.data if t.mode == "lines") <= 5000 + 200
    tl = tw.plots.timeline(study)
    assert list(tl.layout.yaxis.ticktext) == ["w0", "w1", "w2", "w3"]
    assert len(tw.plots.slice(study, max_points=500).data[0].x) <= 500
    assert len(tw.plots.contour(study, params=["lr", "units"], max_points=500).data[1].x) <= 500
    assert len(json.dumps(json.loads(tw.plots.edf(study).to_json()))) < 200_000


def test_param_names_are_escaped_everywhere_but_parcoords_ticks():
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float(XSS, 0, 1) + t.suggest_float("y", 0, 1), n_trials=30)
    for name in ["contour", "slice", "param_importances", "parallel_coordinate"]:
        text = getattr(tw.plots, name)(study).to_json()
        assert "<script>" not in text and "\\u003cscript\\u003e" not in text, name


def test_bad_arguments_name_the_parameter(mixed_study):
    with pytest.raises(ValueError, match="max_points"):
        tw.plots.optimization_history(mixed_study, max_points=0)
    with pytest.raises(ValueError, match="'nope'.*known parameters"):
        tw.plots.slice(mixed_study, params=["nope"])
    with pytest.raises(TypeError, match="study must be a tunewise Study"):
        tw.plots.edf("not a study")
    with pytest.raises(ValueError, match="empty list"):
        tw.plots.optimization_history([])
    multi = tw.create_study(directions=["minimize", "maximize"])
    multi.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=3)
    with pytest.raises(ValueError, match="target="):
        tw.plots.optimization_history(multi)
    fig = tw.plots.optimization_history(multi, target=lambda t: t.values[1], target_name="acc")
    assert fig.layout.yaxis.title.text == "acc"


def test_import_tunewise_stays_light():
    import subprocess
    import sys

    code = "import sys, tunewise; print(any(m.split('.')[0] in ('plotly', 'sklearn', 'fastapi') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
    assert make_mixed_study  # (helper import used by other tests)
