"""Pareto-front and hypervolume-history figures, in tw.plots, the HTML report and the dashboard."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pytest

import tunewise as tw


def _study(n: int = 40, constrained: bool = True, m: int = 2, storage: object = None) -> tw.Study:
    def objective(t: tw.Trial) -> tuple[float, ...]:
        x, y = t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)
        if constrained:
            t.set_constraint([x - 0.8])
        if m == 3:
            return x, (1 - x) * y, 1 - y
        return x, (1 - x) ** 2 + y

    study = tw.create_study(name="mo", directions=["minimize", "minimize", "maximize"][:m],
                            sampler=tw.samplers.RandomSampler(seed=0), storage=storage)  # type: ignore[arg-type]
    study.optimize(objective, n_trials=n)
    return study


def test_pareto_front_marks_the_front_dominated_and_infeasible_trials() -> None:
    study = _study()
    fig = tw.plots.pareto_front(study, target_names=["error", "size"])
    traces = {t.name: t for t in fig.data}
    assert set(traces) == {"Dominated", "Infeasible", "Pareto front"}
    front = {int(n) for n in traces["Pareto front"].customdata[:, 0]}
    assert front == {t.number for t in study.best_trials}
    infeasible = {int(n) for n in traces["Infeasible"].customdata[:, 0]}
    assert infeasible == {t.number for t in study.trials if t.params["x"] > 0.8}
    assert traces["Infeasible"].marker.symbol == "x"
    assert fig.layout.xaxis.title.text == "error"
    assert np.all(np.diff(traces["Pareto front"].x) >= 0)  # drawn as a staircase, in order


def test_pareto_front_draws_three_objectives_in_3d_and_picks_two_of_more() -> None:
    study = _study(m=3, constrained=False)
    fig = tw.plots.pareto_front(study)
    assert {type(t).__name__ for t in fig.data} == {"Scatter3d"}
    fig2 = tw.plots.pareto_front(study, targets=[0, 2])
    assert fig2.layout.yaxis.title.text == "Objective 2 (maximize)"
    with pytest.raises(ValueError, match="targets must be 2 or 3 distinct objective indices"):
        tw.plots.pareto_front(study, targets=[0, 0])
    single = tw.create_study()
    single.tell(single.ask(), 1.0)
    with pytest.raises(ValueError, match="needs two or more"):
        tw.plots.pareto_front(single)


def test_hypervolume_history_figure_compares_studies_on_one_reference_point() -> None:
    a, b = _study(), _study(n=20)
    fig = tw.plots.hypervolume_history([a, b])
    assert len(fig.data) == 2
    ref = [float(r) for r in re.findall(r"[-\d.]+", fig.layout.yaxis.title.text)]
    assert fig.data[0].y[-1] == pytest.approx(tw.hypervolume(a, reference_point=ref), rel=1e-3)
    assert fig.data[1].y[-1] == pytest.approx(tw.hypervolume(b, reference_point=ref), rel=1e-3)
    empty = tw.create_study(directions=["minimize", "minimize"])
    assert "No feasible COMPLETE trials yet" in json.dumps(tw.plots.hypervolume_history(empty).to_plotly_json())


def test_report_shows_the_front_and_hypervolume_for_multi_objective_studies(tmp_path: object) -> None:
    path = tw.insight.write_report(_study(), f"{tmp_path}/r.html")
    text = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="tw-data">(.*?)</script>', text, re.S)
    assert m
    data = json.loads(m.group(1))
    kinds = [k for k, _ in data["plots"]]
    assert kinds[:3] == ["history", "pareto", "hypervolume"]
    study = _study()
    assert sorted(data["summary"]["pareto_front"]) == sorted(t.number for t in study.best_trials)


def test_dashboard_serves_the_multi_objective_plots() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from tunewise.insight import create_app

    store = tw.storage.InMemoryStorage()
    _study(storage=store)
    client = TestClient(create_app(store, min_refresh=0.0), base_url="http://127.0.0.1:8080")
    for kind in ("pareto", "hypervolume"):
        r = client.get(f"/api/studies/mo/plots/{kind}")
        assert r.status_code == 200 and r.json()["data"], kind
