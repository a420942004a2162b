"""A run's parameters reach the program in the order W&B's agent gives them (s29 run-side probe,
benchmarks/history/s29/wandb_wild9.md).

W&B's sweep engine builds a run's config with the parameters sorted by name and the nested groups
after them (wandb/sweeps' HyperParameterSet.to_config); its agent keeps that order on the command
line (``${args}``, ``${args_json}``, ...) and in the parameter file ``wandb.init`` reads. In the
run, ``wandb.config`` holds ``wandb.init``'s own config first, in the program's order, then the
sweep's other keys (Config._update, then merge_locked). The probe saw both orders under W&B 0.31;
tunewise gave the sweep file's order and put the sweep's keys first."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import tunewise as tw
from tunewise.sweeps import SweepConfig, SweepRunner
from tunewise.sweeps._protocol import build_command

PARAMETERS = {
    "lr": {"value": 0.00001},
    "scale": {"value": 1.0},
    "use_bn": {"value": True},
    "model": {"parameters": {"width": {"value": 8}, "depth": {"value": 2}}},
    "shuffle": {"value": False},
    "name": {"value": "a b"},
}
# What W&B's agent passed for these parameters (the probe's W&B offline run, ${args}).
WANDB_ARGS = [
    "--lr=1e-05",
    "--name=a b",
    "--scale=1.0",
    "--shuffle=False",
    "--use_bn=True",
    "--model={'depth': 2, 'width': 8}",
]


def _config(tmp_path: Path, command: list[str]) -> SweepConfig:
    return SweepConfig.from_dict(
        {
            "program": "echo.py",
            "method": "grid",
            "metric": {"name": "score"},
            "command": command,
            "parameters": PARAMETERS,
            "log_dir": str(tmp_path / "runs"),
            "timeout": 60,
        },
        check_program=False,
    )


def test_args_and_args_json_come_sorted_with_the_nested_group_last(tmp_path: Path) -> None:
    cfg = _config(tmp_path, ["${program}", "${args}"])
    flat = {
        "lr": 0.00001,
        "scale": 1.0,
        "use_bn": True,
        "model.width": 8,
        "model.depth": 2,
        "shuffle": False,
        "name": "a b",
    }
    nested = cfg.nest(flat)
    assert build_command(cfg.command, "echo.py", nested)[1:] == WANDB_ARGS
    [as_json] = build_command(["${args_json}"], "echo.py", nested)
    assert list(json.loads(as_json)) == ["lr", "name", "scale", "shuffle", "use_bn", "model"]
    assert list(json.loads(as_json)["model"]) == ["depth", "width"]


PROGRAM = textwrap.dedent("""
    import json
    import os
    import sys
    import wandb

    run = wandb.init(config={"epochs": 3, "lr": 0.5, "batch": 32})
    seen = {"argv": sys.argv[1:], "order": list(dict(wandb.config))}
    with open(os.path.join(os.environ["TUNEWISE_RUN_DIR"], "seen.json"), "w") as f:
        json.dump(seen, f)
    wandb.log({"score": 1.0})
    wandb.finish()
""")


def test_a_program_run_sees_the_agents_order_on_its_command_line_and_in_wandb_config(tmp_path: Path) -> None:
    (tmp_path / "echo.py").write_text(PROGRAM)
    cfg = SweepConfig.from_dict(
        {
            "program": str(tmp_path / "echo.py"),
            "method": "grid",
            "metric": {"name": "score"},
            "command": ["${env}", "${interpreter}", "${program}", "${args}"],
            "parameters": {**PARAMETERS, "lr": {"values": [0.01]}},
            "log_dir": str(tmp_path / "runs"),
            "timeout": 60,
        },
    )
    study = SweepRunner(cfg, storage="memory", echo=None).run()
    [trial] = study.trials
    assert trial.state == tw.TrialState.COMPLETE
    seen = json.loads((Path(trial.system_attrs["sweep_run_dir"]) / "seen.json").read_text())
    assert seen["argv"] == ["--lr=0.01", *WANDB_ARGS[1:]]
    # wandb.init's keys first, in the program's order (lr the sweep's value), then the sweep's others in its order.
    assert seen["order"] == ["epochs", "lr", "batch", "name", "scale", "shuffle", "use_bn", "model"]
