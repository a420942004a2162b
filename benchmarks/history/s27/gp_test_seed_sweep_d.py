"""Session 27, criterion 4(b) of ``gp_d_decision.txt``: the per-seed body of
``tests/samplers/test_gp.py::test_proposals_are_inside_every_kind_of_distribution`` run on seeds
FIRST..LAST with GPSampler's dev switch ``_integer_search`` on (D) or off (the default), from the src
given (put first on sys.path). Unlike session 26's ``gp_test_seed_sweep.py`` it checks every per-seed
assertion of the test: every value inside its distribution, ``n`` and ``w`` ints, best ``opt`` ==
"sgd", ``|best n - 4| <= 1`` and best value < 1.5. It prints the late "sgd" count too (the test's
aggregate, >= 12 of 24 over its 4 seeds).

    nice -n 10 .venv/bin/python benchmarks/history/s27/gp_test_seed_sweep_d.py SRC on|off FIRST LAST
"""

from __future__ import annotations

import math
import sys

sys.path.insert(0, sys.argv[1])
import tunewise as tw  # noqa: E402


def objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", -2.0, 2.0)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    q = trial.suggest_float("q", 0.0, 1.0, step=0.25)
    n = trial.suggest_int("n", 1, 9)
    k = trial.suggest_int("k", 2, 20, step=3)
    w = trial.suggest_int("w", 1, 1000, log=True)
    opt = trial.suggest_categorical("opt", ["adam", "sgd", "rmsprop"])
    return (x - 0.5) ** 2 + (math.log10(lr) + 3) ** 2 + q + abs(n - 4) + k / 20 + math.log(w) / 7 + (opt != "sgd")


def main() -> None:
    tw.logging.set_verbosity(tw.logging.ERROR)
    on = sys.argv[2] == "on"
    print(f"# {tw.__file__}, _integer_search={on}")
    fails = 0
    for seed in range(int(sys.argv[3]), int(sys.argv[4]) + 1):
        sampler = tw.samplers.GPSampler(seed=seed)
        sampler._integer_search = on
        study = tw.create_study(sampler=sampler)
        study.optimize(objective, n_trials=30)
        dists = study.distributions
        valid = all(dists[k].contains(v) for t in study.trials for k, v in t.params.items()) and all(
            isinstance(t.params["n"], int) and isinstance(t.params["w"], int) for t in study.trials
        )
        bp = study.best_params
        ok = bp["opt"] == "sgd" and abs(bp["n"] - 4) <= 1 and study.best_value < 1.5
        fails += not (ok and valid)
        late = sum(t.params["opt"] == "sgd" for t in study.trials[-6:])
        print(
            f"seed {seed}: valid {valid}, best opt {bp['opt']}, n {bp['n']}, value {study.best_value:.3f}, "
            f"late sgd {late}/6, {'passes' if ok and valid else 'FAILS'} the per-seed assertions",
            flush=True,
        )
    print(f"# failed seeds: {fails}")


if __name__ == "__main__":
    main()
