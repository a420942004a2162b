"""Sweeps: the YAML file, its distributions and macros, and real subprocess runs."""

from __future__ import annotations

import json
import math
import os
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import tunewise as tw
from tunewise import distributions as D
from tunewise.sweeps import (
    ParamSpec,
    SweepConfig,
    SweepConfigError,
    SweepConfigWarning,
    SweepRunner,
    build_command,
    load_sweep_config,
    parse_metric_line,
    run_agent,
    sweep_status,
)

# A tiny Python program: records its argv and environment, then prints metric lines.
#   --x: the loss at every step; --steps: how many steps; --mode: crash | silent | block | stubborn
PY_PROGRAM = r'''
import json, os, signal, sys
args = {}
for a in sys.argv[1:]:
    if a.startswith("--") and "=" in a:
        k, v = a[2:].split("=", 1)
        args[k] = v
run_dir = os.environ.get("TUNEWISE_RUN_DIR", ".")
with open(os.path.join(run_dir, "argv.json"), "w") as f:
    json.dump({"argv": sys.argv[1:], "trial": os.environ.get("TUNEWISE_TRIAL_NUMBER")}, f)
mode = args.get("mode", "ok")
def on_term(signum, frame):
    with open(os.path.join(run_dir, "signal.txt"), "w") as f:
        f.write("SIGTERM")
    sys.exit(143)
signal.signal(signal.SIGTERM, signal.SIG_IGN if mode == "stubborn" else on_term)
if mode == "crash":
    print("about to divide", flush=True)
    1 / 0
if mode == "silent":
    print("training... done, but no metric line")
    sys.exit(0)
if mode == "block":
    signal.pause()
x = float(args.get("x", "0"))
steps = int(args.get("steps", "1"))
for s in range(1, steps + 1):
    print("tunewise: " + json.dumps({"loss": x, "acc": 1 - x, "step": s}), flush=True)
# A bad configuration keeps "training" (blocks) until it is stopped; a good one finishes.
if x > 0 and args.get("hang_if_bad") == "1":
    signal.pause()
'''

SH_PROGRAM = r'''#!/bin/sh
# Reads x=... (from ${args_no_hyphens}) and prints metric lines, as any non-Python program can.
for a in "$@"; do
  case "$a" in
    x=*) x="${a#x=}" ;;
    --x=*) x="${a#--x=}" ;;
  esac
done
echo "starting with x=$x (this line is ordinary output)"
echo "loss=$x step=1"
echo "loss=$x, step=2"
'''


def _write(tmp_path: Path, cfg: dict, *, py: str = PY_PROGRAM) -> Path:
    (tmp_path / "prog.py").write_text(py)
    (tmp_path / "prog.sh").write_text(SH_PROGRAM)
    cfg.setdefault("log_dir", str(tmp_path / "runs"))
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path


def _run(tmp_path: Path, cfg: dict, **kw):
    path = _write(tmp_path, cfg)
    config = SweepConfig.from_file(path)
    return SweepRunner(config, storage=kw.pop("storage", "memory"), echo=None, **kw).run()


def _argv(trial) -> list[str]:
    return json.loads((Path(trial.system_attrs["sweep_run_dir"]) / "argv.json").read_text())["argv"]


# ---- metric lines and commands ----------------------------------------------------------------


def test_parse_metric_lines():
    assert parse_metric_line('tunewise: {"loss": 0.25, "step": 3, "note": "x"}').values == {"loss": 0.25}
    assert parse_metric_line('tunewise: {"loss": 0.25, "step": 3}').step == 3
    m = parse_metric_line("epoch=2 loss=1e-3; acc=0.5")
    assert m is not None and m.values == {"epoch": 2.0, "loss": 0.001, "acc": 0.5} and m.step is None
    assert parse_metric_line("loss=0.3, step=7").step == 7
    assert parse_metric_line("epoch 4 done, loss=0.3") is None  # mixed text is ordinary output
    assert parse_metric_line("tunewise: not json") is None
    assert parse_metric_line("hello") is None
    assert parse_metric_line("step=3") is None  # a step without a metric reports nothing


def test_build_command_expands_every_macro_as_wandbs_agent(tmp_path, monkeypatch):
    # The run's config as the program sees it: a nested group is one dict, a dotted name one key.
    config = {"lr": 0.5, "opt": {"name": "adam"}, "a.b": 1, "flag": True, "layers": ["x", None]}
    cmd = ["${env}", "${interpreter}", "${program}", "${args}", "${args_no_hyphens}", "${args_json}",
           "--params=${args_json_file}"]
    out = build_command(cmd, "train.py", config, str(tmp_path / "p.json"))
    assert out[0] == "/usr/bin/env" and out[1] == sys.executable and out[2] == "train.py"
    # W&B's agent writes f"--{key}={value}": Python's str of the value, one token per top-level key
    assert out[3:8] == ["--lr=0.5", "--opt={'name': 'adam'}", "--a.b=1", "--flag=True", "--layers=['x', None]"]
    assert out[8:13] == ["lr=0.5", "opt={'name': 'adam'}", "a.b=1", "flag=True", "layers=['x', None]"]
    assert json.loads(out[13]) == config
    assert out[14] == f"--params={tmp_path / 'p.json'}"
    monkeypatch.setenv("TW_TEST_GPUS", "2")
    more = ["${args_no_equals}", "${args_append_hydra}", "${args_override_hydra}", "--gpus=${envvar:TW_TEST_GPUS}",
            "${envvar:TW_TEST_UNSET}"]
    assert build_command(more, "t.py", {"lr": 0.5, "opt": "sgd"}) == [
        "--lr", "0.5", "--opt", "sgd", "+lr=0.5", "+opt=sgd", "++lr=0.5", "++opt=sgd", "--gpus=2", "TW_TEST_UNSET"]
    assert build_command(["${interpreter}", "${program}"], "run.sh", {}) == ["/bin/sh", "run.sh"]
    assert build_command(["${interpreter}", "${program}"], "./a.out", {}) == ["./a.out"]


