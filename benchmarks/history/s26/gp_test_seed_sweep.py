"""Session 26: ``tests/samplers/test_gp.py::test_proposals_are_inside_every_kind_of_distribution``'s
study (7 parameters: 2 floats, a log float, a stepped float, 2 ints, a log int, a categorical of 3;
optimum 0.1 with opt = "sgd") over more seeds than the test's 0-3, with GPSampler's dev switch
``_integer_search`` on or off, from the src given (put first on sys.path). One line per seed: the
best run's categorical, its value, how many of the last 6 trials took "sgd" (the test asserts
best opt == "sgd", best value < 1.5, and at least 12 of 24 late "sgd" over seeds 0-3).

    nice -n 10 .venv/bin/python benchmarks/history/s26/gp_test_seed_sweep.py SRC on|off FIRST LAST
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
    for seed in range(int(sys.argv[3]), int(sys.argv[4]) + 1):
        sampler = tw.samplers.GPSampler(seed=seed)
        sampler._integer_search = on
        study = tw.create_study(sampler=sampler)
        study.optimize(objective, n_trials=30)
        late = sum(t.params["opt"] == "sgd" for t in study.trials[-6:])
        ok = study.best_params["opt"] == "sgd" and study.best_value < 1.5
        print(
            f"seed {seed}: best opt {study.best_params['opt']}, value {study.best_value:.3f}, late sgd {late}/6, "
            f"{'passes' if ok else 'FAILS'} the per-seed assertions",
            flush=True,
        )


if __name__ == "__main__":
    main()
