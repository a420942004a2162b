"""Seventh batch of third-party W&B sweep setups run under W&B (offline) and under tunewise (session 27).

The harness is session 26's (``../s26/wandb_wild6.py``, on sessions 25, 23, 22 and 21's): this file loads it and
swaps in a new ``SETUPS`` list, from repositories named in no manifest or write-up under ``benchmarks/history``,
chosen for what earlier batches ran little: ``wandb.agent(sweep_id, count=N)`` *without* a function (W&B's agent
then starts the sweep's ``program`` for each run), ``wandb.log(..., step=i)`` from a training loop or an XGBoost
callback, ``int_uniform``, a grid whose ``values`` mix a float and ``None``, ``wandb.config.update(...,
allow_val_change=True)`` after ``wandb.init(config=<dataclass>)``, assignment to a swept (locked) config key,
``method: bayes`` with ``early_terminate`` and an unknown top-level key (``args_no_hyphens: True``).

    H=benchmarks/history/s27/wandb_wild7.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode wandb --work /tmp/s27w7/wb --json /tmp/s27w7/wb/wandb.json
    .venv/bin/python $H --mode tunewise --work /tmp/s27w7/wb --tunewise-src /tmp/s27w7/before/src \
        --json /tmp/s27w7/wb/before.json
    .venv/bin/python $H --report /tmp/s27w7/wb/wandb.json /tmp/s27w7/wb/before.json /tmp/s27w7/wb/after.json \
        --causes benchmarks/history/s27/wandb_wild7_raw/causes.json

W&B side, one change to the inherited shim: ``wandb.agent(sweep_id)`` without ``function`` starts the sweep's
``program`` as W&B's agent does (``wandb.agent`` -> ``run_agent``: the command W&B 0.31's agent builds, run as a
child process with the drawn values in ``WANDB_SWEEP_PARAM_PATH``), instead of calling ``function``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild_s26", HERE.parent / "s26" / "wandb_wild6.py")
assert _spec is not None and _spec.loader is not None
S26 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild_s26"] = S26
_spec.loader.exec_module(S26)
H = S26.H
Setup = H.Setup

# Packages the setups import that the venv lacks (both modes), `pip install --no-deps --target`:
# /tmp/s27w7/extra: argcomplete; /tmp/s26w6/extra: hydra-core omegaconf antlr4 (session 26's).
# /tmp/s27w7/yfextra: the harness's yfinance stand-in (below; written at start, both modes).
YF_DIR = Path("/tmp/s27w7/yfextra")
EXTRA = f"/tmp/s27w7/extra:{YF_DIR}:/tmp/s26w6/extra:/tmp/s25/extra"
WANDB_PKG = "/tmp/s23/wbextra"
_mode = sys.argv[sys.argv.index("--mode") + 1] if "--mode" in sys.argv else ""
H.EXTRA = f"{WANDB_PKG}:{EXTRA}" if _mode in ("wandb", "replay") else EXTRA

# yfinance stand-in: daily OHLCV as a seeded random walk per symbol (no download), same in both modes.
YFINANCE = '''
"""Harness stand-in for yfinance: Ticker(symbol).history(start, end) is a seeded random walk (no network)."""
import zlib

import numpy as np
import pandas as pd


class Ticker:
    def __init__(self, symbol):
        self.symbol = symbol

    def history(self, start=None, end=None, **kwargs):
        days = pd.bdate_range(start=start, end=end)
        rng = np.random.default_rng(zlib.crc32(self.symbol.encode()))
        close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.01, len(days))))
        open_ = close * (1 + rng.normal(0.0, 0.002, len(days)))
        high = np.maximum(open_, close) * (1 + np.abs(rng.normal(0.0, 0.003, len(days))))
        low = np.minimum(open_, close) * (1 - np.abs(rng.normal(0.0, 0.003, len(days))))
        volume = rng.integers(1_000_000, 5_000_000, len(days)).astype(float)
        return pd.DataFrame({"Open": open_, "High": high, "Low": low, "Close": close, "Volume": volume},
                            index=days)
'''
(YF_DIR / "yfinance").mkdir(parents=True, exist_ok=True)
(YF_DIR / "yfinance" / "__init__.py").write_text(YFINANCE)

# The inherited shim calls `function()`; W&B's wandb.agent without a function starts the sweep's program (its
# `command`, default `${env} ${interpreter} ${program} ${args}`) for each run, as `wandb agent ID` does.
_CALL = "        try:\n            function()\n        finally:\n            wandb.finish()\n"
_PROGRAM = """        if function is None:
            import subprocess
            from wandb.sdk.launch.sweeps import utils as _wutils
            wvars = _wutils.create_sweep_command_args({"args": values})
            program = str(cfg.get("program") or "train.py")
            wvars.update(interpreter=[sys.executable], program=[program], env=["/usr/bin/env"])
            cmd = []
            for c in cfg.get("command") or ["${env}", "${interpreter}", "${program}", "${args}"]:
                c = str(c)
                cmd += (wvars.get(c[2:-1]) or []) if c.startswith("${") and c.endswith("}") else [c]
            with open(os.environ["HARNESS_DRAWN"] + ".command", "w") as f:
                json.dump(cmd, f)
            rc = subprocess.call(cmd)
            if rc != 0:
                raise SystemExit(f"harness: the sweep's program exited with code {rc}")
            return
