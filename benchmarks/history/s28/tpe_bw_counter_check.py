"""Check that tpe_bw.py's TPE_BW_CALLS counter sees the AutoSampler's inner TPE when it proposes
(a conditional space, where the AutoSampler hands proposals to TPE): bar 3's zero count is then
meaningful. Prints the number of counted proposals (18 on 2026-12-07).

    TPE_BW_CALLS=/tmp/calls.txt .venv/bin/python benchmarks/history/s28/tpe_bw_counter_check.py && wc -l /tmp/calls.txt
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import tpe_bw  # noqa: E402,F401  (installs the patch)
from _dev_settings import apply_setting  # noqa: E402

import tunewise as tw  # noqa: E402

sampler = tw.samplers.AutoSampler(seed=0)
apply_setting(sampler, "tpe._bw=A_fG")
study = tw.create_study(sampler=sampler)


def objective(t: tw.Trial) -> float:
    if t.suggest_categorical("k", ["a", "b"]) == "a":
        return t.suggest_float("xa", 0, 1)
    return 1 + t.suggest_float("xb", 0, 1)


study.optimize(objective, n_trials=25)
