# ruff: noqa
"""Session 22 probe of storages, pruners and integration callbacks (ad hoc; one case per line of output).

Written for Optuna; the tunewise copy is this file switched by s20 optuna_wild.as_tunewise (plus
"import tunewise.artifacts" for its "import optuna.artifacts" line), run with optuna and optuna_integration blocked.
Run from an empty folder with PYTHONPATH=/tmp/optuna_examples/extra (optuna-integration, catboost) and KERAS_BACKEND=torch."""
import os, sys, warnings
warnings.filterwarnings("ignore")
import optuna
import optuna.artifacts
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
optuna.logging.set_verbosity(optuna.logging.WARNING)

def case(name):
    def deco(f):
        try:
            print(f"{name}: OK {f()!r}"[:500])
        except Exception as e:
            print(f"{name}: ERR {type(e).__name__}: {e}"[:500])
        return f
    return deco

def obj(t):
    return t.suggest_float("x", -5, 5) ** 2 + t.suggest_int("y", 0, 4)

@case("artifacts")
def _():
    A = optuna.artifacts
    os.makedirs("art", exist_ok=True); store = A.FileSystemArtifactStore("./art")
    open("f.txt", "w").write("hi")
    if os.path.exists("art.db"): os.remove("art.db")
    s = optuna.create_study(storage="sqlite:///art.db")
    def o(t):
        aid = A.upload_artifact(artifact_store=store, file_path="f.txt", study_or_trial=t)
        t.set_user_attr("aid", aid); return 1.0
    s.optimize(o, n_trials=1)
    aid = s.trials[0].user_attrs["aid"]
    meta = A.get_all_artifact_meta(s.trials[0], storage=s._storage if hasattr(s, "_storage") else None)
    with store.open_reader(aid) as r: content = r.read()
    A.download_artifact(artifact_store=store, artifact_id=aid, file_path="g.txt")
    sid = A.upload_artifact(artifact_store=store, file_path="f.txt", study_or_trial=s)
    return content, len(meta), [type(m).__name__ for m in meta], open("g.txt").read(), type(sid).__name__

@case("journal")
def _():
    if os.path.exists("j.log"): os.remove("j.log")
    st = JournalStorage(JournalFileBackend("j.log"))
    s = optuna.create_study(storage=st, study_name="j"); s.optimize(obj, n_trials=3, n_jobs=2)
    s2 = optuna.load_study(study_name="j", storage=JournalStorage(JournalFileBackend("j.log")))
    return len(s2.trials), optuna.get_all_study_names(st)

@case("journal_lock_kw")
def _():
    from optuna.storages.journal import JournalFileOpenLock, JournalFileSymlinkLock
    if os.path.exists("j3.log"): os.remove("j3.log")
    st = JournalStorage(JournalFileBackend("j3.log", lock_obj=JournalFileOpenLock("j3.log")))
    s = optuna.create_study(storage=st); s.optimize(obj, n_trials=2); return len(s.trials)

@case("pruner_replay")
def _():
    out = {}
    xs = [0.9, 0.2, 0.5, 0.7, 0.1, 0.95, 0.3, 0.6, 0.85, 0.4]
    for name, p in [("patient", optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(n_startup_trials=2), patience=1)),
                    ("threshold", optuna.pruners.ThresholdPruner(upper=0.8, n_warmup_steps=1)),
                    ("threshold_lower", optuna.pruners.ThresholdPruner(lower=0.3)),
                    ("percentile", optuna.pruners.PercentilePruner(25.0, n_startup_trials=2)),
                    ("median", optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1)),
                    ("sha", optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)),
                    ("hyperband", optuna.pruners.HyperbandPruner(min_resource=1, max_resource=5, reduction_factor=2))]:
        s = optuna.create_study(pruner=p)
        for x in xs: s.enqueue_trial({"x": x})
        def o(t):
            v = t.suggest_float("x", 0, 1)
            for i in range(5):
                t.report(v + i * 0.05, i)
                if t.should_prune(): raise optuna.TrialPruned()
            return v
        s.optimize(o, n_trials=len(xs))
        out[name] = "".join("P" if t.state.name == "PRUNED" else "c" for t in s.trials)
    return out

