"""Run third-party W&B sweep setups (not from W&B's own repositories) under W&B and under tunewise.

Sessions 18 and 19 ran W&B's own sweep material (wandb/examples, wandb/sweeps, wandb/wandb, W&B's
docs). This harness runs sweep setups other people put on GitHub: sweep YAML files with their
``program:`` training scripts (run with ``tunewise sweep run``), and scripts that define the sweep in
Python and run it with ``wandb.agent(sweep_id, function=..., count=...)`` (``tunewise sweep python``).
``SETUPS`` below names each one's repository, commit and paths (``--manifest`` prints them). Each is read
from a bare mirror of its repository (``/work/.mirror/owner+name/repo``, as the search tool's ``fetch``
leaves them) with ``git archive``, written to ``--work`` and run there; nothing third-party is committed.

Modes:

- ``--mode wandb`` (the oracle for the script): the real ``wandb`` package, offline
  (``WANDB_MODE=offline``), one run with one configuration W&B's own sweep engine (wandb/sweeps'
  ``next_run``, from the mirror, as in session 18) draws from the sweep, passed as W&B's agent passes it:
  the command line W&B 0.31's ``create_sweep_command_args`` builds with its agent's token rule, and
  ``WANDB_SWEEP_PARAM_PATH`` / ``WANDB_SWEEP_ID`` / ``WANDB_RUN_ID`` (what ``wandb.init`` reads under an
  agent). For a Python sweep, a ``sitecustomize`` makes ``wandb.sweep`` keep the dict and return an id and
  ``wandb.agent`` run ``function`` once that way (W&B's agent needs its server to hand out runs). The
  sweep configuration goes through W&B's validator (wandb/sweeps' ``schema_violations_from_proposed_config``,
  then ``next_run``), the oracle for the config.
- ``--mode tunewise``: ``tunewise sweep run SWEEP.yaml --count N`` or ``tunewise sweep python SCRIPT``
  with ``import wandb`` answered by tunewise's stand-in; ``--tunewise-src`` puts another checkout's
  ``src/`` first (the "before" run). The result is read from the study: runs COMPLETE / PRUNED / FAILED.

Both modes get the same edits (``Setup.patches``, listed per setup), applied as text to the files written
to the work folder: a smaller run count or fewer epochs through the sweep's own parameters, and data: the
scripts download MNIST / Fashion-MNIST / CIFAR-10 (``keras.datasets.*.load_data()``, torchvision), which
cannot happen here, so a ``sitecustomize`` points ``keras.datasets.{mnist,fashion_mnist,cifar10}.load_data``
at ``_harness_data`` (scikit-learn's digits, 8x8
upscaled to 28x28 uint8, 1,400 train / 300 test; 32x32x3 for CIFAR-10) and ``torchvision`` is a stand-in
serving the same digits. Both modes run headless (``MPLBACKEND=Agg``), with ``KERAS_BACKEND=torch``
(TensorFlow is not installed) and with sockets to other hosts refused (a ``sitecustomize``), so nothing
downloads.

    .venv/bin/python benchmarks/history/s21/wandb_wild.py --manifest
    .venv/bin/python benchmarks/history/s21/wandb_wild.py --mode wandb --json /tmp/s21/wandb.json
    .venv/bin/python benchmarks/history/s21/wandb_wild.py --mode tunewise --tunewise-src /tmp/s21/before/src \
        --json /tmp/s21/before.json
    .venv/bin/python benchmarks/history/s21/wandb_wild.py --mode tunewise --json /tmp/s21/after.json
    .venv/bin/python benchmarks/history/s21/wandb_wild.py --report WANDB.json BEFORE.json AFTER.json \
        [--causes causes.json]

W&B's validator needs ``jsonref`` (``pip install --target /tmp/wandb_sweeps/pylib jsonref``) and
wandb/sweeps' ``src/sweeps`` (extracted from its mirror to ``/tmp/wandb_sweeps/sweepspkg``), as session 18.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
MIRRORS = Path("/work/.mirror")
PY = str(ROOT / ".venv" / "bin" / "python")
SWEEPS_WORK = Path("/tmp/wandb_sweeps")
# Packages some setups import that the venv lacks: `pip install --no-deps --target /tmp/s21/extra seaborn torcheval`
EXTRA = "/tmp/s21/extra"


@dataclass
class Setup:
    repo: str  # owner/name on GitHub
    kind: str  # "run": a sweep file + program (tunewise sweep run); "python": wandb.sweep + wandb.agent
    sweep: str = ""  # run: the sweep file's path in the repository
    script: str = ""  # python: the script's path in the repository
    args: tuple[str, ...] = ()  # python: the script's own arguments
    cwd: str = ""  # folder of the repository the command runs from (W&B's agent runs from where it starts)
    count: int = 3  # runs (tunewise sweep run --count; python scripts: their own count, patched if larger)
    patches: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # path -> [(old, new)], both modes
    rev: str = "HEAD"
    data: str = ""  # what the harness substitutes for a download, said in the write-up
    note: str = ""  # what the setup exercises
    timeout: float = 600.0
    skip: str = ""  # why the setup is not run here (counted as skipped)
    notebook: str = ""  # python: a notebook whose code cells the harness joins into `script`
    pythonpath: tuple[str, ...] = ()  # folders of the repository put on PYTHONPATH (both modes)
    paths: tuple[str, ...] = ()  # archive only these paths (the mirror lacks some other blob)
    overlay: dict[str, str] = field(default_factory=dict)  # path -> commit whose copy replaces HEAD's
    pre: tuple[tuple[str, ...], ...] = ()  # commands the repository's README/Makefile runs first (both modes)


def _sub_count(old: str, new: str) -> tuple[str, str]:
    return (old, new)


SETUPS: dict[str, Setup] = {}  # filled below


# ---- the data stand-ins -----------------------------------------------------------------------

HARNESS_DATA = '''
"""Harness stand-in for datasets the scripts download: scikit-learn's digits (no download)."""
import numpy as np
from sklearn.datasets import load_digits

_d = load_digits()


def _images(size=28, channels=0):
    k = size // 8
    img = np.kron(_d.images / 16.0, np.ones((k, k)))
    pad = (size - img.shape[1]) // 2
    img = np.pad(img, ((0, 0), (pad, size - img.shape[1] - pad), (pad, size - img.shape[2] - pad)))
    img = (img * 255).astype(np.uint8)
    if channels:
        img = np.repeat(img[..., None], channels, axis=-1)
    return img


