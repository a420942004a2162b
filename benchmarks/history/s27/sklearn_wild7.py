"""A seventh batch of third-party search scripts under their own class and under tunewise's SearchCV (session 27).

Self-contained (earlier batches' harnesses run six layers deep; this one records what this batch needs: scikit-learn's
four searches, scikit-optimize's BayesSearchCV and Optuna's OptunaSearchCV). Each script is read from a bare mirror of
its repository at a pinned commit (``/work/.mirror/owner+name/repo``), the edits listed per script are applied in both
modes, and it runs in a subprocess (``nice``, a time limit, ``MPLBACKEND=Agg``, no sockets to other hosts) with a
recorder that writes each outermost search's fitted attributes after ``fit``:

- ``--mode oracle`` runs the script as written (scikit-learn 1.9.1, scikit-optimize 0.10.2, optuna_integration
  5.0.0 from ``--extra-path``);
- ``--mode tunewise`` first swaps the classes as docs/migrating/scikit-learn.md says (``GridSearchCV(est, grid,
  **kw)`` -> ``SearchCV(est, param_grid=grid, **kw)``, ``RandomizedSearchCV`` -> ``param_distributions=``, the
  Halving ones with ``strategy="halving"``, ``BayesSearchCV(est, spaces, n_iter=50, **kw)`` -> ``SearchCV(est,
  spaces, n_iter=n_iter, **kw)`` without skopt's optimizer-only arguments) and, for Optuna scripts, ``import
  tunewise as optuna`` (docs/migrating-from-optuna.md).

    H=benchmarks/history/s27/sklearn_wild7.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode oracle --extra-path /tmp/s24w/extra --out /tmp/s27sk/oracle.json
    .venv/bin/python $H --mode tunewise --tunewise-src /tmp/s27sk/before/src --out /tmp/s27sk/before.json
    .venv/bin/python $H --report /tmp/s27sk/oracle.json /tmp/s27sk/before.json [/tmp/s27sk/after.json]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

MIRRORS = pathlib.Path("/work/.mirror")


@dataclass
class Script:
    repo: str
    path: str
    rev: str
    note: str
    patches: dict[str, str] = field(default_factory=dict)
    companions: tuple[str, ...] = ()
    random: str = ""  # why two runs draw other candidates (unseeded, or a model-based search): values not compared
    timeout: int = 900


SK = "scikit-optimize/scikit-optimize"
SK_REV = "a2369dd"
ED = "edtbl76/python-hive"
ED_REV = "4998e4a"
FY = "fypbjchina/d_ML_sklearn"
FY_REV = "83bc039"
JU = "junginee/From-ML-to-DL"
JU_REV = "772fc6a"
RH = "rhhc/optuna_begin"
RH_REV = "af7f15764bfc"

SCRIPTS: dict[str, Script] = {
    "skopt_gscv_replacement": Script(
        SK,
        "examples/sklearn-gridsearchcv-replacement.py",
        SK_REV,
        note="BayesSearchCV(SVC(), {'C': (1e-6, 1e6, 'log-uniform'), 'degree': (1, 8), 'kernel': [...]}, n_iter=32, "
        "cv=3) on digits, score; a Pipeline whose 'model' is Categorical([SVC()]) / [LinearSVC()] over a list of "
        "(space, n_iter) tuples, optimizer_results_ plots; fit(callback=on_step); total_iterations of a list space",
        random="BayesSearchCV without random_state (skopt's GP draws differ in any two runs)",
    ),
    "edtbl76_bayes_lr_breast": Script(
        ED,
        "Loose_Projects/HyperparameterTuning/EvaluatingResultsofRandomizedSearch.py",
        ED_REV,
        note="BayesSearchCV(LogisticRegression(liblinear), {'penalty': Categorical(['l1', 'l2']), 'C': Real(0.01, "
        "100)}, n_iter=10) on breast cancer, best_estimator_, cv_results_['params'] / ['mean_test_score'] into a "
        "DataFrame sorted by score, score",
        random="unseeded train_test_split and BayesSearchCV",
    ),
    "edtbl76_raisin_grid_bayes": Script(
        ED,
        "Loose_Projects/HyperparameterTuning/RaisinDatasetHyperparameterTuning.py",
        ED_REV,
        companions=("Loose_Projects/HyperparameterTuning/Raisin_Dataset.csv",),
        # tpot is not installed: its part (after both searches) is cut in both modes
        patches={
            "from tpot import TPOTClassifier\n": "",
            "# Create a TPOTClassifier model\n": "raise SystemExit(0)  # harness: tpot is not installed\n",
            # libsvm's linear kernel on the raw features (areas ~1e5) with C=100 ran past 15 minutes in both
            # modes on this shared machine: its iterations are capped (a ConvergenceWarning), the same in both
            "svm = SVC()": "svm = SVC(max_iter=200000)",
        },
        note="GridSearchCV(SVC(), {'kernel': [3], 'C': [1, 10, 100]}) on a CSV, cv_results_ params + "
        "mean_test_score pivoted kernel x C, score; BayesSearchCV(SVC(), {'kernel': Categorical, 'C': Real(1, 100)}, "
        "n_iter=10), best_estimator_, score",
        random="unseeded train_test_split and BayesSearchCV",
    ),
    "fypb_nested_params_repr": Script(
        FY,
        "docs/01_sklearn/d0601_pipeline/d06_1_7_nested_parameters_gridsearchcv.py",
        FY_REV,
        note="GridSearchCV(Pipeline(PCA, SVC), dict(reduce_dim__n_components=..., clf__C=...)) built and printed "
        "(its repr), never fitted",
    ),
    "fypb_compare_reduction": Script(
        FY,
        "docs/01_sklearn/d0601_pipeline/d06_1_eg7_plot_compare_reduction.py",
        FY_REV,
        random="SelectKBest(mutual_info_classif) (its noise) and PCA's randomized solver without random_state",
        note="GridSearchCV(Pipeline(scaling, 'passthrough', LinearSVC), a list of two grids with 'reduce_dim': "
        "[PCA(), NMF()] / [SelectKBest(mutual_info_classif)] and their nested n_components / k), cv_results_"
        "['mean_test_score'] reshaped for a bar plot; a second GridSearchCV on a Pipeline(memory=...)",
    ),
    "junginee_xgb_grid_misspelt": Script(
        JU,
        "ml/ml35_xgb01_cancer_gridSearch.py",
        JU_REV,
        # 185,220 candidates x 5 folds in the original: cut to 2 values of the two parameters XGBoost knows and the
        # two it does not ('max_dapth', 'reg_lamda' are misspelt: XGBoost takes and ignores them with a warning)
        patches={
            "parameters = {'n_estimators' : [100, 200, 300, 400, 500, 1000], ": (
                "parameters = {'n_estimators' : [50, 100], "
            ),
            "'learning_rate' : [0.1, 0.2, 0.3, 0.5, 1, 0.01, 0.001],": "'learning_rate' : [0.1, 0.3],",
            "'max_dapth' : [None, 2, 3, 4, 5, 6, 7, 8, 9, 10],": "'max_dapth' : [None, 3],",
            "'gamma' : [0, 1, 2, 3, 4, 5, 7, 10, 100],": "'gamma' : [0],",
            "'reg_alpha' :[0, 0.1, 0.01, 0.001, 1, 2, 10],": "'reg_alpha' :[0],",
            "'reg_lamda' : [0, 0.1, 0.01, 0.001, 1, 2, 10]}": "'reg_lamda' : [0, 1]}",
            "n_jobs=8": "n_jobs=2",
        },
        note="GridSearchCV(XGBClassifier(random_state=123), a grid with misspelt 'max_dapth' / 'reg_lamda', "
        "cv=StratifiedKFold(5, shuffle, 123), n_jobs) on breast cancer, best_params_, best_score_, r2 of predict",
    ),
    "junginee_halving_random_strat_reg": Script(
        JU,
        "ml/ml14_HalvingRandomSearch_03_RF_wine.py",
        JU_REV,
        patches={"print(datasets.DESCR)\n": ""},
        note="HalvingRandomSearchCV(RandomForestRegressor(), a list of five grids, cv=StratifiedKFold(5, shuffle), "
        "verbose=1, n_jobs=-1) on diabetes (a continuous target under a stratified splitter)",
        random="RandomForestRegressor and HalvingRandomSearchCV without random_state",
    ),
    "junginee_halving_list_wine": Script(
        JU,
        "ml/ml13_HalvingGridSearch03_RF_wine.py",
        JU_REV,
        # tensorflow is not installed; the script only seeds it (nothing else uses it)
        patches={"import tensorflow as tf\ntf.random.set_seed(66)\n": ""},
        note="HalvingRandomSearchCV(RandomForestClassifier(), a list of two grids (64 candidates), cv=KFold(5, "
        "shuffle, 66), verbose=1) on wine, best_estimator_, best_params_, best_score_, score, accuracy",
        random="RandomForestClassifier and HalvingRandomSearchCV without random_state",
    ),
    "junginee_make_pipeline_step_names": Script(
        JU,
        "ml/ml19_make_pipeline_gridSearch.py",
        JU_REV,
        note="GridSearchCV(make_pipeline(MinMaxScaler(), RandomForestClassifier()), a list of two grids keyed "
        "'RandomForestClassifier__...' (make_pipeline names the step 'randomforestclassifier'), cv=KFold(5, shuffle, "
        "66), verbose=1) on iris, score",
    ),
    "rhhc_optuna_search_cv_simple": Script(
        RH,
        "examples/optuna_search_cv_simple.py",
        RH_REV,
        note="optuna.integration.OptunaSearchCV(SVC(gamma='auto'), {'C': LogUniformDistribution(1e-10, 1e10), "
        "'degree': IntUniformDistribution(1, 5)}, n_trials=100, timeout=600, verbose=2) on iris, study_.best_trial "
        "(an older copy of Optuna's example, in a fork of Optuna)",
        random="OptunaSearchCV without random_state",
    ),
}

# ---- the child: network guard, recorder, swap, then the script as __main__ -------------------------------------
RUNNER = r"""
import json, os, re, runpy, socket, sys, warnings
import numpy as np

