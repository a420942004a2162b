"""Run optuna-examples' Keras / TensorFlow / TensorBoard scripts under Optuna and under tunewise.

The session-18 harness (``benchmarks/history/s18/optuna_examples.py``) with these scripts' specs: each is
written with its budget shrunk (fewer trials, epochs and examples) and MNIST / Fashion-MNIST replaced
by scikit-learn's bundled digits (tiled to MNIST's 60,000 / 10,000 28x28 uint8 images, no download),
then run in a subprocess of a separate TensorFlow venv: once as written (``--mode optuna``, the
harness check, with optuna and optuna-integration installed) and once with the imports changed as
docs/migrating-from-optuna.md says (``--mode tunewise``, optuna and optuna_integration blocked).

    python3 -m venv /work/venvs/tf
    /work/venvs/tf/bin/pip install tensorflow-cpu tensorboard optuna optuna-integration scikit-learn pandas \\
        cloudpickle click moocore cmaes
    /work/venvs/tf/bin/pip install --no-deps -e /work/main
    .venv/bin/python benchmarks/history/s19/optuna_examples_tf.py --python /work/venvs/tf/bin/python \\
        --mode optuna --out optuna.json
    .venv/bin/python benchmarks/history/s19/optuna_examples_tf.py --python /work/venvs/tf/bin/python \\
        --mode tunewise --tunewise-src /tmp/before/src --out before.json    # git archive <commit> src
    .venv/bin/python benchmarks/history/s19/optuna_examples_tf.py --python /work/venvs/tf/bin/python \\
        --mode tunewise --out after.json
    .venv/bin/python benchmarks/history/s19/optuna_examples_tf.py --table optuna.json before.json after.json \
        --causes causes.json

``tensorflow_datasets`` (tfkeras_integration.py's MNIST loader) is a stand-in written here that serves
the digits as a ``tf.data.Dataset`` of ``{"image", "label"}`` dicts.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "s18"))
import optuna_examples as s18  # noqa: E402 - the session-18 harness this one extends

Spec = s18.Spec
LOAD = "__import__('harness_digits').load_data"
ESTIMATOR = (
    "tf.estimator is gone from TensorFlow >= 2.16 (TF 2.21 has no tf.estimator; tensorflow-estimator's last "
    "release is 2.15): under Optuna with TF 2.21 the script stops at once with its own 'RuntimeError: "
    "tensorflow<2.16.0 is required for this example.'; not run"
)

SPECS: dict[str, s18.Spec] = {
    "keras/keras_simple.py": Spec(
        patches={
            "mnist.load_data()": f"{LOAD}()",
            "N_TRAIN_EXAMPLES = 3000": "N_TRAIN_EXAMPLES = 600",
            "N_VALID_EXAMPLES = 1000": "N_VALID_EXAMPLES = 300",
            "EPOCHS = 10": "EPOCHS = 2",
            "n_trials=100": "n_trials=3",
        },
        timeout=400,
    ),
    "keras/keras_integration.py": Spec(
        patches={
            "mnist.load_data()": f"{LOAD}()",
            "N_TRAIN_EXAMPLES = 3000": "N_TRAIN_EXAMPLES = 600",
            "N_VALID_EXAMPLES = 1000": "N_VALID_EXAMPLES = 300",
            "EPOCHS = 20": "EPOCHS = 4",
            "n_trials=100": "n_trials=7",
            "verbose=1,": "verbose=0,",
        },
        timeout=400,
    ),
    "tfkeras/tfkeras_simple.py": Spec(
        patches={
            "mnist.load_data()": f"{LOAD}()",
            "N_TRAIN_EXAMPLES = 3000": "N_TRAIN_EXAMPLES = 600",
            "N_VALID_EXAMPLES = 1000": "N_VALID_EXAMPLES = 300",
            "EPOCHS = 10": "EPOCHS = 2",
            "n_trials=100": "n_trials=3",
        },
        timeout=400,
    ),
    "tfkeras/tfkeras_integration.py": Spec(
        patches={
            "EPOCHS = 20": "EPOCHS = 4",
            "VALIDATION_STEPS = 30": "VALIDATION_STEPS = 3",
            "n_trials=25": "n_trials=5",
        },
        timeout=400,
    ),
    "tensorboard/tensorboard_simple.py": Spec(
        patches={
            "fashion_mnist.load_data()": f"{LOAD}(3000, 1000)",
            "n_trials=10": "n_trials=3",
            "model.fit(x_train, y_train, epochs=1)": "model.fit(x_train, y_train, epochs=1, verbose=0)",
            "model.evaluate(x_test, y_test)": "model.evaluate(x_test, y_test, verbose=0)",
        },
        timeout=400,
    ),
    "tensorflow/tensorflow_eager_simple.py": Spec(
        patches={
            "mnist.load_data()": f"{LOAD}()",
            # take() counts batches here: 3000 batches of 128 is the whole of MNIST, every epoch.
            "N_TRAIN_EXAMPLES = 3000": "N_TRAIN_EXAMPLES = 5",
            "N_VALID_EXAMPLES = 1000": "N_VALID_EXAMPLES = 3",
            "n_trials=100": "n_trials=3",
        },
        timeout=400,
    ),
    "tensorflow/tensorflow_estimator_integration.py": Spec(skip=ESTIMATOR),
    "tensorflow/tensorflow_estimator_simple.py": Spec(skip=ESTIMATOR),
}

DIGITS = '''
"""MNIST's load_data() from scikit-learn's digits: 28x28 uint8, digits 0-1399 tiled to the training
images, 1400-1796 to the test images (no download)."""
import numpy as np
from sklearn.datasets import load_digits

_digits = load_digits()
_images = np.pad(np.kron(_digits.images / 16.0, np.ones((3, 3))), ((0, 0), (2, 2), (2, 2)))
_images = (_images * 255).astype(np.uint8)
_labels = _digits.target.astype(np.uint8)


def _part(train, n):
    part = slice(0, 1400) if train else slice(1400, None)
    index = np.arange(n) % len(_labels[part])
    return _images[part][index], _labels[part][index]


def load_data(n_train=60000, n_test=10000):
    return _part(True, n_train), _part(False, n_test)
'''
TFDS = '''
"""A stand-in for tensorflow_datasets: load("mnist") serves the digits (harness_digits), no download."""
import harness_digits
import tensorflow as tf


class Split:
    TRAIN = "train"
    TEST = "test"


def load(name, split, shuffle_files=False):
    if name != "mnist":
        raise NotImplementedError(f"tensorflow_datasets stand-in: only mnist, not {name!r}")
    images, labels = harness_digits._part(split == Split.TRAIN, 60000 if split == Split.TRAIN else 10000)
    return tf.data.Dataset.from_tensor_slices({"image": images[..., None], "label": labels.astype("int64")})
'''


def write_standins(root: pathlib.Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "harness_digits.py").write_text(DIGITS)
    (root / "tensorflow_datasets").mkdir(exist_ok=True)
    (root / "tensorflow_datasets" / "__init__.py").write_text(TFDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", default=s18.MIRROR)
    parser.add_argument("--work", default="/tmp/optuna_examples_tf/run")
    parser.add_argument("--mode", choices=("optuna", "tunewise"), default="tunewise")
    parser.add_argument("--only", default="", help="run the examples whose path contains this text")
    parser.add_argument("--out", default="", help="merge the results into this JSON file")
    parser.add_argument("--python", default="/work/venvs/tf/bin/python", help="the TensorFlow venv's python")
    parser.add_argument("--tunewise-src", default="", help="a src/ folder whose tunewise is imported instead")
    parser.add_argument("--table", nargs=3, metavar=("OPTUNA_JSON", "BEFORE_JSON", "AFTER_JSON"),
                        help="print the markdown table of three result files (no run); --causes adds notes")
    parser.add_argument("--causes", default="", help="JSON file: example path -> root cause / note")
    args = parser.parse_args()
    if args.table:
        s18.SPECS.update(SPECS)  # this harness's skip reasons, not session 18's "not installed"
        causes = json.loads(pathlib.Path(args.causes).read_text()) if args.causes else {}
        print(s18.table(*args.table, causes))
        return
    work = pathlib.Path(args.work)
    write_standins(work / "standins")
    results: dict[str, object] = {}
    if args.out and pathlib.Path(args.out).exists():
        results = json.loads(pathlib.Path(args.out).read_text())
    results["commit"] = subprocess.run(
        ["git", "-C", args.mirror, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    for path, spec in SPECS.items():
        if args.only not in path:
            continue
        entry = dict(results.get(path) or {})  # type: ignore[call-overload]
        if spec.skip:
            entry = {"skip": spec.skip}
        else:
            source = subprocess.run(
                ["git", "-C", args.mirror, "show", f"HEAD:{path}"], capture_output=True, text=True, check=True
            ).stdout
            # TF's C++ logging and oneDNN notices go to stderr; the last error line stays readable.
            spec.env.update({"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"})
            entry.pop("skip", None)
            entry[args.mode] = result = s18.run(path, source, spec, args.mode, work, "", args.python,
                                                args.tunewise_src)
            print(f"{path:50s} {args.mode:9s} {'ok ' if result['ok'] else 'FAIL'} {result['seconds']:6.1f}s "
                  f"{result['error']}", flush=True)
        results[path] = entry
        if args.out:
            pathlib.Path(args.out).write_text(json.dumps(results, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