"""
assert _CALL in H.SITECUSTOMIZE
H.SITECUSTOMIZE = H.SITECUSTOMIZE.replace(_CALL, _PROGRAM + _CALL)

# torchvision.transforms.Resize for the stand-in (maxburger4real's MINI_MNIST resizes the whole uint8 tensor of
# images, (N, 28, 28) read as (C, H, W), to 12 x 12): bilinear with antialias, as torchvision's tensor path.
H.TORCHVISION_TRANSFORMS += """

class Resize:
    def __init__(self, size, interpolation=None, max_size=None, antialias=True):
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.antialias = antialias

    def __call__(self, t):
        x = torch.as_tensor(t)
        out = torch.nn.functional.interpolate(x[None].float(), size=self.size, mode="bilinear",
                                              antialias=bool(self.antialias), align_corners=False)[0]
        return out.round().clamp(0, 255).to(x.dtype) if x.dtype == torch.uint8 else out.to(x.dtype)
"""

NEW: dict[str, Any] = {
    # ---- wandb.agent(sweep_id) without a function: the agent starts the sweep's program -----------------
    "yaoji_agent_program": Setup(
        "YaogeJi/distributed_stochastic",
        "python",
        script="experiments/archived/sweep_sda_finetune.py",
        rev="17d439b0352458ae12f69c06af28cb2abf5e981a",
        paths=(
            "main.py",
            "generator.py",
            "network.py",
            "solver.py",
            "scheduler.py",
            "utils.py",
            "experiments/archived/sweep_sda_finetune.py",
        ),
        patches={
            "generator.py": [("device='cuda'", "device='cpu'")],
            "utils.py": [("device='cuda'", "device='cpu'")],
            "experiments/archived/sweep_sda_finetune.py": [
                ("wandb.agent(sweep_id)", "wandb.agent(sweep_id, count=3)"),
                ("'num_dimensions':{'values':[20000]}", "'num_dimensions':{'values':[2000]}"),
            ],
        },
        timeout=1200.0,
        data="none (synthetic sparse regression generated by the program); 'cuda' -> 'cpu'",
        note="grid dict with entity:/project:/program: main.py, wandb.sweep then wandb.agent(sweep_id) with no "
        "function (count=3 added: the grid has 320 points; num_dimensions 20000 -> 2000: a run logs dimension / "
        "num_nodes / batch_size iterations, 4000 took over 600 s under W&B offline), so the agent runs "
        "`python main.py --batch_size=1 ...` "
        "from the current folder; argparse (store_true flags), wandb.init(config=vars(args)), wandb.run.log_code(), "
        "metric 'iter_loss (log scale)' (spaces, parentheses) logged as a torch scalar with step=self.iter",
    ),
    "yaoji_agent_program_unknown_args": Setup(
        "YaogeJi/distributed_stochastic",
        "python",
        script="experiments/archived/sweep_mirror_speedup.py",
        rev="17d439b0352458ae12f69c06af28cb2abf5e981a",
        paths=(
            "main.py",
            "generator.py",
            "network.py",
            "solver.py",
            "scheduler.py",
            "utils.py",
            "experiments/archived/sweep_mirror_speedup.py",
        ),
        patches={
            "generator.py": [("device='cuda'", "device='cpu'")],
            "utils.py": [("device='cuda'", "device='cpu'")],
            "experiments/archived/sweep_mirror_speedup.py": [
                ("wandb.agent(sweep_id)", "wandb.agent(sweep_id, count=3)")
            ],
        },
        data="none; 'cuda' -> 'cpu'",
        note="the same repository's other function-less agent: its grid names parameters main.py's argparse no longer "
        "has (lambda_const, max_iter), so every program exits 2 (`unrecognized arguments`) under both; count=3 added",
    ),
    # ---- wandb.init(config=<dataclass>) + wandb.config.update(..., allow_val_change=True), grid with None ----
    "maxburger_grid_none_update": Setup(
        "maxburger4real/structure-of-lottery-tickets",
        "python",
        script="cli.py",
        cwd="project",
        args=("-r", "configs/runs/vanilla/mnist-mini.py", "-s", "configs/sweeps/loss-cutoff.py", "--count", "3"),
        rev="HEAD",
        paths=(
            "project/cli.py",
            "project/runner.py",
            "project/settings.py",
            "project/factory.py",
            "project/training",
            "project/utils",
            "project/configs/runs/vanilla/mnist-mini.py",
            "project/configs/sweeps/loss-cutoff.py",
        ),
        patches={"project/cli.py": [('return "online"', 'return "offline"')]},
        data="torchvision MNIST -> digits (its MINI_MNIST: classes 0-2 resized to 12 x 12; the stand-in's Resize); "
        "run config vanilla/mnist-mini.py (circles-moons.py and imp/debug.py no longer load at HEAD: a renamed enum "
        "member, a missing base_model_shape); cli.py's wandb.init(mode='online') -> 'offline' (W&B refuses online "
        "without an account)",
        note="grid dict without metric: model_seed [7, 8, 9] x loss_cutoff [0.01, None] (a float and None), the "
        "repository's own --count 3; wandb.sweep(entity=, project=), wandb.agent(id, function=lambda: ..., count=3, "
        "entity=, project=); wandb.init(config=<Config dataclass>, mode='online', entity=, project=, dir=), "
        "config.__dict__.update(**wandb.config), wandb.config.update(config.__dict__, allow_val_change=True)",
    ),
    # ---- bayes + early_terminate (max_iter 3), Lightning + Hydra, an unknown top-level key ----------------
    "simone_lightning_hydra_bayes": Setup(
        "SimoneFiorellino/python_templates",
        "run",
        sweep="configs/sweep.yaml",
        cwd="MNIST_LightWandBHydra",
        rev="2bda5a6",
        paths=("MNIST_LightWandBHydra",),
        patches={
            "MNIST_LightWandBHydra/configs/train.yaml": [
                ("accelerator: gpu", "accelerator: cpu"),
                ("devices: [0]", "devices: 1"),
            ]
        },
        data="torchvision MNIST (its datamodule is not in the repository)",
        note="bayes YAML with `args_no_hyphens: True` (a key outside W&B's schema), early_terminate {hyperband, "
        "s: 2, eta: 3, max_iter: 3}, command [${env}, python, ${program}, ${args_no_hyphens}] with dotted Hydra keys "
        "(model.lr min/max, model.lin1_size, datamodule.batch_size), Lightning's WandbLogger(offline=True); "
        "accelerator gpu -> cpu (both modes)",
    ),
    # ---- int_uniform, XGBoost callback logging with step=, with wandb.init() as run --------------------
    "sleepingtalent_xgb_step": Setup(
        "SleepingTalent/weights-and-biases-example",
        "python",
        script="src/wandb_demo/sweep.py",
        rev="4944257e90c2261917f44b9558e906d7158d8413",
        pythonpath=("src",),
        paths=("src",),
        patches={"src/wandb_demo/sweep.py": [("count=15", "count=3")]},
        data="yfinance (download) -> a seeded random-walk OHLCV stand-in",
        note="random dict: int_uniform max_depth / n_estimators, uniform learning_rate, `value:` constants; "
        "`with wandb.init(project=) as run`, run.config attributes, an xgb TrainingCallback calling "
        "wandb.log({... 'val_accuracy' ...}, step=epoch) every boosting round, then run.log without step, "
        "wandb.Artifact + add_file + run.log_artifact; agent count 15 -> 3",
    ),
    # ---- assignment to a swept (locked) key, run.name =, matplotlib figure in wandb.log -------------------
    "hyun_locked_config_assign": Setup(
        "hyun06000/MyTorchTemplate",
        "python",
        script="main.py",
        rev="HEAD",
        paths=("main.py", "sweep_config", "trainer"),
        patches={
            "main.py": [("count = 10", "count = 3")],
            "sweep_config/sweep_config_bayes.py": [('"value" : 10', '"value" : 2')],
        },
        data="torchvision MNIST -> digits",
        note="bayes dict (upper-case keys, LEARNING_RATE min/max), common `value:` parameters merged in by the "
        "script, wandb.sweep(project=..., sweep=...), `with wandb.init() as run`, run.name = ..., "
        "hparams = run.config; hparams.NOW = now (NOW is a swept `value:` key: W&B keeps the sweep's value), "
        "DataLoader(num_workers=1), wandb.log({'plot': fig}); count 10 -> 3, EPOCHS 10 -> 2",
    ),
}
NEW.update(
    {
        # ---- bayes YAML with implicit int_uniform; the metric is None when the fit times out ---------------
        "kevroy_timeout_none_metric": Setup(
            "kevroy314/wandb-sweeps-timeout",
            "run",
            sweep="sweep.yaml",
            rev="105842b",
            paths=("train.py", "asyncmodels.py", "sweep.yaml"),
            data="none (scikit-learn make_classification in the program)",
            note="bayes YAML, max_depth 2..20 and n_estimators 10..10000 (int bounds: int_uniform), "
            "wandb.init(config={'max_depth': None, ...}), RandomForestClassifier(**wandb.config), the fit in a "
            "multiprocessing.Process with a 30 s limit that calls wandb.log in the child; wandb.log({'f1_score': "
            "score}) where score is None when the fit timed out",
        ),
        # ---- bayes YAML with run_cap ---------------------------------------------------------------------
        "matrics_bayes_run_cap": Setup(
            "MATRICS-Bootcamp/hyperparameter-sweeps-with-wandb",
            "run",
            sweep="sweep.yaml",
            count=5,
            rev="ab50c5f",
            paths=("sweep.yaml", "wandb_train.py"),
            patches={"sweep.yaml": [("run_cap: 10 ", "run_cap: 3 ")]},
            data="none (scikit-learn digits in the program)",
            note="bayes YAML over three `values:` lists with run_cap (10 -> 3; the harness asks --count 5, so run_cap "
            "is what stops the sweep), run = wandb.init(); run.config attributes; RandomForest(n_jobs=-1) 5-fold "
            "cross_val_score, metric val_accuracy logged once",
        ),
    }
)
H.SETUPS.clear()
H.SETUPS.update(NEW)


def _git_dir(repo: str) -> Path:
    """The mirror's git directory: ``repo`` (bare, as most mirrors are) or ``repo/.git`` (a work tree)."""
    base = H.MIRRORS / repo.replace("/", "+") / "repo"
    return base / ".git" if (base / ".git").is_dir() else base


def _git(repo: str, *args: str) -> str:
    return H.subprocess.run(
        ["git", "--git-dir", str(_git_dir(repo)), *args], capture_output=True, text=True, check=True
    ).stdout


_prepare = H.prepare


def _prepare_any_mirror(name: str, setup: Any, work: Path) -> Path:
    """The inherited prepare(), for a mirror kept as a work tree too (its git directory is repo/.git)."""
    if _git_dir(setup.repo).name != ".git":
        return _prepare(name, setup, work)
    link = Path("/tmp/s27w7/mirrors") / setup.repo.replace("/", "+") / "repo"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(_git_dir(setup.repo))
    mirrors, H.MIRRORS = H.MIRRORS, link.parent.parent
    try:
        return _prepare(name, setup, work)
    finally:
        H.MIRRORS = mirrors


H.git = _git
H.prepare = _prepare_any_mirror


if __name__ == "__main__":
    H.main()
