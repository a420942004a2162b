"""Run Optuna's optuna-examples scripts under Optuna and under tunewise (``import tunewise as optuna``).

Reads the scripts from a bare mirror of github.com/optuna/optuna-examples (``--mirror``), writes each one,
with its budget shrunk (fewer trials and epochs) and, where it downloads data, the data set replaced by
scikit-learn's bundled digits, to ``--work``, and runs it in a subprocess under ``nice -n 5``:
once as written (``--mode optuna``, to check that the harness works) and once with the imports
changed as docs/migrating-from-optuna.md tells a user to (``--mode tunewise``). Under tunewise the
scripts cannot import optuna or optuna_integration (both are blocked), so nothing passes by falling
back on Optuna.

    .venv/bin/python benchmarks/history/s18/optuna_examples.py --extra /tmp/optuna_examples/extra \
        --out /tmp/optuna_examples/results.json            # both modes, every example
    .venv/bin/python benchmarks/history/s18/optuna_examples.py --mode tunewise --only pytorch/

``--extra`` is a ``pip install --no-deps --target`` folder with the example's packages that the
project's venv does not have (optuna-integration, catboost, scikit-image, skorch, pytorch-ignite,
dask-ml, fvcore/iopath/yacs/portalocker/tabulate/termcolor, gymnasium/stable-baselines3, botorch/gpytorch/
linear_operator/pyro-ppl/jaxtyping). ``torchvision`` is a stand-in written by this script (its wheel
drags a CUDA build of torch, and its data sets download).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field

MIRROR = "/work/.mirror/optuna+optuna-examples/repo"


@dataclass
class Spec:
    patches: dict[str, str] = field(default_factory=dict)  # exact text -> replacement (must be present)
    optional: dict[str, str] = field(default_factory=dict)  # the same, where present
    skip: str = ""  # why it is not run here
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    timeout: int = 240
    no_show: bool = False  # plotly Figure.show / matplotlib show do nothing


TRIALS = {
    "n_trials=100": "n_trials=6",
    "n_trials=50": "n_trials=6",
    "n_trials=500": "n_trials=20",
    "n_trials=20": "n_trials=6",
    "n_trials=32": "n_trials=6",
    "n_trials=30": "n_trials=6",
    "n_trials=10": "n_trials=6",
}
TORCH = {
    "EPOCHS = 10": "EPOCHS = 2",
    "N_TRAIN_EXAMPLES = BATCHSIZE * 30": "N_TRAIN_EXAMPLES = BATCHSIZE * 4",
    "N_VALID_EXAMPLES = BATCHSIZE * 10": "N_VALID_EXAMPLES = BATCHSIZE * 3",
    "N_TRAIN_EXAMPLES = 3000": "N_TRAIN_EXAMPLES = 600",
    "N_VALID_EXAMPLES = 1000": "N_VALID_EXAMPLES = 300",
}
NOT_INSTALLABLE = "needs {} (not installed; {})"

SPECS: dict[str, Spec] = {
    "aim/aim_integration.py": Spec(skip=NOT_INSTALLABLE.format("aim", "its aimrocks server stack, not attempted")),
    "basic/artifact_store.py": Spec(patches={"n_trials=30": "n_trials=4"}, no_show=True),
    "basic/pruning.py": Spec(patches={"n_trials=100": "n_trials=10"}),
    "basic/quadratic.py": Spec(patches={"timeout=2.0": "timeout=0.5"}),
    "basic/quadratic_constraint.py": Spec(patches={"n_trials=500, timeout=1": "n_trials=30"}),
    "basic/quadratic_multi_objective.py": Spec(patches={"n_trials=500, timeout=1": "n_trials=30"}),
    "catboost/catboost_pruning.py": Spec(patches={"n_trials=100": "n_trials=4"}),
    "catboost/catboost_simple.py": Spec(patches={"n_trials=100": "n_trials=4"}),
    "comet/comet_integration.py": Spec(skip=NOT_INSTALLABLE.format("comet_ml", "and a Comet account online")),
    "dashboard/hitl/main.py": Spec(skip="a human-in-the-loop optuna-dashboard loop that waits for a person"),
    "dashboard/opentelemetry/main.py": Spec(skip="a server (optuna-dashboard behind OpenTelemetry, docker-compose)"),
    "dashboard/preferential-optimization-picture/generator.py": Spec(
        skip="optuna-dashboard preferential loop waiting for a person"
    ),
    "dashboard/preferential-optimization/generator.py": Spec(
        skip="optuna-dashboard preferential loop waiting for a person"
    ),
    "dashboard/run_server_simple.py": Spec(skip="starts optuna-dashboard's server and serves until stopped"),
    "dashboard/streamlit_plugin/rgb_evaluator.py": Spec(skip="a streamlit app (optuna-dashboard plugin)"),
    "dashboard/streamlit_plugin/rgb_generator.py": Spec(
        skip="optuna-dashboard human-in-the-loop generator, waits for a person"
    ),
    "dask/dask_simple.py": Spec(
        patches={
            "n_trials=7": "n_trials=2",
            "for _ in range(10)": "for _ in range(3)",
            "with Client() as client:": (
                "with Client(n_workers=2, threads_per_worker=1, dashboard_address=None) as client:"
            ),
        },
        timeout=300,
    ),
    "dask_ml/dask_ml_simple.py": Spec(patches={"n_trials=100": "n_trials=4"}),
    "faq/enqueue_trial.py": Spec(patches={"n_trials=100": "n_trials=6"}),
    "faq/max_trials_callback.py": Spec(patches={"sleep(1)": "sleep(0)"}),
    "fastai/fastai_simple.py": Spec(
        skip=NOT_INSTALLABLE.format(
            "fastai", "it requires torchvision, whose wheel pulls a CUDA torch, and downloads MNIST"
        )
    ),
    "haiku/haiku_simple.py": Spec(
        skip=NOT_INSTALLABLE.format(
            "jax, dm-haiku, optax, tensorflow-datasets", "downloads MNIST through tensorflow-datasets"
        )
    ),
    "hydra/simple.py": Spec(
        skip="imports no optuna: Optuna is Hydra's sweeper plugin (hydra-optuna-sweeper), not the user's import"
    ),
    "keras/keras_integration.py": Spec(
        skip=NOT_INSTALLABLE.format(
            "keras/tensorflow", "TensorFlow, about 600 MB, not attempted in the time box; the script downloads MNIST"
        )
    ),
    "keras/keras_simple.py": Spec(
        skip=NOT_INSTALLABLE.format(
            "keras/tensorflow", "TensorFlow, about 600 MB, not attempted in the time box; the script downloads MNIST"
        )
    ),
    # run.sh creates the study first (`optuna create-study`); SQLite stands in for the postgres pod.
    "kubernetes/simple/sklearn_distributed.py": Spec(
        patches={
            "    study = optuna.load_study(": '    optuna.create_study(study_name="kubernetes", storage="sqlite:///k8s.db")\n'
            "    study = optuna.load_study(",
            'storage="postgresql://{}:{}@postgres:5432/{}".format(': 'storage="sqlite:///k8s.db" or "{}{}{}".format(',
            "n_trials=20": "n_trials=4",
        },
        env={"POSTGRES_USER": "u", "POSTGRES_PASSWORD": "p", "POSTGRES_DB": "d"},
    ),
    "lightgbm/lightgbm_integration.py": Spec(patches={"n_trials=100": "n_trials=4"}),
    "lightgbm/lightgbm_simple.py": Spec(patches={"n_trials=100": "n_trials=4"}),
    # The terminator judges from 20 COMPLETE trials on: 25 trials exercise it.
    "lightgbm/lightgbm_terminator.py": Spec(patches={"n_trials=50": "n_trials=25"}, timeout=600),
    "lightgbm/lightgbm_tuner_cv.py": Spec(timeout=400),
    "lightgbm/lightgbm_tuner_simple.py": Spec(timeout=400),
    "multi_objective/botorch_simple.py": Spec(patches={"n_trials=32": "n_trials=12"}),
    "multi_objective/pytorch_simple.py": Spec(
        patches={
            "n_trials=100": "n_trials=4",
        },
        optional=TORCH,
    ),
    "multi_objective/quadratic_simple.py": Spec(patches={"n_trials=500, timeout=1": "n_trials=30"}),
    "openml/openml_simple.py": Spec(skip=NOT_INSTALLABLE.format("openml", "and downloads its task data")),
    "pruners/wilcoxon_pruner_tsp_sa.py": Spec(
        patches={
            "N_TRIALS = 50": "N_TRIALS = 6",
            "N_SA_ITER = 10000": "N_SA_ITER = 300",
            "num_vertex=100": "num_vertex=30",
        }
    ),
    "pytorch/catalyst_simple.py": Spec(skip=NOT_INSTALLABLE.format("catalyst", "unmaintained, needs an old torch")),
    "pytorch/pytorch_checkpoint.py": Spec(
        patches={
            "n_trials=10": "n_trials=3",
        },
        optional=TORCH,
    ),
    "pytorch/pytorch_distributed_simple.py": Spec(
        patches={
            "n_trials = 20": "n_trials = 3",
        },
        optional=TORCH,
        env={"OMPI_COMM_WORLD_SIZE": "1", "OMPI_COMM_WORLD_RANK": "0"},
    ),
    "pytorch/pytorch_distributed_spawn.py": Spec(
        patches={
            "N_TRIALS = 20": "N_TRIALS = 3",
        },
        optional=TORCH,
        args=["--no-cuda", "--master-port", "29517"],
    ),
    "pytorch/pytorch_ignite_simple.py": Spec(
        patches={
            "n_trials=100": "n_trials=3",
        },
        optional=TORCH,
    ),
    "pytorch/pytorch_lightning_ddp.py": Spec(
        patches={
            "n_trials=100": "n_trials=2",
        },
        optional=TORCH,
        args=["--pruning"],
        timeout=400,
    ),
    "pytorch/pytorch_lightning_simple.py": Spec(
        patches={
            "n_trials=100": "n_trials=3",
        },
        optional=TORCH,
        args=["--pruning"],
    ),
    "pytorch/pytorch_simple.py": Spec(
        patches={
            "n_trials=100": "n_trials=3",
        },
        optional=TORCH,
    ),
    "pytorch/skorch_simple.py": Spec(
        patches={
            "n_trials=100": "n_trials=3",
            "SUBSET_RATIO = 0.4": "SUBSET_RATIO = 0.03",
            "max_epochs=20": "max_epochs=3",
        }
    ),
    "rapids/rapids_simple.py": Spec(skip="needs RAPIDS (cudf, cuml): a GPU"),
    "ray/ray_joblib.py": Spec(
        patches={
            "n_trials=100": "n_trials=3",
            "    ray.init()\n": "    ray.init(num_cpus=2, include_dashboard=False)\n",
        },
        timeout=300,
    ),
    "rl/sb3_simple.py": Spec(
        patches={
            "N_TRIALS = 100": "N_TRIALS = 3",
            "N_TIMESTEPS = int(2e4)": "N_TIMESTEPS = int(1e3)",
            "N_STARTUP_TRIALS = 5": "N_STARTUP_TRIALS = 1",
        }
    ),
    "samplers/simulated_annealing_sampler.py": Spec(patches={"n_trials=100": "n_trials=20"}),
    "samplers/warm_starting_cma.py": Spec(patches={"n_trials=50": "n_trials=20"}),
    "skimage/skimage_lbp_simple.py": Spec(patches={"n_trials=50": "n_trials=4"}),
    "sklearn/sklearn_additional_args.py": Spec(patches={"n_trials=100": "n_trials=4"}),
    "sklearn/sklearn_optuna_search_cv_simple.py": Spec(patches={"n_trials=100": "n_trials=4"}),
    "sklearn/sklearn_simple.py": Spec(patches={"n_trials=100": "n_trials=4"}),
    "spark/ask_and_tell_spark.py": Spec(
        skip=NOT_INSTALLABLE.format("pyspark", "a 300 MB wheel and a local Spark cluster; not attempted")
    ),
    "tensorboard/tensorboard_simple.py": Spec(
        skip=NOT_INSTALLABLE.format(
            "tensorflow", "TensorFlow, about 600 MB, not attempted in the time box; the script downloads MNIST"
        )
    ),
    "tensorflow/tensorflow_eager_simple.py": Spec(skip=NOT_INSTALLABLE.format("tensorflow", "and downloads MNIST")),
    "tensorflow/tensorflow_estimator_integration.py": Spec(
        skip=NOT_INSTALLABLE.format("tensorflow (estimator API, removed in TF 2.16)", "")
    ),
    "tensorflow/tensorflow_estimator_simple.py": Spec(
        skip=NOT_INSTALLABLE.format("tensorflow (estimator API, removed in TF 2.16)", "")
    ),
    "terminator/terminator_improvement_plot.py": Spec(patches={"n_trials=50": "n_trials=25"}, no_show=True),
    "terminator/terminator_search_cv.py": Spec(patches={"n_trials=100": "n_trials=25"}),
    "terminator/terminator_simple.py": Spec(patches={"n_trials=50": "n_trials=25"}, timeout=400),
    "tfkeras/tfkeras_integration.py": Spec(
        skip=NOT_INSTALLABLE.format("tensorflow, tensorflow-datasets", "downloads MNIST")
    ),
    "tfkeras/tfkeras_simple.py": Spec(skip=NOT_INSTALLABLE.format("tensorflow", "downloads MNIST")),
    "transformers/transformers_simple.py": Spec(
        skip=NOT_INSTALLABLE.format("transformers, datasets, evaluate", "downloads a model and a data set from a hub")
    ),
    "visualization/plot_pareto_front.py": Spec(patches={"n_trials=100": "n_trials=20"}, no_show=True),
    "visualization/plot_study.py": Spec(
        patches={
            'fmnist = fetch_openml(name="Fashion-MNIST", version=1)': (
                "import sklearn.datasets; _d = sklearn.datasets.load_digits(); "
                'fmnist = type("B", (), {"data": _d.data, "target": _d.target.astype(str)})'
            ),
            "n_trials=100": "n_trials=6",
            "for step in range(100):": "for step in range(5):",
        },
        no_show=True,
    ),
    "xgboost/xgboost_cv.py": Spec(patches={"n_trials=20": "n_trials=4"}),
    "xgboost/xgboost_cv_integration.py": Spec(patches={"n_trials=100": "n_trials=4"}),
    "xgboost/xgboost_integration.py": Spec(patches={"n_trials=100": "n_trials=4"}),
    "xgboost/xgboost_simple.py": Spec(patches={"n_trials=100": "n_trials=4"}),
}

TORCHVISION_STANDIN = '''
"""A stand-in for torchvision: MNIST, FashionMNIST and CIFAR10 are scikit-learn's digits (no download)."""
import numpy as np
import torch
from sklearn.datasets import load_digits

