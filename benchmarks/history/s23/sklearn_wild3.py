"""A third batch of third-party search scripts (none from s21's or s22's manifest) under scikit-learn and tunewise.

The machinery is s22's (``../s22/sklearn_wild2.py``, on s21's harness and s19's recorder and judge): each
script is read from a mirror of its repository at a pinned commit, the edits listed per script are applied in
both modes, and it runs in a subprocess (``nice``, a time limit, ``MPLBACKEND=Agg``, no sockets to other
hosts); ``--mode sklearn`` runs it as written (the oracle), ``--mode tunewise`` with scikit-learn's four
searches imported from the module that builds ``SearchCV`` as docs/migrating/scikit-learn.md says.

    H=benchmarks/history/s23/sklearn_wild3.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode sklearn --extra-path /tmp/s23/extra --work /tmp/s23/sk/ws --out /tmp/s23/sk/sklearn.json
    .venv/bin/python $H --mode tunewise --tunewise-src /tmp/s23/before/src --extra-path /tmp/s23/extra \
        --work /tmp/s23/sk/wb --no-rerun --out /tmp/s23/sk/before.json
    .venv/bin/python $H --judge-only --no-rerun --reuse-sklearn /tmp/s23/sk/sklearn.json --out /tmp/s23/sk/before.json
    .venv/bin/python $H --report sklearn.json before.json after.json --causes sklearn_wild3_causes.json \
        --summary sklearn_wild3_summary.json
"""

from __future__ import annotations

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s22"))
import sklearn_wild2 as s22  # noqa: E402

s21 = s22.s21
Script = s21.Script

LK = "lankuohsing/Python"
MC = "metriccoders/metriccoders_notebooks"
AM = "amueller/introduction_to_ml_with_python"
# mglearn 0.1's heatmap iterates pcolor's get_array() as a flat array; matplotlib 3.8 made it 2-D (TypeError in both
# modes). The harness flattens it for the notebooks (both modes): nothing else reads it in these headless runs.
MGLEARN_HEATMAP = (
    "import matplotlib.collections as _mc  # harness: mglearn's heatmap wants pcolor's array flat (mpl < 3.8)\n"
    "_tw_get_array = _mc.PolyQuadMesh.get_array\n"
    "def _tw_flat(self):\n"
    "    a = _tw_get_array(self)\n"
    "    return a.ravel() if a is not None and a.ndim > 1 else a\n"
    "_mc.PolyQuadMesh.get_array = _tw_flat\n"
)
MC_NOTE = ("HalvingGridSearchCV(random_state=np.random.RandomState(0)) over a grid that holds values this "
           "scikit-learn refuses, best_params_ / best_score_")

