"""Run an eleventh batch of third-party Optuna scripts under Optuna and under tunewise.

Session 28's harness (``../s28/optuna_wild8.py``: session 23's machinery with session 26's step patches and
session 28's swap for ``import optuna.<submodule>``), as sessions 29 and 30 used it, with this batch's manifest
(``SCRIPTS``, repositories pinned in ``REVS``). Each script is read from its bare mirror, edited as little as makes
it run here offline (every edit marked ``# harness`` in the run copy, the same in both modes), run once as written
under Optuna and once switched as docs/migrating-from-optuna.md says under tunewise, with ``optuna`` and
``optuna_integration`` blocked from import. Scripts that download a data set get a scikit-learn data set of a
similar kind in a preamble (recorded in each entry's ``data``). A short epilogue marked ``# harness`` prints the
trial states where the script prints nothing else that does not depend on sampled values.

    P=/work/venvs/compat30/bin/python
    $P benchmarks/history/s31/optuna_wild11.py --manifest
    $P benchmarks/history/s31/optuna_wild11.py --mode optuna --work /tmp/compat31/run --out optuna_wild11_optuna.json
    git archive <before> src | tar -x -C /tmp/compat31/before
    $P benchmarks/history/s31/optuna_wild11.py --mode tunewise --tunewise-src /tmp/compat31/before/src \
        --work /tmp/compat31/run --out optuna_wild11_before.json
    $P benchmarks/history/s31/optuna_wild11.py --report optuna_wild11_optuna.json optuna_wild11_before.json ...
"""

from __future__ import annotations

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s28"))
import optuna_wild8  # noqa: E402  (session 28's swap rule, session 26's step patches, session 23's machinery)
from optuna_wild4 import Script, Spec  # noqa: E402

s23 = optuna_wild8.s23

HUB = "optuna/optunahub-registry"
BOOK = "pfnet-research/optuna-book"

STATES = (
    "\nimport collections as _c  # harness: the trial states, which do not depend on sampled values here\n"
    "print('harness states:', sorted(_c.Counter(t.state.name for t in study.trials).items()))\n"
)
SHAPE = (
    "\nprint('harness:', len(study.trials), 'trials', len(study.best_trials), 'best trials >= 1:',\n"
    "      len(study.best_trials) >= 1, 'values per trial:', {len(t.values) for t in study.trials})  # harness\n"
)

COVTYPE_STANDIN = (
    "def _harness_covtype():  # harness: fetch_covtype downloads 581,012 rows x 54 features, 7 classes;\n"
    "    import sklearn.datasets as _d  # scikit-learn's digits (1,797 x 64, 10 classes, labels 1..10) stand in\n"
    "    def _digits(*a, **k):\n"
    "        _X, _y = _d.load_digits(return_X_y=True)\n"
    "        return _X, _y + 1\n"
    "    _d.fetch_covtype = _digits\n"
    "_harness_covtype()\n"
)

ADULT_STANDIN = (
    "def _harness_adult():  # harness: fetch_openml('adult') downloads 48,842 rows with categorical columns;\n"
    "    import pandas as _pd, sklearn.datasets as _d  # breast_cancer's frame plus one categorical column stands in\n"
    "    from sklearn.utils import Bunch as _B\n"
    "    _bc = _d.load_breast_cancer(as_frame=True)\n"
    "    _X = _bc.data.copy()\n"
    "    _X['workclass'] = _pd.Categorical(_pd.qcut(_X['mean area'], 3, labels=['Private', 'Gov', 'Self']))\n"
    "    _y = _pd.Series(['>50K' if v == 1 else '<=50K' for v in _bc.target], name='class', dtype='category')\n"
    "    _d.fetch_openml = lambda *a, **k: _B(data=_X, target=_y, frame=None)\n"
    "_harness_adult()\n"
)

SGD_NOTE = (
    "SGDClassifier.partial_fit on iris for 100 steps, trial.report(score, step) and should_prune() in the loop, "
    "TrialPruned"
)

