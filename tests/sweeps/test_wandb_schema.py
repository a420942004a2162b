"""W&B's whole sweep schema: sample files valid under W&B's own schema.json run under tunewise
(or are refused with the reason where a key cannot apply), and tunewise's extensions and warnings."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pytest

from tunewise.sweeps import ParamSpec, SweepConfig, SweepConfigError, SweepConfigWarning, build_command

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = json.loads((Path(__file__).parent / "data" / "wandb_sweeps_schema.json").read_text())
BASE = {"program": "train.py", "method": "random", "metric": {"name": "val_loss", "goal": "minimize"}}

# One sample per part of W&B's schema: (file, what tunewise does with it).
EVERY_DISTRIBUTION = {
    "const": {"value": 3},
    "const2": {"distribution": "constant", "value": "adam"},
    "cat": {"values": [16, 32, 64]},
    "cat2": {"distribution": "categorical", "values": ["a", "b"]},
    "weighted": {"values": ["sgd", "adam"], "probabilities": [0.25, 0.75]},
    "weighted2": {"distribution": "categorical_w_probabilities", "values": [1, 2, 3],
                  "probabilities": [0.2, 0.3, 0.5]},
    "ints": {"min": 1, "max": 8},
    "ints2": {"distribution": "int_uniform", "min": 1, "max": 8},
    "u": {"min": 0.0, "max": 1.0},
    "u2": {"distribution": "uniform", "min": -1.0, "max": 1.0},
    "qu": {"distribution": "q_uniform", "min": 0, "max": 100, "q": 10},
    "lu": {"distribution": "log_uniform", "min": -9.21, "max": -2.3},
    "luv": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1},
    "qlu": {"distribution": "q_log_uniform", "min": 0.0, "max": 4.6, "q": 1},
    "qluv": {"distribution": "q_log_uniform_values", "min": 16, "max": 512, "q": 16},
    "ilu": {"distribution": "inv_log_uniform", "min": 0.0, "max": 4.6},
    "iluv": {"distribution": "inv_log_uniform_values", "min": 0.01, "max": 1.0},
    "n": {"distribution": "normal", "mu": 0.0, "sigma": 2.0},
    "n_default": {"distribution": "normal"},
    "qn": {"distribution": "q_normal", "mu": 10, "sigma": 3, "q": 2},
    "ln": {"distribution": "log_normal", "mu": 0.0, "sigma": 1.0},
    "qln": {"distribution": "q_log_normal", "mu": 2.0, "sigma": 0.5, "q": 1},
    "be": {"distribution": "beta", "a": 2, "b": 5},
    "be_default": {"distribution": "beta"},
    "qbe": {"distribution": "q_beta", "a": 2, "b": 2, "q": 0.1},
    "nested": {"parameters": {"lr": {"min": 0.001, "max": 0.1}, "momentum": {"value": 0.9}}},
}

ACCEPTED = [
    pytest.param(dict(BASE, parameters=EVERY_DISTRIBUTION), id="every-distribution"),
    pytest.param(dict(BASE, parameters={"x": {"min": 0.0, "max": 1.0}}, description="d", project="p",
                      entity="e", name="my sweep", apiVersion="v1", kind="sweep",
                      controller={"type": "local"}, run_cap=20), id="metadata"),
    pytest.param(dict(BASE, method="bayes", metric={"name": "acc", "goal": "maximize", "target": 0.99},
                      parameters={"x": {"min": 0.0, "max": 1.0}}), id="bayes-target"),
    pytest.param(dict(BASE, method="grid", parameters={"x": {"values": [1, 2]},
                                                       "w": {"values": [3, 4], "probabilities": [0.5, 0.5]}}),
                 id="grid-with-probabilities"),
    pytest.param(dict(BASE, parameters={"x": {"min": 0.0, "max": 1.0}},
                      early_terminate={"type": "hyperband", "min_iter": 3, "eta": 2, "strict": True}),
                 id="hyperband-min-iter"),
    pytest.param(dict(BASE, parameters={"x": {"min": 0.0, "max": 1.0}},
                      early_terminate={"type": "hyperband", "max_iter": 27, "s": 2}), id="hyperband-max-iter"),
    pytest.param(dict(BASE, method="custom", scheduler={"engine": "optuna"},
                      parameters={"x": {"min": 0.0, "max": 1.0}}), id="custom-optuna-engine"),
    pytest.param(dict(BASE, method="custom", scheduler={"engine": "ax"},
                      parameters={"x": {"min": 0.0, "max": 1.0}}), id="custom-ax-engine"),
    pytest.param(dict({k: v for k, v in BASE.items() if k != "metric"}, method="custom",
                      scheduler={"engine": "optuna"}, metrics=[{"name": "loss"}, {"name": "acc", "goal": "maximize"}],
                      parameters={"x": {"min": 0.0, "max": 1.0}}), id="metrics"),
    pytest.param(dict(BASE, parameters={"x": {"min": 0.0, "max": 1.0}},
                      command=["${env}", "python3", "${program}", "${args_no_boolean_flags}", "${args_json}",
                               "${args_no_hyphens}", "${args_json_file}", "${interpreter}"]), id="macros"),
]

REFUSED = [
    pytest.param(dict({k: v for k, v in BASE.items() if k != "program"}, job="entity/project/job:v0",
                      parameters={"x": {"min": 0.0, "max": 1.0}}), "W&B Launch", id="job"),
    pytest.param(dict({k: v for k, v in BASE.items() if k != "program"}, image_uri="repo/img:latest",
                      parameters={"x": {"min": 0.0, "max": 1.0}}), "W&B Launch", id="image_uri"),
    pytest.param(dict(BASE, method="custom", scheduler={"engine": "optuna", "source": "opt.py",
                                                        "optimizer": "build"},
                      parameters={"x": {"min": 0.0, "max": 1.0}}), "cannot run another library's optimizer",
                 id="scheduler-source"),
]


@pytest.mark.parametrize("config", ACCEPTED)
def test_files_valid_under_wandbs_schema_are_accepted(config):
    jsonschema.validate(config, SCHEMA)  # the sample is a valid W&B sweep file...
    cfg = SweepConfig.from_dict(config, check_program=False)  # ...and tunewise runs it
    metrics = config.get("metrics") or [config["metric"]]
    assert cfg.metric_names == [m["name"] for m in metrics]
    assert cfg.directions == [m.get("goal", "minimize") for m in metrics]
    # Every parameter maps to a search-space dimension and decodes to a value of its distribution.
    assert set(cfg.distributions()) == {p.param_name for p in cfg.parameters}


@pytest.mark.parametrize("config,reason", REFUSED)
def test_schema_keys_that_cannot_apply_are_refused_with_the_reason(config, reason):
    jsonschema.validate(config, SCHEMA)
    with pytest.raises(SweepConfigError, match=reason):
        SweepConfig.from_dict(config, check_program=False)


def test_metric_impute_is_accepted_with_a_note_on_how_tunewise_treats_failed_runs():
    config = dict(BASE, method="bayes", metric={"name": "loss", "impute": "worst", "impute_while_running": "best"},
                  parameters={"x": {"min": 0.0, "max": 1.0}})
    jsonschema.validate(config, SCHEMA)
    with pytest.warns(SweepConfigWarning, match="leave failed runs out of the model"):
        cfg = SweepConfig.from_dict(config, check_program=False)
    assert cfg.impute == {"impute": "worst", "impute_while_running": "best"}
    with pytest.raises(SweepConfigError, match="impute must be one of latest, best, worst"):
        SweepConfig.from_dict(dict(config, metric={"name": "loss", "impute": "median"}), check_program=False)


def test_custom_method_uses_the_engines_default_algorithm():
    from tunewise.samplers import GPSampler, TPESampler

    def sampler(engine: str):
        return SweepConfig.from_dict(dict(BASE, method="custom", scheduler={"engine": engine},
                                          parameters={"x": {"min": 0.0, "max": 1.0}}),
                                     check_program=False).make_sampler()

    assert isinstance(sampler("optuna"), TPESampler) and isinstance(sampler("ax"), GPSampler)
    with pytest.raises(SweepConfigError, match="scheduler.engine optuna needs method: custom"):
        SweepConfig.from_dict(dict(BASE, scheduler={"engine": "optuna"}, parameters={"x": {"value": 1}}),
                              check_program=False)


def test_scheduler_forms_wandbs_validator_accepts():
    # wandb/sweeps tests/test_config.py (commit b1dfc5f): engine wandb goes with grid, random and
    # bayes (that method's own search), and method custom needs no scheduler (W&B Launch picks one).
    from tunewise.samplers import GPSampler, GridSampler, NSGAIISampler, TPESampler

    x = {"x": {"values": [1, 2, 3]}}
    for method, cls in (("bayes", GPSampler), ("grid", GridSampler)):
        cfg = SweepConfig.from_dict(dict(BASE, method=method, scheduler={"engine": "wandb"}, parameters=x),
                                    check_program=False)
        assert isinstance(cfg.make_sampler(), cls) and cfg.engine is None
    single = SweepConfig.from_dict(dict(BASE, method="custom", parameters=x), check_program=False)
    assert isinstance(single.make_sampler(), TPESampler)
    multi = SweepConfig.from_dict({"program": "t.py", "method": "custom", "parameters": x,
                                   "metrics": [{"name": "loss"}, {"name": "accuracy", "goal": "maximize"}]},
                                  check_program=False)
    assert isinstance(multi.make_sampler(), NSGAIISampler) and multi.directions == ["minimize", "maximize"]


# ---- distributions: the value the program receives follows W&B's definition ------------------


def _spec(**kw) -> ParamSpec:
    cfg = SweepConfig.from_dict(dict(BASE, parameters={"p": kw}), check_program=False)
    return cfg.parameters[0]


def test_weighted_values_follow_their_probabilities():
    p = _spec(values=["a", "b", "c"], probabilities=[0.2, 0.0, 0.8])
    assert p.latent and p.param_name == "p:latent"
    draws = [p.decode((i + 0.5) / 1000) for i in range(1000)]  # quantiles of U(0, 1)
    assert draws.count("a") == 200 and draws.count("b") == 0 and draws.count("c") == 800
    assert p.decode(1.0) == "c"
    with pytest.raises(SweepConfigError, match="must sum to 1"):
        _spec(values=[1, 2], probabilities=[0.5, 0.6])
    with pytest.raises(SweepConfigError, match="2 entries for 3 values"):
        _spec(values=[1, 2, 3], probabilities=[0.5, 0.5])


def test_ranges_and_weights_wandbs_validator_refuses_are_run_with_a_warning_that_says_so():
    """s27 probe (benchmarks/history/s27/wandb_wild7.md): W&B's validator refuses min == max ("min 5 is not
    less than max 5") and probabilities with `distribution: categorical`; tunewise ran both without a word."""
    for kw in ({"distribution": "int_uniform", "min": 5, "max": 5}, {"min": 0.5, "max": 0.5},
               {"distribution": "log_uniform_values", "min": 0.01, "max": 0.01}):
        with pytest.warns(SweepConfigWarning, match=r"min equals max .*W&B refuses this range"):
            p = _spec(**kw)
        d = p.to_distribution()
        assert d.low == d.high == kw["min"]  # every run gets that value
    with pytest.warns(SweepConfigWarning, match="W&B refuses probabilities with distribution: categorical"):
        p = _spec(distribution="categorical", values=["a", "b"], probabilities=[0.9, 0.1])
    assert p.decode(0.85) == "a" and p.decode(0.95) == "b"  # the probabilities still apply
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # what W&B accepts: no warning
        _spec(distribution="int_uniform", min=5, max=6)
        _spec(values=["a", "b"], probabilities=[0.9, 0.1])
        _spec(distribution="categorical_w_probabilities", values=["a", "b"], probabilities=[0.9, 0.1])


