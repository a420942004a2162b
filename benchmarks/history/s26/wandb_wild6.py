"""Sixth batch of third-party W&B sweep setups run under W&B (offline) and under tunewise (session 26).

The harness is session 25's (``../s25/wandb_wild4.py``, on sessions 23, 22 and 21's): this file loads it and swaps
in a new ``SETUPS`` list, from repositories in none of the manifests or write-ups under ``benchmarks/history``,
chosen for what no earlier batch ran end to end: ``early_terminate: hyperband`` on a run that logs its metric per
epoch, ``command:`` with ``${args_no_hyphens}`` (Hydra overrides of dotted keys), ``run_cap`` in a dict,
``wandb.config.update(args)``, ``run.summary[...] = ...`` as the sweep's metric, ``wandb.agent(count=N)``.

    H=benchmarks/history/s26/wandb_wild6.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode wandb --work /tmp/s26w6/wb --json /tmp/s26w6/wb/wandb.json
    .venv/bin/python $H --mode tunewise --work /tmp/s26w6/wb --tunewise-src /tmp/s26w6/before/src \
        --json /tmp/s26w6/wb/before.json
    .venv/bin/python $H --hyperband /tmp/s26w6/wb/before/tunewise/transmux_hyperband_typer   # W&B's rule offline
    .venv/bin/python $H --report /tmp/s26w6/wb/wandb.json /tmp/s26w6/wb/before.json /tmp/s26w6/wb/after.json \
        --causes benchmarks/history/s26/wandb_wild6_raw/causes.json

``--hyperband DIR`` reads the histories tunewise stored for a hyperband setup (every report of the metric, per
run, in the order the runs started) and replays them through W&B's own engine (``sweeps.stop_runs``, wandb/sweeps'
``hyperband_stop_runs``): for each run and each of its iterations, with the runs before it as they ended, would
W&B's controller stop it there? It prints, per run, tunewise's state and last iteration next to W&B's decision.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild_s25", HERE.parent / "s25" / "wandb_wild4.py")
assert _spec is not None and _spec.loader is not None
S25 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild_s25"] = S25
_spec.loader.exec_module(S25)
H = S25.H
Setup = H.Setup

# Packages the setups import that the venv lacks (both modes), `pip install --target`:
# /tmp/s26w6/extra: hydra-core omegaconf antlr4-python3-runtime==4.9.3 typer shellingham (--no-deps);
# /tmp/s26w6/jaxextra: jax jaxlib optax gitpython (their numpy and scipy removed: the venv's are used).
EXTRA = "/tmp/s26w6/extra:/tmp/s26w6/jaxextra:/tmp/s25/extra"
WANDB_PKG = "/tmp/s23/wbextra"
_mode = sys.argv[sys.argv.index("--mode") + 1] if "--mode" in sys.argv else ""
H.EXTRA = f"{WANDB_PKG}:{EXTRA}" if _mode in ("wandb", "replay") else EXTRA

# gokamoda's main.py reads cfg.wandb.{entity,project,mode,start_method} from a config group its .gitignore
# (`wandb`) kept out of the repository: the harness writes one, the same in both modes.
GOKAMODA_WANDB_GROUP = (
    "python",
    "-c",
    "import pathlib; p = pathlib.Path('src/config/wandb'); p.mkdir(parents=True, exist_ok=True); "
    "(p / 'wandb.yaml').write_text('entity: null\\nproject: hydra-wandb-sweep-example\\nmode: offline\\n"
    "start_method: thread\\n')",
)

NEW: dict[str, Any] = {
    # ---- early_terminate: hyperband on a program that logs its metric once per epoch ---------------------
    "transmux_hyperband_typer": Setup(
        "TransMux/Wandb-Showcase",
        "run",
        sweep="sweep-grid-hyperband.yaml",
        count=6,
        rev="f21e8950d6167c10f1ddacebb10c492dce74d8a8",
        paths=("main.py", "sweep-grid-hyperband.yaml"),
        data="torchvision MNIST -> digits (28x28)",
        note="grid YAML with early_terminate {type: hyperband, s: 2, eta: 3, max_iter: 15} (bands 1 and 5), "
        "epochs: 15, metric 'Test Loss' logged once per epoch, a typer CLI (--hidden-size from the "
        "parameter 'hidden-size'), wandb.init(config=locals()), wandb.Image lists in the log, count=6",
    ),
    # ---- command: with ${args_no_hyphens} (Hydra) ----------------------------------------------------
    "gokamoda_hydra_args_no_hyphens": Setup(
        "gokamoda/hydra-wandb-sweep-example",
        "run",
        sweep="src/sweep.yaml",
        rev="39660811397bfb2699f1e9b9b3a1f1be30f782a8",
        paths=("src",),
        pre=(GOKAMODA_WANDB_GROUP,),
        data="none (synthetic linear regression in the program)",
        note="bayes YAML, command [python, ${program}, ${args_no_hyphens}] with dotted Hydra keys "
        "(train.lr, train.batch_size, train.epochs), @hydra.main, wandb.init(config=OmegaConf dict), "
        "metric train/loss logged per epoch",
    ),
    "skandermoalla_hydra_preempt": Setup(
        "skandermoalla/wandb-sweep-bug",
        "run",
        sweep="sweep.yaml",
        rev="b2922dd4dbbb8fea5a9eb6bccfec425bce50a9b5",
        paths=("main.py", "sweep.yaml", "hydra.yaml"),
        data="none",
        note="grid YAML without program: or metric:, command [python, main.py, ${args_no_hyphens}], Hydra "
        "with hydra.job.chdir, wandb.init(id=str(n), resume='allow'), run.mark_preempting() then "
        "InterruptedError after 13 steps (a preemption demo)",
    ),
    # ---- run.summary[...] = ... as the sweep's metric ----------------------------------------------------
    "andrewwarrington_summary_metric": Setup(
        "andrewwarrington/wandb-demo",
        "run",
        sweep="sweep.yaml",
        rev="251036dafa76eb761d2c8d22ffb8b31ea3c3a69d",
        paths=("run_single_eval.py", "sweep.yaml"),
        data="none (jax.random points)",
        note="bayes YAML with project:/entity:, four float ranges passed as --bias=... to argparse, "
        "wandb.init(project=, entity=, config=), the metric 'losses/final_loss' set only through "
        "wnb.summary[...] = a jax Array (never logged), wnb.save(...)",
    ),
    # ---- wandb.config.update(args) ------------------------------------------------------------------
    "mrpositron_config_update": Setup(
        "mrpositron/wandb_tutorial",
        "run",
        sweep="../sweep.yaml",
        cwd="src",
        rev="fd8c9ae41c32c4c206f9d165271b65a327250be9",
        paths=("src", "sweep.yaml"),
        patches={"src/main.py": [('device = torch.device("cuda:8")', 'device = torch.device("cpu")')]},
        data="torchvision MNIST -> digits",
        note="grid YAML (program main.py, run from src/), wandb.init(project=) then wandb.config.update(args) "
        "with the argparse Namespace, metric batch/test_loss; cuda:8 -> cpu (both modes)",
    ),
    # ---- Python dicts: wandb.sweep + wandb.agent(count=N) ---------------------------------------------
    "stashq_agent_count": Setup(
        "Stashq/wandb-tutorial",
        "python",
        script="src/sweep.py",
        rev="7193a20837b4557c3e490b37d9bdd09c8a681c23",
        paths=("src/sweep.py",),
        data="none (random numbers in the program)",
        note="random dict, wandb.init(project=) in the function, wandb.config.lr/.batch_size/.epochs, "
        "metric val_acc logged per epoch, agent count=4",
    ),
    "kylem73_run_cap_dict": Setup(
        "KyleM73/wandb-demo",
        "python",
        script="sweep.py",
        rev="08cad3029aeee9c46d92190f5ed7402a8cd71d52",
        paths=("sweep.py",),
        patches={"sweep.py": [('"run_cap" : 20', '"run_cap" : 3')]},
        data="torchvision MNIST -> digits",
        note="bayes dict with run_cap (20 -> 3) and wandb.agent(count=sweep_config['run_cap']), q_uniform "
        "batch_size/epochs, a 'layers' parameter whose 1554 values are lists, wandb.init(project=, "
        "config={...}) merged with the sweep's values",
    ),
}
H.SETUPS.clear()
H.SETUPS.update(NEW)


HB_READ = r"""
import json, sys
import tunewise as tw
storage = sys.argv[1]
out = []
for name in tw.get_all_study_names(storage):
    study = tw.load_study(study_name=name, storage=storage)
    for t in sorted(study.trials, key=lambda t: t.number):
        iv = t.intermediate_values
        out.append({"study": name, "number": t.number, "state": t.state.name, "params": t.params,
                    "history": [iv[s] for s in sorted(iv)], "steps": sorted(iv),
                    "stop": t.system_attrs.get("scheduler:decision") or t.system_attrs.get("prune_reason")})
