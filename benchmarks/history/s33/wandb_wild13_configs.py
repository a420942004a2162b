"""Session 33: third-party W&B sweep configurations from web pages, W&B's validator and engine against tunewise's
parser.

Session 25's harness (``../s25/wandb_wild4_configs.py``: W&B's validator and ``next_run`` against tunewise's
``SweepConfig.from_file``, 1000 draws of each engine compared per parameter (types, value sets, frequencies within
0.08, ranges), the command line of one run, hyperband bands, ``run_cap``), as sessions 26 and 30-32 used it. This
batch's configurations are the sweep files of four tutorial pages (the code search's named repositories for the
brief's sweep keys were W&B's own documentation or repositories of earlier batches). Each page shows its YAML with the
indentation lost in the stored text; ``PAGES`` holds it re-indented, nothing else changed (key order, values, the
keys W&B does not know). ``page:`` sources are read from ``PAGES`` as YAML files, as ``wandb sweep FILE`` and
``tunewise sweep run FILE`` read them.

    PYTHONPATH=<tunewise src> /work/venvs/compat30/bin/python benchmarks/history/s33/wandb_wild13_configs.py \
        > wandb_wild13_configs_<rev>.jsonl

W&B's engine is wandb/sweeps' ``src/sweeps`` extracted to ``/tmp/wandb_sweeps/sweepspkg`` (as s25-s32).
"""

# ruff: noqa: E501 - page addresses kept on one line
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild4_configs", HERE.parent / "s25" / "wandb_wild4_configs.py")
assert _spec is not None and _spec.loader is not None
C25 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild4_configs"] = C25
_spec.loader.exec_module(C25)

NB = "https://theneuralbase.com/weights-biases/learn"
PAGES: dict[str, tuple[str, str]] = {
    "neuralbase_programmatic_early_stopping_log_uniform.yaml": (f"{NB}/intermediate/programmatic-sweep-creation/", """\
name: mnist-learning-rate-search
description: Bayesian search over learning rate, batch size, and dropout
project: ml-experiments
method: bayes
metric:
  name: val_accuracy
  goal: maximize
early_stopping:
  type: hyperband
  min_iter: 3
  max_iter: 20
parameters:
  learning_rate:
    distribution: log_uniform
    min: -5
    max: -1
  batch_size:
    values: [16, 32, 64, 128]
  dropout:
    distribution: uniform
    min: 0.0
    max: 0.5
  optimizer:
    values: [adam, sgd, rmsprop]
command:
  - python
  - train.py
  - ${args}
"""),
    "neuralbase_bayes_hyperband_min_iter.yaml": (f"{NB}/beginner/random-grid-bayesian-search/", """\
program: train.py
method: bayes
metric:
  name: val_accuracy
  goal: maximize
parameters:
  learning_rate:
    min: 0.0001
    max: 0.1
  batch_size:
    values: [16, 32, 64, 128]
  dropout:
    min: 0.1
    max: 0.5
  optimizer:
    values: [adam, sgd, rmsprop]
early_terminate:
  type: hyperband
  min_iter: 3
"""),
    "neuralbase_right_random_hyperband_s.yaml": (f"{NB}/beginner/random-grid-bayesian-search/ (its 'Right' example)", """\
method: random
metric:
  name: val_loss
  goal: minimize
parameters:
  learning_rate:
    min: 0.00001
    max: 0.1
  batch_size:
    values: [16, 32, 64]
early_terminate:
  type: hyperband
  min_iter: 2
  s: 5
"""),
    "neuralbase_wrong_bare_values.yaml": (f"{NB}/beginner/random-grid-bayesian-search/ (its 'Wrong' example)", """\
method: random
parameters:
  learning_rate: 0.001
  batch_size: 32
early_terminate: true
"""),
    "neuralbase_scale_early_stopping_hypervolume.yaml": (f"{NB}/advanced/run-comparison-at-scale/", """\
program: train.py
method: bayes
metric:
  name: val_accuracy
  goal: maximize
parameters:
  learning_rate:
    distribution: log_uniform
    min: 1e-5
    max: 1e-1
  batch_size:
    values: [16, 32, 64, 128]
  dropout:
    distribution: uniform
    min: 0.1
    max: 0.5
  optimizer:
    values: [adam, sgd, rmsprop]
early_stopping:
  type: hypervolume
  s: 3
  min_iter: 5
  min_loss: 0.1
"""),
    "adhdecode_bayes_int_uniform.yaml": ("https://adhdecode-articles-4.pages.dev/articles/wandb/wandb-sweep-bayesian-optimization-guide", """\
program: train.py
method: bayes
metric:
  goal: maximize
  name: accuracy
parameters:
  learning_rate:
    distribution: uniform
    max: 0.1
    min: 0.0001
  batch_size:
    distribution: int_uniform
    max: 128
    min: 16
"""),
}

# A file whose early_terminate is not a mapping stops s25's band arithmetic: validator verdicts only (``verdicts``).
VERDICT_ONLY = ["neuralbase_wrong_bare_values.yaml"]
C25.SOURCES[:] = [(Path(k).stem, "page", "-", k, "") for k in PAGES if k not in VERDICT_ONLY]
_load = C25.load


def load(repo: str, rev: str, path: str, var: str) -> tuple[dict[str, Any], str, str]:
    if repo == "page":
        url, text = PAGES[path]
        return yaml.safe_load(text), text, url
    return _load(repo, rev, path, var)


C25.load = load


def _as_wandb_sweep_file() -> None:
    """A file without ``program`` is what ``wandb sweep FILE`` stores for a Python function agent; tunewise's
    counterpart is ``tunewise sweep create FILE`` (``require_program=False``, s31), not ``sweep run``."""
    from tunewise.sweeps import SweepConfig

    original = SweepConfig.from_file.__func__  # type: ignore[attr-defined]

    def from_file(cls: Any, path: Any, *, check_program: bool = True, require_program: bool = True) -> Any:
        data = yaml.safe_load(Path(path).read_text())
        if isinstance(data, dict) and "program" not in data:
            require_program = False
        return original(cls, path, check_program=check_program, require_program=require_program)

    SweepConfig.from_file = classmethod(from_file)  # type: ignore[method-assign]


def verdicts() -> None:
    import json
    import tempfile
    import warnings

    from tunewise.sweeps import SweepConfig

    for key in VERDICT_ONLY:
        url, text = PAGES[key]
        row: dict[str, Any] = {"name": Path(key).stem, "source": url, "wandb": C25.wandb_verdict(yaml.safe_load(text))}
        with warnings.catch_warnings(record=True) as caught, tempfile.TemporaryDirectory() as d:
            warnings.simplefilter("always")
            p = Path(d) / key
            p.write_text(text)
            try:
                SweepConfig.from_file(p, check_program=False)
                row["tunewise"] = "valid"
            except Exception as e:  # noqa: BLE001
                row["tunewise"] = f"invalid: {type(e).__name__}: {e}"[:400]
        row["tunewise_warnings"] = sorted({str(w.message)[:200] for w in caught})
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    sys.path.insert(0, "/tmp/wandb_sweeps/sweepspkg/src")
    if "--report" in sys.argv:
        i = sys.argv.index("--report")
        C25.report(sys.argv[i + 1], sys.argv[i + 2])
    else:
        _as_wandb_sweep_file()
        C25.main()
        verdicts()
