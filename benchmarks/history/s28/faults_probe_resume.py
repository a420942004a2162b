# ruff: noqa: E402  (a one-off probe, kept as it was run)
import sys
import warnings

import tunewise as tw

url = sys.argv[1]


def run(label, f):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = f()
            err = None
        except Exception as e:
            r = None
            err = f"{type(e).__name__}: {str(e)[:300]}"
    print(f"{label}: result={r!r:.150} err={err} warns={[str(x.message)[:200] for x in w]}")


name = "resume-probe"
try:
    tw.delete_study(study_name=name, storage=url)
except Exception:
    pass
st = tw.create_study(study_name=name, storage=url, sampler=tw.samplers.TPESampler(seed=0))
st.optimize(
    lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 1, 5) + len(t.suggest_categorical("c", ["a", "bb"])),
    n_trials=12,
)


def again(obj, **kw):
    s = tw.load_study(study_name=name, storage=url, **kw)
    s.optimize(obj, n_trials=3)
    return [(t.number, t.state.name) for t in s.trials[-3:]]


run(
    "same space, RandomSampler",
    lambda: again(
        lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 1, 5) + len(t.suggest_categorical("c", ["a", "bb"])),
        sampler=tw.samplers.RandomSampler(),
    ),
)
run("x wider range 0..10", lambda: again(lambda t: t.suggest_float("x", 0, 10)))
run("x now log", lambda: again(lambda t: t.suggest_float("x", 0.01, 1, log=True)))
run("x now int", lambda: again(lambda t: t.suggest_int("x", 0, 1)))
run("x now categorical", lambda: again(lambda t: len(t.suggest_categorical("x", ["a", "bbb"]))))
run("c new choices", lambda: again(lambda t: len(t.suggest_categorical("c", ["zz", "a", "bbbb"]))))
run("c reordered", lambda: again(lambda t: len(t.suggest_categorical("c", ["bb", "a"]))))
run("n step 2", lambda: again(lambda t: t.suggest_int("n", 1, 5, step=2)))
run(
    "GP sampler, mixed space",
    lambda: again(
        lambda t: t.suggest_float("x", 0, 1) + len(t.suggest_categorical("c", ["zz", "a"])),
        sampler=tw.samplers.GPSampler(seed=0),
    ),
)
run(
    "TPE multivariate",
    lambda: again(
        lambda t: t.suggest_float("x", 0, 10) + t.suggest_int("n", 1, 50),
        sampler=tw.samplers.TPESampler(seed=0, multivariate=True),
    ),
)
run(
    "create_study load_if_exists maximize",
    lambda: tw.create_study(study_name=name, storage=url, load_if_exists=True, direction="maximize").direction,
)
run(
    "create_study load_if_exists 2 objectives",
    lambda: (
        tw.create_study(
            study_name=name, storage=url, load_if_exists=True, directions=["minimize", "minimize"]
        ).directions
    ),
)
run("multi-valued obj on single", lambda: again(lambda t: (t.suggest_float("x", 0, 1), 1.0)))
st = tw.load_study(study_name=name, storage=url)
from collections import Counter

print("states", Counter(t.state.name for t in st.trials))
try:
    print("best", st.best_trial.number, st.best_params)
except Exception as e:
    print("best err", e)
try:
    print("importance", tw.importance.get_param_importances(st))
except Exception as e:
    print("importance err", type(e).__name__, str(e)[:300])
try:
    df = st.trials_dataframe()
    print("df", df.shape)
except Exception as e:
    print("df err", type(e).__name__, str(e)[:300])
