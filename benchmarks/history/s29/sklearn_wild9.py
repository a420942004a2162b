"""A ninth batch of third-party search scripts under scikit-learn's classes and under tunewise's SearchCV (s29).

Session 27's harness (``../s27/sklearn_wild7.py``, with session 28's notebook reader, ``../s28/sklearn_wild8.py``) is
loaded unchanged and its ``SCRIPTS`` replaced with this batch's: the scikit-learn model-selection scripts of
``labex-labs/open-source-labs`` (LabEx's copies of scikit-learn gallery examples as lab assets, pinned to one commit;
the repository is named in no file under ``benchmarks/history`` or ``docs/``, checked with ``grep -rli``). They reach
what earlier batches ran little: a ``ColumnTransformer`` pipeline searched by ``preprocessor__num__imputer__strategy``
names (RandomizedSearchCV, ``n_iter`` 10 of a 32-point grid, ``cv_results_`` into pandas sorted), ``refit=callable``
returning ``best_index_`` (two scripts), ``make_scorer(..., greater_is_better=False)`` in HalvingRandomSearchCV,
HalvingRandomSearchCV with ``factor=2`` and its ``cv_results_`` pivoted by ``iter``, HalvingGridSearchCV next to
GridSearchCV, a scoring dict with ``refit='AUC'`` and ``return_train_score``, nested CV over 30 seeds, a callable
scorer on an unsupervised estimator (GaussianMixture BIC), ``fit(X)`` without ``y`` (ShrunkCovariance,
PCA / FactorAnalysis ``score``), a StratifiedShuffleSplit grid.

    H=benchmarks/history/s29/sklearn_wild9.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode oracle --extra-path /tmp/s24w/extra --work /tmp/s29sk/wo --out /tmp/s29sk/oracle.json
    .venv/bin/python $H --mode tunewise --tunewise-src /tmp/s29sk/before/src --work /tmp/s29sk/wb \
        --out /tmp/s29sk/before.json
    .venv/bin/python $H --report /tmp/s29sk/oracle.json /tmp/s29sk/before.json [/tmp/s29sk/after.json]

Data: every script builds its data (scikit-learn's bundled sets or generators) except the ColumnTransformer one,
which downloads OpenML's titanic; the harness points it at a local Kaggle titanic CSV (``/tmp/s29sk/data/titanic.csv``,
the copy session 26's harness took from another repository; columns lower-cased, ``sex`` / ``embarked`` as
``category`` as OpenML's are), the same in both modes.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("sklearn_wild8", HERE.parent / "s28" / "sklearn_wild8.py")
assert _spec is not None and _spec.loader is not None
S28 = importlib.util.module_from_spec(_spec)
sys.modules["sklearn_wild8"] = S28
_spec.loader.exec_module(S28)
S27 = S28.S27
Script = S27.Script

LX = "labex-labs/open-source-labs"
LX_REV = "bfd5de2beff6f76d843f684ea8c0440417c9e1d3"


def _lab(name: str) -> str:
    return f"sklearn/sklearn-official-examples/lab-plot-{name}/assets/plot-{name}.py"


TITANIC = (
    'import pandas as _pd  # harness: OpenML titanic -> a local Kaggle titanic CSV (no download), both modes\n'
    '_t = _pd.read_csv("/tmp/s29sk/data/titanic.csv").rename(columns=str.lower)\n'
    'for _c in ("sex", "embarked"):\n'
    '    _t[_c] = _t[_c].astype("category")\n'
    'X, y = _t.drop(columns=["survived", "passengerid"]), _t["survived"].astype(str)\n'
)

SCRIPTS: dict[str, Script] = {
    "lx_column_transformer_random": Script(
        LX,
        _lab("column-transformer-mixed-types"),
        LX_REV,
        patches={
            'X, y = fetch_openml(\n    "titanic", version=1, as_frame=True, return_X_y=True, parser="pandas"\n)\n': (
                TITANIC
            ),
        },
        note="Pipeline(ColumnTransformer(num: imputer+scaler, cat: OneHotEncoder+SelectPercentile(chi2)), "
        "LogisticRegression); RandomizedSearchCV(clf, {'preprocessor__num__imputer__strategy', "
        "'preprocessor__cat__selector__percentile', 'classifier__C'} (a 32-point grid), n_iter=10, "
        "random_state=0), best_params_, best_score_, cv_results_ into pandas sorted by mean_test_score, score; "
        "a second pipeline with make_column_selector(dtype_include='category')",
    ),
    "lx_refit_callable_pca": Script(
        LX,
        _lab("grid-search-refit-callable"),
        LX_REV,
        note="GridSearchCV(Pipeline(PCA(random_state=42), LinearSVC), {'reduce_dim__n_components': [6, 8, 10, 12, "
        "14]}, n_jobs=1, refit=best_low_complexity (a callable returning an index: the fewest components within "
        "one std of the best), scoring='accuracy') on digits; best_index_, cv_results_ for a bar plot",
    ),
    "lx_refit_strategy_digits": Script(
        LX,
        _lab("grid-search-digits"),
        LX_REV,
        note="GridSearchCV(SVC(), a list of two grids, scoring=['precision', 'recall'], refit=refit_strategy (a "
        "callable that reads cv_results_ into pandas, filters by precision, picks the fastest within one std of "
        "the best recall, returns its index)) on digits (binary 8 vs rest), best_params_, classification_report",
    ),
    "lx_multi_metric_auc": Script(
        LX,
        _lab("multi-metric-evaluation"),
        LX_REV,
        note="GridSearchCV(DecisionTreeClassifier(random_state=42), {'min_samples_split': range(2, 403, 20)}, "
        "scoring={'AUC': 'roc_auc', 'Accuracy': make_scorer(accuracy_score)}, refit='AUC', "
        "return_train_score=True, n_jobs=2) on make_hastie_10_2(8000); cv_results_ per scorer for a plot",
    ),
    "lx_randomized_vs_grid_sgd": Script(
        LX,
        _lab("randomized-search"),
        LX_REV,
        random="RandomizedSearchCV without random_state; SGDClassifier(fit_intercept=True) unseeded",
        note="RandomizedSearchCV(SGDClassifier(loss='hinge', penalty='elasticnet'), {'average': [True, False], "
        "'l1_ratio': stats.uniform(0, 1), 'alpha': loguniform(1e-2, 1e0)}, n_iter=15) and GridSearchCV over a "
        "3 x 2 x 10 grid on digits (3 classes); a report() of the top ranks from cv_results_['rank_test_score'] "
        "with np.flatnonzero",
    ),
    "lx_halving_random_iterations": Script(
        LX,
        _lab("successive-halving-iterations"),
        LX_REV,
        note="HalvingRandomSearchCV(RandomForestClassifier(n_estimators=20, random_state=rng), {'max_depth': [3, "
        "None], 'max_features': randint(1, 6), 'min_samples_split': randint(2, 11), 'bootstrap', 'criterion'}, "
        "factor=2, random_state=rng) with rng = np.random.RandomState(0); cv_results_ into pandas, "
        "drop_duplicates on (params_str, iter), pivot iter x params; n_resources_, n_candidates_, n_iterations_",
    ),
    "lx_halving_grid_heatmap": Script(
        LX,
        _lab("successive-halving-heatmap"),
        LX_REV,
        note="HalvingGridSearchCV(SVC(random_state=rng), {'gamma': 7 values, 'C': 6 values}, factor=2, "
        "random_state=rng) then GridSearchCV(SVC, the same grid) on make_classification(1000); cv_results_ "
        "into pandas, pivot of mean_test_score by gamma x C; n_iterations_, n_resources_, iter column",
    ),
    "lx_gb_quantile_pinball_halving": Script(
        LX,
        _lab("gradient-boosting-quantile"),
        LX_REV,
        note="HalvingRandomSearchCV(GradientBoostingRegressor(loss='quantile', alpha=0.05), a grid of 4 "
        "parameters, scoring=make_scorer(mean_pinball_loss, alpha=0.05, greater_is_better=False), "
        "n_jobs=2, random_state=0) then clone(...).set_params(estimator__alpha=0.95, scoring=another "
        "make_scorer) and fit again; best_params_",
    ),
    "lx_nested_cv_iris": Script(
        LX,
        _lab("nested-cross-validation-iris"),
        LX_REV,
        note="for 30 seeds: GridSearchCV(SVC(kernel='rbf'), {'C': [1, 10, 100], 'gamma': [.01, .1]}, "
        "cv=KFold(4, shuffle, i)) fitted (best_score_) and cross_val_score(search, cv=KFold(4, shuffle, i)) "
        "(nested CV), differences of the two scores",
    ),
    "lx_digits_pipe_pca_logistic": Script(
        LX,
        _lab("digits-pipe"),
        LX_REV,
        note="GridSearchCV(Pipeline(StandardScaler, PCA, LogisticRegression(max_iter=10000, tol=0.1)), "
        "{'pca__n_components': [5, 15, 30, 45, 60], 'logistic__C': np.logspace(-4, 4, 4)}, n_jobs=2) on digits; "
        "cv_results_ into pandas, groupby('param_pca__n_components') + idxmax for a plot",
    ),
    "lx_gmm_bic_callable_scoring": Script(
        LX,
        _lab("gmm-selection"),
        LX_REV,
        note="GridSearchCV(GaussianMixture(), {'n_components': range(1, 7), 'covariance_type': 4 values}, "
        "scoring=gmm_bic_score (a callable (estimator, X) -> -bic)) fitted on X only; cv_results_ into pandas, "
        "renamed, sort_values('BIC score'); data from np.random.randn after np.random.seed(0)",
    ),
    "lx_pca_fa_shrunk_covariance": Script(
        LX,
        _lab("pca-vs-fa-model-selection"),
        LX_REV,
        note="GridSearchCV(ShrunkCovariance(), {'shrinkage': np.logspace(-2, 0, 30)}) fitted on X only (no y, "
        "the estimator's own score), best_estimator_ scored by cross_val_score; PCA / FactorAnalysis CV scores",
    ),
    "lx_rbf_grid_stratified_shuffle": Script(
        LX,
        _lab("rbf-parameters"),
        LX_REV,
        note="GridSearchCV(SVC(), {'gamma': np.logspace(-9, 3, 13), 'C': np.logspace(-2, 10, 13)}, "
        "cv=StratifiedShuffleSplit(5, test_size=0.2, random_state=42)) on iris (169 candidates), best_params_, "
        "cv_results_['mean_test_score'].reshape(len(C_range), len(gamma_range)) for a heatmap",
    ),
}
S27.SCRIPTS.clear()
S27.SCRIPTS.update(SCRIPTS)

if __name__ == "__main__":
    S27.main()
