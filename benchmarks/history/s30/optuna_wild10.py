"""Run a tenth batch of third-party Optuna scripts (none from Optuna's repositories, none from a repository named
in any earlier batch's files) under Optuna and under tunewise.

Session 28's harness (``../s28/optuna_wild8.py``: session 23's machinery with session 26's step patches and
session 28's swap for ``import optuna.<submodule>``), as session 29 used it, with this batch's manifest
(``SCRIPTS``, repositories pinned in ``REVS``). Each script is read from its bare mirror, edited as little as makes
it run here offline (every edit marked ``# harness`` in the run copy, the same in both modes), run once as written
under Optuna and once switched as docs/migrating-from-optuna.md says under tunewise, with ``optuna`` and
``optuna_integration`` blocked from import. The adapted scripts go to ``--work``; they are third-party code and
are not committed. Both modes run on the same interpreter (``/work/venvs/compat30``: Optuna, optuna-integration,
scikit-learn, LightGBM, XGBoost, seaborn, python-dotenv; tunewise's own dependencies), tunewise from ``--tunewise-src``.

    P=/work/venvs/compat30/bin/python
    $P benchmarks/history/s30/optuna_wild10.py --manifest
    $P benchmarks/history/s30/optuna_wild10.py --mode optuna --work /tmp/compat30/run --out /tmp/compat30/o_optuna.json
    git archive <before> src | tar -x -C /tmp/compat30/before
    $P benchmarks/history/s30/optuna_wild10.py --mode tunewise --tunewise-src /tmp/compat30/before/src \
        --work /tmp/compat30/run --out /tmp/compat30/o_before.json
    $P benchmarks/history/s30/optuna_wild10.py --report o_optuna.json o_before.json o_after.json
"""

from __future__ import annotations

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s28"))
import optuna_wild8  # noqa: E402  (session 28's swap rule, session 26's step patches, session 23's machinery)
from optuna_wild4 import Script, Spec  # noqa: E402

s23 = optuna_wild8.s23

NARTH = "narth8252/python_workspace1N"
SLEEP = "noahfrank3/sleep-stage-classification"

NO_MGLEARN = (
    "import sys as _sys, types as _types  # harness: mglearn (imported, never used) is not installed\n"
    "_sys.modules['mglearn'] = _types.ModuleType('mglearn')\n"
)

CALIFORNIA_STANDIN = NO_MGLEARN + (
    "def _harness_california():  # harness: fetch_california_housing downloads; a 2,000-row stand-in, same names\n"
    "    import numpy as _np, sklearn.datasets as _d\n"
    "    from sklearn.utils import Bunch as _B\n"
    "    _X, _y = _d.make_regression(n_samples=2000, n_features=8, n_informative=5, noise=10.0, random_state=0)\n"
    "    _names = ['MedInc', 'HouseAge', 'AveRooms', 'AveBedrms', 'Population', 'AveOccup', 'Latitude', 'Longitude']\n"
    "    _y = (_y - _y.min()) / (_y.max() - _y.min()) * 4.5 + 0.15\n"
    "    _d.fetch_california_housing = lambda *a, **k: _B(data=_X, target=_y, feature_names=_names)\n"
    "_harness_california()\n"
)

SLEEP_DRIVER = (
    "\n# harness: optimization.py's Optimizer (ask / objective / tell on the study reset_db.py made, NSGAIISampler,\n"
    "# load_if_exists) on a stand-in objective: the repository's EEG recordings are not in it. The objective's\n"
    "# parameters are the ones view_results.py reads (clf, dim_reduction, n_components_LDA).\n"
    "if __name__ == '__main__':\n"
    "    _study = optuna.create_study(study_name='sleep_stage_classification', storage=os.getenv('DB_URL'),\n"
    "                                 load_if_exists=True, sampler=NSGAIISampler(seed=0),\n"
    "                                 directions=['minimize', 'minimize'])\n"
    "    _study.enqueue_trial({'clf': 'XGB', 'dim_reduction': 'LDA', 'n_components_LDA': 2})\n"
    "    _clfs = ['QDA', 'LR', 'NB', 'DT', 'RF', 'kNN', 'SVM', 'XGB', 'NN']\n"
    "    for _i in range(14):\n"
    "        trial = _study.ask()\n"
    "        _clf = trial.suggest_categorical('clf', _clfs)\n"
    "        _dim = trial.suggest_categorical('dim_reduction', ['None', 'KPCA', 'LDA', 'SVD', 'LASSO'])\n"
    "        _k = trial.suggest_int('n_components_LDA', 1, 4) if _dim == 'LDA' else 0\n"
    "        _err = 0.1 + 0.03 * _clfs.index(_clf) + 0.01 * _k\n"
    "        _mem = 500.0 + 400.0 * _clfs.index(_clf) - 50.0 * _k\n"
    "        _study.tell(trial, (_err, _mem))\n"
    "    print('trials:', len(_study.trials), 'pareto:', len(_study.best_trials))\n"
)

