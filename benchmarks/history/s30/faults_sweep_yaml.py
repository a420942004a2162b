"""s30 faults, case 3a: a sweep file read while it is being written (an editor or `cat > f` that
writes it in place, not by rename), as `tunewise sweep run sweep.yaml` does when it resumes.

Every prefix of a sweep file (cut at each byte) is read as `sweep run` reads it; each is
classified: refused with a SweepConfigError (the file is not run), the same sweep, or **another
valid sweep** (what a resumed run would store as the sweep's record). For the last class the
probe says whether the resume check (metric, goal, parameter distributions) would refuse it, and
what changed otherwise (run_cap, method...). Then the same for one stored sweep resumed from each
prefix through the runner's own `_record_sweep` on a SQLite study: the record stored afterwards
is compared with the original.

    .venv/bin/python benchmarks/history/s30/faults_sweep_yaml.py [--writer-finishes] > ...
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from pathlib import Path

from tunewise.sweeps._config import SweepConfig, SweepConfigError
from tunewise.sweeps._runner import SWEEP_ATTR, SweepRunner

SWEEP = """\
name: s30-yaml
program: train.py
method: random
seed: 0
metric:
  name: loss
  goal: minimize
parameters:
  lr:
    min: 0.0001
    max: 0.1
    distribution: log_uniform_values
  layers:
    values: [1, 2, 3]
run_cap: 12
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--writer-finishes", action="store_true",
                    help="the writer completes the file 0.1 s after the prefix was read (else it stays cut)")
    args = ap.parse_args()
    d = Path(tempfile.mkdtemp(prefix="tw_s30_yaml_"))
    (d / "train.py").write_text("print('loss=1')\n")
    path = d / "sweep.yaml"
    path.write_text(SWEEP)
    full = SweepConfig.from_file(path)
    url = f"sqlite:///{d / 'tw.db'}"
    SweepRunner(full, storage=url, echo=None).create()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        original = SweepRunner(full, storage=url, echo=None)._record_sweep()[0].system_attrs[SWEEP_ATTR]
    classes: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for cut in range(len(SWEEP)):
        path.write_text(SWEEP[:cut])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cfg = SweepConfig.from_file(path)
        except SweepConfigError as e:
            key = "refused: " + str(e).split(": ", 1)[-1][:70]
            classes["refused (SweepConfigError)"] += 1
            examples.setdefault(key, f"cut {cut}")
            continue
        except Exception as e:  # noqa: BLE001 - a traceback a user would see
            classes[f"crashed: {type(e).__name__}"] += 1
            examples.setdefault(f"crashed: {type(e).__name__}: {str(e)[:80]}", f"cut {cut}")
            continue
        if cfg.to_dict() == full.to_dict():
            classes["same sweep"] += 1
            continue
        if args.writer_finishes:
            def finish() -> None:
                time.sleep(0.1)
                path.write_text(SWEEP)

            threading.Thread(target=finish).start()
        # Another valid sweep: what a resumed `sweep run` does with it.
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                study = SweepRunner(cfg, storage=url, echo=None)._record_sweep()[0]
        except SweepConfigError as e:
            time.sleep(0.2)
            classes["other sweep, resume refused"] += 1
            examples.setdefault("resume refused: " + str(e)[:90], f"cut {cut}")
            continue
        stored = study.system_attrs[SWEEP_ATTR]
        changed = sorted(k for k in set(stored["config"]) | set(original["config"])
                         if stored["config"].get(k) != original["config"].get(k))
        time.sleep(0.2)
        classes[f"other sweep, STORED over the sweep's record (changed: {', '.join(changed)})"] += 1
        examples.setdefault(f"stored: changed {changed}", f"cut {cut}: ...{SWEEP[max(0, cut - 20):cut]!r}")
        study.set_system_attr(SWEEP_ATTR, original)  # back, for the next cut
    print(f"writer finishes: {args.writer_finishes}")
    print(f"{len(SWEEP)} prefixes of a {len(SWEEP)}-byte sweep file")
    for k, n in classes.most_common():
        print(f"{n:4d}  {k}")
    print("examples:")
    for k, v in examples.items():
        print(f"  {v}: {k}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