def load_data(name="mnist"):
    """((x_train, y_train), (x_test, y_test)) as keras.datasets.<name>.load_data() returns them."""
    img = _images(32, 3) if name.startswith("cifar") else _images(28)
    y = _d.target.astype(np.uint8)
    if name.startswith("cifar"):
        y = y.reshape(-1, 1)
    return (img[:1400], y[:1400]), (img[1400:1700], y[1400:1700])  # sizes in hundreds, as MNIST's


def fetch_openml(name=None, *args, **kwargs):
    """sklearn.datasets.fetch_openml("mnist_784" / "Fashion-MNIST"): the same digits, 784 columns, str labels."""
    from sklearn.utils import Bunch
    img = _images(28).reshape(len(_d.target), -1).astype(np.float64)
    return Bunch(data=img, target=_d.target.astype(str), feature_names=[f"pixel{i + 1}" for i in range(784)],
                 DESCR="harness stand-in: scikit-learn digits")
'''

TORCHVISION_INIT = "from . import datasets, transforms, utils  # harness stand-in (digits, no download)\n"
TORCHVISION_DATASETS = '''
import numpy as np
import torch
import _harness_data


class _Digits(torch.utils.data.Dataset):
    _name = "mnist"

    def __init__(self, root=".", train=True, download=False, transform=None, target_transform=None, **kw):
        (xt, yt), (xs, ys) = _harness_data.load_data(self._name)
        x, y = (xt, yt) if train else (xs, ys)
        self.data = torch.as_tensor(x)
        self.targets = torch.as_tensor(np.asarray(y).reshape(-1).astype(np.int64))
        self.transform, self.target_transform = transform, target_transform
        self.classes = [str(i) for i in range(10)]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        image, target = self.data[i].numpy(), int(self.targets[i])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target


class MNIST(_Digits):
    pass


class FashionMNIST(_Digits):
    pass


class CIFAR10(_Digits):
    _name = "cifar10"
'''
TORCHVISION_TRANSFORMS = '''
import torch


class ToTensor:
    def __call__(self, image):
        t = torch.as_tensor(image, dtype=torch.float32) / 255.0
        return t.unsqueeze(0) if t.ndim == 2 else t.permute(2, 0, 1)


class Normalize:
    def __init__(self, mean, std, inplace=False):
        self.mean, self.std = mean, std

    def __call__(self, t):
        return (t - torch.as_tensor(self.mean).view(-1, 1, 1)) / torch.as_tensor(self.std).view(-1, 1, 1)


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x


class _Identity:
    def __init__(self, *a, **k):
        pass

    def __call__(self, x):
        return x


RandomHorizontalFlip = RandomRotation = RandomCrop = ColorJitter = _Identity
'''
TORCHVISION_UTILS = '''
def save_image(tensor, fp, *args, **kwargs):
    """Harness stand-in: writes an empty file where torchvision writes a PNG."""
    open(fp, "wb").close()


def make_grid(tensor, *args, **kwargs):
    return tensor
'''

# Both modes: no socket to another host (nothing downloads), plots headless. In wandb mode (HARNESS_SHIM=1)
# wandb.sweep / wandb.agent run one run offline with a configuration W&B's engine drew, and every
# run.log records which keys it got (HARNESS_LOG).
SITECUSTOMIZE = r'''
import json, os, socket, sys

_connect = socket.socket.connect


def _guard(self, address, *a, **k):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = str(address[0])
        if host not in ("127.0.0.1", "::1", "localhost", "0.0.0.0"):
            raise OSError(f"harness: no network here (connect to {host})")
    return _connect(self, address, *a, **k)


socket.socket.connect = _guard