SCRIPTS: dict[str, Script] = {
    "hub_hyperband_pruner_sgd": Script(
        HUB,
        "package/pruners/hyperband/example.py",
        Spec(patches={}, timeout=600),
        dest="hyperband_example.py",
        epilogue=STATES,
        data="none (iris)",
        note=SGD_NOTE + "; HyperbandPruner(min_resource=1, max_resource=100, reduction_factor=3), maximize",
    ),
    "hub_nop_pruner_assert": Script(
        HUB,
        "package/pruners/nop/example.py",
        Spec(patches={}, timeout=600),
        dest="nop_example.py",
        epilogue=STATES,
        data="none (iris)",
        note=SGD_NOTE + "; NopPruner with an `assert False` if should_prune() is ever true",
    ),
    "hub_patient_median_pruner": Script(
        HUB,
        "package/pruners/patient/example.py",
        Spec(patches={}, timeout=600),
        dest="patient_example.py",
        epilogue=STATES,
        data="none (iris)",
        note=SGD_NOTE + "; PatientPruner(MedianPruner(), patience=1)",
    ),
    "hub_successive_halving_pruner": Script(
        HUB,
        "package/pruners/successive_halving/example.py",
        Spec(patches={}, timeout=600),
        dest="sh_example.py",
        epilogue=STATES,
        data="none (iris)",
        note=SGD_NOTE + "; SuccessiveHalvingPruner() defaults",
    ),
    "hub_threshold_pruner_upper_lower": Script(
        HUB,
        "package/pruners/threshold/example.py",
        Spec(patches={}),
        dest="threshold_example.py",
        epilogue=(
            "\nimport collections as _c  # harness: both studies' states (the curves are fixed: every trial pruned)\n"
            "print('harness last study:', sorted(_c.Counter(t.state.name for t in study.trials).items()),\n"
            "      'pruned at steps:', sorted({max(t.intermediate_values) for t in study.trials}))\n"
        ),
        data="none (fixed curves)",
        note="ThresholdPruner(upper=1.0) and ThresholdPruner(lower=0.0) on fixed curves, `from optuna import "
        "create_study, TrialPruned`, `from optuna.pruners import ThresholdPruner`",
    ),
    "hub_wilcoxon_pruner_instances": Script(
        HUB,
        "package/pruners/wilcoxon/example.py",
        Spec(patches={"n_trials=100": "n_trials=30"}),
        dest="wilcoxon_example.py",
        epilogue=(
            "\nprint('harness:', len(study.trials), 'trials, states', sorted({t.state.name for t in study.trials}),\n"
            "      'some stopped early:', any(len(t.intermediate_values) < 100 for t in study.trials))  # harness\n"
        ),
        data="none (toy losses over 100 problem instances)",
        note="WilcoxonPruner(p_threshold=0.1), trial.report(loss, instance_id) with shuffled instance ids as steps, "
        "an objective that returns the mean so far instead of raising TrialPruned",
    ),
    "book_zdt1_narrowed_undx": Script(
        BOOK,
        "chapter3/list_3_10_optimize_zdt1_with_narrowed_search_space.py",
        Spec(patches={"n_trials=1000": "n_trials=60"}),
        dest="zdt1_narrowed.py",
        epilogue=SHAPE,
        data="none (ZDT1)",
        note="NSGAIISampler(crossover=optuna.samplers.nsgaii.UNDXCrossover()), 30 floats, two objectives",
    ),
    "book_binh_korn_storage_pareto_slice": Script(
        BOOK,
        "chapter3/list_3_4_optimize_with_storage.py",
        Spec(patches={"n_trials=1000": "n_trials=40"}, no_show=True),
        dest="list_3_4.py",
        companions=("chapter3/binh_and_korn.py",),
        companion_dest={"chapter3/binh_and_korn.py": "binh_and_korn.py"},
        steps=(("chapter3/list_3_5_plot_pareto_front.py", ()), ("chapter3/list_3_6_plot_slice.py", ())),
        step_patches={
            "include_dominated_trials=False\n).show()": (
                "include_dominated_trials=False\n).show()\n"
                "print('harness: pareto figure traces', len(optuna.visualization.plot_pareto_front(study, "
                "include_dominated_trials=False).data) >= 1)"
            ),
        },
        data="none (Binh and Korn)",
        note="a companion module's objective, create_study(storage=sqlite, directions=[min, min], "
        "load_if_exists=True) and `if len(study.trials) == 0`; then load_study and plot_pareto_front("
        "include_dominated_trials=True/False); then plot_slice(target=lambda t: t.values[i], target_name=...)",
    ),
    "book_lgbm_v1_random_importance_slice": Script(
        BOOK,
        "chapter3/list_3_17_search_space_v1_random.py",
        Spec(patches={"n_trials=100": "n_trials=12"}, no_show=True, timeout=600),
        dest="list_3_17.py",
        preamble=COVTYPE_STANDIN,
        steps=(("chapter3/list_3_18_plot_param_importance.py", ()), ("chapter3/list_3_19_plot_slice.py", ())),
        data="fetch_covtype (a download) -> load_digits (labels + 1, as the script subtracts 1)",
        note="lgb.train with 13 suggested parameters (log floats, a bool categorical), RandomSampler on SQLite; then "
        "load_study and plot_param_importances(study).show(); then plot_slice(params=['extra_trees', "
        "'feature_fraction'])",
    ),
    "book_cmaes_beale": Script(
        BOOK,
        "chapter3/list_3_36_change_sampler_when_create_study.py",
        Spec(patches={"n_trials=5000": "n_trials=150"}),
        dest="cmaes_beale.py",
        epilogue=STATES,
        data="none (Beale)",
        note="CmaEsSampler() defaults on two floats, best_value / best_params printed",
    ),
    "book_rf_storage_then_new_param": Script(
        BOOK,
        "chapter5/list_5_1_optimize_rf.py",
        Spec(patches={"n_trials=100": "n_trials=6"}, timeout=600),
        dest="list_5_1.py",
        preamble=ADULT_STANDIN,
        steps=(("chapter5/list_5_2_optimize_rf_additional_param.py", ()),),
        step_patches={"n_trials=100": "n_trials=6"},
        data="fetch_openml('adult') (a download) -> breast_cancer's frame with one categorical column, the target "
        "as '>50K' / '<=50K' strings",
        note="RandomForest cross_val_score, suggest_float('min_samples_split', 0, 1), create_study on SQLite; then "
        "load_study and optimize again with a new parameter (n_estimators) the first trials lack",
    ),
    "book_binh_korn_default_sampler": Script(
        BOOK,
        "chapter3/list_3_1_optimize_binh_and_korn.py",
        Spec(patches={"n_trials=100": "n_trials=40"}),
        dest="binh_korn.py",
        epilogue=SHAPE,
        data="none (Binh and Korn)",
        note="create_study(directions=[minimize, minimize]) with the default sampler, two floats",
    ),
    "book_beale_tpe_default": Script(
        BOOK,
        "chapter2/list_2_4_optimize_beale.py",
        Spec(patches={"n_trials=1000": "n_trials=60"}),
        dest="beale.py",
        epilogue=STATES,
        data="none (Beale)",
        note="create_study(direction='minimize'), best_value / best_params printed",
    ),
}

# Each repository as read in this session (its mirror's HEAD then).
REVS = {
    HUB: "ee680199100edbd95e0000eb20696c3ec5505973",
    BOOK: "7d9a9f74ff701bf0ffcffc3b27b92f221b9d1c53",
}
for _script in SCRIPTS.values():
    _script.rev = REVS[_script.repo]

s23.SCRIPTS = SCRIPTS

if __name__ == "__main__":
    s23.main()