SCRIPTS: dict[str, Script] = {
    # lankuohsing/Python: one person's scikit-learn notes (iris)
    "lk_grid_random_knn": Script(
        LK, "sk-learn/model_selection/GridSearchCV_Example1.py",
        note="GridSearchCV(KNN, range-valued grid, cv=10, scoring='accuracy'), print(cv_results_) whole, best_*, "
        "then RandomizedSearchCV(n_iter=10, random_state=5) over the same grid"),
    "lk_grid_svc_csv": Script(
        LK, "sk-learn/model_selection/GridSearchCV_Example2.py",
        note="GridSearchCV(SVC, tuple and list values), pd.DataFrame.from_dict(cv_results_).to_csv, predict, "
        "classification_report"),
    "lk_nested_print": Script(
        LK, "sk-learn/model_selection/cross_val_score_grid_search2.py",
        note="print(GridSearchCV(...)) before fitting (its repr), cross_val_score(search, cv=5) nested"),
    "lk_nested_plain": Script(
        LK, "sk-learn/model_selection/cross_val_score_grid_search1.py",
        note="cross_val_score(GridSearchCV(SVC, 36 candidates, cv=5), cv=5) nested"),
    "lk_grid_holdout": Script(
        LK, "sk-learn/model_selection/grid_search1.py",
        note="GridSearchCV(SVC, cv=5) on a train split, score on train and test, best_score_"),
    # namtu06/DATA.ML.450: a course's week-6 script
    "namtu_halving_rf_estimators": Script(
        "namtu06/DATA.ML.450", "Week6/HalvingRandomSearchCV_random_forest.py",
        note="HalvingRandomSearchCV(RF, [3, None] and randint, resource='n_estimators', max_resources=10, "
        "random_state=0), score"),
    # JuHyunAn/study_ml: Introduction to ML with Python, ch. 6, typed out
    "juhyun_pipe_model_grid": Script(
        "JuHyunAn/study_ml", "ML_with_python/chap06_pipeline/st05_pipeline_model_selection.py",
        unseeded="RandomForestClassifier(n_estimators=100) without random_state among the grid's values",
        note="GridSearchCV(Pipeline(preprocessing, classifier)) over a list of two grids whose values are "
        "estimators (SVC / RandomForest, StandardScaler / None), best_params_, score"),
    # liuxinfengabc/cultivate: notes, decision tree chapter
    "liuxin_tree_scorer_kfold": Script(
        "liuxinfengabc/cultivate", "5.机器学习/4.决策树/DecisionIris/gridearchv.py",
        note="GridSearchCV(DecisionTree, range grid, make_scorer(accuracy_score) as the third positional "
        "argument, cv=KFold(10)), best_estimator_.get_params(), pd.DataFrame(cv_results_).T"),
    # philip-khor/quarto-blog: a blog post's script
    "philip_nested_unseeded": Script(
        "philip-khor/quarto-blog", "post/nested_cv.py", unseeded="KFold(shuffle=True) without random_state",
        note="cross_val_score(GridSearchCV(SVC, cv=inner KFold(shuffle)), cv=outer KFold(shuffle)) nested"),
    # amueller/introduction_to_ml_with_python: the book's own notebooks (chapters 5 and 6), mglearn from the repo
    "amueller_ch05_nb": Script(
        AM, "05-model-evaluation-and-improvement.ipynb", companions=("preamble.py", "mglearn", "data"),
        timeout=900, preamble=MGLEARN_HEATMAP,
        patches={"from sklearn.metrics import SCORERS\n":
                 "from sklearn.metrics import get_scorer_names as _gsn  # harness: SCORERS was removed in 1.3\n"
                 "SCORERS = dict.fromkeys(_gsn())\n"},
        note="notebook: GridSearchCV(SVC) on a split, pd.DataFrame(cv_results_) and a heatmap from "
        "mean_test_score reshaped, a list of two grids, nested cross_val_score(GridSearchCV), "
        "scoring='roc_auc' and scoring=['accuracy', ...] with refit, decision_function, cv_results_ keys"),
    "amueller_ch06_nb": Script(
        AM, "06-algorithm-chains-and-pipelines.ipynb", companions=("preamble.py", "mglearn", "data"),
        unseeded="RandomForestClassifier(n_estimators=100) without random_state among one grid's values",
        timeout=900, preamble=MGLEARN_HEATMAP,
        patches={"from sklearn.datasets import load_boston\n":
                 "from sklearn.datasets import load_diabetes as load_boston  # harness: diabetes for the removed "
                 "Boston set\n"},
        note="notebook: GridSearchCV over Pipeline / make_pipeline (svc__C, polynomialfeatures__degree x ridge__alpha "
        "heatmap, n_jobs=-1), estimators as grid values, best_estimator_.named_steps"),
    # metriccoders/metriccoders_notebooks: a series of small HalvingGridSearchCV scripts
    "mc_halving_rf_badcriterion": Script(MC, "gridsearch/Notebook2.py", unseeded="RandomForestClassifier() unseeded",
                                         note="iris, RF; criterion 'loss' fails. " + MC_NOTE),
    "mc_halving_ada_sammer": Script(MC, "gridsearch/Notebook10.py",
                                    note="digits, AdaBoost; algorithm 'SAMME.R' (removed in 1.6) fails. " + MC_NOTE),
    "mc_halving_knn_emptyalgo": Script(MC, "gridsearch/Notebook12.py",
                                       note="digits, KNN; algorithm '' fails. " + MC_NOTE),
    "mc_halving_sgd_grid": Script(MC, "gridsearch/Notebook13.py", unseeded="SGDClassifier() unseeded",
                                  note="digits, SGDClassifier over losses x penalties (regression losses fail). "
                                  + MC_NOTE),
    "mc_halving_svc_cancer": Script(MC, "gridsearch/Notebook22.py", note="breast cancer, SVC. " + MC_NOTE),
    "mc_halving_hgb_reg": Script(MC, "gridsearch/Notebook29.py",
                                 note="diabetes, HistGradientBoostingRegressor over losses. " + MC_NOTE),
    "mc_halving_sgd_reg": Script(MC, "gridsearch/Notebook31.py", unseeded="SGDRegressor() unseeded",
                                 note="diabetes, SGDRegressor, penalty None. " + MC_NOTE),
    "mc_halving_kernelridge": Script(MC, "gridsearch/Notebook35.py",
                                     note="diabetes, KernelRidge, gamma None. " + MC_NOTE),
}


# IPython is not installed: the book's preamble.py imports IPython.display's set_matplotlib_formats and display, and
# mglearn imports IPython in a helper; a stand-in package (no-ops, both modes) is written to the --extra-path folder.
IPYTHON_STANDIN = {
    "IPython/__init__.py": "version_info = (8, 30, 0)  # matplotlib reads it\n\n\n"
                          "def get_ipython():\n    return None  # harness stand-in: not in a notebook\n",
    "IPython/display.py": "def display(*a, **k):\n    for x in a:\n        print(x)\n\n\n"
                          "def set_matplotlib_formats(*a, **k):\n    pass\n\n\n"
                          "def Image(*a, **k):\n    return None\n",
}


def strip_raw(src: str, dst: str) -> None:
    """The results JSON without the scripts' output, cv_results_ values and predictions (third-party output, size),
    as s22 committed its raw files: statuses, times, errors, verdicts, differences, best_* and column types/shapes."""
    import json

    data = json.loads(pathlib.Path(src).read_text())
    for entry in data["scripts"].values():
        for key in ("sklearn", "sklearn-again", "tunewise"):
            run = entry.get(key)
            if not isinstance(run, dict):
                continue
            run.pop("stdout", None)
            for fit in run.get("fits", []):
                for col in (fit.get("cv_results_") or {}).values():
                    if isinstance(col, dict):
                        col.pop("values", None)
                        col.pop("value_types", None)
                for k in [k for k in fit if k.startswith(("predict", "refit_predict"))]:
                    fit.pop(k)
    pathlib.Path(dst).write_text(json.dumps(data, indent=1, default=repr, ensure_ascii=False) + "\n")


def main() -> None:
    if "--strip-raw" in sys.argv:  # --strip-raw IN OUT
        i = sys.argv.index("--strip-raw")
        strip_raw(sys.argv[i + 1], sys.argv[i + 2])
        return
    if "--extra-path" in sys.argv:
        extra = pathlib.Path(sys.argv[sys.argv.index("--extra-path") + 1].split(":")[0])
        for rel, text in IPYTHON_STANDIN.items():
            (extra / rel).parent.mkdir(parents=True, exist_ok=True)
            (extra / rel).write_text(text)
    s21.SCRIPTS = SCRIPTS
    s21.main()


if __name__ == "__main__":
    main()