class _DataStandIn:
    """keras.datasets.{mnist,fashion_mnist,cifar10}.load_data and sklearn.datasets.fetch_openml serve
    _harness_data (no download)."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in ("keras.datasets", "sklearn.datasets"):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            if fullname == "sklearn.datasets":  # looked up at call time: _harness_data imports sklearn
                module.fetch_openml = lambda *a, **k: __import__("_harness_data").fetch_openml(*a, **k)
                return
            for name in ("mnist", "fashion_mnist", "cifar10"):
                sub = getattr(module, name, None)
                if sub is not None:
                    sub.load_data = (lambda n: lambda *a, **k: __import__("_harness_data").load_data(n))(name)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _DataStandIn())

if os.environ.get("HARNESS_SHIM") == "1":
    import wandb
    from wandb.sdk import wandb_run

    _log = wandb_run.Run.log

    def _record(self, data, *a, **k):
        try:
            with open(os.environ["HARNESS_LOG"], "a") as f:
                f.write(json.dumps({k2: (v if isinstance(v, (int, float)) and not isinstance(v, bool) else
                                         type(v).__name__) for k2, v in dict(data).items()}) + "\n")
        except Exception:
            pass
        return _log(self, data, *a, **k)

    wandb_run.Run.log = _record

    def _sweep(sweep=None, entity=None, project=None, prior_runs=None):
        cfg = sweep if isinstance(sweep, dict) else dict(sweep)
        with open(os.environ["HARNESS_SWEEP_OUT"], "w") as f:
            json.dump(cfg, f, default=repr)
        return "harnesssweep"

    def _agent(sweep_id, function=None, entity=None, project=None, count=None):
        import yaml
        sys.path[:0] = os.environ["HARNESS_SWEEPS_PATH"].split(os.pathsep)
        import numpy as _np
        import sweeps as _sw
        with open(os.environ["HARNESS_SWEEP_OUT"]) as f:
            cfg = json.load(f)
        _np.random.seed(0)  # one fixed draw per setup
        if os.environ.get("HARNESS_FORCE"):  # replay mode: a run tunewise made, with its values
            values = {k: {"value": v} for k, v in json.loads(os.environ["HARNESS_FORCE"]).items()}
        else:
            run = _sw.next_run(cfg, [])
            values = json.loads(json.dumps(dict(run.config),
                                           default=lambda v: v.item() if hasattr(v, "item") else repr(v)))
        path = os.path.abspath("harness_sweep_params.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(values, f)
        with open(os.environ["HARNESS_DRAWN"], "w") as f:
            json.dump({k: v["value"] for k, v in values.items()}, f, default=repr)
        os.environ["WANDB_SWEEP_PARAM_PATH"] = path
        os.environ["WANDB_SWEEP_ID"] = "harnesssweep"
        os.environ["WANDB_RUN_ID"] = "harnessrun1"
        wandb.teardown()  # as W&B's agent does before each run: wandb.init then reads the variables above
        try:
            function()
        finally:
            wandb.finish()

    wandb.sweep = _sweep
    wandb.agent = _agent
'''


def write_standins(root: Path, shim: bool) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "_harness_data.py").write_text(HARNESS_DATA)
    tv = root / "torchvision"
    (tv / "datasets").mkdir(parents=True, exist_ok=True)
    (tv / "__init__.py").write_text(TORCHVISION_INIT)
    (tv / "datasets" / "__init__.py").write_text(TORCHVISION_DATASETS)
    (tv / "transforms.py").write_text(TORCHVISION_TRANSFORMS)
    (tv / "utils.py").write_text(TORCHVISION_UTILS)
    (tv / "models.py").write_text(
        "def __getattr__(name):\n    def unavailable(*a, **k):\n"
        "        raise NotImplementedError(f'torchvision stand-in: no models.{name}')\n    return unavailable\n")
    (root / "sitecustomize.py").write_text(SITECUSTOMIZE)
    # TensorFlow is not installed: `from tensorflow.keras.datasets import mnist` gets the same digits
    # (nothing else of TensorFlow is there).
    tfd = root / "tensorflow" / "keras" / "datasets"
    tfd.mkdir(parents=True, exist_ok=True)
    (root / "tensorflow" / "__init__.py").write_text('"""Harness stand-in: tensorflow.keras.datasets only."""\n')
    (root / "tensorflow" / "keras" / "__init__.py").write_text("from . import datasets\n")
    (tfd / "__init__.py").write_text("from . import cifar10, fashion_mnist, mnist\n")
    for name in ("mnist", "fashion_mnist", "cifar10"):
        (tfd / f"{name}.py").write_text(
            f"def load_data(*args, **kwargs):\n    return __import__('_harness_data').load_data({name!r})\n")
    # Notebooks converted to scripts: IPython is not installed; its display helpers do nothing here.
    (root / "IPython").mkdir(exist_ok=True)
    (root / "IPython" / "__init__.py").write_text(
        "version_info = (0, 0, 0)\n\n\ndef get_ipython():\n    return None  # not in a notebook\n")
    (root / "IPython" / "display.py").write_text(
        "def clear_output(*a, **k):\n    pass\n\n\ndef display(*a, **k):\n    pass\n")




# ---- W&B's sweep engine and validator (wandb/sweeps at its mirror's HEAD) ------------------------

def sweeps_paths() -> list[str]:
    pkg = SWEEPS_WORK / "sweepspkg"
    if not (pkg / "src" / "sweeps").is_dir():
        pkg.mkdir(parents=True, exist_ok=True)
        tar = subprocess.run(["git", "--git-dir", str(MIRRORS / "wandb+sweeps" / "repo"), "archive", "HEAD",
                              "src/sweeps"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(pkg)], input=tar, check=True)
    return [str(SWEEPS_WORK / "pylib"), str(pkg / "src")]


def wandb_verdict(cfg: dict[str, Any]) -> str:
    """'valid' or 'invalid: ...' by W&B's validator, then its first next_run."""
    for p in reversed(sweeps_paths()):
        if p not in sys.path:
            sys.path.insert(0, p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import sweeps
        from sweeps import config as sweeps_config

        try:
            violations = sweeps_config.schema_violations_from_proposed_config(copy.deepcopy(cfg))
        except Exception as e:  # noqa: BLE001
            return f"invalid: {type(e).__name__}: {e}"
        if violations:
            return "invalid: " + "; ".join(str(v) for v in violations)[:300]
        try:
            sweeps.next_run(copy.deepcopy(cfg), [])
        except Exception as e:  # noqa: BLE001
            return f"invalid: (at W&B's first run) {type(e).__name__}: {e}"[:300]
    return "valid"


def draw(cfg: dict[str, Any]) -> dict[str, Any]:
    """One run's configuration as W&B's engine draws it: {name: {"value": v}}."""
    for p in reversed(sweeps_paths()):
        if p not in sys.path:
            sys.path.insert(0, p)
    import numpy as np

    import sweeps

    np.random.seed(0)  # W&B's engine draws with numpy's global generator: one fixed draw per setup
    run = sweeps.next_run(copy.deepcopy(cfg), [])
    return json.loads(json.dumps(dict(run.config), default=lambda v: v.item() if hasattr(v, "item") else repr(v)))


def wandb_command(cfg: dict[str, Any], values: dict[str, Any], interpreter: str) -> list[str]:
    """The command W&B 0.31's agent runs for one run (its default command, macros and token rule)."""
    from wandb.sdk.launch.sweeps import utils as wutils

    program = str(cfg.get("program") or "train.py")
    wvars = wutils.create_sweep_command_args({"args": values})
    wvars.update(interpreter=[interpreter], program=[program], env=["/usr/bin/env"],
                 args_json_file=["harness_args.json"])
    command = cfg.get("command") or ["${env}", "${interpreter}", "${program}", "${args}"]
    out: list[str] = []
    for c in command:
        c = str(c)
        if c.startswith("${") and c.endswith("}"):
            out += wvars.get(c[2:-1]) or []
        else:
            out.append(c.replace("${interpreter}", interpreter).replace("${program}", program))
    # W&B's agent runs `python` from PATH: here, this venv's interpreter.
    return [interpreter if x == "python" else x for x in out]


# ---- running -----------------------------------------------------------------------------------

def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(MIRRORS / repo.replace("/", "+") / "repo"), *args],
                          capture_output=True, text=True, check=True).stdout


def commit_of(setup: Setup) -> str:
    return git(setup.repo, "rev-parse", setup.rev).strip()


