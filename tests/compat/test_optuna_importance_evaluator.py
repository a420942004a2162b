"""``optuna.importance.BaseImportanceEvaluator``: a user's subclass passed as ``evaluator=`` is
called by ``get_param_importances`` and ``plot_param_importances`` and its answer normalized as
Optuna normalizes it (checked against Optuna's own function on the same evaluator)."""

from __future__ import annotations

from typing import Any

import pytest

import tunewise as tw


def _weights(study: Any, params: list[str] | None, target: Any) -> dict[str, float]:
    """A deterministic toy evaluator: a parameter's weight is its mean value over the COMPLETE
    trials' (target) values above the median, so the tests know the expected answer."""
    trials = [t for t in study.get_trials() if t.state.name == "COMPLETE"]
    names = params if params is not None else sorted(trials[0].params)
    return {p: float(sum(t.params[p] for t in trials)) / len(trials) for p in names}


class MeanValueEvaluator(tw.importance.BaseImportanceEvaluator):
    def __init__(self) -> None:
        self.calls: list[tuple[Any, Any]] = []

    def evaluate(self, study: Any, params: list[str] | None = None, *, target: Any = None) -> dict[str, float]:
        self.calls.append((params, target))
        return _weights(study, params, target)


class Returns(tw.importance.BaseImportanceEvaluator):
    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def evaluate(self, study: Any, params: list[str] | None = None, *, target: Any = None) -> Any:
        return self.answer


def _study(n: int = 12) -> tw.Study:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=3))
    study.optimize(lambda t: t.suggest_float("a", 0, 1) + t.suggest_float("b", 0, 4) + t.suggest_float("c", 0, 2),
                   n_trials=n)
    return study


def test_the_base_class_is_abstract_and_is_optunas_name() -> None:
    import tunewise as optuna

    assert optuna.importance.BaseImportanceEvaluator is tw.importance.BaseImportanceEvaluator
    with pytest.raises(TypeError):
        tw.importance.BaseImportanceEvaluator()  # type: ignore[abstract]
    assert isinstance(tw.importance.FanovaImportanceEvaluator(), tw.importance.BaseImportanceEvaluator)


def test_a_user_evaluator_is_called_and_its_answer_normalized_and_sorted() -> None:
    study = _study()
    ev = MeanValueEvaluator()
    target = lambda t: t.value  # noqa: E731
    got = tw.importance.get_param_importances(study, evaluator=ev, params=["a", "b"], target=target)
    assert ev.calls == [(["a", "b"], target)]
    raw = _weights(study, ["a", "b"], None)
    total = raw["a"] + raw["b"]
    assert list(got) == ["b", "a"]  # b ranges over [0, 4]: its mean is larger, and comes first
    assert got == pytest.approx({"a": raw["a"] / total, "b": raw["b"] / total})
    unnormalized = tw.importance.get_param_importances(study, evaluator=ev, normalize=False)
    assert unnormalized == pytest.approx(_weights(study, None, None))


def test_normalization_matches_optunas_on_the_same_evaluator() -> None:
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    class OptunaMeanValue(optuna.importance.BaseImportanceEvaluator):  # type: ignore[misc]
        def evaluate(self, study: Any, params: Any = None, *, target: Any = None) -> dict[str, float]:
            return _weights(study, params, target)

    ours = _study()
    theirs = optuna.create_study()
    for t in ours.trials:
        theirs.add_trial(optuna.trial.create_trial(
            params=t.params, value=t.value,
            distributions={k: optuna.distributions.FloatDistribution(d.low, d.high)
                           for k, d in t.distributions.items()}))
    expected = optuna.importance.get_param_importances(theirs, evaluator=OptunaMeanValue())
    got = tw.importance.get_param_importances(ours, evaluator=MeanValueEvaluator())
    assert got == pytest.approx(expected)
    # Optuna keeps the evaluator's order; tunewise sorts, largest first, as its docs promise.
    assert list(got) == sorted(expected, key=lambda k: -expected[k])
    # All-zero importances: equal shares, as Optuna gives.
    zeros = {"a": 0.0, "b": 0.0, "c": 0.0}
    assert tw.importance.get_param_importances(ours, evaluator=Returns(zeros)) == pytest.approx(
        {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})


@pytest.mark.parametrize("answer", [[0.5, 0.5], {"a": -1.0}, {"a": float("nan")}, {"a": "high"}])
def test_an_evaluator_breaking_the_contract_is_named(answer: Any) -> None:
    with pytest.raises((TypeError, ValueError), match="Returns.evaluate"):
        tw.importance.get_param_importances(_study(4), evaluator=Returns(answer))


def test_an_object_that_is_no_evaluator_is_refused() -> None:
    with pytest.raises(ValueError, match="BaseImportanceEvaluator"):
        tw.importance.get_param_importances(_study(4), evaluator=object())


def test_plot_param_importances_draws_the_user_evaluators_values() -> None:
    pytest.importorskip("plotly")
    study = _study()
    fig = tw.visualization.plot_param_importances(study, evaluator=MeanValueEvaluator())
    expected = tw.importance.get_param_importances(study, evaluator=MeanValueEvaluator())
    bars = dict(zip(fig.data[0].y, fig.data[0].x))
    assert bars == pytest.approx(expected)
    assert "MeanValueEvaluator" in fig.layout.xaxis.title.text
