"""Sloppy inputs to suggest_* that scripts pass (tuples / numpy values / classes as choices, float, numpy and string
bounds, legacy names), under Optuna and tunewise. Each line: the three trials' states and the type of the first
trial's stored value (``study.trials[0].params``: tunewise stores JSON, so a tuple choice reads back as a list there;
``best_params`` gives the tuple since 16d3872).

    .venv/bin/python benchmarks/history/s29/optuna_wild9_sloppy_inputs.py optuna
    PYTHONPATH=<tunewise src> .venv/bin/python benchmarks/history/s29/optuna_wild9_sloppy_inputs.py tunewise
"""

import importlib
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")
PKG = sys.argv[1]
if PKG == "tunewise":
    sys.modules["optuna"] = None
optuna = importlib.import_module(PKG)
optuna.logging.set_verbosity(optuna.logging.ERROR)


def t(name, fn):
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    try:
        s.optimize(lambda tr: (fn(tr), 0.0)[1], n_trials=3)
        st = [x.state.name for x in s.trials]
        print(name, st, "type", [type(x.params.get("v")).__name__ for x in s.trials][:1])
    except Exception as e:
        print(name, "EXC", type(e).__name__, str(e)[:100])


t("cat_tuples", lambda tr: tr.suggest_categorical("v", [(50,), (100,), (50, 50)]))
t("cat_lists", lambda tr: tr.suggest_categorical("v", [[1, 2], [3]]))
t("cat_np_int", lambda tr: tr.suggest_categorical("v", [np.int64(1), np.int64(2)]))
t("cat_np_array", lambda tr: tr.suggest_categorical("v", np.array([1, 2, 3])))
t("cat_np_str", lambda tr: tr.suggest_categorical("v", np.array(["a", "b"])))
t("cat_dict", lambda tr: tr.suggest_categorical("v", [{"a": 1}, {"b": 2}]))
t("cat_none_only", lambda tr: tr.suggest_categorical("v", [None]))
t("cat_class", lambda tr: tr.suggest_categorical("v", [int, float]))
t("cat_range", lambda tr: tr.suggest_categorical("v", range(3)))
t("int_float_bounds", lambda tr: tr.suggest_int("v", 1.0, 10.0))
t("int_np_bounds", lambda tr: tr.suggest_int("v", np.int64(1), np.int64(10)))
t("int_float_step", lambda tr: tr.suggest_int("v", 1, 10, step=2.0))
t("float_int_bounds", lambda tr: tr.suggest_float("v", 1, 10))
t("float_np_bounds", lambda tr: tr.suggest_float("v", np.float32(0.1), np.float64(1)))
t("float_equal_bounds", lambda tr: tr.suggest_float("v", 1.0, 1.0))
t("int_equal_bounds", lambda tr: tr.suggest_int("v", 3, 3))
t("uniform_legacy", lambda tr: tr.suggest_uniform("v", 0, 1))
t("discrete_uniform", lambda tr: tr.suggest_discrete_uniform("v", 0, 1, 0.1))
t("int_high_not_multiple", lambda tr: tr.suggest_int("v", 1, 10, step=4))
t("float_step_high_not_mult", lambda tr: tr.suggest_float("v", 0, 1, step=0.3))
t("cat_bool", lambda tr: tr.suggest_categorical("v", [True, False]))
t("cat_mixed", lambda tr: tr.suggest_categorical("v", [1, "a", 2.5, None]))
t("cat_tuple_choices", lambda tr: tr.suggest_categorical("v", ("a", "b")))
t("float_str_bounds", lambda tr: tr.suggest_float("v", "0", "1"))
t("int_log_low0", lambda tr: tr.suggest_int("v", 0, 10, log=True))