def licence_of(setup: Setup) -> str:
    names = git(setup.repo, "ls-tree", "--name-only", setup.rev).split()
    for n in names:
        if n.upper().startswith(("LICENSE", "LICENCE", "COPYING")):
            text = git(setup.repo, "show", f"{setup.rev}:{n}")[:400]
            for key in ("MIT", "Apache", "BSD", "GNU GENERAL PUBLIC", "GPL", "Mozilla", "Unlicense"):
                if key.lower() in text.lower():
                    return key
            return n
    return "none (read, not copied)"


def prepare(name: str, setup: Setup, work: Path) -> Path:
    here = work / name
    if here.exists():
        shutil.rmtree(here)
    here.mkdir(parents=True)
    tar = subprocess.run(["git", "--git-dir", str(MIRRORS / setup.repo.replace("/", "+") / "repo"), "archive",
                          setup.rev, "--", *setup.paths], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(here), "--exclude=*.wandb", "--exclude=*.pt", "--exclude=*.pth",
                    "--exclude=*.ckpt"], input=tar, check=True)
    for path, rev in setup.overlay.items():
        (here / path).write_text(git(setup.repo, "show", f"{rev}:{path}"))
    if setup.notebook:  # code cells joined; IPython lines (!pip, %magic) dropped
        nb = json.loads((here / setup.notebook).read_text())
        cells = []
        for c in nb.get("cells", []):
            if c.get("cell_type") == "code":
                src = "".join(c.get("source", []))
                cells.append("\n".join("" if ln.lstrip().startswith(("!", "%")) else ln for ln in src.splitlines()))
        (here / setup.cwd / setup.script).write_text("\n\n# %% cell\n".join(cells) + "\n")
    for path, subs in setup.patches.items():
        f = here / path
        text = f.read_text()
        for old, new in subs:
            if old.startswith("re:"):
                text, n = re.subn(old[3:], new, text, flags=re.M)
            else:
                n = text.count(old)
                text = text.replace(old, new)
            if n == 0:
                raise ValueError(f"{name}: patch {old!r} matched nothing in {path}")
        f.write_text(text)
    return here


def load_sweep_file(path: Path) -> dict[str, Any]:
    import yaml

    with open(path) as f:
        return dict(yaml.safe_load(f))