# ---- distributions ---------------------------------------------------------------------------


def _spec(**kw) -> ParamSpec:
    cfg = SweepConfig.from_dict({"program": "p.py", "method": "random", "metric": {"name": "loss"},
                                 "parameters": {"p": kw}}, check_program=False)
    return cfg.parameters[0]


def test_every_distribution_maps_to_the_right_values():
    import numpy as np

    rng = np.random.default_rng(0)
    u = rng.random(4000)

    def draws(spec: ParamSpec) -> list:
        dist = spec.to_distribution()
        return [spec.decode(dist.from_unit(x)) for x in u]

    assert set(draws(_spec(value="fixed"))) == {"fixed"}
    assert set(draws(_spec(values=["a", "b", 3]))) == {"a", "b", 3}
    assert set(draws(_spec(distribution="categorical", values=[1, 2]))) == {1, 2}
    ints = draws(_spec(min=2, max=5))
    assert _spec(min=2, max=5).distribution == "int_uniform" and set(ints) == {2, 3, 4, 5}
    f = draws(_spec(min=0.5, max=1.5))
    assert all(isinstance(v, float) and 0.5 <= v <= 1.5 for v in f) and abs(np.mean(f) - 1.0) < 0.03
    q = draws(_spec(distribution="q_uniform", min=0.0, max=1.0, q=0.25))
    assert set(q) == {0.0, 0.25, 0.5, 0.75, 1.0}
    qi = draws(_spec(distribution="q_uniform", min=0, max=10, q=5))
    assert set(qi) == {0, 5, 10} and all(isinstance(v, int) for v in qi)
    lv = np.array(draws(_spec(distribution="log_uniform_values", min=1e-4, max=1e-1)))
    assert lv.min() >= 1e-4 and lv.max() <= 1e-1 and abs(np.median(np.log10(lv)) + 2.5) < 0.1
    ln = np.array(draws(_spec(distribution="log_uniform", min=0.0, max=2.0)))  # natural-log bounds
    assert ln.min() >= 1.0 and ln.max() <= math.exp(2.0) and abs(np.mean(np.log(ln)) - 1.0) < 0.05
    qlv = draws(_spec(distribution="q_log_uniform_values", min=1, max=1000, q=10))
    assert all(isinstance(v, int) and v % 10 == 0 for v in qlv) and max(qlv) <= 1000
    qln = draws(_spec(distribution="q_log_uniform", min=0.0, max=3.0, q=0.5))
    assert all(abs(v / 0.5 - round(v / 0.5)) < 1e-9 for v in qln)
    nrm = np.array(draws(_spec(distribution="normal", mu=3.0, sigma=2.0)))
    assert abs(nrm.mean() - 3.0) < 0.1 and abs(nrm.std() - 2.0) < 0.1
    assert _spec(mu=1.0, sigma=1.0).distribution == "normal"
    qn = draws(_spec(distribution="q_normal", mu=0.0, sigma=10.0, q=2))
    assert all(isinstance(v, int) and v % 2 == 0 for v in qn)
    lgn = np.array(draws(_spec(distribution="log_normal", mu=0.0, sigma=0.5)))
    assert lgn.min() > 0 and abs(np.median(np.log(lgn))) < 0.05
    qlgn = draws(_spec(distribution="q_log_normal", mu=2.0, sigma=0.5, q=1))
    assert all(isinstance(v, int) and v >= 0 for v in qlgn)
    # The normal family is sampled as a latent quantile under "<name>:latent".
    assert _spec(distribution="normal").param_name == "p:latent"
    assert _spec(distribution="normal").decode(0.5) == 0.0


