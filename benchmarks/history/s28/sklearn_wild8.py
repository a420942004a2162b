"""An eighth batch of third-party search scripts under scikit-learn's classes and under tunewise's SearchCV (s28).

Session 27's self-contained harness (``../s27/sklearn_wild7.py``) is loaded unchanged (its recorder, swap, judge
and report) and its ``SCRIPTS`` replaced with this batch's, from repositories named in no file under
``benchmarks/history`` or ``docs/`` (each ``owner/name`` checked with ``grep -rli``). One addition: a script may be a
notebook (``.ipynb``), whose code cells are joined in order with IPython lines (``%``, ``!``) dropped and bare
expressions left as they are (they are statements in a script).

    H=benchmarks/history/s28/sklearn_wild8.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode oracle --work /tmp/s28sk/wo --out /tmp/s28sk/oracle.json
    .venv/bin/python $H --mode tunewise --tunewise-src /tmp/s28sk/before/src --work /tmp/s28sk/wb \
        --out /tmp/s28sk/before.json
    .venv/bin/python $H --report /tmp/s28sk/oracle.json /tmp/s28sk/before.json [/tmp/s28sk/after.json]

The brief's surfaces that none of these scripts reach (HalvingGridSearchCV with ``resource='n_samples'`` or a
parameter as resource, ``refit=callable``, scoring dicts with ``refit='name'``, ``error_score='raise'``, GroupKFold
with ``groups=``, TimeSeriesSplit, ``pre_dispatch``, ParameterGrid / ParameterSampler, ``cross_validate`` on a
search, ``clone`` / ``get_params`` / ``set_params``, pickling, BayesSearchCV over a list of ``(space, n_iter)``) are
in ``sklearn_wild8_probe.py``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("sklearn_wild7", HERE.parent / "s27" / "sklearn_wild7.py")
assert _spec is not None and _spec.loader is not None
S27 = importlib.util.module_from_spec(_spec)
sys.modules["sklearn_wild7"] = S27
_spec.loader.exec_module(S27)
Script = S27.Script

EN = "enuguru/artificial_intelligence_and_machine_learning"
EN_REV = "d88fa2e072a8373b3dd90ad85add4ce914d1b474"
PIMA = "machine_learning_algorithms_using_frameworks/python_files/classification/grid_search_random_search_pima_indians"
SOCIAL = "machinelearningone/modelselectionboosting/modelselection/Python"
SW = "swarnava-96/Hyperparameter-Optimization"
SW_REV = "ece3030867ac28789bc98fd63e92b4f0eba8f684"

SCRIPTS: dict[str, Script] = {
    "enuguru_iris_tuple_grid_print": Script(
        EN,
        f"{PIMA}/grid.py",
        EN_REV,
        note="GridSearchCV(SVC(), {'kernel': ('linear', 'rbf'), 'C': [1, 10]}) on iris (a tuple of values), "
        "print(clf) of the fitted search, sorted(cv_results_.keys())",
    ),
    "enuguru_digits_list_grid_two_scorings": Script(
        EN,
        f"{PIMA}/mygrid.py",
        EN_REV,
        note="the gallery's digits example: a list of two grids (rbf with gamma, linear), a loop over "
        "scoring='precision_macro' / 'recall_macro', best_params_, mean/std/params zipped and printed, "
        "classification_report of predict",
    ),
    "enuguru_pima_ridge_ndarray_grid": Script(
        EN,
        f"{PIMA}/grid_search.py",
        EN_REV,
        companions=(f"{PIMA}/pima-indians-diabetes.data.csv",),
        note="GridSearchCV(Ridge(), dict(alpha=numpy.array([1, 0.1, 0.01, 0.001, 0.0001, 0]))) (the values an "
        "ndarray) on the pima CSV, best_score_, best_estimator_.alpha printed",
    ),
    "enuguru_pima_ridge_uniform_random": Script(
        EN,
        f"{PIMA}/random_search.py",
        EN_REV,
        companions=(f"{PIMA}/pima-indians-diabetes.data.csv",),
        note="RandomizedSearchCV(Ridge(), {'alpha': scipy.stats.uniform()}, n_iter=100, random_state=7) on the "
        "pima CSV, best_score_, best_estimator_.alpha printed",
    ),
    "enuguru_social_svc_list_grid": Script(
        EN,
        f"{SOCIAL}/grid_search.py",
        EN_REV,
        companions=(f"{SOCIAL}/Social_Network_Ads.csv",),
        patches={
            # two meshgrid plots at step 0.01 over standardized features (each a ~600 x 700 grid of SVC
            # predictions): cut after the search, the same in both modes
            "# Visualising the Training set results\n": "raise SystemExit(0)  # harness: plots cut\n",
        },
        note="GridSearchCV(SVC(kernel='rbf', random_state=0) fitted beforehand, a list of two grids (linear with "
        "C; rbf with C x 9 gammas), scoring='accuracy', cv=10, n_jobs=-1) after cross_val_score, best_score_ and "
        "best_params_ printed",
    ),
    "swarnava_rf_random_then_grid": Script(
        SW,
        "Hyperparameter Optimization.ipynb",
        SW_REV,
        companions=("diabetes.csv",),
        patches={
            # the forest sizes and iteration counts cut for this shared 2-core machine (both modes); the
            # hyperopt / TPOT / Optuna parts after the two searches are cut (hyperopt and tpot are not installed)
            "n_estimators=[int(x) for x in np.linspace(start=200,stop=2000,num=10)]": (
                "n_estimators=[int(x) for x in np.linspace(start=20,stop=200,num=10)]"
            ),
            "n_iter=100,cv=3,verbose=2,random_state=100,n_jobs=-1": (
                "n_iter=10,cv=3,verbose=2,random_state=100,n_jobs=-1"
            ),
            "grid_search=GridSearchCV(estimator=rf,param_grid=param_grid,n_jobs=-1,cv=10,verbose=2)": (
                "grid_search=GridSearchCV(estimator=rf,param_grid=param_grid,n_jobs=-1,cv=3,verbose=2)"
            ),
            "from hyperopt import hp,fmin,tpe,STATUS_OK,Trials": "raise SystemExit(0)  # harness: hyperopt cut",
        },
        random="RandomForestClassifier() without random_state in both searches",
        # the oracle took 466 s at load ~22 on this shared machine; tunewise at 29f883a hit the default 900 s
        # limit in its GridSearchCV part: rerun with a longer limit (wall-clock, not a speed comparison)
        timeout=2400,
        note="notebook: RandomizedSearchCV(RandomForestClassifier(), grid with max_features 'auto' (refused by "
        "scikit-learn 1.9: those candidates fail), n_iter=10 (100), cv=3, verbose=2, random_state=100, "
        "n_jobs=-1), then GridSearchCV built from best_params_ +/- steps (min_samples_split best-2 can be 0: "
        "failed fits), cv=3 (10), verbose=2; trees 20..200 (200..2000)",
    ),
}
S27.SCRIPTS.clear()
S27.SCRIPTS.update(SCRIPTS)

_source_of = S27.source_of


def notebook_code(text: str) -> str:
    cells = json.loads(text)["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        for line in "".join(cell["source"]).splitlines():
            if line.lstrip().startswith(("%", "!")):
                continue
            lines.append(line)
        lines.append("")
    return "\n".join(lines) + "\n"


def source_of(script: Script) -> str:
    if not script.path.endswith(".ipynb"):
        return _source_of(script)
    git_dir = S27.MIRRORS / script.repo.replace("/", "+") / "repo"
    raw = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{script.rev}:{script.path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    text = notebook_code(raw)
    for old, new in script.patches.items():
        if old not in text:
            raise SystemExit(f"{script.path}: patch target not found: {old!r}")
        text = text.replace(old, new)
    return text


S27.source_of = source_of

if __name__ == "__main__":
    S27.main()
