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
            "BruteForceSampler", "NSGAIISampler", "NSGAIIISampler", "PartialFixedSampler"]
PRUNERS = [name for name in optuna.pruners.__all__ if name != "BasePruner"]

# Optuna keywords tunewise does not take yet (each one a known gap; shrink this list, never grow it).
KNOWN_GAPS = {
}

def _resolve(root: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        root = getattr(root, part)
    return root


def _public_methods(owner: str) -> list[str]:
    cls = _resolve(optuna, owner)
    return [name for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))]


# Optuna's functions and methods whose keywords tunewise takes too (``Class.method`` checks the
# method; a class alone checks its constructor).
FUNCTIONS = [
    "create_study", "load_study", "delete_study", "copy_study", "get_all_study_summaries", "get_all_study_names",
    "create_trial", "study.MaxTrialsCallback", "storages.RDBStorage", "storages.InMemoryStorage",
    "storages.RetryFailedTrialCallback", "importance.get_param_importances",
    "importance.FanovaImportanceEvaluator", "importance.MeanDecreaseImpurityImportanceEvaluator",
    "logging.set_verbosity", "logging.get_verbosity", "logging.disable_default_handler",
    "logging.enable_default_handler", "logging.disable_propagation", "logging.enable_propagation",
    "distributions.FloatDistribution", "distributions.IntDistribution", "distributions.CategoricalDistribution",
    "distributions.distribution_to_json", "trial.FixedTrial", "search_space.intersection_search_space",
    *(f"visualization.{name}" for name in optuna.visualization.__all__
      if name != "matplotlib"),
    *(f"{owner}.{name}" for owner in ("Study", "Trial", "trial.FixedTrial", "trial.FrozenTrial")
      for name in _public_methods(owner)),
]

# Optuna keywords of those tunewise does not take (known gaps, each with why it is left).
FUNCTION_GAPS: dict[str, set[str]] = {}


# Values for Optuna's required arguments (the rest take Optuna's defaults).
REQUIRED = {
    "GridSampler": {"search_space": {"x": [0.0, 1.0]}},
    "PartialFixedSampler": {"fixed_params": {"x": 0.5}, "base_sampler": tw.samplers.RandomSampler()},
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


@pytest.mark.parametrize("dotted", FUNCTIONS)
def test_every_optuna_function_keyword_is_taken(dotted: str) -> None:
    theirs, ours = _resolve(optuna, dotted), _resolve(tw, dotted)
    assert _missing(ours, theirs) == FUNCTION_GAPS.get(dotted, set())


@pytest.mark.parametrize("name", optuna.samplers.nsgaii.__all__)
def test_every_nsgaii_operator_keyword_is_taken(name: str) -> None:
    theirs, ours = getattr(optuna.samplers.nsgaii, name), getattr(tw.samplers.nsgaii, name)
    assert _missing(ours, theirs) == set()
    kwargs = {k: p.default for k, p in _keywords(theirs).items() if p.default is not inspect.Parameter.empty}
    ours(**kwargs)


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


# ---- GPSampler, QMCSampler, GridSampler --------------------------------------------------------
class _Fixed(tw.samplers.Sampler):
    """Proposes and samples 0.25 for every parameter, counting the calls."""

    def __init__(self) -> None:
        self.calls = {"propose": 0, "sample": 0, "before": 0, "after": 0}

    def before_trial(self, study: Any) -> None:
        super().before_trial(study)
        self.calls["before"] += 1

    def propose(self, study: Any, trial: Any) -> dict[str, Any]:
        self.calls["propose"] += 1
        return {name: 0.25 for name in study.distributions}

    def sample(self, study: Any, trial: Any, name: str, distribution: Any) -> Any:
        self.calls["sample"] += 1
        return 0.25

    def after_trial(self, study: Any, trial: Any) -> None:
        self.calls["after"] += 1


def test_gp_independent_sampler_runs_the_start_up_trials_as_in_optuna() -> None:
    fixed = _Fixed()
    study = tw.create_study(sampler=tw.samplers.GPSampler(seed=0, n_startup_trials=3, independent_sampler=fixed))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1) - 0.8) ** 2, n_trials=5)
    assert [t.params["x"] for t in study.trials[:3]] == [0.25] * 3
    assert all(t.params["x"] != 0.25 for t in study.trials[3:])  # the GP's own proposals after
    assert fixed.calls["sample"] == 1 and fixed.calls["propose"] == 2  # trial 0: no space known yet
    assert fixed.calls["before"] == fixed.calls["after"] == 5
    with pytest.raises(TypeError, match="independent_sampler must be a tunewise sampler"):
        tw.samplers.GPSampler(independent_sampler=object())  # type: ignore[arg-type]