def test_every_distribution_runs_through_a_program_with_nested_parameters(tmp_path):
    params = {
        "const": {"value": 7},
        "cat": {"values": ["a", "b"]},
        "cat2": {"distribution": "categorical", "values": [1, 2]},
        "iu": {"distribution": "int_uniform", "min": 1, "max": 3},
        "u": {"distribution": "uniform", "min": 0.0, "max": 1.0},
        "qu": {"distribution": "q_uniform", "min": 0.0, "max": 1.0, "q": 0.5},
        "luv": {"distribution": "log_uniform_values", "min": 0.001, "max": 0.1},
        "qluv": {"distribution": "q_log_uniform_values", "min": 8, "max": 256, "q": 8},
        "lu": {"distribution": "log_uniform", "min": -3.0, "max": 0.0},
        "n": {"distribution": "normal", "mu": 0.0, "sigma": 1.0},
        "qn": {"distribution": "q_normal", "mu": 10.0, "sigma": 3.0, "q": 1},
        "ln": {"distribution": "log_normal", "mu": 0.0, "sigma": 1.0},
        "opt": {"parameters": {"lr": {"min": 0.1, "max": 0.2}, "inner": {"parameters": {"k": {"values": [5]}}}}},
    }
    study = _run(tmp_path, {"program": "prog.py", "method": "random", "seed": 3, "metric": {"name": "loss"},
                            "parameters": params, "run_cap": 2})
    trials = study.trials
    assert [t.state for t in trials] == [tw.TrialState.COMPLETE] * 2
    for t in trials:
        cfg = t.user_attrs["config"]
        assert set(cfg) == {"const", "cat", "cat2", "iu", "u", "qu", "luv", "qluv", "lu", "n", "qn", "ln",
                            "opt.lr", "opt.inner.k"}
        assert cfg["const"] == 7 and cfg["cat"] in ("a", "b") and cfg["iu"] in (1, 2, 3)
        assert cfg["qu"] in (0.0, 0.5, 1.0) and 0.001 <= cfg["luv"] <= 0.1 and cfg["qluv"] % 8 == 0
        assert math.exp(-3) <= cfg["lu"] <= 1.0 and cfg["ln"] > 0 and 0.1 <= cfg["opt.lr"] <= 0.2
        assert "n:latent" in t.params and "opt.lr" in t.params  # latent vs exact parameters
        argv = _argv(t)
        # W&B: one --opt={...}, its keys in W&B's engine's order (s29, wandb_wild9_order_check.py)
        assert f"--opt={ {'inner': {'k': 5}, 'lr': cfg['opt.lr']} }" in argv
        assert f"--qluv={cfg['qluv']}" in argv and f"--n={cfg['n']!r}" in argv
        nested = json.loads((Path(t.system_attrs["sweep_run_dir"]) / "params.json").read_text())
        assert nested["opt"] == {"lr": cfg["opt.lr"], "inner": {"k": 5}}


def test_methods_map_to_samplers_and_hyperband_to_wandbs_rule():
    base = {"program": "p.py", "metric": {"name": "loss"}, "parameters": {"x": {"values": [1, 2, 3]}}}
    names = {m: type(SweepConfig.from_dict(dict(base, method=m), check_program=False).make_sampler()).__name__
             for m in ("grid", "random", "bayes", "tpe", "gp", "auto")}
    assert names == {"grid": "GridSampler", "random": "RandomSampler", "bayes": "GPSampler",
                     "tpe": "TPESampler", "gp": "GPSampler", "auto": "AutoSampler"}
    cfg = SweepConfig.from_dict(dict(base, method="random", early_terminate={"type": "hyperband", "min_iter": 3,
                                                                               "eta": 3, "s": 2}),
                                check_program=False)
    sched = cfg.make_scheduler()
    # W&B's engine: with min_iter, s is not read and the bands go on (min_iter * eta**k, 100 of them).
    assert type(sched).__name__ == "WandbHyperband" and sched.bands[:4] == [3, 9, 27, 81] and sched.strict
    cfg = SweepConfig.from_dict(dict(base, method="random", early_terminate={"type": "hyperband", "max_iter": 27,
                                                                               "s": 2}), check_program=False)
    assert cfg.make_scheduler().bands == [3, 9]


# ---- runs ------------------------------------------------------------------------------------


def test_shell_program_grid_with_two_workers_and_every_macro(tmp_path):
    cfg = {"program": "prog.sh", "method": "grid", "metric": {"name": "loss"},
           "command": ["${env}", "${interpreter}", "${program}", "${args_no_hyphens}"],
           "parameters": {"x": {"values": [3, 1, 2, 4]}}, "workers": 2}
    study = _run(tmp_path, cfg)
    assert sorted(t.params["x"] for t in study.trials) == [1, 2, 3, 4]  # every point once
    assert all(t.state == tw.TrialState.COMPLETE for t in study.trials)
    assert study.best_params == {"x": 1} and study.best_value == 1.0
    best = study.best_trial
    assert best.intermediate_values == {1: 1.0, 2: 1.0}
    log = Path(best.user_attrs["log_file"]).read_text()
    assert "/bin/sh" in log.splitlines()[0] and " x=1" in log and "ordinary output" in log


def test_python_program_with_json_macros_and_tunewise_report(tmp_path):
    report_prog = textwrap.dedent('''
        import json, sys
        import tunewise
        import tunewise.sweeps
        cfg = json.load(open(sys.argv[1]))                 # ${args_json_file}
        assert json.loads(sys.argv[2]) == cfg              # ${args_json}
        assert tunewise.sweeps.get_params() == cfg
        for step in range(3):
            tunewise.report(cfg["opt"]["lr"] * (3 - step), step)
    ''')
    (tmp_path / "rep.py").write_text(report_prog)
    cfg = {"program": "rep.py", "method": "tpe", "seed": 0, "metric": {"name": "loss", "goal": "minimize"},
           "command": ["${interpreter}", "${program}", "${args_json_file}", "${args_json}"],
           "parameters": {"opt": {"parameters": {"lr": {"min": 1.0, "max": 2.0}}}}, "run_cap": 2}
    study = _run(tmp_path, cfg)
    for t in study.trials:
        assert t.state == tw.TrialState.COMPLETE
        lr = t.params["opt.lr"]
        assert t.intermediate_values == pytest.approx({0: 3 * lr, 1: 2 * lr, 2: lr})
        assert t.value == pytest.approx(lr)


