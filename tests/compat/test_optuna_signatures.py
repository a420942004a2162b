"""Every keyword the installed Optuna's samplers, pruners, study functions and plots take is taken by
tunewise's object of the same name (driven by ``inspect.signature``, so an option a new Optuna adds
fails here until tunewise takes it or refuses it on purpose), and Optuna's defaults construct
tunewise's samplers and pruners without a warning."""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import pytest

import tunewise as tw

optuna = pytest.importorskip("optuna")

SAMPLERS = ["TPESampler", "GPSampler", "CmaEsSampler", "RandomSampler", "QMCSampler", "GridSampler",
            "BruteForceSampler", "NSGAIISampler", "NSGAIIISampler"]
PRUNERS = [name for name in optuna.pruners.__all__ if name != "BasePruner"]

# Deliberate refusals: Optuna names tunewise has no counterpart for, each refused with an error
# that says what to use instead.
REFUSED_NAMES = {"samplers.PartialFixedSampler"}

# Optuna keywords tunewise does not take yet (each one a known gap; shrink this list, never grow it).
KNOWN_GAPS = {
    "GPSampler": {"independent_sampler", "deterministic_objective", "warn_independent_sampling"},
    "QMCSampler": {"qmc_type", "independent_sampler", "warn_asynchronous_seeding", "warn_independent_sampling"},
    "GridSampler": {"seed"},
    "NSGAIISampler": {"mutation", "crossover", "elite_population_selection_strategy", "child_generation_strategy",
                      "after_trial_strategy"},
    "NSGAIIISampler": {"mutation", "crossover", "constraints_func", "dividing_parameter",
                       "elite_population_selection_strategy", "child_generation_strategy", "after_trial_strategy"},
}

# Values for Optuna's required arguments (the rest take Optuna's defaults).
REQUIRED = {
    "GridSampler": {"search_space": {"x": [0.0, 1.0]}},
    "PatientPruner": {"wrapped_pruner": None, "patience": 2},
    "PercentilePruner": {"percentile": 25.0},
    "ThresholdPruner": {"lower": 0.0},  # Optuna too refuses neither bound
}


def _keywords(obj: Any) -> dict[str, inspect.Parameter]:
    """The arguments ``obj`` takes by keyword (``self`` and ``*args``/``**kwargs`` left out)."""
    return {name: p for name, p in inspect.signature(obj).parameters.items()
            if name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY)}


def _missing(ours: Any, theirs: Any) -> set[str]:
    params = inspect.signature(ours).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return set()  # checked by calling it (see the tests below)
    return set(_keywords(theirs)) - set(_keywords(ours))


@pytest.mark.parametrize("name", SAMPLERS + PRUNERS)
def test_every_optuna_constructor_keyword_is_taken(name: str) -> None:
    module = "samplers" if name in SAMPLERS else "pruners"
    theirs = getattr(getattr(optuna, module), name)
    ours = getattr(getattr(tw, module), name)
    assert _missing(ours, theirs) == KNOWN_GAPS.get(name, set())


@pytest.mark.parametrize("name", SAMPLERS + PRUNERS)
def test_optunas_defaults_construct_without_a_warning(name: str) -> None:
    module = "samplers" if name in SAMPLERS else "pruners"
    theirs = getattr(getattr(optuna, module), name)
    ours = getattr(getattr(tw, module), name)
    kwargs = {k: p.default for k, p in _keywords(theirs).items()
              if p.default is not inspect.Parameter.empty and k not in KNOWN_GAPS.get(name, set())}
    kwargs.update(REQUIRED.get(name, {}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours(**kwargs)


def test_refused_names_say_what_to_use_instead() -> None:
    for dotted in REFUSED_NAMES:
        module, name = dotted.split(".")
        assert hasattr(getattr(optuna, module), name)
        with pytest.raises(AttributeError, match="no tunewise counterpart: .+"):
            getattr(getattr(tw, module), name)


# ---- TPESampler --------------------------------------------------------------------------------
def test_tpe_takes_optunas_warning_switch_silently() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sampler = tw.samplers.TPESampler(multivariate=True, warn_independent_sampling=False)
        tw.samplers.TPESampler(multivariate=None, consider_prior=True, consider_magic_clip=True,
                               consider_endpoints=False, warn_independent_sampling=True)
    assert sampler.multivariate is True
    with pytest.raises(TypeError, match="warn_independent_sampling must be True, False or None"):
        tw.samplers.TPESampler(warn_independent_sampling="no")


@pytest.mark.parametrize(("option", "value"), [
    ("consider_prior", False), ("consider_magic_clip", False), ("consider_endpoints", True),
    ("weights", lambda n: [1.0] * n), ("categorical_distance_func", {"c": lambda a, b: abs(a - b)}),
])
def test_tpe_options_tunewise_cannot_honour_warn_once_by_name(option: str, value: Any) -> None:
    with pytest.warns(UserWarning) as caught:
        sampler = tw.samplers.TPESampler(seed=0, **{option: value})
    assert len(caught) == 1
    message = str(caught[0].message)
    assert f"TPESampler({option}=" in message and "Results may differ from Optuna's" in message
    assert caught[0].filename == __file__  # points at the constructor call
    study = tw.create_study(sampler=sampler)  # and the sampler still works
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=12)
    assert len(study.trials) == 12


def test_tpe_rejects_bad_optuna_option_values() -> None:
    with pytest.raises(TypeError, match="consider_prior must be True, False or None"):
        tw.samplers.TPESampler(consider_prior=1)
    with pytest.raises(TypeError, match="weights must be a function"):
        tw.samplers.TPESampler(weights=[1.0, 2.0])
    with pytest.raises(TypeError, match="categorical_distance_func must be a dict"):
        tw.samplers.TPESampler(categorical_distance_func=lambda a, b: 0.0)


def test_hyperopt_parameters_configure_tunewises_tpe_like_hyperopt() -> None:
    params = tw.samplers.TPESampler.hyperopt_parameters()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # Optuna 4.9+ deprecates its own
        theirs = optuna.samplers.TPESampler.hyperopt_parameters()
    # Optuna's keys only (so `TPESampler(**params, multivariate=True)` never passes one twice), all of
    # them taken silently.
    assert set(params) <= set(theirs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sampler = tw.samplers.TPESampler(**params, seed=0)
    assert sampler.n_startup_trials == 20 and sampler.n_ei_candidates == 24 and sampler.prior_weight == 1.0
    sizes = (1, 10, 100, 1000, 20000)
    assert [sampler.gamma(n) for n in sizes] == [theirs["gamma"](n) for n in sizes]
    study = tw.create_study(sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=40)
    assert abs(study.best_params["x"] - 1) < 0.5
