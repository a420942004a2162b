"""Session 31: third-party W&B sweep configurations, W&B's validator and engine against tunewise's parser.

Session 25's probe (``../s25/wandb_wild4_configs.py``: W&B's validator and ``next_run`` against tunewise's
``SweepConfig``, 1000 draws of each engine compared per parameter, the command line of one run, hyperband bands,
``run_cap``), as sessions 26 and 30 used it, with this batch's configurations, from repositories named in no file
under ``benchmarks/history`` or ``docs/`` (checked with ``grep -rliF``). One configuration is assembled at run time
by its program (``CUNY-CL/yoyodyne`` ``examples/wandb_sweeps/make_wandb_sweep.py``: ``{"method": args.method,
"metric": {"goal": "maximize", "name": "val_accuracy"}, "parameters": HPARAMS}``); it is built here the same way
with the program's argparse default (``random``).

    PYTHONPATH=<tunewise src> /work/venvs/compat30/bin/python benchmarks/history/s31/wandb_wild11_configs.py \
        > wandb_wild11_configs_before.jsonl          # and the after src, wandb_wild11_configs_after.jsonl
    /work/venvs/compat30/bin/python benchmarks/history/s31/wandb_wild11_configs.py --report BEFORE AFTER

W&B's engine is wandb/sweeps' ``src/sweeps`` at its mirror's HEAD, extracted to ``/tmp/wandb_sweeps/sweepspkg``
(``git --git-dir /work/.mirror/wandb+sweeps/repo archive HEAD src/sweeps``); ``jsonref`` and W&B 0.31 are in the
interpreter's site-packages.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild4_configs", HERE.parent / "s25" / "wandb_wild4_configs.py")
assert _spec is not None and _spec.loader is not None
C25 = importlib.util.module_from_spec(_spec)
sys.modules["wandb_wild4_configs"] = C25
_spec.loader.exec_module(C25)

YOYO = "CUNY-CL/yoyodyne"

# (name, repo, commit, path, variable for a Python file, "" for YAML, "yoyo:<method>" for the assembled one)
C25.SOURCES[:] = [
    ("yoyodyne_bayes_dotted_q_uniform_constants", YOYO, "7a84f2c309920efc91fa8bf3c091ce9c7124c667",
     "examples/wandb_sweeps/configs/grid.yaml", ""),
    ("yoyodyne_assembled_random_q_uniform", YOYO, "3af125fea312cd53ee6e9253471d02077f02e815",
     "examples/wandb_sweeps/make_wandb_sweep.py", "yoyo:random"),
    ("athena_random_int_and_float_ranges", "nedtaylor/athena", "30046ea482287614e6645f3c6ddf2a8a424899ed",
     "tools/sweep_initialise.py", "sweep_configuration"),
    ("peter_grid_values_and_constants", "Peter-Akos/boilerplate-detection", "3aa38662dcddf81ee0406eb470f55d21a3dd7a06",
     "sweep_config.py", "sweep_config"),
]

_load = C25.load


def load(repo: str, rev: str, path: str, var: str) -> tuple[dict[str, Any], str, str]:
    """``yoyo:<method>``: make_wandb_sweep.py's make_sweep() with its argparse default; anything else as in s25."""
    if not var.startswith("yoyo:"):
        return _load(repo, rev, path, var)
    text = C25.git(repo, "show", f"{rev}:{path}")
    cfg = {
        "method": var.split(":", 1)[1],  # --method default
        "metric": {"goal": "maximize", "name": "val_accuracy"},
        "parameters": C25.python_dict(text, "HPARAMS"),
    }
    return cfg, text, rev[:12]


C25.load = load


def _create_path() -> None:
    """A YAML file without ``program`` is read as ``tunewise sweep create FILE`` reads it (``require_program=False``,
    755d369), where the tunewise under test has that path; an older one reads it as ``tunewise sweep run`` does."""
    from tunewise.sweeps import SweepConfig

    original = SweepConfig.from_file.__func__  # type: ignore[attr-defined]

    def from_file(cls: Any, path: Any, **kw: Any) -> Any:
        if "program:" not in Path(path).read_text():
            try:
                return original(cls, path, require_program=False, **kw)
            except TypeError:  # before 755d369: no require_program
                pass
        return original(cls, path, **kw)

    SweepConfig.from_file = classmethod(from_file)  # type: ignore[method-assign, assignment]


if __name__ == "__main__":
    if "--report" in sys.argv:
        i = sys.argv.index("--report")
        C25.report(sys.argv[i + 1], sys.argv[i + 2])
    else:
        _create_path()
        C25.main()