def base_env(standins: Path, extra: list[str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TUNEWISE_"))}
    env.update(PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MPLBACKEND="Agg",
               KERAS_BACKEND="torch", TQDM_DISABLE="1", WANDB_SILENT="true", HF_HUB_OFFLINE="1")
    env["PYTHONPATH"] = os.pathsep.join([str(standins), *extra, EXTRA])
    env["PATH"] = os.pathsep.join([str(Path(PY).parent), env.get("PATH", "")])  # the venv is active
    return env


def run_cmd(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, str, float]:
    t0 = time.time()
    try:
        r = subprocess.run(["nice", "-n", "10", *cmd], cwd=cwd, env=env, capture_output=True, text=True,
                           timeout=timeout, check=False)
        return r.returncode, r.stdout + r.stderr, time.time() - t0
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return -9, out + "\n<timeout>", time.time() - t0


def run_pre(setup: Setup, cwd: Path, env: dict[str, str]) -> None:
    for cmd in setup.pre:
        rc, out, _ = run_cmd([PY if c == "python" else c for c in cmd], cwd, env, setup.timeout)
        if rc != 0:
            raise RuntimeError(f"setup step {' '.join(cmd)} failed: {last_error(out)}")


def last_error(out: str) -> str:
    lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if re.match(r"^[\w.]*(Error|Exception|Interrupt)\b", ln) or "error:" in ln[:80].lower():
            return ln[:300]
    return (lines[-1] if lines else "")[:300]


def run_wandb(name: str, setup: Setup, work: Path, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """One run under W&B offline: a configuration W&B's engine draws, or ``values`` (replay mode)."""
    here = prepare(name, setup, work / "wandb")
    standins = work / "standins_wandb"
    write_standins(standins, shim=True)
    cwd = here / setup.cwd
    env = base_env(standins, [str(cwd), *(str(here / p) for p in setup.pythonpath)])
    run_pre(setup, cwd, env)
    env.update(WANDB_MODE="offline", WANDB_DIR=str(cwd), HARNESS_SHIM="1", HARNESS_LOG=str(here / "harness_log.jsonl"),
               HARNESS_SWEEP_OUT=str(here / "harness_sweep.json"), HARNESS_DRAWN=str(here / "harness_drawn.json"),
               HARNESS_SWEEPS_PATH=os.pathsep.join(sweeps_paths()))
    res: dict[str, Any] = {}
    if setup.kind == "run":
        cfg = load_sweep_file(cwd / setup.sweep)
        res["config"] = cfg
        res["verdict"] = wandb_verdict(cfg)
        try:
            values = draw(cfg) if values is None else {k: {"value": v} for k, v in values.items()}
        except Exception as e:  # noqa: BLE001
            res.update(ok=False, rc=None, error=f"W&B's engine draws no run: {type(e).__name__}: {e}", seconds=0)
            return res
        res["drawn"] = {k: v["value"] for k, v in values.items()}
        import yaml

        (cwd / "harness_sweep_params.yaml").write_text(yaml.safe_dump(values))
        env.update(WANDB_SWEEP_PARAM_PATH=str(cwd / "harness_sweep_params.yaml"), WANDB_SWEEP_ID="harnesssweep",
                   WANDB_RUN_ID="harnessrun1")
        cmd = wandb_command(cfg, values, PY)
        res["command"] = cmd
    else:
        cmd = [PY, setup.script, *setup.args]
        if values is not None:
            env["HARNESS_FORCE"] = json.dumps(values)
    rc, out, secs = run_cmd(cmd, cwd, env, setup.timeout)
    if setup.kind == "python":
        p = here / "harness_sweep.json"
        if p.exists():
            res["config"] = json.loads(p.read_text())
            res["verdict"] = wandb_verdict(res["config"])
        if (here / "harness_drawn.json").exists():
            res["drawn"] = json.loads((here / "harness_drawn.json").read_text())
    logged: dict[str, Any] = {}
    if (here / "harness_log.jsonl").exists():
        for line in (here / "harness_log.jsonl").read_text().splitlines():
            logged.update(json.loads(line))
    metric = ((res.get("config") or {}).get("metric") or {}).get("name")
    res["metric"] = metric
    res["metric_logged"] = None if metric is None else (metric in logged)
    res["logged_keys"] = sorted(logged)[:40]
    ok = rc == 0 and (metric is None or metric in logged)
    res.update(ok=ok, rc=rc, seconds=round(secs, 1), tail=out[-2500:],
               error="" if ok else (last_error(out) if rc != 0 else f"metric {metric!r} never logged"))
    return res


STATUS = r'''
import json, sys
import tunewise as tw
storage = sys.argv[1]
out = {}
for name in tw.get_all_study_names(storage):
    study = tw.load_study(study_name=name, storage=storage)
    states = {}
    for t in study.trials:
        states[t.state.name] = states.get(t.state.name, 0) + 1
    fails = [str(t.system_attrs.get("fail_reason") or t.system_attrs.get("sweep:fail") or "")[:300]
             for t in study.trials if t.state.name == "FAILED"]
    values = [t.value for t in study.trials if t.state.name == "COMPLETE"]
    params = [t.params for t in study.trials][:3]
    out[name] = {"states": states, "values": values, "fails": fails, "params": params}
print(json.dumps(out, default=repr))
'''


def run_tunewise(name: str, setup: Setup, work: Path, tunewise_src: str) -> dict[str, Any]:
    here = prepare(name, setup, work / "tunewise")
    standins = work / "standins_tunewise"
    write_standins(standins, shim=False)
    cwd = here / setup.cwd
    src = tunewise_src or str(ROOT / "src")
    env = base_env(standins, [src, *(str(here / p) for p in setup.pythonpath)])
    storage = f"sqlite:///{here}/harness_tunewise.db"
    run_pre(setup, cwd, env)
    res: dict[str, Any] = {}
    if setup.kind == "run":
        cmd = [PY, "-m", "tunewise", "sweep", "run", setup.sweep, "--count", str(setup.count), "--storage", storage]
        cfg = load_sweep_file(cwd / setup.sweep)
        res["config"] = cfg
    else:
        cmd = [PY, "-m", "tunewise", "sweep", "python", "--storage", storage, setup.script, *setup.args]
    rc, out, secs = run_cmd(cmd, cwd, env, setup.timeout)
    st = subprocess.run([PY, "-c", STATUS, storage], env=env, capture_output=True, text=True, check=False)
    try:
        studies = json.loads(st.stdout)
    except ValueError:
        studies = {"<status error>": st.stderr[-500:]}
    states: dict[str, int] = {}
    fails: list[str] = []
    for s in studies.values():
        if isinstance(s, dict):
            for k, v in s["states"].items():
                states[k] = states.get(k, 0) + v
            fails += s["fails"]
    done = states.get("COMPLETE", 0) + states.get("PRUNED", 0)
    ok = tunewise_ok({"rc": rc, "states": states})
    err = ""
    if not ok:
        err = fails[0] if fails else last_error(out)
        if rc == 0 and not done:
            err = err or "no run finished"
    res.update(ok=ok, rc=rc, seconds=round(secs, 1), states=states, studies=studies, tail=out[-2500:],
               error=err, command=cmd)
    return res


REPLAY_READ = r'''
import json, sys
import tunewise as tw
storage = sys.argv[1]
out = []
for name in tw.get_all_study_names(storage):
    for t in tw.load_study(study_name=name, storage=storage).trials:
        if t.state.name == "FAILED":
            cfg = t.user_attrs.get("config")
            out.append(cfg if isinstance(cfg, dict) else t.params)
print(json.dumps(out[:2], default=repr))
'''


def replay(name: str, setup: Setup, work: Path, tunewise_work: Path) -> dict[str, Any]:
    """The configurations of the runs tunewise FAILED (at most 2), each run once under W&B offline."""
    db = tunewise_work / name / "harness_tunewise.db"
    if not db.exists():
        return {"replayed": [], "note": "no tunewise storage"}
    got = subprocess.run([PY, "-c", REPLAY_READ, f"sqlite:///{db}"], capture_output=True, text=True, check=False,
                         env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    try:
        failed = json.loads(got.stdout)
    except ValueError:
        return {"replayed": [], "note": got.stderr[-300:]}
    out = []
    for values in failed:
        r = run_wandb(name, setup, work, values=values)
        out.append({"values": values, "ok": r["ok"], "error": r["error"]})
    return {"replayed": out}


# ---- report ------------------------------------------------------------------------------------

def tunewise_ok(r: dict[str, Any]) -> bool:
    """Every run finished (COMPLETE, or PRUNED by early termination), none FAILED, exit status 0."""
    states = r.get("states") or {}
    done = states.get("COMPLETE", 0) + states.get("PRUNED", 0)
    return r.get("rc") == 0 and done >= 1 and not states.get("FAILED") and not states.get("RUNNING")


def cell(r: dict[str, Any] | None, mode: str) -> str:
    if not r:
        return "not run"
    if r.get("skipped"):
        return "skipped"
    if mode == "tunewise":
        ok = tunewise_ok(r)
        st = " ".join(f"{k.lower()}={v}" for k, v in sorted((r.get("states") or {}).items()))
        return ("ok " if ok else "FAIL ") + f"({st})" + ("" if ok else ": " + str(r["error"])[:140])
    return ("ok" if r["ok"] else "FAIL: " + str(r["error"])[:140])


def report(paths: list[str], causes: dict[str, str]) -> str:
    wres, before, after = (json.loads(Path(p).read_text()) for p in paths)
    lines = ["| setup | source (repo@commit:path) | W&B's validator | W&B offline (one run) | tunewise before |"
             " tunewise after | cause / note |", "|---|---|---|---|---|---|---|"]
    n = ok_w = ok_b = ok_a = skipped = 0
    for name, setup in SETUPS.items():
        w, b, a = wres.get(name), before.get(name), after.get(name)
        if setup.skip:
            skipped += 1
            lines.append(f"| {name} | `{setup.repo}` | | skipped | skipped | skipped | {setup.skip} |")
            continue
        n += 1
        ok_w += bool(w and w.get("ok"))
        ok_b += bool(b and tunewise_ok(b))
        ok_a += bool(a and tunewise_ok(a))
        src = (w or a or {}).get("source", setup.repo)
        verdict = str((w or {}).get("verdict", ""))[:100].replace("|", "\\|")
        cells = [cell(w, "wandb"), cell(b, "tunewise"), cell(a, "tunewise")]
        cells = [c.replace("|", "\\|").replace("\n", " ") for c in cells]
        lines.append(f"| {name} | `{src}` | {verdict} | {' | '.join(cells)} | {causes.get(name, '')} |")
    head = (f"{n + skipped} setups ({skipped} skipped). Of the {n} run: W&B offline {ok_w}/{n}, "
            f"tunewise before {ok_b}/{n}, tunewise after {ok_a}/{n}.")
    return head + "\n\n" + "\n".join(lines) + "\n"


def manifest() -> str:
    lines = ["| setup | repository | commit | kind | sweep / script | licence | exercises | data |",
             "|---|---|---|---|---|---|---|---|"]
    for name, s in SETUPS.items():
        lines.append(f"| {name} | {s.repo} | {commit_of(s)[:12]} | {s.kind} | {s.sweep or s.script} | "
                     f"{licence_of(s)} | {s.note} | {s.data} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=("wandb", "tunewise", "replay"))
    ap.add_argument("--replay-from", default="/tmp/s21/wild/after/tunewise",
                    help="replay: the tunewise work folder whose FAILED runs are run under W&B")
    ap.add_argument("--work", default="/tmp/s21/wild")
    ap.add_argument("--tunewise-src", default="")
    ap.add_argument("--label", default="", help="work subfolder (default: wandb, before or after)")
    ap.add_argument("--only", default="", help="comma-separated setup names (substring match)")
    ap.add_argument("--json", default="", help="merge results into this file")
    ap.add_argument("--report", nargs=3, metavar=("WANDB", "BEFORE", "AFTER"))
    ap.add_argument("--causes", default="")
    ap.add_argument("--manifest", action="store_true")
    ap.add_argument("--strip", nargs=2, metavar=("IN", "OUT"),
                    help="write IN without the programs' output, configs and commands (third-party text)")
    args = ap.parse_args()
    if args.manifest:
        print(manifest())
        return
    if args.strip:
        data = json.loads(Path(args.strip[0]).read_text())
        for r in data.values():
            if isinstance(r, dict):
                error = str(r.get("error") or "")
                failed_quietly = "states" in r and not tunewise_ok(r) and not error
                if failed_quietly or "\n" in error or error.startswith(("the program exited with code", "Error: all ")):
                    # the exception line only, not the traceback's source lines
                    lines = [ln for ln in str(r.get("tail", "")).splitlines() if not ln.startswith("Error: all ")]
                    error = last_error("\n".join(lines)) or last_error(error)
                if error:
                    r["error"] = error
                for key in ("tail", "config", "command", "logged_keys"):
                    r.pop(key, None)
                for study in (r.get("studies") or {}).values():
                    if isinstance(study, dict):
                        study.pop("fails", None)
        Path(args.strip[1]).write_text(json.dumps(data, indent=1, sort_keys=True))
        return
    if args.report:
        causes = json.loads(Path(args.causes).read_text()) if args.causes else {}
        print(report(args.report, causes))
        return
    if not args.mode:
        ap.error("--mode, --report or --manifest")
    results: dict[str, Any] = {}
    if args.json and Path(args.json).exists():
        results = json.loads(Path(args.json).read_text())
    work = Path(args.work) / (args.label or (args.mode if args.mode == "wandb" else
                                             ("before" if args.tunewise_src else "after")))
    only = [o for o in args.only.split(",") if o]
    for name, setup in SETUPS.items():
        if only and not any(o in name for o in only):
            continue
        if setup.skip:
            results[name] = {"skipped": True, "reason": setup.skip, "ok": False}
            continue
        try:
            if args.mode == "wandb":
                r = run_wandb(name, setup, work)
            elif args.mode == "replay":
                r = replay(name, setup, work, Path(args.replay_from))
                r["ok"] = all(x["ok"] for x in r["replayed"])
            else:
                r = run_tunewise(name, setup, work, args.tunewise_src)
        except Exception as e:  # noqa: BLE001 - a harness error for this setup, recorded
            r = {"ok": False, "error": f"harness: {type(e).__name__}: {e}", "rc": None, "seconds": 0}
        r["source"] = f"{setup.repo}@{commit_of(setup)[:12]}:{setup.sweep or setup.script}"
        results[name] = r
        print(f"{name:34s} {'ok ' if r['ok'] else 'FAIL'} {r.get('seconds', 0):6.1f}s "
              f"{r.get('states', '')} {str(r.get('error', ''))[:150]}", flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1, sort_keys=True, default=repr))
    n = sum(1 for r in results.values() if isinstance(r, dict) and not r.get("skipped"))
    print(f"{sum(1 for r in results.values() if isinstance(r, dict) and r.get('ok'))}/{n} ok")


# ---- the setups ---------------------------------------------------------------------------------

SETUPS.update({
    # ---- DA6401 / CS6910 (IIT Madras) assignments: numpy MLPs on (Fashion-)MNIST, W&B sweeps --------
    "aaradhya_sweep": Setup(
        "AaradhyaDashore/da6401_assignment_1", "run", sweep="sweep.yaml",
        patches={"sweep.yaml": [("values: [5, 10]", "values: [1, 2]")]},
        data="keras mnist -> digits",
        note="no `program:`, a `command:` naming `python src/train.py` with fixed args before ${args}; "
             "wandb.Image list, wandb.plot.confusion_matrix, wandb.init(config=vars(args))"),
    "aaradhya_precision": Setup(
        "AaradhyaDashore/da6401_assignment_1", "run", sweep="precision_sweep.yaml",
        patches={"precision_sweep.yaml": [("values: [10, 15]", "values: [1, 2]")]},
        data="keras mnist -> digits", note="second sweep file of the same repository (`project:` key, fixed values)"),
    "aastha_bayes": Setup(
        "Aastha7231/cs6910_assignment1", "run", sweep="sweep.yaml",
        patches={"sweep.yaml": [("values: [5, 10]", "values: [5]")]},  # argparse allows only 5 and 10
        data="keras fashion_mnist -> digits",
        note="argparse program whose option names differ from the sweep's (hidden_layer vs --num_layers), "
             "wandb.init(reinit='True')"),
    "ashwin_python": Setup(
        "AshwinSankar17/da6401_assignment1", "python", script="train.py",
        overlay={"nn/core.py": "2a1771a"},  # HEAD's docstring commit left a `for` without a body
        args=("--do_sweep", "--sweep_config", "sweep_config.json"),
        patches={"train.py": [("count=75", "count=3")],
                 "sweep_config.json": [("re:\"n_epochs\": \\{\\s*\"values\": \\[[^\\]]*\\]",
                                        '"n_epochs": {"values": [1, 2]')]},
        data="keras fashion_mnist -> digits",
        note="sweep from a JSON file, bayes over log_uniform, hidden_sizes as lists, wandb.run.name =, "
             "wandb.log of a matplotlib figure, with wandb.init(config=config)"),
    "bullseye_notebook": Setup(
        "BullsEye268/da6401_assignment1", "python", script="harness_nb.py", notebook="main.ipynb",
        paths=("main.ipynb", "sweep_config.yaml", "utils", "train.py"),  # plots/*.html: blob not in the mirror
        pre=(("mkdir", "-p", "plots"),),  # the folder the notebook writes its plots to
        patches={"sweep_config.yaml": [("values: [5, 10, 15]", "values: [1, 2]")],
                 # as committed, the notebook continues a sweep on W&B's server: its own switch makes one
                 "harness_nb.py": [("flag_restart_sweep, sweep_id = False,", "flag_restart_sweep, sweep_id = True,")]},
        data="keras fashion_mnist -> digits",
        note="notebook: wandb.agent(sweep_id, trainer.train) with a bound method, wandb.init(group=, tags=) "
             "as a context, wandb.run is not None check"),
    "charukhesh_random": Setup(
        "Charukhesh/da6401_assignment_1", "run", sweep="sweep_config.yaml",
        data="keras mnist -> digits",
        note="hidden_size values are lists ([64, 64]) passed as --hidden_size=[64, 64], wandb.Table of wandb.Image, "
             "wandb.init() without arguments"),
    "bl1010_random": Setup(
        "BL1010/DL_assignment_1", "run", sweep="sweep.yaml", paths=("sweep.yaml", "src"),
        patches={"src/utils/data_loader.py": [("test_size=10000,", "test_size=300,")]},  # digits: 1,797 rows
        data="sklearn fetch_openml mnist_784 -> digits (its 10,000-row test split -> 300)",
        note="program src/train.py, metric name with a trailing space in YAML"),
    "singara_bayes": Setup(
        "Singara-Harendra/DA6401-Assignment-1", "run", sweep="sweep_config.yaml",
        patches={"sweep_config.yaml": [("value: 10", "value: 2")]},
        data="keras mnist -> digits", note="`project:` in the sweep file, wandb.config.items() copied into args"),
    "pankuu_grid_python": Setup(
        "Pankuu21/DA6401_Assignment1", "python", script="Q4.py",
        patches={"Q4.py": [("count=None", "count=3")],
                 "sweep_config.yaml": [("values: [5, 10]", "values: [1, 2]")]},
        data="keras fashion_mnist -> digits",
        note="grid sweep from YAML via wandb.sweep(entity=, project=), sweep id written to a file, "
             "wandb.login(), wandb.agent(count=None) (patched to 3)"),
    "parasmukati_hyperband": Setup(
        "Parasmukati/DA6401_assignment1", "run", sweep="sweep_config.yaml",
        patches={"sweep_config.yaml": [("values: [5, 10]", "values: [1, 2]")],
                 "train.py": [("count=50", "count=3"),
                              ("'epochs': {'values': [5, 10]}", "'epochs': {'values': [1, 2]}")]},
        data="keras fashion_mnist -> digits",
        note="hyperband early_terminate; the program itself calls wandb.sweep + wandb.agent at import "
             "(a sweep inside a sweep run)"),
    "parasmukati_python": Setup(
        "Parasmukati/DA6401_assignment1", "python", script="train.py",
        patches={"train.py": [("count=50", "count=3"),
                              ("'epochs': {'values': [5, 10]}", "'epochs': {'values': [1, 2]}")]},
        data="keras fashion_mnist -> digits", note="bayes dict sweep, wandb.init() then wandb.run.name ="),
    "kritika_random": Setup(
        "KRITIKA-GAHLAWAT/deep-learning-assignment1", "run", sweep="sweep_config.yaml", cwd="src",
        patches={"src/sweep_config.yaml": [("values: [5, 10, 15]", "values: [1, 2]"),
                                           ("parameters:\n", "parameters:\n  wandb_mode:\n    value: offline\n")]},
        data="keras mnist -> digits",
        note="(harness: a fixed wandb_mode: offline parameter, the program's --wandb_mode defaults to online) "
             "log(step=) then log() without step, wandb.summary[...] =, config.update(allow_val_change=True), "
             "wandb.init(mode=...) from argparse, metric name with a slash (val/accuracy)"),
    "kritika_python": Setup(
        "KRITIKA-GAHLAWAT/deep-learning-assignment1", "python", script="src/train.py",
        args=("--run_sweep", "--sweep_count", "3", "--wandb_mode", "offline"),
        patches={"sweep_config.yaml": [("values: [5, 10, 15]", "values: [1, 2]")]},
        data="keras mnist -> digits", note="wandb.agent(function=lambda: ...), sweep YAML read by the script"),
    "mathias_grid": Setup(
        "MathiasDyhr/neural-network-from-scratch-numpy-jax", "run", sweep="../config/sweep_config.yaml", cwd="mnist",
        pythonpath=("src",),
        patches={"config/sweep_config.yaml": [("value: 100", "value: 2")]},
        data="keras mnist -> digits",
        note="sweep file in another folder than the program (W&B's agent runs `program` from its working "
             "folder), grid with a list value, `entity:`/`project:` keys"),
    # ---- other projects ----------------------------------------------------------------------------
    "anton_vae": Setup(
        "AntonRydahl/MNIST_VAE_SWEEP", "run", sweep="sweep.yaml",
        pre=(("mkdir", "-p", "data/raw", "data/processed"),  # the Makefile's `make data`
             ("python", "src/data/make_dataset.py", "data/raw", "data/processed")),
        patches={"sweep.yaml": [("min: 5\n    max: 50", "min: 1\n    max: 2")]},
        data="torchvision MNIST -> digits stand-in",
        note="bayes over int/float ranges, an unknown top-level key (RUN: 10), parse_known_args, wandb.watch, "
             "wandb.Image of tensors, torch.save"),
    "activated_subprocess": Setup(
        "Activated-AI/easy-wandb-hyperparameter-search", "python", script="sweep.py",
        patches={"sweep.py": [("'run_cap': 20", "'run_cap': 3")]},
        data="torchvision MNIST -> digits stand-in",
        note="wandb.sweep in one process, `python worker.py -s=ID -p=PROJECT` in a child process runs "
             "wandb.agent(sweep_id, function, project=) without count (run_cap), q_log_uniform_values"),
    "tsereda_template": Setup(
        "tsereda/wandb-sweeps-template-nrp", "run", sweep="sweep.yml",
        patches={"sweep.yml": [("values: [20]", "values: [2]")]},
        note="a template: bayes over a float range, metric val_loss while the program logs `loss` only"),
    "hashakgik_grid": Setup(
        "HashakGik/torch-wandb-boilerplate", "run", sweep="sweep.yml",
        patches={"sweep.yml": [("value: cuda:0", "value: cpu"), ("value: 10", "value: 1")]},
        data="torchvision MNIST -> digits stand-in",
        note="program checks WANDB_SWEEP_ID in the environment, run.tags =, log(data=, step=i) after training, "
             "finish(exit_code=1), `name:`/`project:` keys, negative lr values in a grid"),
    "aleksandar_rf": Setup(
        "Aleksandar1932/hyperparameter-optimization", "run", sweep="sweep.yml",
        patches={"sweep.yml": [("~/envs/hyperopt/bin/python", "python")],
                 "train.py": [("'data\\heart.csv'", "'data/heart.csv'")]},
        note="RandomForest on a CSV, `command:` with the author's interpreter (-> python), YAML `None` and `True` "
             "in values, with wandb.init(project=) as a context at module level"),
    "rbhdsks_random": Setup(
        "rbhdsks/DA6401-assign01-v2", "run", sweep="sweep.yml",
        patches={"sweep.yml": [("values: [10]", "values: [1]")]},
        data="keras mnist -> digits",
        note="run_cap, log_uniform_values, a boolean `value: true` (--no_sweep_yaml=True to argparse), "
             "`entity:`/`project:` keys, metric val/accuracy"),
    "pranjal_python": Setup(
        "PranjalChitale/CS6910_Assignment1", "python", script="wandb_sweep.py",
        patches={"wandb_sweep.py": [("'values': [5,10]", "'values': [1,2]"),
                                    ("function=train_wandb)", "function=train_wandb, count=3)")]},
        data="keras fashion_mnist -> digits",
        note="wandb.init(project='', entity='') at module level before wandb.sweep, wandb.init(config=, "
             "resume=True) inside the function, wandb.run.save(), agent without count (3 added)"),
    "ppmurmu_python": Setup(
        "ppmurmu/DA6401_assignment1", "python", script="train.py", args=("-e", "2"),
        data="keras fashion_mnist -> digits",
        note="sweep dict of single values built from argparse, wandb.login(), agent count=1, wandb.finish() "
             "after the agent, config read as parameters['dataset']"),
    "anon174_python": Setup(
        "anonymous174174/Learn_deep_learning_1", "python", script="wandb_sweep.py",
        patches={"wandb_sweep.py": [("'max': 10", "'max': 2"), ("function=train)", "function=train, count=3)")]},
        data="keras fashion_mnist -> digits",
        note="bayes with int_uniform (epochs), a float range from an int min (weight_decay 0..1e-3), "
             "with wandb.init(config=config) as a context, agent without count (3 added)"),
    "adithya_python": Setup(
        "Adithya-Sai-L/DA6401-Assignment1", "python", script="sweep.py",
        patches={"sweep.py": [("'epochs': {'values': [5, 10]}", "'epochs': {'values': [1, 2]}"),
                              ("function=main)", "function=main, count=3)")]},
        data="keras fashion_mnist -> digits",
        note="sweep dict built statement by statement, the function is train.main (parses argv itself), "
             "wandb.init(config=vars(args)) then wandb.run.name =, run.save()"),
    "shreya_python": Setup(
        "Shreyadhondi/da24m019_da6401_assignment1", "python", script="sweep_train.py", args=("--count", "3"),
        patches={"sweep_config.yaml": [("values: [10, 20, 40]", "values: [1, 2]")]},
        data="keras fashion_mnist -> digits",
        note="sweep YAML with a Windows `command:` read by wandb.sweep (tunewise python ignores command), "
             "wandb.log of a string, run.config"),
    "tsilva_nested": Setup(
        "tsilva/mnist-classifier", "run", sweep="configs/sweep/MLP.yml",
        skip="downloads MNIST as CSV through the Kaggle API (kaggle not installed; the data loader is built "
             "around its files)"),
    "joshua_parallel": Setup(
        "joshua-paperspace/wandb-parallel", "python", script="wandb_sweep.py",
        skip="reads its sweep config from /inputs/configs/<name>.json, which is not in the repository"),
    "wonbeom_dacon": Setup(
        "wonbeomjang/sign-language-classification-dacon", "python", script="sweep.py",
        skip="a private competition image set (Dacon) and ImageNet-pretrained backbones (downloads)"),
    "albert_hydra": Setup(
        "AlbertFrydensberg/ML_Ops_59", "run", sweep="configs/sweep.yaml",
        skip="Hydra program (hydra-core not installed) and DVC-tracked data"),
    "doronser_kernelridge": Setup(
        "doronser/statistical_learning_kaggle1", "python", script="wandb_sweep.py",
        skip="reads a Kaggle competition's CSV files from the author's disk (/media/...), not in the repository"),
    "xiaoxu_cifar_resnet": Setup(
        "xiaoxu73/pytorch-cifar10-wandb", "python", script="wandb_sweep.py",
        skip="CIFAR-10 ResNet with torchvision's AutoAugment (torchvision is not installed; the harness's "
             "stand-in has datasets and basic transforms only)"),
    "measurezer0_coco": Setup(
        "MeasureZer0/neural-networks-project-1", "run", sweep="sweep_config.yaml",
        skip="COCO images and pretrained encoders (downloads); `uv run` command"),
})

if __name__ == "__main__":
    main()
