"""s29: enqueue_trial with impossible values, Optuna vs tunewise, with the parameter's distribution
known (one trial run first) and unknown (a fresh study). For each case: does enqueue raise; what
happens when a trial suggests the value (its state, what optimize() raised, the warnings).

    .venv/bin/python benchmarks/history/s29/faults_probe_enqueue.py [optuna|tunewise] [sqlite-url-prefix]
"""

# ruff: noqa: E501
from __future__ import annotations

import sys
import warnings

CASES = {
    "nan": {"x": float("nan")},
    "inf": {"x": float("inf")},
    "str for float": {"x": "abc"},
    "numeric str": {"x": "0.5"},
    "float out of range": {"x": 5.0},
    "None": {"x": None},
    "list": {"x": [0.5]},
    "dict": {"x": {"a": 1}},
    "bool for float": {"x": True},
    "cat not in choices": {"c": "nope"},
    "cat list": {"c": ["a"]},
    "int 2.5": {"n": 2.5},
    "int out of range": {"n": 50},
    "int as str": {"n": "3"},
    "int as NaN": {"n": float("nan")},
    "log float 0": {"lr": 0.0},
    "log float negative": {"lr": -1.0},
}


def objective(t):
    return (
        t.suggest_float("x", 0, 1)
        + t.suggest_int("n", 0, 5)
        + len(t.suggest_categorical("c", ["a", "b"]))
        + t.suggest_float("lr", 1e-5, 1e-1, log=True)
    )


def main() -> None:
    lib = sys.argv[1] if len(sys.argv) > 1 else "tunewise"
    if lib == "optuna":
        import optuna as mod

        mod.logging.set_verbosity(mod.logging.ERROR)
        sampler = mod.samplers.RandomSampler(seed=0)
        create = lambda: mod.create_study(sampler=sampler)  # noqa: E731
    else:
        import tunewise as mod

        create = lambda: mod.create_study(sampler=mod.samplers.RandomSampler(seed=0))  # noqa: E731
    print(f"# {lib} {mod.__version__}")
    for known in (True, False):
        for label, params in CASES.items():
            st = create()
            if known:
                st.optimize(objective, n_trials=1)
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                try:
                    st.enqueue_trial(params)
                    e1 = "-"
                except Exception as e:  # noqa: BLE001
                    e1 = f"{type(e).__name__}: {str(e)[:110]}"
                try:
                    st.optimize(objective, n_trials=1)
                    e2 = "-"
                except Exception as e:  # noqa: BLE001
                    e2 = f"{type(e).__name__}: {str(e)[:110]}"
            ts = st.trials
            last = ts[-1] if len(ts) > (1 if known else 0) else None
            state = last.state.name if last is not None else "none"
            p = {k: last.params.get(k) for k in params} if last is not None else None
            running = sum(t.state.name == "RUNNING" for t in ts)
            waiting = sum(t.state.name == "WAITING" for t in ts)
            print(f"{'known' if known else 'unknown':7s} | {label:18s} | enqueue: {e1} | optimize: {e2} | trial: {state} {p} | RUNNING {running} WAITING {waiting} | warnings: {[str(x.message)[:90] for x in w]}")


if __name__ == "__main__":
    main()