@case("pruner_replay_max")
def _():
    out = {}
    xs = [0.9, 0.2, 0.5, 0.7, 0.1, 0.95, 0.3, 0.6, 0.85, 0.4]
    for name, p in [("patient", optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(n_startup_trials=2), patience=1, min_delta=0.01)),
                    ("percentile", optuna.pruners.PercentilePruner(75.0, n_startup_trials=2))]:
        s = optuna.create_study(pruner=p, direction="maximize")
        for x in xs: s.enqueue_trial({"x": x})
        def o(t):
            v = t.suggest_float("x", 0, 1)
            for i in range(5):
                t.report(v - i * 0.05 * (1 if v < 0.5 else -1), i)
                if t.should_prune(): raise optuna.TrialPruned()
            return v
        s.optimize(o, n_trials=len(xs))
        out[name] = "".join("P" if t.state.name == "PRUNED" else "c" for t in s.trials)
    return out

@case("wilcoxon_replay")
def _():
    import numpy as np
    insts = np.linspace(-1, 1, 12)
    s = optuna.create_study(pruner=optuna.pruners.WilcoxonPruner(p_threshold=0.1, n_startup_steps=2))
    for x in [0.0, 0.9, 0.1, -0.8, 0.05]: s.enqueue_trial({"x": x})
    def o(t):
        x = t.suggest_float("x", -1, 1); tot = []
        for i in range(12):
            v = (x - insts[i]) ** 2; tot.append(v); t.report(v, i)
            if t.should_prune(): return sum(tot) / len(tot)
        return sum(tot) / len(tot)
    s.optimize(o, n_trials=5)
    return [(t.state.name, len(t.intermediate_values)) for t in s.trials]

@case("lgbm_pruning_cb")
def _():
    import lightgbm as lgb, sklearn.datasets
    from optuna.integration import LightGBMPruningCallback
    X, y = sklearn.datasets.load_breast_cancer(return_X_y=True)
    d = lgb.Dataset(X[:400], y[:400]); v = lgb.Dataset(X[400:], y[400:])
    s = optuna.create_study(direction="maximize", pruner=optuna.pruners.MedianPruner(n_startup_trials=1))
    def o(t):
        p = {"objective": "binary", "metric": "auc", "verbosity": -1, "num_leaves": t.suggest_int("nl", 2, 64)}
        b = lgb.train(p, d, 20, valid_sets=[v], callbacks=[LightGBMPruningCallback(t, "auc")])
        return b.best_score["valid_0"]["auc"]
    s.optimize(o, n_trials=4)
    return [len(t.intermediate_values) for t in s.trials]

@case("lgbm_sklearn_pruning_cb")
def _():
    import lightgbm as lgb, sklearn.datasets
    from optuna_integration import LightGBMPruningCallback
    X, y = sklearn.datasets.load_breast_cancer(return_X_y=True)
    s = optuna.create_study()
    def o(t):
        m = lgb.LGBMClassifier(n_estimators=15, num_leaves=t.suggest_int("nl", 2, 64), verbosity=-1)
        m.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:])], eval_metric="binary_logloss",
              callbacks=[LightGBMPruningCallback(t, "binary_logloss")])
        return m.best_score_["valid_0"]["binary_logloss"]
    s.optimize(o, n_trials=3)
    return [len(t.intermediate_values) for t in s.trials]

