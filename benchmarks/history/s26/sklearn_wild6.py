"""A sixth batch of third-party search scripts (none from s21-s26's manifests) under scikit-learn and tunewise
(session 26): the surfaces no earlier batch reached (``refit=`` a callable, a scoring dict with ``refit='AUC'``,
``HalvingGridSearchCV(resource='n_estimators', factor, min_resources, max_resources, aggressive_elimination)``,
nested ``cross_val_score`` repeated over 30 seeds, ``fit_params=`` given to the constructor).

The machinery is s26's fifth batch (``sklearn_wild5.py``, on s25's, s23's, s22's and s21's harness and s19's
recorder and judge): each script is read from a mirror of its repository at a pinned commit, the edits listed per
script are applied in both modes, and it runs in a subprocess (``nice``, a time limit, ``MPLBACKEND=Agg``, no
sockets to other hosts); ``--mode sklearn`` runs it as written (the oracle), ``--mode tunewise`` with
scikit-learn's four searches imported from the module that builds ``SearchCV`` as docs/migrating/scikit-learn.md
says.

    H=benchmarks/history/s26/sklearn_wild6.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode sklearn --extra-path /tmp/s25/extra --work /tmp/s26w6/ws --no-rerun \
        --out /tmp/s26w6/sklearn.json
    .venv/bin/python $H --mode tunewise --tunewise-src /tmp/s26w6/before/src --extra-path /tmp/s25/extra \
        --work /tmp/s26w6/wb --no-rerun --reuse-sklearn /tmp/s26w6/sklearn.json --out /tmp/s26w6/before.json
    .venv/bin/python $H --report sklearn.json before.json after.json --causes sklearn_wild6_causes.json \
        --summary sklearn_wild6_summary.json
"""

from __future__ import annotations

import ast
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import sklearn_wild5 as s26w5  # noqa: E402

s25 = s26w5.s25
s21 = s25.s23.s21
Script = s21.Script

XU = "XUPT-SSS/DeepLearningCases"
XU_REV = "d68b94cbbdea2efdc46b5c287f3dce106a46ff6d"
XU_DIR = "sklearns/model_selecting/"
IL = "ILCGIFT/MachineLearning"
IL_REV = "a6199ea464c30e7c7990e01332d4b55529de8cb0"
TP = "take-p/GBDT_comparison"
TP_REV = "6546ce6a7b08eb85ffd7e0650ebddc34d3b3c82f"