def test_early_termination_kills_a_bad_run_midway(tmp_path):
    cfg = {"program": "prog.py", "method": "grid", "metric": {"name": "loss"},
           "command": ["${interpreter}", "${program}", "${args}", "--steps=4", "--hang_if_bad=1"],
           "parameters": {"x": {"values": [0.0, -1.0, 5.0, 6.0]}},
           "early_terminate": {"type": "hyperband", "min_iter": 1, "max_iter": 4, "eta": 2},
           "timeout": 60}
    study = _run(tmp_path, cfg, grace_period=20)
    by_x = {t.params["x"]: t for t in study.trials}
    assert by_x[0.0].state == tw.TrialState.COMPLETE and by_x[0.0].intermediate_values == {
        1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0}
    # W&B's rule: at band 1 the threshold is sorted(values)[int(n / eta)], so of two runs the
    # worse one goes on (-1 after 0); 5 (threshold 0) and 6 (threshold 5) stop there.
    assert by_x[-1.0].state == tw.TrialState.COMPLETE
    for x in (5.0, 6.0):
        t = by_x[x]
        assert t.state == tw.TrialState.PRUNED
        assert t.intermediate_values == {1: x}  # stopped at the first rung
        # The program was still running ("training") and got SIGTERM from the runner.
        assert (Path(t.system_attrs["sweep_run_dir"]) / "signal.txt").read_text() == "SIGTERM"
        assert t.system_attrs["sweep_returncode"] == 143
        assert t.user_attrs["metrics"] == {"loss": x, "acc": 1 - x}


def test_pruned_run_ignoring_sigterm_is_killed_after_grace_period(tmp_path):
    cfg = {"program": "prog.py", "method": "grid", "metric": {"name": "loss"},
           "command": ["${interpreter}", "${program}", "${args}", "--steps=2", "--hang_if_bad=1"],
           "parameters": {"x": {"values": [0.0, -1.0, 5.0]}, "mode": {"value": "stubborn"}},
           "early_terminate": {"type": "hyperband", "min_iter": 1, "max_iter": 4, "eta": 2},
           "timeout": 60, "grace_period": 0.3}
    study = _run(tmp_path, cfg)
    bad = [t for t in study.trials if t.params["x"] == 5.0][0]
    assert bad.state == tw.TrialState.PRUNED
    assert bad.system_attrs["sweep_returncode"] == -9  # SIGKILL after SIGTERM was ignored


def test_crashing_program_is_failed_with_its_stderr(tmp_path):
    study = _run(tmp_path, {"program": "prog.py", "method": "random", "metric": {"name": "loss"},
                            "parameters": {"mode": {"value": "crash"}}, "run_cap": 1})
    t = study.trials[0]
    assert t.state == tw.TrialState.FAILED
    assert "exited with code 1" in t.system_attrs["fail_reason"]
    assert "ZeroDivisionError" in t.system_attrs["fail_reason"]
    assert "ZeroDivisionError" in t.system_attrs["stderr_tail"]
    log = Path(t.user_attrs["log_file"]).read_text()
    assert "about to divide" in log and "Traceback" in log  # stdout and stderr both kept


def test_program_that_never_prints_the_metric_fails_with_a_clear_reason(tmp_path):
    study = _run(tmp_path, {"program": "prog.py", "method": "random", "metric": {"name": "val_loss"},
                            "parameters": {"mode": {"value": "silent"}}, "run_cap": 1})
    t = study.trials[0]
    assert t.state == tw.TrialState.FAILED
    assert "never printed the metric 'val_loss'" in t.system_attrs["fail_reason"]


def test_runs_that_end_normally_without_the_metric_do_not_stop_the_sweep_early(tmp_path):
    """s23 (the DA6401 course's W&B demo notebook): a grid whose program runs to the end but never logs the
    sweep's metric. W&B's agent stops only after runs that errored (5 in a row), so it runs every grid
    point; tunewise stopped after "the first 5 runs all failed". Each such run is still FAILED with its
    reason; a crashing program still stops the sweep after 5 runs."""
    (tmp_path / "silent").mkdir()
    (tmp_path / "crash").mkdir()
    silent = _run(tmp_path / "silent", {"program": "prog.py", "method": "grid", "metric": {"name": "val_loss"},
                                        "parameters": {"mode": {"value": "silent"}, "x": {"values": list(range(7))}}})
    assert len(silent.trials) == 7  # every grid point ran
    assert all(t.state == tw.TrialState.FAILED and "never printed the metric" in t.system_attrs["fail_reason"]
               for t in silent.trials)
    crashing = _run(tmp_path / "crash", {"program": "prog.py", "method": "grid", "metric": {"name": "val_loss"},
                                         "parameters": {"mode": {"value": "crash"}, "x": {"values": list(range(7))}}})
    assert len(crashing.trials) == 5  # errored runs: stopped after the first 5, as W&B's agent stops


def test_timeout_kills_the_run(tmp_path):
    study = _run(tmp_path, {"program": "prog.py", "method": "random", "metric": {"name": "loss"},
                            "parameters": {"mode": {"value": "block"}}, "run_cap": 1, "timeout": 0.5})
    t = study.trials[0]
    assert t.state == tw.TrialState.FAILED
    assert "timed out after 0.5 s" in t.system_attrs["fail_reason"]
    assert (Path(t.system_attrs["sweep_run_dir"]) / "signal.txt").read_text() == "SIGTERM"


def test_target_stops_the_sweep(tmp_path):
    study = _run(tmp_path, {"program": "prog.py", "method": "grid",
                            "metric": {"name": "acc", "goal": "maximize", "target": 0.9},
                            "parameters": {"x": {"values": [0.5, 0.05, 0.3, 0.2]}}})
    assert [t.params["x"] for t in study.trials] == [0.5, 0.05]  # acc = 1 - x reaches 0.9 at x=0.05
    assert "reached the target" in study.system_attrs["sweep_stopped"]