def test_an_unseeded_gp_keeps_the_seed_of_the_independent_sampler_it_is_given() -> None:
    # GPSampler(independent_sampler=RandomSampler(seed=1)) without a seed of its own: its start-up
    # trials repeat (the given sampler's seed is not replaced by fresh entropy).
    def xs() -> list[float]:
        sampler = tw.samplers.GPSampler(independent_sampler=tw.samplers.RandomSampler(seed=1), n_startup_trials=5)
        return _xs(sampler, 3)

    assert xs() == xs()


def test_gp_deterministic_objective_warns_and_warn_independent_sampling_is_silent() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tw.samplers.GPSampler(warn_independent_sampling=False, deterministic_objective=False)
    with pytest.warns(UserWarning, match=r"GPSampler\(deterministic_objective=True\).*fits its noise") as caught:
        tw.samplers.GPSampler(deterministic_objective=True)
    assert len(caught) == 1 and caught[0].filename == __file__


def _xs(sampler: tw.samplers.Sampler, n: int = 4) -> list[float]:
    study = tw.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=n)
    return [t.params["x"] for t in study.trials]


def test_qmc_type_halton_is_the_halton_sequence() -> None:
    # Unscrambled, in one dimension: Sobol 0, 1/2, 3/4, 1/4; Halton 0, 1/2, 1/4, 3/4 (trial n takes
    # point n once the space is known, from trial 1).
    sobol = _xs(tw.samplers.QMCSampler(seed=0, scramble=False))
    halton = _xs(tw.samplers.QMCSampler(seed=0, scramble=False, qmc_type="halton"))
    assert [round(x, 3) for x in sobol[1:]] == [0.5, 0.75, 0.25]
    assert [round(x, 3) for x in halton[1:]] == [0.5, 0.25, 0.75]
    with pytest.raises(ValueError, match="qmc_type must be one of"):
        tw.samplers.QMCSampler(qmc_type="latin")


def test_qmc_independent_sampler_samples_new_parameters() -> None:
    fixed = _Fixed()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sampler = tw.samplers.QMCSampler(seed=0, independent_sampler=fixed, warn_asynchronous_seeding=False,
                                         warn_independent_sampling=False)
    assert _xs(sampler, 3)[0] == 0.25  # trial 0: the space is not known yet
    assert fixed.calls["sample"] == 1 and fixed.calls["after"] == 3


def _grid_order(seed: int | None) -> list[tuple[int, int]]:
    sampler = tw.samplers.GridSampler({"a": [0, 1, 2], "b": [0, 1, 2, 3]}, seed)
    study = tw.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_int("a", 0, 2) + t.suggest_int("b", 0, 3))
    return [(t.params["a"], t.params["b"]) for t in study.trials]


def test_grid_seed_shuffles_the_order_reproducibly() -> None:
    in_order = _grid_order(None)
    assert in_order == sorted(in_order)  # without a seed, tunewise's order is kept
    shuffled = _grid_order(3)
    assert shuffled == _grid_order(3) != in_order and sorted(shuffled) == in_order
    assert _grid_order(4) != shuffled
    with pytest.raises(TypeError, match="seed must be an integer"):
        tw.samplers.GridSampler({"a": [0]}, seed="x")  # type: ignore[arg-type]


