"""s27: maxburger4real's loss-cutoff grid run to its end (--count 6, the repository's own flag) under tunewise, so the
three points with loss_cutoff None run too (the harness's setup stops at the repository's --count 3).

    .venv/bin/python benchmarks/history/s27/wandb_wild7_maxburger_count6.py --mode tunewise --work /tmp/s27w7/c6 \
        --tunewise-src /tmp/s27w7/after/src
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("wandb_wild7", HERE / "wandb_wild7.py")
assert _spec is not None and _spec.loader is not None
W7 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(W7)
H = W7.H

if __name__ == "__main__":
    args = sys.argv[1:]
    work = Path(args[args.index("--work") + 1])
    src = args[args.index("--tunewise-src") + 1]
    setup = H.SETUPS["maxburger_grid_none_update"]
    setup = dataclasses.replace(setup, args=tuple("6" if a == "3" else a for a in setup.args))
    r = H.run_tunewise("maxburger_grid_none_update", setup, work, src)
    db = work / "tunewise" / "maxburger_grid_none_update" / "harness_tunewise.db"
    read = (
        "import json, sys, tunewise as tw\n"
        "s = sys.argv[1]\n"
        "for n in tw.get_all_study_names(s):\n"
        "    for t in tw.load_study(study_name=n, storage=s).trials:\n"
        "        print(json.dumps({'number': t.number, 'state': t.state.name, 'params': t.params}))\n"
    )
    got = H.subprocess.run(
        [H.PY, "-c", read, f"sqlite:///{db}"], capture_output=True, text=True, check=True, env={"PYTHONPATH": src}
    )
    print(json.dumps({"args": list(setup.args), "rc": r["rc"], "states": r["states"]}))
    print(got.stdout, end="")