def test_sqlite_sweep_resumed_by_an_agent_and_status(tmp_path, monkeypatch):
    path = _write(tmp_path, {"program": "prog.py", "method": "random", "seed": 0, "name": "demo",
                             "metric": {"name": "loss"}, "run_cap": 3,
                             "parameters": {"x": {"min": 0.0, "max": 1.0}}})
    url = f"sqlite:///{tmp_path / 'tunewise.db'}"
    from tunewise.cli import main

    runner = CliRunner()
    res = runner.invoke(main, ["sweep", "run", str(path), "--count", "1"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "tunewise.db").exists()  # default storage sits next to the sweep file
    monkeypatch.chdir(tmp_path)
    study = run_agent("demo", url, workers=2, echo=None)  # rebuilt from the stored sweep config
    assert len(study.trials) == 3 and all(t.state == tw.TrialState.COMPLETE for t in study.trials)
    status = sweep_status("demo", url)
    assert status["states"] == {"COMPLETE": 3} and status["run_cap"] == 3
    assert status["best"]["value"] == min(t.value for t in study.trials)
    res = runner.invoke(main, ["sweep", "status", "demo", "--storage", url])
    assert res.exit_code == 0 and "runs: 3 of run_cap 3 (COMPLETE 3)" in res.output
    res = runner.invoke(main, ["sweep", "agent", "demo", "--storage", url])  # run_cap reached: nothing to do
    assert res.exit_code == 0 and "run_cap of 3 runs reached" in res.output
    assert len(tw.load_study("demo", url).trials) == 3


def test_agent_and_status_take_a_sweep_id_written_wandbs_way(tmp_path, monkeypatch):
    # `wandb agent` takes `entity/project/id` and `project/id`, the form `wandb sweep` prints and that
    # third-party scripts print for their users (s26: ns26z118-del/DA6401_Assignment1's create_sweep.py):
    # the sweep is found by its last part, as tunewise's wandb.agent already finds it.
    path = _write(tmp_path, {"program": "prog.py", "method": "random", "seed": 0, "name": "demo",
                             "metric": {"name": "loss"}, "run_cap": 2,
                             "parameters": {"x": {"min": 0.0, "max": 1.0}}})
    url = f"sqlite:///{tmp_path / 'tunewise.db'}"
    from tunewise.cli import main

    runner = CliRunner()
    assert runner.invoke(main, ["sweep", "run", str(path), "--count", "1"]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(main, ["sweep", "agent", "me/my-project/demo", "--storage", url])
    assert res.exit_code == 0, res.output
    study = tw.load_study("demo", url)
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE] * 2
    assert tw.get_all_study_names(url) == ["demo"]
    assert (tmp_path / "tunewise_runs" / "demo").is_dir()  # the sweep's own name, not the path
    res = runner.invoke(main, ["sweep", "status", "my-project/demo", "--storage", url])
    assert res.exit_code == 0 and "runs: 2 of run_cap 2 (COMPLETE 2)" in res.output, res.output
    res = runner.invoke(main, ["sweep", "agent", "me/my-project/other", "--storage", url])
    assert res.exit_code != 0 and "no study named 'me/my-project/other'" in res.output


# ---- YAML errors -----------------------------------------------------------------------------

BASE = """\
program: prog.py
method: random
metric:
  name: loss
parameters:
  lr:
    min: 0.001
    max: 0.1
"""


def _error(tmp_path: Path, text: str) -> str:
    (tmp_path / "prog.py").write_text("print('loss=1')\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(SweepConfigError) as e:
        load_sweep_config(path)
    msg = str(e.value)
    assert "\n" not in msg  # one clear line
    return msg


def test_unknown_top_level_keys_and_duplicate_keys_warn_and_run_as_under_wandb(tmp_path):
    # W&B's server warns about a top-level key outside its schema and runs the sweep without it;
    # PyYAML (W&B's CLI) keeps the last of two equal keys. Third-party files do both (s25,
    # benchmarks/history/s25/wandb_wild4.md): they run here too, with a warning naming the line.
    (tmp_path / "prog.py").write_text("print('loss=1')\n")
    (tmp_path / "typo.yaml").write_text(BASE + "early_terminat:\n  type: hyperband\n")
    with pytest.warns(SweepConfigWarning, match=r"early_terminat: unknown key in the sweep file, ignored as W&B "
                                                r"ignores it: did you mean 'early_terminate'\?") as rec:
        cfg = SweepConfig.from_file(tmp_path / "typo.yaml")
    assert rec[0].lineno == 9 and cfg.early_terminate is None and "early_terminat" not in cfg.raw
    (tmp_path / "count.yaml").write_text(BASE + "count: 100\n")
    with pytest.warns(SweepConfigWarning, match=r"count: unknown key .* here: run_cap\)"):
        assert SweepConfig.from_file(tmp_path / "count.yaml").run_cap is None
    (tmp_path / "dup.yaml").write_text(BASE + "metric:\n  name: acc\n  goal: maximize\n"
                                       + "parameters:\n  x: {values: [1, 2]}\n")
    with pytest.warns(SweepConfigWarning, match=r"parameters: duplicate key \(first given on line 5\): the last "
                                                r"one is used, as PyYAML and W&B do") as rec:
        cfg = SweepConfig.from_file(tmp_path / "dup.yaml")
    assert {w.lineno for w in rec} == {9, 12}  # the metric: block given twice, and parameters:
    assert (cfg.metric, cfg.goal) == ("acc", "maximize")
    assert [p.name for p in cfg.parameters] == ["x"]
    # Lines of the block that is used: an error in it names its own line, not the first block's.
    msg = _error(tmp_path, BASE + "parameters:\n  x:\n    min: 5\n    max: 1\n")
    assert "line 11: parameters.x.min: min (5) is greater than max (1)" in msg


def test_yaml_errors_name_the_line_and_key(tmp_path):
    msg = _error(tmp_path, BASE.replace("method: random", "method: bayesian"))
    assert "bad.yaml, line 2: method: unknown method 'bayesian'" in msg and "grid, random, bayes" in msg
    msg = _error(tmp_path, BASE.replace("min: 0.001", "min: 1.5"))
    assert "line 7: parameters.lr.min: min (1.5) is greater than max (0.1)" in msg
    msg = _error(tmp_path, BASE.replace("    min: 0.001\n", "    distribution: uniform\n"))
    assert "line 6: parameters.lr: distribution 'uniform' needs min and max; missing min" in msg
    msg = _error(tmp_path, BASE.replace("program: prog.py", "program: missing.py"))
    assert "line 1: program: program file 'missing.py' does not exist" in msg
    msg = _error(tmp_path, BASE + "    mu: 1.0\n")
    assert "line 9: parameters.lr.mu: key 'mu' does not apply to distribution 'uniform'" in msg
    msg = _error(tmp_path, BASE.replace("    max: 0.1\n", "    max: 0.1\n    distribution: gaussian\n"))
    assert "line 9: parameters.lr.distribution: unknown distribution 'gaussian'" in msg
    msg = _error(tmp_path, BASE.replace("method: random", "method: grid"))
    assert "parameters.lr: method grid needs a finite set of values" in msg and "line 6" in msg
    msg = _error(tmp_path, BASE.replace("  name: loss", "  name: loss\n  goal: lower").replace("method: random",
                                                                                          "method: bayes"))
    assert "line 5: metric.goal: goal must be minimize or maximize, got 'lower' (the search steers by it)" in msg
    # A grid or random sweep does not steer by its goal: W&B's client warns and its server runs it.
    (tmp_path / "goal.yaml").write_text(BASE.replace("  name: loss", "  name: loss\n  goal: grid"))
    with pytest.warns(SweepConfigWarning, match=r"metric.goal: goal must be minimize or maximize, got 'grid': "
                                                r"taken as minimize"):
        assert SweepConfig.from_file(tmp_path / "goal.yaml").goal == "minimize"
    (tmp_path / "typo.yaml").write_text(BASE + "command: [python, '${programme}']\n")
    with pytest.warns(SweepConfigWarning, match=r"command\[1\]: \$\{programme\} is not a macro of W&B's agent "
                                                r"\(did you mean \$\{program\}\?\): this token is dropped"):
        SweepConfig.from_file(tmp_path / "typo.yaml")
    msg = _error(tmp_path, BASE + "early_terminate: {type: hyperband, max_iter: 27}\n")
    assert "needs s" in msg
    msg = _error(tmp_path, "program: prog.py\nmethod: [unclosed\n")
    assert "not valid YAML" in msg
    msg = _error(tmp_path, BASE.replace("metric:\n  name: loss\n", "").replace("method: random", "method: bayes"))
    assert "metric: metric is required" in msg and "method bayes ranks runs by it" in msg


def test_cli_reports_a_config_error_as_one_line(tmp_path):
    from tunewise.cli import main

    (tmp_path / "prog.py").write_text("print('loss=1')\n")
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace("method: random", "method: anneal"))
    res = CliRunner().invoke(main, ["sweep", "run", str(path)])
    assert res.exit_code != 0
    assert "line 2: method: unknown method 'anneal'" in res.output and "Traceback" not in res.output


def test_env_report_prints_the_protocol_line(monkeypatch, capsys):
    monkeypatch.setenv("TUNEWISE_TRIAL_NUMBER", "3")
    monkeypatch.setenv("TUNEWISE_METRIC", "val_acc")
    tw.report(0.75, step=2)
    line = capsys.readouterr().out.strip()
    assert parse_metric_line(line).values == {"val_acc": 0.75} and parse_metric_line(line).step == 2
    monkeypatch.delenv("TUNEWISE_TRIAL_NUMBER")
    with pytest.raises(RuntimeError, match="outside a trial"):
        tw.report(0.5)
    from tunewise.sweeps import get_params

    monkeypatch.delenv("TUNEWISE_PARAMS_FILE", raising=False)
    with pytest.raises(RuntimeError, match="only available in a program run by `tunewise sweep`"):
        get_params()


def test_runner_rejects_bad_arguments(tmp_path):
    path = _write(tmp_path, {"program": "prog.py", "method": "random", "metric": {"name": "loss"},
                             "parameters": {"x": {"values": [1]}}})
    cfg = SweepConfig.from_file(path)
    with pytest.raises(ValueError, match="workers must be an integer >= 1, got 0"):
        SweepRunner(cfg, workers=0)
    with pytest.raises(ValueError, match="count must be"):
        SweepRunner(cfg, count=0)
    assert os.path.basename(SweepRunner(cfg, echo=None).storage) == "tunewise.db"
    store = tw.storage.InMemoryStorage()
    tw.create_study(name="plain", storage=store)
    with pytest.raises(ValueError, match="study 'plain' is not a sweep"):
        sweep_status("plain", store)


def test_settings_changed_in_python_are_stored_and_relative_sqlite_is_next_to_the_file(tmp_path):
    path = _write(tmp_path, {"program": "prog.py", "method": "random", "metric": {"name": "loss"},
                             "parameters": {"x": {"values": [1]}}, "run_cap": 50,
                             "storage": "sqlite:///db/sweeps.db"})
    cfg = SweepConfig.from_file(path)
    cfg.run_cap = 1
    runner = SweepRunner(cfg, echo=None)
    assert runner.storage == f"sqlite:///{(tmp_path / 'db' / 'sweeps.db').resolve()}"
    study = runner.run()
    assert len(study.trials) == 1 and study.system_attrs["sweep"]["config"]["run_cap"] == 1
    assert SweepConfig.from_dict(study.system_attrs["sweep"]["config"], tmp_path).run_cap == 1


def test_q_uniform_with_one_lattice_value_runs_as_in_wandb_with_a_warning(tmp_path):
    # W&B accepts it and every run gets round(X / 1) * 1 == 0: run it, but say so.
    (tmp_path / "prog.py").write_text("print('loss=1')\n")
    path = tmp_path / "one.yaml"
    path.write_text(BASE.replace("    max: 0.1\n", "    max: 0.1\n    distribution: q_uniform\n    q: 1\n"))
    with pytest.warns(SweepConfigWarning, match=r"parameters.lr: every run gets 0: round\(X / q\)"):
        cfg = SweepConfig.from_file(path)
    assert cfg.parameters[0].to_distribution() == D.Int(0, 0)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_two_agents_share_run_cap_exactly(tmp_path, backend):
    import threading
    import uuid

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.db'}"
    else:
        url = os.environ.get("TUNEWISE_TEST_POSTGRES_URL")
        if not url:
            pytest.skip("PostgreSQL tests need TUNEWISE_TEST_POSTGRES_URL (see .ci/postgres.sh)")
    name = f"shared-{uuid.uuid4().hex[:8]}"
    path = _write(tmp_path, {"program": "prog.sh", "method": "random", "seed": 0, "name": name,
                             "command": ["${interpreter}", "${program}", "${args_no_hyphens}"],
                             "metric": {"name": "loss"}, "run_cap": 7,
                             "parameters": {"x": {"min": 0.0, "max": 1.0}}})
    first = SweepRunner(SweepConfig.from_file(path), storage=url, count=1, echo=None)
    first.run()  # creates the sweep; the agents then join it by name, as on other machines
    errors: list[BaseException] = []

    def agent() -> None:
        try:
            run_agent(name, url, workers=2, log_dir=tmp_path / "agent-logs", echo=None)
        except BaseException as e:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=agent) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    trials = tw.load_study(name, url).trials
    assert len(trials) == 7 and all(t.state == tw.TrialState.COMPLETE for t in trials)
    assert len({t.params["x"] for t in trials}) == 7


