"""s26: the W&B side of ns26z118-del/DA6401_Assignment1's two-step workflow (wandb_wild5_ns26z118_agent.sh).

``wandb agent ID`` needs W&B's server, so, as the harness does for a sweep file and its program (kind "run"),
W&B's engine draws one configuration of the sweep dict (``next_run``, numpy seed 0) and the dict's program runs
once under the real wandb 0.31 offline with the command line W&B's agent builds and the run's parameters in
``WANDB_SWEEP_PARAM_PATH``, from the repository's root (where the script tells its user to start the agent).

    .venv/bin/python benchmarks/history/s26/wandb_wild5_ns26z118_wandb.py /tmp/s26w/ns_before/repo
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.argv = [sys.argv[0], "--mode", "wandb", *sys.argv[1:]]  # the harness puts the real wandb on the path
sys.path.insert(0, str(HERE))
import wandb_wild5  # noqa: E402

H = wandb_wild5.H
sys.path.insert(0, str(HERE.parent / "s25"))
import wandb_wild4_configs as C25  # noqa: E402

repo = Path(sys.argv[3])
cfg = C25.python_dict((repo / "experiments/section_2_2_create_sweep.py").read_text(), "SWEEP_CONFIG")
standins = Path("/tmp/s26w/wb/standins_wandb")
H.write_standins(standins, shim=True)
env = H.base_env(standins, [str(repo)])
values = H.draw(cfg)
(repo / "harness_sweep_params.yaml").write_text(yaml.safe_dump(values))
env.update(WANDB_MODE="offline", WANDB_DIR=str(repo), WANDB_SWEEP_PARAM_PATH=str(repo / "harness_sweep_params.yaml"),
           WANDB_SWEEP_ID="harnesssweep", WANDB_RUN_ID="harnessrun1", HARNESS_SHIM="1",
           HARNESS_LOG=str(repo / "harness_log.jsonl"))
cmd = H.wandb_command(cfg, values, H.PY)
rc, out, secs = H.run_cmd(cmd, repo, env, 600)
logged: dict = {}
if (repo / "harness_log.jsonl").exists():
    for line in (repo / "harness_log.jsonl").read_text().splitlines():
        logged.update(json.loads(line))
print(json.dumps({"verdict": H.wandb_verdict(cfg), "drawn": {k: v["value"] for k, v in values.items()},
                  "command": [c if c != H.PY else "python" for c in cmd], "rc": rc, "seconds": round(secs, 1),
                  "logged": logged, "metric_logged": cfg["metric"]["name"] in logged, "tail": out[-600:]},
                 indent=1, default=repr))