@case("lgbm_tuner")
def _():
    import optuna.integration.lightgbm as olgb, sklearn.datasets
    from lightgbm import early_stopping, log_evaluation
    X, y = sklearn.datasets.load_breast_cancer(return_X_y=True)
    dtrain = olgb.Dataset(X[:400], label=y[:400]); dval = olgb.Dataset(X[400:], label=y[400:])
    tuner = olgb.LightGBMTuner({"objective": "binary", "metric": "binary_logloss", "verbosity": -1}, dtrain,
                               valid_sets=[dtrain, dval], num_boost_round=20, callbacks=[early_stopping(5), log_evaluation(0)],
                               time_budget=20, optuna_seed=0, show_progress_bar=False)
    tuner.run()
    return sorted(tuner.best_params)[:3], type(tuner.best_score).__name__, type(tuner.get_best_booster()).__name__

@case("lgbm_tuner_cv")
def _():
    import optuna.integration.lightgbm as olgb, sklearn.datasets
    from sklearn.model_selection import KFold
    X, y = sklearn.datasets.load_breast_cancer(return_X_y=True)
    tuner = olgb.LightGBMTunerCV({"objective": "binary", "metric": "binary_logloss", "verbosity": -1}, olgb.Dataset(X, label=y),
                                 folds=KFold(3), num_boost_round=10, time_budget=15, show_progress_bar=False, return_cvbooster=True)
    tuner.run()
    return type(tuner.best_score).__name__, type(tuner.get_best_booster()).__name__, len(tuner.study.trials) > 0

@case("lgbm_train_drop_in")
def _():
    import optuna.integration.lightgbm as olgb, sklearn.datasets
    X, y = sklearn.datasets.load_breast_cancer(return_X_y=True)
    b = olgb.train({"objective": "binary", "metric": "binary_logloss", "verbosity": -1}, olgb.Dataset(X[:400], label=y[:400]),
                   valid_sets=[olgb.Dataset(X[400:], label=y[400:])], num_boost_round=8, time_budget=10, show_progress_bar=False)
    return type(b).__name__, sorted(b.params)[:3]

@case("xgb_pruning_cb")
def _():
    import xgboost as xgb, sklearn.datasets
    X, y = sklearn.datasets.load_breast_cancer(return_X_y=True)
    dtr = xgb.DMatrix(X[:400], label=y[:400]); dv = xgb.DMatrix(X[400:], label=y[400:])
    s = optuna.create_study(direction="maximize")
    def o(t):
        cb = optuna.integration.XGBoostPruningCallback(t, "validation-auc")
        b = xgb.train({"objective": "binary:logistic", "eval_metric": "auc", "max_depth": t.suggest_int("d", 1, 6)}, dtr, 10,
                      evals=[(dv, "validation")], callbacks=[cb], verbose_eval=False)
        return float(b.eval(dv).split(":")[1])
    s.optimize(o, n_trials=3)
    return [len(t.intermediate_values) for t in s.trials]

@case("xgb_sklearn_pruning_cb")
def _():
    import xgboost as xgb, sklearn.datasets
    from optuna_integration.xgboost import XGBoostPruningCallback
    X, y = sklearn.datasets.load_breast_cancer(return_X_y=True)
    s = optuna.create_study()
    def o(t):
        m = xgb.XGBClassifier(n_estimators=8, max_depth=t.suggest_int("d", 1, 6), eval_metric="logloss",
                              callbacks=[XGBoostPruningCallback(t, "validation_0-logloss")])
        m.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:])], verbose=False)
        return m.evals_result()["validation_0"]["logloss"][-1]
    s.optimize(o, n_trials=3)
    return [len(t.intermediate_values) for t in s.trials]

@case("catboost_pruning_cb")
def _():
    import catboost as cb, sklearn.datasets
    from optuna.integration import CatBoostPruningCallback
    X, y = sklearn.datasets.load_breast_cancer(return_X_y=True)
    s = optuna.create_study(direction="maximize")
    def o(t):
        m = cb.CatBoostClassifier(iterations=10, depth=t.suggest_int("d", 2, 6), eval_metric="Accuracy", verbose=0)
        pc = CatBoostPruningCallback(t, "Accuracy")
        m.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:])], callbacks=[pc], early_stopping_rounds=5)
        pc.check_pruned()
        return m.score(X[400:], y[400:])
    s.optimize(o, n_trials=3)
    return [len(t.intermediate_values) for t in s.trials]