_connect = socket.socket.connect
def _guarded(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
        raise OSError(f"sklearn_wild7: no network at run time (connect to {host!r})")
    return _connect(self, address)
socket.socket.connect = _guarded

RECORD = os.environ["TW7_RECORD"]
MODE = os.environ["TW7_MODE"]
TIME_KEYS = ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time")
ATTRS = ("best_params_", "best_score_", "best_index_", "best_estimator_", "n_splits_", "refit_time_", "multimetric_",
         "classes_", "n_features_in_", "feature_names_in_", "scorer_", "n_resources_", "n_candidates_",
         "n_iterations_", "optimizer_results_", "best_trial_", "n_trials_", "study_")


def _repr(x):
    return re.sub(r"/tmp/tmp\w+", "/tmp/<tmp>", re.sub(r" at 0x[0-9a-fA-F]+", " at 0x?", repr(x)))


def _val(x):
    if isinstance(x, np.generic):
        x = x.item()
    if x is None or isinstance(x, (bool, int, str)):
        return x
    if isinstance(x, float):
        return x if x == x else "nan"
    if isinstance(x, (list, tuple)):
        return [_val(v) for v in x]
    return _repr(x)


def _column(key, col):
    out = {"type": type(col).__name__, "len": len(col)}
    if isinstance(col, np.ndarray):
        out["dtype"] = col.dtype.kind
        out["masked"] = int(np.ma.count_masked(col)) if isinstance(col, np.ma.MaskedArray) else None
    if key not in TIME_KEYS:
        out["values"] = [_val(v) for v in (col.tolist() if isinstance(col, np.ndarray) else col)]
    return out


def _record(search, error=None):
    out = {"class": type(search).__name__, "error": error}
    out["has"] = sorted(a for a in ATTRS if _safe_has(search, a))
    if "best_params_" in out["has"]:
        bp = search.best_params_
        out["best_params"] = {k: [type(v).__name__, _val(v)] for k, v in sorted(bp.items())}
    if "best_score_" in out["has"]:
        out["best_score"] = [type(search.best_score_).__name__, _val(search.best_score_)]
    if "best_index_" in out["has"]:
        out["best_index"] = [type(search.best_index_).__name__, _val(search.best_index_)]
    for a in ("n_splits_", "multimetric_", "n_resources_", "n_candidates_", "n_iterations_", "n_features_in_"):
        if a in out["has"]:
            out[a] = _val(getattr(search, a))
    results = getattr(search, "cv_results_", None)
    if isinstance(results, dict):
        out["cv_results"] = {k: _column(k, v) for k, v in results.items()}
    with open(RECORD, "a") as f:
        f.write(json.dumps(out) + "\n")


def _safe_has(obj, name):
    try:
        return hasattr(obj, name)
    except Exception:
        return False


_depth = [0]


def _wrap(cls):
    fit = cls.fit
    if getattr(fit, "_tw7", False):
        return
    def recorded_fit(self, *args, **kwargs):
        _depth[0] += 1
        try:
            result = fit(self, *args, **kwargs)
        except BaseException as e:
            if _depth[0] == 1:
                _record(self, error=f"{type(e).__name__}: {str(e)[:200]}")
            raise
        finally:
            _depth[0] -= 1
        if _depth[0] == 0:
            _record(self)
        return result
    recorded_fit._tw7 = True
    cls.fit = recorded_fit


from sklearn.experimental import enable_halving_search_cv  # noqa: F401
import sklearn.model_selection as _ms
from sklearn.model_selection._search import BaseSearchCV
_wrap(BaseSearchCV)
for _name in ("GridSearchCV", "RandomizedSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV"):
    _wrap(getattr(_ms, _name))
try:
    import skopt
    _wrap(skopt.BayesSearchCV)
except ImportError:
    skopt = None
try:
    from optuna_integration.sklearn import OptunaSearchCV as _OSCV
    _wrap(_OSCV)
except ImportError:
    pass

if MODE == "tunewise":
    from tunewise.integrations.sklearn import SearchCV
    from tunewise.integration import OptunaSearchCV as _TwOSCV
    _wrap(SearchCV)
    _wrap(_TwOSCV)

    # The swap docs/migrating/scikit-learn.md describes, as the names the scripts import.
    def GridSearchCV(estimator, param_grid, **kwargs):
        return SearchCV(estimator, param_grid=param_grid, **kwargs)

    def RandomizedSearchCV(estimator, param_distributions, *, n_iter=10, **kwargs):
        return SearchCV(estimator, param_distributions=param_distributions, n_iter=n_iter, **kwargs)

    def HalvingGridSearchCV(estimator, param_grid, **kwargs):
        return SearchCV(estimator, param_grid=param_grid, strategy="halving", **kwargs)

    def HalvingRandomSearchCV(estimator, param_distributions, **kwargs):
        return SearchCV(estimator, param_distributions=param_distributions, strategy="halving", **kwargs)

    def BayesSearchCV(estimator, search_spaces, optimizer_kwargs=None, n_iter=50, n_points=1, **kwargs):
        # BayesSearchCV's spaces searched by the study's sampler; optimizer_kwargs / n_points tune skopt's own
        # optimizer and have no SearchCV counterpart.
        return SearchCV(estimator, search_spaces, n_iter=n_iter, **kwargs)

    for _name, _f in (("GridSearchCV", GridSearchCV), ("RandomizedSearchCV", RandomizedSearchCV),
                      ("HalvingGridSearchCV", HalvingGridSearchCV), ("HalvingRandomSearchCV", HalvingRandomSearchCV)):
        setattr(_ms, _name, _f)
    if skopt is not None:
        skopt.BayesSearchCV = BayesSearchCV
        import skopt.searchcv
        skopt.searchcv.BayesSearchCV = BayesSearchCV

script = sys.argv[1]
sys.argv = [script]
runpy.run_path(script, run_name="__main__")
"""

_OPTUNA_IMPORT = re.compile(r"^(\s*)import optuna\b(?!\.)(?! as)", re.M)
_OPTUNA_FROM = re.compile(r"^(\s*)from optuna(\.|\s+import)", re.M)


def source_of(script: Script) -> str:
    git_dir = MIRRORS / script.repo.replace("/", "+") / "repo"
    text = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{script.rev}:{script.path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for old, new in script.patches.items():
        if old not in text:
            raise SystemExit(f"{script.path}: patch target not found: {old!r}")
        text = text.replace(old, new)
    return text


def commit_of(script: Script) -> str:
    git_dir = MIRRORS / script.repo.replace("/", "+") / "repo"
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "rev-list", "-1", script.rev, "--", script.path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def as_tunewise(source: str) -> str:
    out = _OPTUNA_IMPORT.sub(r"\1import tunewise as optuna  # tunewise swap", source)
    return _OPTUNA_FROM.sub(r"\1from tunewise\2", out)


def run(name: str, script: Script, mode: str, work: pathlib.Path, extra: str, tw_src: str) -> dict[str, Any]:
    folder = work / mode / name
    folder.mkdir(parents=True, exist_ok=True)
    git_dir = MIRRORS / script.repo.replace("/", "+") / "repo"
    for companion in script.companions:
        data = subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"{script.rev}:{companion}"], capture_output=True, check=True
        ).stdout
        (folder / pathlib.Path(companion).name).write_bytes(data)
    source = source_of(script)
    if mode == "tunewise":
        source = as_tunewise(source)
    (folder / "script.py").write_text(source)
    (folder / "_tw7_runner.py").write_text(RUNNER)
    record = folder / "record.jsonl"
    record.unlink(missing_ok=True)
    env = dict(
        os.environ,
        MPLBACKEND="Agg",
        TW7_RECORD=str(record),
        TW7_MODE=mode,
        PYTHONHASHSEED="0",
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
    )
    paths = [p for p in (tw_src if mode == "tunewise" else "", extra) if p]
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            ["nice", "-n", "10", sys.executable, "_tw7_runner.py", "script.py"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=script.timeout,
        )
        rc, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        rc, stdout, stderr = (
            "timeout",
            (e.stdout or b"").decode(errors="replace"),
            (e.stderr or b"").decode(errors="replace"),
        )
    seconds = round(time.perf_counter() - start, 1)
    records = [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []
    return {
        "rc": rc,
        "seconds": seconds,
        "stdout": stdout,
        "stderr_tail": stderr[-3000:],
        "error": last_exception(stderr) if rc != 0 else "",
        "records": records,
    }


def last_exception(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line and not line.startswith(" ")]
    for line in reversed(lines):
        if re.match(r"^[\w.]+(Error|Exception|Exit|Interrupt|Warning)\b", line) or re.match(r"^[\w.]+: ", line):
            return line[:300]
    return lines[-1][:300] if lines else ""


# ---- judging -------------------------------------------------------------------------------------------------
_MASKS = [
    (re.compile(r"\d+(\.\d+)?(e[-+]?\d+)?\s*(s|sec|seconds|min)\b"), "<time>"),
    (re.compile(r" at 0x[0-9a-fA-F]+"), " at 0x?"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+"), "<stamp>"),
]


def normalized(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        for pattern, repl in _MASKS:
            line = pattern.sub(repl, line)
        out.append(line.rstrip())
    return out


# Attributes SearchCV has that scikit-learn's searches lack (by design: docs/migrating/scikit-learn.md), and the
# oracle's own that no script of this batch reads after a SearchCV run.
EXTRA_ATTRS = ("optimizer_results_", "best_trial_", "n_trials_", "study_")
# cv_results_ columns SearchCV adds when the space is not written as scikit-learn's (a BayesSearchCV or Optuna space
# is tunewise's param_space): documented in docs/migrating/scikit-learn.md.
EXTRA_KEYS = ("state", "trial_number")


def structure(rec: dict[str, Any], random: bool) -> dict[str, Any]:
    """What a random or model-based run keeps from any other: attributes, keys, lengths, types. With a list of
    spaces sampled at random, which parameters appear (param_* columns, best_params_ keys) depends on the draws."""
    cv = rec.get("cv_results") or {}
    keys = [k for k in cv if k not in EXTRA_KEYS and not (random and k.startswith("param_"))]
    params = rec.get("best_params") or {}
    return {
        "error": (rec.get("error") or "").split(":")[0],
        "has": [a for a in rec.get("has", []) if a not in EXTRA_ATTRS],
        "best_params": sorted({v[0] for v in params.values()}) if random else {k: v[0] for k, v in params.items()},
        "best_score": (rec.get("best_score") or [None])[0],
        "best_index": (rec.get("best_index") or [None])[0],
        "cv_keys": sorted(keys),
        "cv_len": sorted({c["len"] for c in cv.values()}),
    }


def values(rec: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in rec.items() if k not in ("class", "has")}
    out["has"] = [a for a in rec.get("has", []) if a not in EXTRA_ATTRS]
    return out


def judge(script: Script, oracle: dict[str, Any], tw: dict[str, Any]) -> tuple[str, list[str]]:
    diffs: list[str] = []
    o_ok, t_ok = oracle["rc"] == 0, tw["rc"] == 0
    if not o_ok and not t_ok:
        o_type, t_type = oracle["error"].split(":")[0], tw["error"].split(":")[0]
        if o_type == t_type:
            return "fails as under the oracle", [f"both: {oracle['error'][:150]} | {tw['error'][:150]}"]
        return "FAIL (fails otherwise)", [f"oracle {oracle['error'][:150]}", f"tunewise {tw['error'][:150]}"]
    if o_ok and not t_ok:
        return "FAIL (error)", [tw["error"][:300]]
    if not o_ok and t_ok:
        return "FAIL (runs where the oracle fails)", [oracle["error"][:300]]
    o_recs, t_recs = oracle["records"], tw["records"]
    if len(o_recs) != len(t_recs):
        diffs.append(f"{len(o_recs)} fits recorded vs {len(t_recs)}")
    same_structure = True
    same_values = True
    for i, (o, t) in enumerate(zip(o_recs, t_recs)):
        so, st = structure(o, bool(script.random)), structure(t, bool(script.random))
        extra = sorted(
            k for k in EXTRA_KEYS if k in (t.get("cv_results") or {}) and k not in (o.get("cv_results") or {})
        )
        if extra:
            diffs.append(f"fit {i} ({o['class']}): cv_results_ also has {extra} (documented: not a scikit-learn space)")
        for key in so:
            if so[key] != st[key]:
                same_structure = False
                diffs.append(f"fit {i} ({o['class']}): {key} {so[key]} vs {st[key]}")
        if values(o) != values(t):
            same_values = False
            if so == st and not script.random:
                diffs.append(f"fit {i} ({o['class']}): values differ")
    o_out, t_out = normalized(oracle["stdout"]), normalized(tw["stdout"])
    out_same = o_out == t_out
    if not out_same:
        import difflib

        delta = [
            d
            for d in difflib.unified_diff(o_out, t_out, lineterm="", n=0)
            if d[:1] in "+-" and not d.startswith(("+++", "---"))
        ]
        diffs.extend(f"output {d[:160]}" for d in delta[:6])
        diffs.append(f"output: {len(delta)} lines differ")
    if same_structure and len(o_recs) == len(t_recs):
        if same_values and out_same:
            return "pass (match)", diffs
        if script.random:
            return "pass (alike: " + script.random + ")", diffs
    return "FAIL (differs)", diffs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("oracle", "tunewise"))
    parser.add_argument("--work", default="/tmp/s27sk/work")
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--out", default="")
    parser.add_argument("--extra-path", default="")
    parser.add_argument("--tunewise-src", default="")
    parser.add_argument("--manifest", action="store_true")
    parser.add_argument("--report", nargs="+", metavar="JSON")
    parser.add_argument("--strip", nargs=2, metavar=("IN", "OUT"), help="drop stdout bodies over 20k characters")
    args = parser.parse_args()
    if args.manifest:
        print("| script | repository | path | commit | note |\n|---|---|---|---|---|")
        for name, s in SCRIPTS.items():
            print(f"| {name} | {s.repo} | {s.path} | {commit_of(s)[:12]} | {s.note} |")
        return
    if args.report:
        report(args.report)
        return
    if args.strip:
        data = json.loads(pathlib.Path(args.strip[0]).read_text())
        for entry in data.values():
            if len(entry.get("stdout", "")) > 20000:
                entry["stdout"] = entry["stdout"][:10000] + "\n<cut>\n" + entry["stdout"][-10000:]
        pathlib.Path(args.strip[1]).write_text(json.dumps(data, indent=1, sort_keys=True))
        return
    out = pathlib.Path(args.out)
    results = json.loads(out.read_text()) if out.exists() else {}
    for name, script in SCRIPTS.items():
        if args.only and not any(o in name for o in args.only):
            continue
        entry = run(name, script, args.mode, pathlib.Path(args.work), args.extra_path, args.tunewise_src)
        entry["source"] = f"{script.repo}@{commit_of(script)[:12]}:{script.path}"
        results[name] = entry
        print(f"{name}: rc={entry['rc']} {entry['seconds']} s {entry['error'][:120]}", flush=True)
        out.write_text(json.dumps(results, indent=1, sort_keys=True))


def report(files: list[str]) -> None:
    oracle = json.loads(pathlib.Path(files[0]).read_text())
    runs = [json.loads(pathlib.Path(f).read_text()) for f in files[1:]]
    heads = ["before", "after"][: len(runs)]
    print("| script | source | oracle | " + " | ".join(f"tunewise {h}" for h in heads) + " |")
    print("|---|---|---|" + "---|" * len(runs))
    counts = {h: {} for h in heads}
    for name, script in SCRIPTS.items():
        if name not in oracle:
            continue
        o = oracle[name]
        cells = []
        for h, r in zip(heads, runs):
            if name not in r:
                cells.append("not run")
                continue
            verdict, diffs = judge(script, o, r[name])
            counts[h][verdict.split(" (")[0] if verdict.startswith("pass") else verdict] = (
                counts[h].get(verdict.split(" (")[0] if verdict.startswith("pass") else verdict, 0) + 1
            )
            cells.append(f"{verdict} ({r[name]['seconds']} s)" + ("; " + "; ".join(diffs[:4]) if diffs else ""))
        status = "ok" if o["rc"] == 0 else f"error: {o['error'][:100]}"
        print(
            f"| {name} | `{o['source']}` | {status} ({o['seconds']} s) | "
            + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells)
            + " |"
        )
    print()
    for h in heads:
        print(f"{h}: {counts[h]}")


if __name__ == "__main__":
    main()
