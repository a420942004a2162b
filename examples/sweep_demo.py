"""Run the two example sweeps end to end in a few seconds (what `tunewise sweep run` does).

- examples/sweep_train.yaml: a plain argparse scikit-learn script (SGD on digits), TPE, with
  hyperband early termination killing runs that fall behind at epochs 2 and 4.
- examples/sweep_shell.yaml: a shell script printing `branin=...` lines, tuned by a GP.

From the command line the same sweeps are:

    tunewise sweep run examples/sweep_train.yaml --workers 2
    tunewise sweep status sgd-digits --storage sqlite:///out/sweeps.db
    tunewise sweep agent sgd-digits --storage sqlite:///out/sweeps.db   # more workers, anywhere

Outputs (a SQLite study and one log per run) go under ./out/sweep_demo/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tunewise.sweeps import SweepConfig, SweepRunner, format_status, sweep_status

HERE = Path(__file__).resolve().parent
OUT = Path("out") / "sweep_demo"
QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"


def run(sweep_file: str, run_cap: int) -> None:
    config = SweepConfig.from_file(HERE / sweep_file)
    config.run_cap = run_cap  # a small budget for the demo; the file asks for more
    url = f"sqlite:///{(OUT / 'sweeps.db').resolve()}"
    SweepRunner(config, storage=url, log_dir=OUT / "runs" / config.name, echo=print).run()
    print(format_status(sweep_status(config.name, url)))
    print()


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)  # start fresh: the same names would resume the old sweeps
    OUT.mkdir(parents=True)
    run("sweep_train.yaml", run_cap=4 if QUICK else 12)
    run("sweep_shell.yaml", run_cap=10 if QUICK else 20)