def test_a_wandb_sweep_file_runs_unchanged(tmp_path):
    (tmp_path / "train.py").write_text(
        "import argparse\np = argparse.ArgumentParser()\np.add_argument('--learning_rate', type=float)\n"
        "p.add_argument('--optimizer')\np.add_argument('--epochs', type=int)\na = p.parse_args()\n"
        "for e in range(a.epochs):\n    print(f'val_loss={a.learning_rate * (a.epochs - e)}')\n")
    (tmp_path / "sweep.yaml").write_text(textwrap.dedent("""\
        program: train.py
        project: my-project
        entity: my-team
        description: copied from a W&B project
        method: bayes
        metric:
          name: val_loss
          goal: minimize
        parameters:
          learning_rate:
            min: 0.0001
            max: 0.1
          optimizer:
            values: ["adam", "sgd"]
          epochs:
            value: 3
        early_terminate:
          type: hyperband
          min_iter: 1
        command:
          - ${env}
          - ${interpreter}
          - ${program}
          - ${args}
        run_cap: 2
    """))
    cfg = SweepConfig.from_file(tmp_path / "sweep.yaml")
    study = SweepRunner(cfg, storage="memory", echo=None, log_dir=tmp_path / "logs").run()
    t = study.trials[0]
    assert t.state == tw.TrialState.COMPLETE and t.intermediate_values == pytest.approx(
        {0: 3 * t.params["learning_rate"], 1: 2 * t.params["learning_rate"], 2: t.params["learning_rate"]})
    assert len(study.trials) == 2


