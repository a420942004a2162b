"""Real W&B sweep material (wandb/sweeps, wandb/wandb; see data/*SOURCE.txt) under tunewise.

``benchmarks/history/s18/wandb_sweeps.py`` runs the whole collection from the repositories'
mirrors; these tests keep the incompatibilities it found fixed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from tunewise.sweeps import SweepConfig, SweepConfigError, SweepConfigWarning, SweepRunner, build_command, sweep_status
from tunewise.trial import TrialState

DATA = Path(__file__).parent / "data"
REAL = json.loads((DATA / "wandb_real_configs.json").read_text())
# Valid for W&B's validator but about W&B Launch (its servers and queues): refused with the reason.
LAUNCH_ONLY = ("job", "image_uri")


def _tunewise_form(entry: dict) -> dict:
    cfg = dict(entry["config"])
    if entry["kind"] == "python" and "program" not in cfg:
        cfg["program"] = "train.py"  # as `tunewise sweep python` does for wandb.sweep(dict)
    return cfg


@pytest.mark.parametrize("entry", [e for e in REAL["configs"] if e["wandb_valid"]],
                         ids=lambda e: f"{e['repo']}:{e['path']}:{e['where']}")
def test_every_config_wandbs_validator_accepts_is_accepted(entry):
    cfg = _tunewise_form(entry)
    launch = [k for k in LAUNCH_ONLY if k in cfg]
    if launch:
        with pytest.raises(SweepConfigError, match="W&B Launch"):
            SweepConfig.from_dict(cfg, check_program=False)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. log_uniform's exponents note
        sc = SweepConfig.from_dict(cfg, check_program=False)
    assert sc.make_sampler() is not None
    assert sc.has_metric == ("metric" in cfg or "metrics" in cfg)
    if "early_terminate" in cfg:  # W&B's hyperband rule, fractional eta (1.5) included
        assert sc.make_scheduler().bands


def test_the_collection_covers_what_wandb_users_write():
    """The stored configs exercise every form the brief lists (so the test above means something)."""
    valid = [e["config"] for e in REAL["configs"] if e["wandb_valid"]]
    specs = [spec for c in valid for spec in _specs(c.get("parameters") or {})]
    assert any("parameters" in s for s in specs)  # nested parameters
    for key in ("q", "value", "values"):  # probabilities: covered by test_wandb_schema.py
        assert any(key in s for s in specs), key
    dists = {s.get("distribution") for s in specs}
    assert {"int_uniform", "uniform", "q_uniform", "normal", "beta", "log_normal"} <= dists, dists
    for key in ("early_terminate", "command"):  # run_cap: covered by test_wandb_schema.py
        assert any(key in c for c in valid), key
    assert sum(1 for e in REAL["configs"] if e["wandb_valid"] and "metric" not in e["config"]) >= 10


def _specs(params: dict) -> list[dict]:
    out = [s for s in params.values() if isinstance(s, dict)]
    return out + [n for s in out if isinstance(s.get("parameters"), dict) for n in _specs(s["parameters"])]


def test_grid_and_random_sweeps_without_metric_record_runs_by_exit_status(tmp_path):
    # W&B's sweeps-boolean-parameters example (wandb/examples, no licence file, so written out here
    # in its shape): a grid over an optimizer and two booleans, no metric, a program that parses
    # `--flag1=True` itself.
    (tmp_path / "train.py").write_text(
        "import argparse, wandb\n"
        "p = argparse.ArgumentParser()\n"
        "p.add_argument('--optimizer', default=None, type=str)\n"
        "p.add_argument('--flag1', default=False, type=lambda s: s.lower() == 'true')\n"
        "p.add_argument('--flag2', default=True, type=lambda s: s.lower() == 'true')\n"
        "run = wandb.init(config=p.parse_args())\n"
        "assert isinstance(wandb.config.flag1, bool)\n"
        "run.log(dict(metric=1.0))\n")
    (tmp_path / "sweep.yaml").write_text(
        "program: train.py\nmethod: grid\nparameters:\n  optimizer:\n    values: [sgd, adam]\n"
        "  flag1:\n    values: [false, true]\n  flag2:\n    values: [false, true]\n")
    config = SweepConfig.from_file(tmp_path / "sweep.yaml")
    assert not config.has_metric
    study = SweepRunner(config, storage="memory", workers=2, echo=None).run()
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 8  # the whole grid, once
    seen = {(c["optimizer"], c["flag1"], c["flag2"]) for c in (t.user_attrs["config"] for t in study.trials)}
    assert len(seen) == 8
    assert all(t.user_attrs["metrics"] == {"metric": 1.0} for t in study.trials)  # what it logged is kept


def test_a_sweep_without_metric_is_refused_where_wandb_needs_one():
    base = {"program": "t.py", "parameters": {"x": {"values": [1, 2]}}}
    with pytest.raises(SweepConfigError, match="metric is required.*method bayes ranks runs by it"):
        SweepConfig.from_dict(dict(base, method="bayes"), check_program=False)
    with pytest.raises(SweepConfigError, match="early_terminate stops runs that fall behind on it"):
        SweepConfig.from_dict(dict(base, method="random", early_terminate={"type": "hyperband", "min_iter": 1}),
                              check_program=False)


def test_a_python_sweep_without_metric_runs_in_agent_mode(tmp_path):
    # wandb/examples' sweeps-python/sweep.py in its shape: a grid without metric, wandb.agent without count
    script = tmp_path / "sweep.py"
    script.write_text(
        "import wandb\n"
        "def train():\n"
        "    wandb.init(config={'layers': 128})\n"
        "    wandb.log({'accuracy': wandb.config.layers / 1000})\n"
        "sweep_id = wandb.sweep({'method': 'grid', 'parameters': {'layers': {'values': [32, 64, 96]}}})\n"
        "wandb.agent(sweep_id, function=train)\n")
    storage = f"sqlite:///{tmp_path}/tw.db"
    # a process of its own: agent mode replaces `wandb` in the interpreter that runs the script
    result = subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage", storage, str(script)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    status = sweep_status("sweep", storage)
    assert status["states"] == {"COMPLETE": 3} and status["best"] is None


def test_wandbs_nested_parameter_cli_example_runs(tmp_path):
    # wandb/sweeps examples/nested-params: argparse takes `--optimizer` as one string, as W&B's agent
    # passes it (`--optimizer={'lr': 0.001, 'nadam': {'beta': 0.9}}`); wandb.config holds the dicts.
    for name in ("sweep-nested-cli.yaml", "train-nested-cli.py"):
        shutil.copy(DATA / "wandb_sweeps_nested_cli" / name, tmp_path / name)
    train = tmp_path / "train-nested-cli.py"
    train.write_text(train.read_text().replace("time.sleep(0.3)", "pass"))
    config = SweepConfig.from_file(tmp_path / "sweep-nested-cli.yaml")
    study = SweepRunner(config, storage="memory", count=3, workers=2, echo=None).run()
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 3
    for t in study.trials:
        c = t.user_attrs["config"]
        # the script's fake loss after 5 epochs reads the nested values from wandb.config
        assert t.value == pytest.approx(1 - 4 / 5 * c["optimizer.lr"] * c["batch_size"])
        params = json.loads((Path(t.system_attrs["sweep_run_dir"]) / "params.json").read_text())
        assert params["optimizer"] == {"lr": c["optimizer.lr"], "nadam": {"beta": c["optimizer.nadam.beta"]}}


def test_a_parameter_whose_name_has_a_dot_stays_one_key():
    # wandb/examples minimal-hydra-example/wandb_sweep.yaml in its shape: Hydra overrides as
    # parameter names with dots next to a parameter named like their first part.
    cfg = SweepConfig.from_dict({
        "program": "main.py", "method": "random", "metric": {"name": "val_loss"},
        "command": ["${env}", "${interpreter}", "${program}", "${args_no_hyphens}"],
        "parameters": {"optimizer.config.learning_rate": {"min": 1e-5, "max": 0.1},
                       "optimizer": {"values": ["sgd", "adam"]}}}, check_program=False)
    run = cfg.nest({"optimizer.config.learning_rate": 0.01, "optimizer": "sgd"})
    assert run == {"optimizer.config.learning_rate": 0.01, "optimizer": "sgd"}
    # In W&B's engine's order (sorted names), which its agent keeps (s29, wandb_wild9_order_check.py).
    assert build_command(cfg.command, "main.py", run)[-2:] == ["optimizer=sgd",
                                                              "optimizer.config.learning_rate=0.01"]
    with pytest.raises(SweepConfigError, match="would have the same name 'a.b'"):
        SweepConfig.from_dict({"program": "t.py", "method": "random", "metric": {"name": "loss"},
                               "parameters": {"a.b": {"value": 1}, "a": {"parameters": {"b": {"value": 2}}}}},
                              check_program=False)


def test_wandb_agent_macros_are_known_to_the_config():
    cfg = SweepConfig.from_dict({"program": "t.py", "method": "random", "metric": {"name": "loss"},
                                 "parameters": {"x": {"value": 1}},
                                 "command": ["${env}", "${interpreter}", "${program}", "${args_no_equals}",
                                             "${args_override_hydra}", "${args_append_hydra}",
                                             "--dir=${envvar:HOME}"]}, check_program=False)
    assert build_command(cfg.command, "t.py", {"x": 1})[3:] == [
        "--x", "1", "++x=1", "+x=1", f"--dir={os.environ.get('HOME', 'HOME')}"]
    # W&B's docs (define-sweep-configuration, "Macro and custom command arguments") pass
    # "--batch_size=${batch_size}"; W&B's agent leaves it as it is and drops a lone unknown macro.
    with pytest.warns(SweepConfigWarning, match=r"\$\{batch_size\} is not a macro of W&B's agent: this token "
                                                r"reaches the program unchanged"):
        cfg = SweepConfig.from_dict({"program": "t.py", "method": "random", "metric": {"name": "loss"},
                                     "parameters": {"x": {"value": 1}},
                                     "command": ["${program}", "${args_dict}", "--batch_size=${batch_size}",
                                                 "--test=True"]}, check_program=False)
    assert build_command(cfg.command, "t.py", {"x": 1}) == ["t.py", "--batch_size=${batch_size}", "--test=True"]


def test_repeated_values_run_once_in_a_grid_and_weigh_more_in_random_search():
    # wandb/sweeps tests/test_grid_search.py (commit b1dfc5f), duplicated values:
    # W&B's grid runs each distinct value once; its random search picks from the list as written.
    values = [None, 2, 3, "a", [2, 3], 3]
    grid = SweepConfig.from_dict({"program": "t.py", "method": "grid", "parameters": {
        "v1": {"values": values}, "v2": {"values": ["a", "b", "c'"]}}}, check_program=False)
    assert grid.make_sampler().n_points == 5 * 3
    rand = SweepConfig.from_dict({"program": "t.py", "method": "random", "parameters": {"v1": {"values": values}}},
                                 check_program=False)
    (spec,) = rand.parameters
    assert spec.values == (None, 2, 3, "a", [2, 3]) and spec.probabilities == pytest.approx(
        (1 / 6, 1 / 6, 2 / 6, 1 / 6, 1 / 6))
    drawn = [spec.decode(u) for u in (i / 600 + 1 / 1200 for i in range(600))]  # evenly spread quantiles
    assert drawn.count(3) == 200 and drawn.count(None) == 100 and drawn.count([2, 3]) == 100