_digits = load_digits()
_images = np.pad(np.kron(_digits.images / 16.0, np.ones((3, 3))), ((0, 0), (2, 2), (2, 2)))
_images = (_images * 255).astype(np.uint8)


class _Digits(torch.utils.data.Dataset):
    """Digits 0-1399 tiled to 60,000 training images, 1400-1796 to 10,000 test images (28x28)."""

    def __init__(self, root=".", train=True, download=False, transform=None, target_transform=None):
        part = slice(0, 1400) if train else slice(1400, None)
        images, targets = _images[part], _digits.target[part]
        n = 60000 if train else 10000
        index = np.arange(n) % len(targets)
        self.data = torch.as_tensor(images[index])
        self.targets = torch.as_tensor(targets[index])
        self.transform, self.target_transform = transform, target_transform

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
'''
TRANSFORMS_STANDIN = """
import torch


class ToTensor:
    def __call__(self, image):
        t = torch.as_tensor(image, dtype=torch.float32) / 255.0
        return t.unsqueeze(0) if t.ndim == 2 else t.permute(2, 0, 1)


class Normalize:
    def __init__(self, mean, std):
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
"""


def write_standins(root: pathlib.Path) -> None:
    tv = root / "torchvision"
    (tv / "datasets").mkdir(parents=True, exist_ok=True)
    (tv / "__init__.py").write_text("from . import datasets, transforms\n")
    (tv / "datasets" / "__init__.py").write_text(TORCHVISION_STANDIN)
    (tv / "datasets" / "mnist.py").write_text("from . import FashionMNIST, MNIST  # noqa\n")
    (tv / "transforms.py").write_text(TRANSFORMS_STANDIN)
    # torchmetrics imports torchvision.models names when it finds a torchvision: stubs that refuse to run.
    (tv / "models.py").write_text(
        "def __getattr__(name):\n    def unavailable(*a, **k):\n"
        "        raise NotImplementedError(f'torchvision stand-in: no models.{name}')\n"
        "    return unavailable\n"
    )


def as_tunewise(source: str) -> str:
    """The migration docs/migrating-from-optuna.md describes, applied to the import lines only."""
    out = re.sub(
        r"^(\s*)import optuna\.integration\.(\w+) as", r"\1import tunewise.integration.\2 as", source, flags=re.M
    )
    out = re.sub(r"^(\s*)import optuna$", r"\1import tunewise as optuna", out, flags=re.M)
    out = re.sub(r"^(\s*)from optuna(\.| import )", r"\1from tunewise\2", out, flags=re.M)
    out = re.sub(r"^(\s*)from optuna_integration(\.| import )", r"\1from tunewise.integration\2", out, flags=re.M)
    out = re.sub(
        r"^(\s*)import optuna_integration$", r"\1import tunewise.integration as optuna_integration", out, flags=re.M
    )
    return out


BLOCK_OPTUNA = "import sys as _s; _s.modules['optuna'] = None; _s.modules['optuna_integration'] = None  # harness\n"
NO_SHOW = (
    "import plotly.graph_objects as _go; _go.Figure.show = lambda *a, **k: None  # harness\n"
    "import matplotlib; matplotlib.use('Agg')  # harness\n"
)


def prepare(path: str, source: str, spec: Spec, mode: str) -> str:
    for old, new in spec.patches.items():
        if old not in source:
            raise KeyError(f"{path}: patch text {old!r} not found")
        source = source.replace(old, new)
    for old, new in spec.optional.items():
        source = source.replace(old, new)
    prologue = NO_SHOW if spec.no_show else ""
    if mode == "tunewise":
        source, prologue = as_tunewise(source), BLOCK_OPTUNA + prologue
    # The prologue goes after a leading docstring / __future__ import, which must stay first.
    lines = source.splitlines(keepends=True)
    at = max((i + 1 for i, line in enumerate(lines) if line.startswith("from __future__")), default=0)
    return "".join(lines[:at]) + prologue + "".join(lines[at:])


def last_error(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_.]*(Error|Exception|Interrupt|Warning)\b.*:", line) or line.startswith("Traceback"):
            return line.strip()[:300]
    return lines[-1].strip()[:300] if lines else ""


def run(
    path: str, source: str, spec: Spec, mode: str, work: pathlib.Path, extra: str, python: str, tunewise_src: str = ""
) -> dict[str, object]:
    here = work / mode / path.replace("/", "__").removesuffix(".py")
    here.mkdir(parents=True, exist_ok=True)
    script = here / pathlib.Path(path).name
    script.write_text(prepare(path, source, spec, mode))
    path_entries = (
        tunewise_src and os.path.abspath(tunewise_src),
        str(work.resolve() / "standins"),
        extra and os.path.abspath(extra),
    )
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(p for p in path_entries if p),
        MPLBACKEND="Agg",
        WANDB_MODE="offline",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONWARNINGS="ignore",
        **spec.env,
    )
    start = time.monotonic()
    try:
        proc = subprocess.run(
            ["nice", "-n", "5", python, script.name, *spec.args],
            cwd=here,
            env=env,
            capture_output=True,
            text=True,
            timeout=spec.timeout,
        )
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out, err = -9, str(exc.stdout or ""), str(exc.stderr or "") + f"\nTimeout: over {spec.timeout} s"
    (here / "stdout.txt").write_text(out if isinstance(out, str) else out.decode())
    (here / "stderr.txt").write_text(err if isinstance(err, str) else err.decode())
    return {
        "ok": rc == 0,
        "rc": rc,
        "seconds": round(time.monotonic() - start, 1),
        "error": "" if rc == 0 else last_error(err),
    }


def table(optuna_json: str, before_json: str, after_json: str, causes: dict[str, str]) -> str:
    """A markdown table: each example, under Optuna, under tunewise before and after the fixes."""
    runs = [json.loads(pathlib.Path(p).read_text()) for p in (optuna_json, before_json, after_json)]
    modes = ("optuna", "tunewise", "tunewise")

    def cell(entry: dict[str, object], mode: str) -> str:
        result = entry.get(mode)
        if not isinstance(result, dict):
            return "not run"
        if result["ok"]:
            return f"ok ({result['seconds']} s)"
        return "FAIL: " + str(result["error"]).replace("|", "\\|")[:140]

    lines = ["| example | Optuna 5.1 | tunewise before | tunewise after | root cause / note |", "|---|---|---|---|---|"]
    counts = [0, 0, 0]
    paths = sorted(k for k in runs[2] if k != "commit")
    for path in paths:
        entries = [r.get(path) or {} for r in runs]
        if "skip" in entries[2]:
            reason = SPECS[path].skip if path in SPECS and SPECS[path].skip else entries[2]["skip"]
            lines.append(f"| {path} | skipped | skipped | skipped | {reason} |")
            continue
        cells = [cell(e, m) for e, m in zip(entries, modes)]
        for i, c in enumerate(cells):
            counts[i] += c.startswith("ok")
        lines.append(f"| {path} | {' | '.join(cells)} | {causes.get(path, '')} |")
    n_run = sum(1 for p in paths if "skip" not in (runs[2].get(p) or {}))
    head = (
        f"{n_run} examples run here, {len(paths) - n_run} skipped. Ran: Optuna {counts[0]}/{n_run}, "
        f"tunewise before {counts[1]}/{n_run}, tunewise after {counts[2]}/{n_run}."
    )
    return head + "\n\n" + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", default=MIRROR)
    parser.add_argument("--work", default="/tmp/optuna_examples/run")
    parser.add_argument("--extra", default="", help="pip --target folder with the examples' extra packages")
    parser.add_argument("--mode", choices=("optuna", "tunewise", "both"), default="both")
    parser.add_argument("--only", default="", help="run the examples whose path contains this text")
    parser.add_argument("--out", default="", help="merge the results into this JSON file")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument(
        "--table",
        nargs=3,
        metavar=("OPTUNA_JSON", "BEFORE_JSON", "AFTER_JSON"),
        help="print the markdown table of three result files (no run); --causes adds notes",
    )
    parser.add_argument("--causes", default="", help="JSON file: example path -> root cause / note")
    parser.add_argument("--resume", action="store_true", help="keep the results --out already has")
    parser.add_argument(
        "--tunewise-src",
        default="",
        help="a src/ folder whose tunewise is imported instead of the "
        "installed one (e.g. an older commit's, from git archive)",
    )
    args = parser.parse_args()
    if args.table:
        causes = json.loads(pathlib.Path(args.causes).read_text()) if args.causes else {}
        print(table(*args.table, causes))
        return
    work = pathlib.Path(args.work)
    write_standins(work / "standins")
    commit = subprocess.run(
        ["git", "-C", args.mirror, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    paths = [
        p
        for p in subprocess.run(
            ["git", "-C", args.mirror, "ls-tree", "-r", "--name-only", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        if p.endswith(".py") and args.only in p
    ]
    results: dict[str, object] = {}
    if args.out and pathlib.Path(args.out).exists():
        results = json.loads(pathlib.Path(args.out).read_text())
    results["commit"] = commit
    modes = ("optuna", "tunewise") if args.mode == "both" else (args.mode,)
    for path in paths:
        spec = SPECS.get(path, Spec(skip="not in this harness's list (new upstream?)"))
        entry = dict(results.get(path) or {})  # type: ignore[call-overload]
        if spec.skip:
            entry = {"skip": spec.skip}
        else:
            source = subprocess.run(
                ["git", "-C", args.mirror, "show", f"HEAD:{path}"], capture_output=True, text=True, check=True
            ).stdout
            entry.pop("skip", None)
            for mode in modes:
                if args.resume and mode in entry:
                    continue
                entry[mode] = run(path, source, spec, mode, work, args.extra, args.python, args.tunewise_src)
                print(
                    f"{path:55s} {mode:9s} {'ok ' if entry[mode]['ok'] else 'FAIL'} "
                    f"{entry[mode]['seconds']:6.1f}s {entry[mode]['error']}",
                    flush=True,
                )
        results[path] = entry
        if args.out:
            pathlib.Path(args.out).write_text(json.dumps(results, indent=1, sort_keys=True))
    print(
        textwrap.dedent(f"""
        {sum(1 for v in results.values() if isinstance(v, dict) and v.get("optuna", {}).get("ok"))} ok under optuna,
        {sum(1 for v in results.values() if isinstance(v, dict) and v.get("tunewise", {}).get("ok"))} ok under tunewise,
        {sum(1 for v in results.values() if isinstance(v, dict) and "skip" in v)} skipped""")
    )


if __name__ == "__main__":
    main()