print(json.dumps(out, default=repr))
"""


def wandb_hyperband(run_dir: str) -> dict[str, Any]:
    """W&B's hyperband decisions (its own engine) on the histories tunewise stored for one setup."""
    here = Path(run_dir)
    db = here / "harness_tunewise.db"
    got = subprocess.run(
        [H.PY, "-c", HB_READ, f"sqlite:///{db}"],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(H.ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    trials = json.loads(got.stdout)
    import yaml

    setup_name = here.name
    setup = H.SETUPS[setup_name]
    cfg = yaml.safe_load((here / setup.cwd / setup.sweep).read_text())
    for p in reversed(H.sweeps_paths()):
        if p not in sys.path:
            sys.path.insert(0, p)
    import sweeps
    from sweeps import RunState, SweepRun

    metric = cfg["metric"]["name"]

    def run(t: dict[str, Any], upto: int | None, state: Any) -> Any:
        hist = t["history"] if upto is None else t["history"][:upto]
        return SweepRun(name=str(t["number"]), state=state, config={}, history=[{metric: v} for v in hist])

    rows = []
    for j, t in enumerate(trials):
        before = [run(p, None, RunState.finished) for p in trials[:j]]
        stopped_at = None
        for k in range(1, len(t["history"]) + 1):
            to_stop = sweeps.stop_runs(cfg, [*before, run(t, k, RunState.running)])
            if any(r.name == str(t["number"]) for r in to_stop):
                stopped_at = k
                break
        rows.append(
            {
                "run": t["number"],
                "params": t["params"],
                "tunewise_state": t["state"],
                "tunewise_iterations": len(t["history"]),
                "wandb_stops_at": stopped_at,
                "history": [round(v, 6) for v in t["history"]],
            }
        )
    agree = all(
        (r["wandb_stops_at"] is None) == (r["tunewise_state"] == "COMPLETE")
        and (r["wandb_stops_at"] is None or r["wandb_stops_at"] == r["tunewise_iterations"])
        for r in rows
    )
    return {"setup": setup_name, "early_terminate": cfg.get("early_terminate"), "runs": rows, "alike": agree}


if __name__ == "__main__":
    if "--hyperband" in sys.argv:
        print(json.dumps(wandb_hyperband(sys.argv[sys.argv.index("--hyperband") + 1]), indent=1))
    else:
        H.main()