SCRIPTS: dict[str, Script] = {
    # XUPT-SSS/DeepLearningCases: a course's copies of scikit-learn's model-selection examples, as they were
    # written for scikit-learn 0.22-0.23 (older than the gallery s19 ran)
    "xupt_exhaustive_grid": Script(
        XU,
        XU_DIR + "exhaustive_grid_search_plus_cross_validation.py",
        rev=XU_REV,
        note="GridSearchCV(SVC(), a list of two grids (rbf with gamma, linear), scoring='precision_macro' then "
        "'recall_macro', cv=3) on digits, the mean/std/params loop over cv_results_, classification_report of "
        "predict",
    ),
    "xupt_refit_callable": Script(
        XU,
        XU_DIR + "plot_grid_search_refit_callable.py",
        rev=XU_REV,
        note="GridSearchCV(Pipeline(PCA(random_state=42), LinearSVC(random_state=42)), n_components [6..14], cv=10, "
        "scoring='accuracy', refit=best_low_complexity (a callable reading mean_test_score, std_test_score and "
        "the masked param_ column), best_index_, best_params_, no best_score_",
    ),
    "xupt_multi_metric": Script(
        XU,
        XU_DIR + "plot_multi_metric_evaluation.py",
        rev=XU_REV,
        note="GridSearchCV(DecisionTreeClassifier(random_state=42), min_samples_split range(2, 403, 10), "
        "scoring={'AUC': 'roc_auc', 'Accuracy': make_scorer(accuracy_score)}, refit='AUC', "
        "return_train_score=True) on make_hastie_10_2(8000), mean_/std_{train,test}_{AUC,Accuracy}, "
        "rank_test_{AUC,Accuracy}, param_ column .data",
    ),
    "xupt_nested_iris": Script(
        XU,
        XU_DIR + "plot_nested_cross_validation_iris.py",
        rev=XU_REV,
        note="30 trials of GridSearchCV(SVC, cv=KFold(4, shuffle, random_state=i)) fitted for best_score_ and "
        "nested in cross_val_score(cv=KFold(4, shuffle, random_state=i)): 30 searches + 120 nested ones, the mean "
        "and std of the score differences",
    ),
    "xupt_randomized_sgd": Script(
        XU,
        XU_DIR + "plot_randomized_search.py",
        rev=XU_REV,
        # 600 SGD fits on digits: the tunewise run of the first pass hit the 600 s limit while the machine's load
        # was 7 on 2 cores (the scikit-learn and tunewise passes and probes ran at once)
        timeout=1800,
        # sklearn.utils.fixes.loguniform (scipy's loguniform, re-exported) was removed from scikit-learn: an
        # ImportError in both modes; scipy.stats.loguniform is the same distribution
        patches={"from sklearn.utils.fixes import loguniform": "from scipy.stats import loguniform"},
        unseeded="SGDClassifier without random_state and RandomizedSearchCV without random_state",
        note="RandomizedSearchCV(SGDClassifier(hinge, elasticnet), {'average': [True, False], 'l1_ratio': "
        "uniform(0, 1), 'alpha': loguniform(1e-4, 1)}, n_iter=20) unseeded, then GridSearchCV over 100 candidates, "
        "the rank_test_score report",
    ),
    # ILCGIFT/MachineLearning: notes that type out the user guide's halving sections
    "ilcgift_halving_resource": Script(
        IL,
        "ModelSelection/Parameter.py",
        rev=IL_REV,
        # sklearn.utils.fixes.loguniform: as above (the script's first line only uses it in an unused dict)
        patches={"from sklearn.utils.fixes import loguniform": "from scipy.stats import loguniform"},
        unseeded="two of its make_classification(n_samples=1000) calls have no random_state",
        note="HalvingGridSearchCV(RF(random_state=0), cv=5, factor=2, resource='n_estimators', max_resources=30) "
        "and best_estimator_, HalvingGridSearchCV(SVC, factor=2, min_resources=20) and n_resources_, "
        "HalvingGridSearchCV(SVC, factor=2, max_resources=40, aggressive_elimination=False) and n_resources_ / "
        "n_candidates_, GridSearchCV(CalibratedClassifierCV(RF), {'estimator__max_depth'}) and a Pipeline grid "
        "over 'model__estimator__max_depth' and 'select__k'",
    ),
    # take-p/GBDT_comparison: a comparison of boosting libraries that got as far as a random forest
    "takep_rf_breast": Script(
        TP,
        "ML.py",
        rev=TP_REV,
        # catboost is not installed here, and only model_cb / model_cb_sklearn (never called: their lines in
        # __main__ are commented out) use it: the import is dropped in both modes
        patches={
            "import catboost as cb\n": "cb = None  # harness: catboost not installed; only unused functions use it\n",
            "from catboost import CatBoostClassifier": "CatBoostClassifier = None  # harness: as above;",
        },
        note="GridSearchCV(RF(), {'n_estimators': [10..13], 'max_depth': [3..9], 'random_state': [0]}, cv=3, "
        "n_jobs=-1, verbose=0, return_train_score=False) on breast cancer, cv_results_ as a DataFrame sorted by "
        "rank_test_score and written to CSV, best_estimator_.predict",
    ),
    "takep_fit_params_ctor": Script(
        TP,
        "sample.py",
        rev=TP_REV,
        note="GridSearchCV(XGBRegressor(), {'subsample': [0.5, 0.8]}, verbose=1, fit_params={early_stopping_rounds, "
        "eval_metric, eval_set} (a constructor argument removed in scikit-learn 0.21), "
        "cv=TimeSeriesSplit(n_splits=2).get_n_splits(...) (an int)) on five points: fails at construction",
    ),
}


def as_tunewise_after_docstring(source: str) -> str:
    """s21's swap applied below a leading module docstring: s21 puts ``import _tw_gallery_dropin`` first when a
    qualified name (``sklearn.model_selection.GridSearchCV``) appears anywhere, so a docstring naming one (as
    xupt_nested_iris's does) was rewritten and stopped being the docstring (``print(__doc__)`` printed None)."""
    tree = ast.parse(source)
    first = tree.body[0] if tree.body else None
    if not (
        isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    ):
        return S21_AS_TUNEWISE(source)
    lines = source.splitlines(keepends=True)
    head, rest = "".join(lines[: first.end_lineno]), "".join(lines[first.end_lineno :])
    return head + S21_AS_TUNEWISE(rest)


S21_AS_TUNEWISE = s21.as_tunewise


def main() -> None:
    s21.as_tunewise = as_tunewise_after_docstring
    s25.SCRIPTS.clear()
    s25.SCRIPTS.update(SCRIPTS)
    s25.main()


if __name__ == "__main__":
    main()