def test_a_program_leaving_children_behind_still_finishes(tmp_path):
    (tmp_path / "bg.sh").write_text("#!/bin/sh\nsleep 60 &\necho \"loss=0.5\"\n")
    cfg = SweepConfig.from_dict({"program": "bg.sh", "method": "random", "metric": {"name": "loss"},
                                 "parameters": {"x": {"value": 1}}, "run_cap": 1, "timeout": 50},
                                base_dir=tmp_path)
    study = SweepRunner(cfg, storage="memory", echo=None, log_dir=tmp_path / "logs").run()
    assert study.trials[0].state == tw.TrialState.COMPLETE and study.trials[0].value == 0.5


def test_agent_without_the_program_gets_a_clear_error(tmp_path, monkeypatch):
    path = _write(tmp_path, {"program": "prog.sh", "method": "random", "name": "away", "metric": {"name": "loss"},
                             "parameters": {"x": {"value": 1}}, "run_cap": 3})
    store = tw.storage.InMemoryStorage()
    SweepRunner(SweepConfig.from_file(path), storage=store, count=1, echo=None).run()
    (tmp_path / "prog.sh").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(SweepConfigError, match="program 'prog.sh' of this sweep is not on this machine"):
        run_agent("away", store, echo=None)


# A program that reports metrics whose names are not identifiers (W&B accepts any metric name).
PY_ODD_METRICS = r'''
import json, sys
x = float(next(a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--x=")))
if "--silent=True" not in sys.argv:
    print("tunewise: " + json.dumps({"ndcg@10": 1 - x, "Mean Merit": x, "iter_loss (log scale)": 2 * x}), flush=True)
'''


