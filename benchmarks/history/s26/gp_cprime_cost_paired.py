"""Session 26: sampler CPU per trial of the default's GP with the dev switch ``_integer_search`` off
or on, from the src given (first on sys.path: main's for the default, C's or C''s worktree), on
three cheap synthetic spaces, so that the sampler's CPU is nearly all the process's CPU:

- ``mixed``: the 7 parameters of test_gp.py's every-kind-of-distribution test (3 ints, a stepped
  float, 2 floats, a categorical of 3);
- ``cat+float``: 2 categoricals (3 and 4 choices) and 2 floats, like sgd-classif;
- ``ints``: 3 ints (one log) and 2 floats, like gbr-swissroll.

60 trials per run (GPSampler, 10 start-up trials); prints CPU ms per trial over the whole run.
The probes' ``opt_cpu_ms`` of runs in fresh processes also holds the first trial's imports.

    nice -n 10 .venv/bin/python benchmarks/history/s26/gp_cprime_cost_paired.py SRC on|off SEED [SEED ...]
"""

from __future__ import annotations

import math
import sys
import time

sys.path.insert(0, sys.argv[1])
import tunewise as tw  # noqa: E402


def mixed(t: tw.Trial) -> float:
    x = t.suggest_float("x", -2.0, 2.0)
    lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
    q = t.suggest_float("q", 0.0, 1.0, step=0.25)
    n = t.suggest_int("n", 1, 9)
    k = t.suggest_int("k", 2, 20, step=3)
    w = t.suggest_int("w", 1, 1000, log=True)
    opt = t.suggest_categorical("opt", ["adam", "sgd", "rmsprop"])
    return (x - 0.5) ** 2 + (math.log10(lr) + 3) ** 2 + q + abs(n - 4) + k / 20 + math.log(w) / 7 + (opt != "sgd")


def cat_float(t: tw.Trial) -> float:
    a = t.suggest_categorical("a", ["l1", "l2", "en"])
    b = t.suggest_categorical("b", ["hinge", "log", "huber", "sq"])
    x = t.suggest_float("x", 1e-6, 1.0, log=True)
    y = t.suggest_float("y", 0.0, 1.0)
    return (math.log10(x) + 3 + (a == "l1")) ** 2 / 9 + (y - 0.3) ** 2 + 0.3 * (b != "log") + 0.1 * (a == "en")


def ints(t: tw.Trial) -> float:
    n = t.suggest_int("n", 10, 200, log=True)
    d = t.suggest_int("d", 1, 8)
    m = t.suggest_int("m", 1, 40)
    lr = t.suggest_float("lr", 1e-3, 1.0, log=True)
    s = t.suggest_float("s", 0.4, 1.0)
    return abs(math.log(n / 80)) + (d - 3) ** 2 / 10 + abs(m - 7) / 20 + (math.log10(lr) + 1) ** 2 + (s - 0.8) ** 2


def main() -> None:
    tw.logging.set_verbosity(tw.logging.ERROR)
    on = sys.argv[2] == "on"
    tw.create_study(sampler=tw.samplers.GPSampler(seed=0)).optimize(ints, n_trials=12)  # warm the imports
    for seed in map(int, sys.argv[3:]):
        for name, fn in (("mixed", mixed), ("cat+float", cat_float), ("ints", ints)):
            sampler = tw.samplers.GPSampler(seed=seed)
            sampler._integer_search = on
            study = tw.create_study(sampler=sampler)
            t0 = time.process_time()
            study.optimize(fn, n_trials=60)
            ms = (time.process_time() - t0) * 1000 / 60
            print(
                f"{sys.argv[1]} switch={sys.argv[2]} {name} seed {seed}: {ms:.1f} ms per trial, "
                f"best {study.best_value:.4f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