SCRIPTS: dict[str, Script] = {
    "narth_pipeline_optuna_rf": Script(
        NARTH,
        "Machine_Learning/0715파이프라인_optuna.py",
        Spec(patches={"study.optimize(objective, n_trials=50)": "study.optimize(objective, n_trials=8)"}),
        dest="pipeline_optuna.py",
        preamble=NO_MGLEARN,
        data="none (breast_cancer); mglearn (imported, unused) stubbed",
        note="a Korean class's breast_cancer RandomForest study (suggest_int x4, n_jobs=-1 in the model), an "
        "objective with dead code after its return, best_trial.value / best_trial.params into a refit Pipeline",
    ),
    "narth_param3_optuna_rf": Script(
        NARTH,
        "Machine_Learning/0715파라미터3.py",
        Spec(patches={"n_trials=50": "n_trials=8"}, optional={"plt.show()": "pass  # harness"}),
        dest="param3_optuna.py",
        preamble=NO_MGLEARN,
        data="none (breast_cancer); mglearn stubbed",
        note="the same class's earlier version: stratified split, study.best_trial.params into a refit, "
        "feature_importances_ frame",
    ),
    "narth_california_rf_optuna": Script(
        NARTH,
        "Machine_Learning/0716캘리포니아집값.py",
        Spec(patches={"study.optimize(objective, n_trials=50)": "study.optimize(objective, n_trials=6)"},
             optional={"plt.show()": "pass  # harness"}, timeout=600),
        dest="california_optuna.py",
        preamble=CALIFORNIA_STANDIN,
        data="fetch_california_housing (a download) -> a 2,000-row make_regression frame with its 8 feature names",
        note="RandomForestRegressor RMSE minimized (suggest_int x4, suggest_float max_features), "
        "best_trial.value formatted, best_params into a refit, seaborn barplot of importances saved",
    ),
    "noahfrank_sleep_nsga2_reset_and_view": Script(
        SLEEP,
        "sleepclf/optimization/reset_db.py",
        Spec(
            env={"DB_URL": "sqlite:///sleep.db"},
            patches={},
            timeout=600,
        ),
        dest="reset_db.py",
        epilogue=SLEEP_DRIVER,
        steps=(("sleepclf/optimization/view_results.py", ()),),
        step_patches={
            # Python 3.12 f-string quoting; the interpreter here is 3.11 (both modes)
            "fig.savefig(f'{title.lower().replace(' ', '_')}.svg')": (
                "fig.savefig(title.lower().replace(' ', '_') + '.svg')  # harness: 3.12 f-string on 3.11"
            ),
            '    plot_data_dim_reduction(all_data, "Dimensionality Reduction Results")\n': (
                '    plot_data_dim_reduction(all_data, "Dimensionality Reduction Results")\n'
                "    print('columns:', list(all_data.columns), 'rows:', len(all_data))  # harness: show what was read\n"
                "    print('pareto:', get_pareto_data(study).shape)  # harness\n"
            ),
        },
        data="DB_URL=sqlite:///sleep.db (the repository reads a PostgreSQL URL from .env); the EEG data and its "
        "objective stand in as a driver appended to reset_db.py",
        note="reset_db.py: delete_study in a bare try/except, create_study(NSGAIISampler(population_size=440), "
        "directions=[minimize, minimize]); driver: create_study(load_if_exists=True), ask / tell with a tuple; "
        "view_results.py: load_study(storage=RDBStorage(url=...)), trials_dataframe(attrs=('state', 'params', "
        "'value')) filtered by state == 'COMPLETE', values_0 / values_1 renamed, best_trials' params and values",
    ),
}

# Each repository as read in this session (its mirror's HEAD then).
REVS = {
    NARTH: "16202f83c6bbba2f3d3a1370d7021c32dbbc9239",
    SLEEP: "fd15a276ae9e530f5f214b39a4a4dfd6ebc943c2",
}
for _script in SCRIPTS.values():
    _script.rev = REVS[_script.repo]

s23.SCRIPTS = SCRIPTS

if __name__ == "__main__":
    s23.main()