@pytest.mark.parametrize("name, goal, expected", [("ndcg@10", "maximize", [0.75, 0.5]),
                                                  ("Mean Merit", "minimize", [0.25, 0.5]),
                                                  ("iter_loss (log scale)", "minimize", [0.5, 1.0])])
def test_a_metric_name_wandb_accepts_is_accepted(tmp_path, name, goal, expected):
    """s25 (karapostK/hassaku's sweep files: `metric: {name: ndcg@10}`; others seen: 'Mean Merit',
    'iter_loss (log scale)'): W&B's schema takes any string as the metric's name, and the run reports it
    with wandb.log or a `tunewise: {...}` JSON line. tunewise refused such a sweep file ("metric.name must
    be a metric name such as 'val_loss'"); it runs now, and a run that never reports it is told to print
    the JSON line (a `name=value` line cannot carry such a name)."""
    path = _write(tmp_path, {"program": "prog.py", "method": "grid", "metric": {"name": name, "goal": goal},
                             "parameters": {"x": {"values": [0.25, 0.5]}}}, py=PY_ODD_METRICS)
    config = SweepConfig.from_file(path)
    assert config.metric == name
    study = SweepRunner(config, storage="memory", echo=None).run()
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE] * 2
    assert [t.value for t in study.trials] == expected
    (tmp_path / "s").mkdir()
    silent = _write(tmp_path / "s", {"program": "prog.py", "method": "grid", "metric": {"name": name},
                                     "parameters": {"x": {"value": 0.5}, "silent": {"value": True}}},
                    py=PY_ODD_METRICS)
    failed = SweepRunner(SweepConfig.from_file(silent), storage="memory", echo=None).run().trials[0]
    reason = failed.system_attrs["fail_reason"]
    assert failed.state == tw.TrialState.FAILED and f'tunewise: {{"{name}": value}}' in reason
    assert f"`{name}=value`" not in reason  # a key=value line cannot carry this name


def test_metric_name_must_still_be_a_nonempty_string():
    for bad in ("", None, 3):
        with pytest.raises(SweepConfigError, match="metric.name"):
            SweepConfig.from_dict({"program": "p.py", "method": "random", "metric": {"name": bad},
                                   "parameters": {"x": {"values": [1]}}}, check_program=False)


def test_q_log_uniform_values_gives_ints_when_q_is_an_int_whatever_the_bounds():
    """s25 (LeoGrin/tabular-benchmark: `model__n_estimators: {distribution: q_log_uniform_values, min: 9.5,
    max: 3000.5, q: 1}`): W&B's engine returns ints whenever q is an int (`isinstance(q, int)` in
    wandb/sweeps' q_log_uniform_v1_ppf), whatever the bounds; tunewise gave floats when a bound was not an int,
    so a program doing range(n_estimators) or RandomForest(n_estimators=...) failed under tunewise only."""
    import numpy as np

    u = np.linspace(0.001, 0.999, 200)

    def draws(spec: ParamSpec) -> list:
        dist = spec.to_distribution()
        return [spec.decode(dist.from_unit(x)) for x in u]

    ints = draws(_spec(distribution="q_log_uniform_values", min=9.5, max=3000.5, q=1))
    assert all(type(v) is int for v in ints) and min(ints) >= 9 and max(ints) <= 3001
    eights = draws(_spec(distribution="q_log_uniform_values", min=10.0, max=250.0, q=8))
    assert all(type(v) is int and v % 8 == 0 for v in eights)
    floats = draws(_spec(distribution="q_log_uniform_values", min=16, max=256, q=1.0))  # q a float: floats
    assert all(type(v) is float for v in floats)
    default_q = draws(_spec(distribution="q_log_uniform_values", min=16, max=256))  # W&B's default q is 1.0
    assert all(type(v) is float and v.is_integer() for v in default_q)


def test_a_bound_yaml_reads_as_text_is_refused_with_how_to_write_it(tmp_path):
    """s25 (karapostK/hassaku's sweep files: `lr: {distribution: log_uniform_values, min: 5e-2, max: 1}`):
    PyYAML, as W&B's CLI, reads 5e-2 as the string '5e-2', which W&B's validator refuses too. tunewise
    refused it naming the key; it now also says why and how to write the number."""
    (tmp_path / "sweep.yaml").write_text(
        "program: prog.py\nmethod: random\nmetric: {name: loss}\n"
        "parameters:\n  lr:\n    distribution: log_uniform_values\n    min: 5e-2\n    max: 1\n")
    (tmp_path / "prog.py").write_text("print('loss=1')\n")
    with pytest.raises(SweepConfigError) as e:
        SweepConfig.from_file(tmp_path / "sweep.yaml")
    assert "line 7: parameters.lr.min: min must be a finite number, got '5e-2'" in str(e.value)
    assert "reads a number with an exponent and no dot as text; write 5.0e-02" in str(e.value)