# ---- NSGA-II / NSGA-III ------------------------------------------------------------------------
def test_nsga_operators_set_tunewises_sbx_and_mutation() -> None:
    from tunewise.samplers.nsgaii import PolynomialMutation, SBXCrossover, UniformCrossover

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sampler = tw.samplers.NSGAIISampler(crossover=SBXCrossover(eta=7), mutation=PolynomialMutation(eta=3))
        assert tw.samplers.NSGAIISampler(crossover=SBXCrossover()).eta_crossover == 20.0
        three = tw.samplers.NSGAIIISampler(crossover=SBXCrossover(eta=0), dividing_parameter=2,
                                           constraints_func=lambda t: [0.0])
    assert (sampler.eta_crossover, sampler.eta_mutation) == (7.0, 3.0)
    assert three.eta_crossover == 0.0 and three.constraints_func is not None
    with pytest.warns(UserWarning, match=r"NSGAIISampler\(crossover=UniformCrossover\(swapping_prob=0.2\)\)"):
        uniform = tw.samplers.NSGAIISampler(crossover=UniformCrossover(0.2))
    assert uniform.swapping_prob == 0.2  # categorical parameters honour it
    with pytest.raises(ValueError, match="eta must be a number >= 0"):
        SBXCrossover(eta=-1)
    with pytest.raises(TypeError, match="crossover must be an operator of tunewise.samplers.nsgaii"):
        tw.samplers.NSGAIISampler(crossover="sbx")  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs", [
    {"crossover": "BLXAlphaCrossover"}, {"crossover": "VSBXCrossover"}, {"mutation": "own"},
    {"elite_population_selection_strategy": lambda study, population: population},
    {"child_generation_strategy": lambda study, space, parents: {}},
    {"after_trial_strategy": lambda study, trial, state, values: None},
])
def test_nsga_operators_tunewise_cannot_run_warn_once_by_name(kwargs: dict[str, Any]) -> None:
    from tunewise.samplers import nsgaii

    class Own(nsgaii.BaseMutation):
        pass

    if kwargs.get("crossover"):
        kwargs = {"crossover": getattr(nsgaii, kwargs["crossover"])()}
    if kwargs.get("mutation") == "own":
        kwargs = {"mutation": Own()}
    (option,) = kwargs
    for cls in (tw.samplers.NSGAIISampler, tw.samplers.NSGAIIISampler):
        with pytest.warns(UserWarning) as caught:
            sampler = cls(population_size=4, seed=0, **kwargs)
        assert len(caught) == 1 and caught[0].filename == __file__
        assert f"{cls.__name__}({option}=" in str(caught[0].message)
    study = tw.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.params["x"]), n_trials=12)
    assert len(study.trials) == 12


def test_nsga3_dividing_parameter_sets_the_reference_directions() -> None:
    sampler = tw.samplers.NSGAIIISampler(dividing_parameter=2)
    assert len(sampler._directions(3)) == 6  # compositions of 2 into 3 parts
    assert len(tw.samplers.NSGAIIISampler(population_size=50)._directions(3)) > 6
    with pytest.raises(ValueError, match="dividing_parameter must be an integer >= 1"):
        tw.samplers.NSGAIIISampler(dividing_parameter=0)


def test_optunas_nsgaii_module_is_reachable_as_an_attribute() -> None:
    import tunewise as optuna_like

    assert optuna_like.samplers.nsgaii.SBXCrossover(eta=5).eta == 5.0


# ---- optuna.visualization ----------------------------------------------------------------------
def test_plot_timeline_n_recent_trials_draws_the_last_ones() -> None:
    pytest.importorskip("plotly")
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=6)
    fig = tw.visualization.plot_timeline(study, 4)
    assert "last 4 of 6 trials" in fig.layout.title.text
    assert "last" not in tw.visualization.plot_timeline(study).layout.title.text
    with pytest.raises(ValueError, match="n_recent_trials must be a positive integer"):
        tw.visualization.plot_timeline(study, n_recent_trials=0)


def test_plot_hypervolume_history_takes_optunas_arguments() -> None:
    pytest.importorskip("plotly")
    study = tw.create_study(directions=["minimize", "minimize"], sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), (1 - t.params["x"]) ** 2), n_trials=10)
    fig = tw.visualization.plot_hypervolume_history(study, [1.0, 1.0])
    assert list(fig.data[0].y) == tw.hypervolume_history(study, reference_point=[1.0, 1.0])[1]
    with pytest.raises(ValueError, match="needs a multi-objective study"):
        tw.visualization.plot_hypervolume_history(tw.create_study(), [1.0])


# ---- optuna.exceptions -------------------------------------------------------------------------
def test_optunas_exception_names_catch_tunewises_errors(tmp_path: Any) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=tw.exceptions.ExperimentalWarning)  # a common first line
    assert issubclass(tw.exceptions.ExperimentalWarning, Warning)
    with pytest.raises(tw.exceptions.OptunaError):
        tw.load_study(study_name="missing", storage=f"sqlite:///{tmp_path / 'x.db'}")
    assert issubclass(tw.exceptions.StorageInternalError, tw.exceptions.OptunaError)
    assert issubclass(tw.exceptions.DuplicatedStudyError, tw.exceptions.OptunaError)