@case("keras_pruning_cb")
def _():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras, numpy as np
    from optuna_integration import KerasPruningCallback
    X = np.random.default_rng(0).normal(size=(64, 4)); y = (X[:, 0] > 0).astype("float32")
    s = optuna.create_study(direction="maximize")
    def o(t):
        m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(t.suggest_int("u", 2, 8), activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
        m.compile("adam", "binary_crossentropy", metrics=["accuracy"])
        h = m.fit(X, y, validation_split=0.25, epochs=3, verbose=0, callbacks=[KerasPruningCallback(t, "val_accuracy")])
        return h.history["val_accuracy"][-1]
    s.optimize(o, n_trials=2)
    return [len(t.intermediate_values) for t in s.trials]

@case("lightning_pruning_cb")
def _():
    import lightning.pytorch as pl, torch
    from optuna_integration import PyTorchLightningPruningCallback
    class M(pl.LightningModule):
        def __init__(self, h): super().__init__(); self.l = torch.nn.Sequential(torch.nn.Linear(4, h), torch.nn.ReLU(), torch.nn.Linear(h, 1))
        def training_step(self, b, i): x, y = b; return torch.nn.functional.mse_loss(self.l(x), y)
        def validation_step(self, b, i): x, y = b; self.log("val_loss", torch.nn.functional.mse_loss(self.l(x), y))
        def configure_optimizers(self): return torch.optim.SGD(self.parameters(), lr=0.1)
    X = torch.randn(64, 4); Y = X[:, :1] * 2
    dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, Y), batch_size=16)
    s = optuna.create_study()
    def o(t):
        tr = pl.Trainer(max_epochs=3, logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                        callbacks=[PyTorchLightningPruningCallback(t, monitor="val_loss")])
        tr.fit(M(t.suggest_int("h", 2, 8)), dl, dl)
        return tr.callback_metrics["val_loss"].item()
    s.optimize(o, n_trials=2)
    return [len(t.intermediate_values) for t in s.trials]

@case("tell_values_and_state")
def _():
    s = optuna.create_study(directions=["minimize", "maximize"])
    t = s.ask(); t.suggest_float("x", 0, 1); s.tell(t, [1.0, 2.0])
    t = s.ask(); s.tell(t.number, state=optuna.trial.TrialState.FAIL)
    t = s.ask(); ft = s.tell(t, values=(0.5, 3.0))
    return [tt.state.name for tt in s.trials], type(ft).__name__, ft.values

@case("tpe_options")
def _():
    s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0, multivariate=True, group=True, constant_liar=True, n_startup_trials=3, n_ei_candidates=10, consider_endpoints=True, warn_independent_sampling=False))
    s.optimize(obj, n_trials=6); return len(s.trials)

@case("n_jobs_threads_shared_state")
def _():
    seen = []
    s = optuna.create_study()
    s.optimize(lambda t: seen.append(t.number) or obj(t), n_trials=4, n_jobs=2)
    return len(s.trials), sorted(seen)

@case("grid_sampler")
def _():
    s = optuna.create_study(sampler=optuna.samplers.GridSampler({"x": [-1, 0, 1], "y": [0, 2]}, seed=0))
    s.optimize(obj, n_trials=100); return len(s.trials)

@case("study_user_attrs_dataframe_attrs")
def _():
    s = optuna.create_study(); s.set_user_attr("a", {"k": [1, 2]}); s.optimize(obj, n_trials=2)
    df = s.trials_dataframe(attrs=("number", "value", "params", "state", "duration", "user_attrs"))
    return s.user_attrs, list(df.columns)

@case("progress_bar_timeout")
def _():
    import time
    s = optuna.create_study()
    t0 = time.time(); s.optimize(lambda t: time.sleep(0.2) or obj(t), timeout=1, show_progress_bar=True)
    return 3 <= len(s.trials) <= 6, time.time() - t0 < 3