def test_beta_inverse_log_uniform_and_their_quantized_forms():
    from scipy.stats import beta

    b = _spec(distribution="beta", a=2, b=5)
    assert b.decode(0.3) == pytest.approx(float(beta.ppf(0.3, 2, 5)))
    assert _spec(distribution="beta").decode(0.25) == pytest.approx(0.25)  # a = b = 1: uniform
    qb = _spec(distribution="q_beta", a=2, b=2, q=0.1)
    assert qb.decode(0.5) == pytest.approx(0.5) and qb.decode(0.9) == pytest.approx(round(beta.ppf(0.9, 2, 2), 1))
    with pytest.raises(SweepConfigError, match="must be > 0"):
        _spec(distribution="beta", a=0)
    iluv = _spec(distribution="inv_log_uniform_values", min=0.01, max=1.0).to_distribution()
    assert (iluv.low, iluv.high, iluv.log) == (0.01, 1.0, True)
    ilu = _spec(distribution="inv_log_uniform", min=0.0, max=4.6).to_distribution()
    assert ilu.low == pytest.approx(math.exp(-4.6)) and ilu.high == pytest.approx(1.0) and ilu.log


def test_log_uniform_with_bounds_that_look_like_values_warns_and_points_to_log_uniform_values():
    with pytest.warns(SweepConfigWarning, match=r"natural-log exponents.*\[1, 1\.105\].*log_uniform_values"):
        _spec(distribution="log_uniform", min=0.00001, max=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _spec(distribution="log_uniform", min=-9.21, max=-2.3)  # exponents: no warning
        _spec(distribution="log_uniform", min=0, max=5)


def test_the_guides_sweep_yaml_warns_at_its_line(tmp_path):
    (tmp_path / "train.py").write_text("")
    (tmp_path / "sweep.yaml").write_text(
        "program: train.py\nmethod: random\nmetric: {name: loss}\nparameters:\n"
        "  learning_rate:\n    distribution: log_uniform\n    min: 0.00001\n    max: 0.1\n")
    with pytest.warns(SweepConfigWarning, match=r"^parameters\.learning_rate: distribution log_uniform") as got:
        SweepConfig.from_file(tmp_path / "sweep.yaml")
    # Shown as `sweep.yaml:5: SweepConfigWarning: ...`, with the file's own line under it.
    assert got[0].filename == str(tmp_path / "sweep.yaml") and got[0].lineno == 5


def test_args_no_boolean_flags_macro():
    argv = build_command(["${program}", "${args_no_boolean_flags}"], "t.py",
                         {"amp": True, "compile": False, "lr": 0.1, "name": "x"})
    assert argv == ["t.py", "--amp", "--lr=0.1", "--name=x"]


# ---- conditional parameters (tunewise's extension) -----------------------------------------------

COND = {
    "optimizer": {"values": ["sgd", "adam"]},
    "momentum": {"min": 0.0, "max": 0.99, "when": {"optimizer": "sgd"}},
    "nesterov": {"values": [True, False], "when": {"optimizer": "sgd", "momentum_on": [1]}},
    "momentum_on": {"values": [0, 1], "when": {"optimizer": ["sgd"]}},
    "beta1": {"min": 0.8, "max": 0.999, "when": {"optimizer": "adam"}},
}


def test_conditional_parameters_are_sampled_only_when_their_condition_holds():
    cfg = SweepConfig.from_dict(dict(BASE, parameters=COND), check_program=False)
    order = [p.name for p in cfg.ordered_parameters()]
    assert order.index("momentum_on") < order.index("nesterov")  # a parent before its child
    import tunewise as tw

    study = tw.create_study(sampler=cfg.make_sampler())
    seen = set()
    for _ in range(40):
        trial = study.ask()
        config = cfg.sample(trial.suggest)
        study.tell(trial, 0.0)
        assert set(trial.params) == set(config)  # inactive parameters are not sampled at all
        if config["optimizer"] == "adam":
            assert set(config) == {"optimizer", "beta1"}
        elif config["momentum_on"] == 1:
            assert set(config) == {"optimizer", "momentum", "momentum_on", "nesterov"}
        else:
            assert set(config) == {"optimizer", "momentum", "momentum_on"}
        seen.add(frozenset(config))
    assert len(seen) == 3


@pytest.mark.parametrize("params,message", [
    ({"a": {"values": [1, 2]}, "b": {"value": 1, "when": {"c": 1}}}, "'c', which is not a parameter"),
    ({"a": {"values": [1, 2]}, "b": {"value": 1, "when": {"a": 3}}}, "never takes the value 3"),
    ({"a": {"values": [1], "when": {"b": 1}}, "b": {"values": [1], "when": {"a": 1}}}, "cycle"),
    ({"a": {"values": [1]}, "b": {"value": 1, "when": "a"}}, "when must be a mapping"),
    ({"g": {"parameters": {"x": {"value": 1}}, "when": {"a": 1}}, "a": {"values": [1]}}, "not to a group"),
])
def test_conditional_parameter_mistakes_are_named(params, message):
    with pytest.raises(SweepConfigError, match=message):
        SweepConfig.from_dict(dict(BASE, parameters=params), check_program=False)


def test_conditional_parameters_need_a_sampling_method():
    with pytest.raises(SweepConfigError, match="need a sampling method"):
        SweepConfig.from_dict(dict(BASE, method="grid", parameters={"a": {"values": [1, 2]},
                                                                    "b": {"values": [1], "when": {"a": 1}}}),
                              check_program=False)


def test_several_metrics_take_an_nsga_sampler_and_their_mistakes_are_named():
    from tunewise.samplers import NSGAIISampler

    base = {"program": "train.py", "parameters": {"x": {"min": 0.0, "max": 1.0}},
            "metrics": [{"name": "loss"}, {"name": "acc", "goal": "maximize"}]}
    cfg = SweepConfig.from_dict(dict(base, method="custom", scheduler={"engine": "optuna"}), check_program=False)
    assert isinstance(cfg.make_sampler(), NSGAIISampler)
    for extra, message in [
        ({"method": "random", "metric": {"name": "loss"}}, "metric and metrics cannot be used together"),
        ({"method": "bayes"}, "method bayes optimizes one metric"),
        ({"method": "random", "early_terminate": {"type": "hyperband", "min_iter": 1}}, "cannot rank runs on several"),
        ({"method": "random", "metrics": [{"name": "loss"}]}, "at least two metrics"),
        ({"method": "random", "metrics": [{"name": "a", "target": 1}, {"name": "b"}]}, "remove target"),
        ({"method": "random", "metrics": [{"name": "a"}, {"name": "a"}]}, "names a metric twice"),
    ]:
        with pytest.raises(SweepConfigError, match=message):
            SweepConfig.from_dict({**base, **extra}, check_program=False)


def test_yaml_strings_that_look_like_numbers_or_none_are_said_at_their_line(tmp_path):
    # Third-party sweep files write `values: [1e-3, 1e-4]` and `values: [2, None]`: PyYAML (YAML 1.1,
    # as W&B's CLI reads the file) gives the strings '1e-3' and 'None'; the runs get them, as under W&B.
    path = tmp_path / "sweep.yaml"
    path.write_text("program: train.py\nmethod: grid\nmetric: {name: acc, goal: maximize}\nparameters:\n"
                    "  lr:\n    values: [1e-3, 0.01]\n  depth:\n    values: [2, None]\n  l2:\n    value: 1e-8\n"
                    "  ok:\n    values: [1.0e-3, 'adam']\n")
    (tmp_path / "train.py").write_text("")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cfg = SweepConfig.from_file(path)
    said = sorted(str(w.message) for w in caught if issubclass(w.category, SweepConfigWarning))
    assert said == [
        "parameters.depth.values: 'None' is the string 'None' in YAML, not None (write null or ~); runs get the "
        "string, as under W&B",
        "parameters.l2.value: '1e-8' is a string: YAML 1.1 reads a number with an exponent and no dot as text "
        "(write 1.0e-08); runs get the string '1e-8', as under W&B",
        "parameters.lr.values: '1e-3' is a string: YAML 1.1 reads a number with an exponent and no dot as text "
        "(write 1.0e-03); runs get the string '1e-3', as under W&B",
    ]
    assert {w.lineno for w in caught} == {6, 8, 10}  # each at its parameter's line
    assert next(p for p in cfg.parameters if p.name == "lr").values == ("1e-3", 0.01)  # unchanged: what W&B passes
    # A dict given in Python means its strings.
    with warnings.catch_warnings():
        warnings.simplefilter("error", SweepConfigWarning)
        SweepConfig.from_dict({"program": "t.py", "method": "grid", "metric": {"name": "acc"},
                               "parameters": {"lr": {"values": ["1e-3"]}}}, check_program=False)
