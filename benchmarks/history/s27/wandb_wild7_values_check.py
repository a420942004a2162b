"""Session 27: the runs tunewise made, each run again under W&B offline with the same values: the same metric?

Session 26's check (``../s26/wandb_wild6_values_check.py``) on this batch's harness (``wandb_wild7.py``).

For each setup named, reads the COMPLETE runs tunewise stored (``--from``: the tunewise work folder of
``wandb_wild7.py``), runs the program once per run under W&B offline (wandb 0.31, the harness's W&B mode with
its values forced) and reads the metric from the run's own ``.wandb`` file: the last logged value, or the
summary's where the program sets it (``run.summary[...] = ...``). Prints one JSON line per run.

    .venv/bin/python benchmarks/history/s27/wandb_wild7_values_check.py --mode wandb \
        --from /tmp/s27w7/wb/after/tunewise --work /tmp/s27w7/check sleepingtalent_xgb_step ...
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.argv[1:1] = []  # the harness reads --mode from sys.argv: this script is called with --mode wandb
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("wandb_wild7", HERE / "wandb_wild7.py")
assert _spec is not None and _spec.loader is not None
W6 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(W6)
H = W6.H

READ = r"""
import json, sys
import tunewise as tw
s = sys.argv[1]
out = []
for n in tw.get_all_study_names(s):
    for t in tw.load_study(study_name=n, storage=s).trials:
        if t.state.name == "COMPLETE":
            out.append({"number": t.number, "params": t.params, "value": t.value})
print(json.dumps(out))
"""


def main() -> None:
    args = sys.argv[1:]
    src = Path(args[args.index("--from") + 1])
    work = Path(args[args.index("--work") + 1])
    names = [a for a in args if a in H.SETUPS]
    for name in names:
        setup = H.SETUPS[name]
        got = subprocess.run(
            [H.PY, "-c", READ, f"sqlite:///{src / name / 'harness_tunewise.db'}"],
            check=True,
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(H.ROOT / "src")},
        )
        for t in json.loads(got.stdout):
            r = H.run_wandb(name, setup, work, values=t["params"])
            files = sorted((work / "wandb" / name).rglob("*.wandb"))
            read = (
                subprocess.run(
                    [H.PY, str(HERE.parent / "s26" / "wandb_wild6_read_run.py"), str(files[-1])],
                    check=True,
                    capture_output=True,
                    text=True,
                    env={"PYTHONPATH": W6.WANDB_PKG},
                )
                if files
                else None
            )
            data = json.loads(read.stdout) if read else {}
            metric = r.get("metric")
            wb = data.get("summary", {}).get(metric)
            print(
                json.dumps(
                    {
                        "setup": name,
                        "run": t["number"],
                        "params": t["params"],
                        "tunewise": t["value"],
                        "wandb_rc": r["rc"],
                        "wandb_summary": wb,
                        "same": wb is not None and abs(wb - t["value"]) <= 1e-6 * max(1.0, abs(wb)),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
