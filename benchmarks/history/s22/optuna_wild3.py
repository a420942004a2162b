"""Run a third batch of third-party Optuna scripts (none from Optuna's repositories, none from the
repositories of sessions 20 and 21) under Optuna and under tunewise.

A copy of session 21's ``optuna_wild2.py`` with its own manifest (``SCRIPTS``): the scripts are read from
bare mirrors (``/work/.mirror/owner+name/repo``, as the search tool's ``fetch`` leaves them) at the commit in
the manifest, edited as little as makes them run here offline in about a minute (fewer trials, a data set
that ships with scikit-learn where a script reads one it does not ship), and run once as written under
Optuna 5.1 (``--mode optuna``, the oracle) and once switched as docs/migrating-from-optuna.md says
(``--mode tunewise``) with ``optuna`` and ``optuna_integration`` blocked from import. None of the edits
touches a line that calls Optuna. A module of functions or callbacks gets driver lines marked
``# harness``. New here: ``companion_dest`` (a companion file written where the script imports it from).
The adapted scripts go to ``--work``; they are third-party code and are not committed.

    .venv/bin/python benchmarks/history/s22/optuna_wild3.py --manifest
    .venv/bin/python benchmarks/history/s22/optuna_wild3.py --mode optuna --extra /tmp/optuna_examples/extra \
        --work /tmp/s22w/run --out optuna_wild3_optuna.json
    git archive 5111aff src | tar -x -C /tmp/s22w/before
    .venv/bin/python benchmarks/history/s22/optuna_wild3.py --mode tunewise --tunewise-src /tmp/s22w/before/src \
        --extra /tmp/optuna_examples/extra --work /tmp/s22w/run --out optuna_wild3_before.json
    .venv/bin/python benchmarks/history/s22/optuna_wild3.py --report optuna_wild3_optuna.json \
        optuna_wild3_before.json optuna_wild3_after.json --causes optuna_wild3_causes.json
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time
from dataclasses import dataclass, field

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s18"))
sys.path.insert(0, str(HERE.parent / "s20"))
import optuna_examples as s18  # noqa: E402
import optuna_wild as s20  # noqa: E402
from optuna_examples import Spec  # noqa: E402

MIRRORS = "/work/.mirror"


@dataclass
class Script:
    repo: str
    path: str
    spec: Spec = field(default_factory=Spec)
    rev: str = "HEAD"
    steps: tuple[tuple[str, tuple[str, ...]], ...] = ()  # more runs after the first: (repo path, args)
    step_patches: dict[str, str] = field(default_factory=dict)  # edits to the later steps' files
    preamble: str = ""
    epilogue: str = ""  # driver lines the harness appends (a module of functions)
    dest: str = ""  # where the script is written in the run folder (default: its file name)
    companions: tuple[str, ...] = ()  # repository files the script imports, written at the same relative path
    companion_patches: dict[str, dict[str, str]] = field(default_factory=dict)  # repo path -> exact edits
    companion_dest: dict[str, str] = field(default_factory=dict)  # repo path -> where the script imports it from
    data: str = ""  # what stands in for data the script downloads
    note: str = ""


BREAST_CANCER_AS_ADULT = s20.BREAST_CANCER_AS_ADULT
NO_SHOW_ARGS = {"no_show": True}

SCRIPTS: dict[str, Script] = {
    "bobook_simple": Script(
        "HideakiImamura/bo-book", "section4/optuna_simple.py",
        Spec(patches={"n_trials=100": "n_trials=40"}),
        note="default sampler on a two-parameter function (tab-indented), best_value / best_params",
    ),
    "bobook_sklearn": Script(
        "HideakiImamura/bo-book", "section4/optuna_sklearn.py",
        Spec(patches={"n_trials=100": "n_trials=8"}),
        note="conditional SVC / RandomForest on iris, suggest_int(log=True), cross_val_score(n_jobs=-1)",
    ),
    "bobook_rdb": Script(
        "HideakiImamura/bo-book", "section4/optuna_rdb.py",
        Spec(patches={"n_trials=100": "n_trials=30"}),
        note="create_study(storage=sqlite, study_name, load_if_exists=True)",
    ),
    "bobook_parallel_sqlite": Script(
        "HideakiImamura/bo-book", "section4/optuna_parallel.py",
        Spec(patches={'"mysql+pymysql://root:root@mysql:3306/optuna", ':
                      '"sqlite:///parallel.db",  # harness: for MySQL',
                      "n_trials=100": "n_trials=20"}),
        data="SQLite for the MySQL server of its docker compose",
        note="optuna.integration.BoTorchSampler() made (not passed), shared-storage study with load_if_exists",
    ),
    "bobook_botorch_constraints": Script(
        "HideakiImamura/bo-book", "section4/optuna_constraint.py",
        Spec(patches={"n_trials=32": "n_trials=14"}, timeout=400),
        note="optuna.integration.BoTorchSampler(constraints_func, n_startup_trials=10), user_attrs constraints, "
        "feasible trials filtered",
    ),
    "bobook_botorch_two_objectives": Script(
        "HideakiImamura/bo-book", "section4/optuna_multi_objective.py",
        Spec(patches={"n_trials=100": "n_trials=14"}, no_show=True, timeout=400),
        note="optuna.integration.BoTorchSampler() on two objectives, best_trials sorted by values, plot_pareto_front",
    ),
    "bobook_random_pareto": Script(
        "HideakiImamura/bo-book", "section4/show_multi_objective.py",
        Spec(patches={"n_trials=1000": "n_trials=200"}, no_show=True),
        note="RandomSampler on two objectives, plot_pareto_front",
    ),
    "bobook_gp_subclass": Script(
        "HideakiImamura/bo-book", "section4/customize_gp_sampler/after.py",
        Spec(patches={"n_trials=100": "n_trials=14"}),
        companions=("section4/customize_gp_sampler/sampler.py",),
        companion_dest={"section4/customize_gp_sampler/sampler.py": "sampler.py"},
        note="a GPSampler subclass overriding sample_relative with optuna._gp internals (private modules)",
    ),
    "bobook_botorch_candidates_funcs": Script(
        "HideakiImamura/bo-book", "section4/botorch_simple.py",
        Spec(patches={"n_trials=50": "n_trials=13"}, timeout=400),
        note="optuna.integration.BoTorchSampler(candidates_func=...) with two hand-written candidates functions "
        "(qEI on a SingleTaskGP, and a customized one)",
    ),
    "bobook_botorch_torch_acqf": Script(
        "HideakiImamura/bo-book", "section4/optimize_acqf_by_torch.py",
        Spec(patches={"n_trials=50": "n_trials=13"}, no_show=True, timeout=400),
        note="BoTorchSampler(candidates_func) whose acquisition is optimized with torch.optim, "
        "plot_optimization_history",
    ),
    "bobook_botorch_thompson": Script(
        "HideakiImamura/bo-book", "section4/thompson_sampling.py",
        Spec(patches={"n_trials=50": "n_trials=13"}, no_show=True, timeout=400),
        note="BoTorchSampler(candidates_func) with a Thompson-sampling AnalyticAcquisitionFunction subclass, "
        "a noisy objective, plot_optimization_history",
    ),
    "kaichi_gp_mixed": Script(
        "Kaichi-Irie/optuna-batched-acqf-optimization-experiment", "dryrun.py",
        Spec(patches={"N_TRIALS = 80": "N_TRIALS = 13"}, timeout=400),
        note="GPSampler(seed) on 20 floats + 20 ints, datetime_complete - datetime_start of the trials",
    ),
    "scatter_gp_two_objectives_none": Script(
        "ScatterTemple/optuna-practice", "src/old/scripts/gp_sampler.py",
        Spec(patches={"n_trials=30": "n_trials=12"}, timeout=400),
        companions=("src/old/template/spiral.py",),
        companion_dest={"src/old/template/spiral.py": "src/template/spiral.py"},
        note="GPSampler(seed, deterministic_objective=True) on two objectives whose objective returns None when "
        "infeasible, show_progress_bar=True",
    ),
    "naimark_tpe_constraints_add_trials": Script(
        "auroramugnai/Naimark-Dilations", "Optuna_Example_SingleObj.py",
        Spec(patches={"n_trials=100": "n_trials=40"}),
        rev="7b50388",
        note="TPESampler(constraints_func) with HyperbandPruner, directions=['minimize'], get_trials(deepcopy=False, "
        "states=...), feasible FrozenTrials copied to a new study with add_trials (file deleted at the next commit)",
    ),
    "firobeid_stop_min": Script(
        "firobeid/Cash_Advance_Default_Modelling", "Local_Model/EarlyStoppingMinimization.py",
        epilogue=(
            "\n# harness: the repository passes this callback to optimize from a notebook; a driver\n"
            "if __name__ == '__main__':\n"
            "    def _objective(trial):\n"
            "        x = trial.suggest_float('x', -3.0, 3.0)\n"
            "        return -10.0 + x ** 2\n"
            "    _study = optuna.create_study(direction='minimize', sampler=optuna.samplers.RandomSampler(seed=1))\n"
            "    _study.optimize(_objective, n_trials=200, callbacks=[EarlyStoppingCallbackMin(n_warmup=5)])\n"
            "    print('trials run:', len(_study.trials), 'best:', _study.best_value)\n"
            "    assert len(_study.trials) < 200\n"
        ),
        note="a callback class that calls study.stop() (driver: RandomSampler, 200-trial budget)",
    ),
    "firobeid_stop_max": Script(
        "firobeid/Cash_Advance_Default_Modelling", "Local_Model/EarlyStoppingMaximization.py",
        epilogue=(
            "\n# harness: the repository passes this callback to optimize from a notebook; a driver\n"
            "if __name__ == '__main__':\n"
            "    def _objective(trial):\n"
            "        x = trial.suggest_float('x', -3.0, 3.0)\n"
            "        if x < -2.5:\n"
            "            raise optuna.TrialPruned()\n"
            "        return 10.0 - x ** 2\n"
            "    _study = optuna.create_study(direction='maximize', sampler=optuna.samplers.TPESampler(seed=1))\n"
            "    _study.optimize(_objective, n_trials=200, callbacks=[EarlyStoppingCallbackMax(n_warmup=5)])\n"
            "    print('trials run:', len(_study.trials), 'best:', _study.best_value)\n"
            "    assert len(_study.trials) < 200\n"
        ),
        note="the maximizing twin: study.stop() from a callback that skips trials without a value (pruned ones)",
    ),
    "goin2crazy_stop_user_attrs": Script(
        "goin2crazy/trading-agent-training", "env_train_settings/optimization_logging.py",
        epilogue=(
            "\n# harness: main.py passes this callback to a reinforcement-learning study; a driver\n"
            "if __name__ == '__main__':\n"
            "    def _objective(trial):\n"
            "        return -(trial.suggest_float('lr', 0.0, 1.0) - 0.3) ** 2\n"
            "    _study = optuna.create_study(direction='maximize', sampler=optuna.samplers.TPESampler(seed=0),\n"
            "                                 pruner=optuna.pruners.HyperbandPruner())\n"
            "    _study.optimize(_objective, n_trials=150, callbacks=[LoggingCallback(1e-4, 10, 5)])\n"
            "    print('trials run:', len(_study.trials), _study.user_attrs)\n"
        ),
        note="a callback that writes study.set_user_attr / reads study.user_attrs and study.best_value each trial, "
        "then study.stop()",
    ),
    "sleepwalker_max_trials_rdb": Script(
        "SleepWalker/bdl5-2024-ml-final-project", "utils/optuna.py",
        dest="optuna_utils.py",  # as optuna.py it would shadow the package it imports
        epilogue=(
            "\n# harness: project_api.py calls run_optuna with its models; a driver on a toy objective\n"
            "if __name__ == '__main__':\n"
            "    def _objective(trial):\n"
            "        x = trial.suggest_int('x', 0, 6)\n"
            "        kind = trial.suggest_categorical('kind', ['a', 'b'])\n"
            "        return (x - 3) ** 2 + (kind == 'b')\n"
            "    run_optuna('harness', _objective, storage='sqlite:///optuna_studies.db', n_trials=8, seed=0)\n"
            "    run_optuna('harness', _objective, storage='sqlite:///optuna_studies.db', n_trials=8, seed=0)\n"
            "    print('stored trials:', len(optuna.load_study(study_name='harness', "
            "storage='sqlite:///optuna_studies.db').trials))\n"
            "    def _dup(trial):\n"
            "        x = trial.suggest_int('x', 0, 2)\n"
            "        trial.report(float(x), 0)\n"
            "        if trial.should_prune():\n"
            "            raise optuna.TrialPruned()\n"
            "        return float(x)\n"
            "    _s = optuna.create_study(pruner=DuplicateIterationPruner(),\n"
            "                             sampler=optuna.samplers.RandomSampler(seed=0))\n"
            "    _s.optimize(_dup, n_trials=10)\n"
            "    print([t.state.name for t in _s.trials])\n"
        ),
        note="RDBStorage(url, {'pool_pre_ping': True}) (engine_kwargs by position), MaxTrialsCallback, a resumed "
        "study whose budget is used, a BasePruner subclass pruning repeated parameters",
    ),
    "nextgrid_sgd_median": Script(
        "nextgrid/deep-learning-labs-openAI", "random-tests/optuna_pruning.py",
        note="SGDClassifier.partial_fit on iris, suggest_loguniform, report / should_prune, MedianPruner",
    ),
    "keita_lgbm_random_importance": Script(
        "keita-sa/optuna_examples", "chapter3/list_3_17_search_space_v1_random.py",
        Spec(patches={"sklearn.datasets.fetch_covtype(return_X_y=True)": "sklearn.datasets.load_wine("
                      "return_X_y=True)  # harness: wine for covertype", "n_trials=100": "n_trials=10"},
             no_show=True),
        steps=(("chapter3/list_3_18_plot_param_importance.py", ()), ("chapter3/list_3_19_plot_slice.py", ())),
        data="scikit-learn's wine for fetch_covtype",
        note="a copy of the Optuna book's chapter 3: LightGBM with 13 parameters, RandomSampler, SQLite; then "
        "load_study + plot_param_importances, plot_slice(params=[categorical, float])",
    ),
    "danpn_xgb_pruning": Script(
        "Dan-PN/Wine-XGBoost-Optuna-AutoML", "XGBoost_predict.py",
        Spec(patches={"wines = pd.read_csv(\"wines_encoded.csv\", encoding='utf-8')": (
            "wines = __import__('sklearn.datasets').datasets.load_diabetes(as_frame=True).frame.rename("
            "columns={'target': 'points'})  # harness: diabetes for the wine CSV"),
            "n_trials=50": "n_trials=8"}, no_show=True),
        data="scikit-learn's diabetes for its wine-review CSV",
        note="optuna.integration.XGBoostPruningCallback(trial, 'validation-rmse') in xgb.train, "
        "suggest_discrete_uniform, plot_param_importances",
    ),
    "mariovp_print_trial": Script(
        "mariovp/ML-Tech-Test", "optuna_optimization.py",
        note="print(trial) inside the objective, suggest_uniform, best_params",
    ),
    "nabenabe_default_10d": Script(
        "nabenabe0928/hpo_basement", "optuna_test.py",
        Spec(patches={"n_trials=100": "n_trials=40"}),
        note="default sampler on a 10-dimensional sphere, suggest_uniform",
    ),
    "keiichi_scipy_fmin": Script(
        "KeiichiIto1978/optimize_sample", "optuna_sample.py",
        Spec(patches={"n_trials=2500": "n_trials=20"}),
        note="suggest_int(1, 10000) and suggest_uniform(0, 1) feeding scipy.optimize.fmin, best_trial.params",
    ),
    "hitendra_logreg_refit": Script(
        "HitendraSinghPanwar/top-30-python-libraries", "optuna_demo.py",
        Spec(patches={"n_trials=30": "n_trials=12", "data = datasets.load_iris()": "data = datasets."
                      "load_breast_cancer()  # harness: scikit-learn 1.9's liblinear refuses 3 classes"}),
        data="scikit-learn's breast_cancer for iris (scikit-learn 1.9's liblinear solver, one of its choices, "
        "refuses three classes)",
        note="LogisticRegression(**study.best_params) refit, suggest_float(log=True), suggest_categorical",
    ),
    "bhanvi_discrete_uniform_json": Script(
        "bhanvimenghani/optuna", "optuna_study.py",
        companions=("search_space.json", "tunables.py"),
        note="a search space read from JSON: suggest_discrete_uniform with steps 1 and 0.1, TPESampler(seed=10), "
        "the suggested values printed",
    ),
    "t21cs019_plotly_annotations": Script(
        "t21cs019/optuna_tileQR", "src/optuna_base.py",
        epilogue=(
            "\n# harness: optuna_main.py tunes a compiled QR kernel (nb, ib); a driver on a stand-in function\n"
            "if __name__ == '__main__':\n"
            "    import time as _time\n"
            "    def _objective(trial):\n"
            "        nb = trial.suggest_int('nb', 16, 256, step=16)\n"
            "        ib = trial.suggest_int('ib', 4, 64, step=4)\n"
            "        return 100.0 - abs(nb - 128) / 8 - abs(ib - 32) / 4\n"
            "    _t0 = _time.time()\n"
            "    _study = optuna.create_study(direction='maximize', sampler=optuna.samplers.TPESampler(seed=0))\n"
            "    _study.optimize(_objective, n_trials=20)\n"
            "    debug_print(_study.best_params, _study.best_value, _time.time() - _t0)\n"
            "    save_best_trial(1, _time.time() - _t0, _study.best_params, _study.best_value, 'results/best.csv')\n"
            "    visualize_study_results(_study.best_params, _study.best_value, _study, 'results/plots')\n"
            "    print(sorted(__import__('os').listdir('results/plots')))\n"
        ),
        note="plotly figures of optuna.visualization (history with fig.add_annotation, slice, parallel coordinate, "
        "contour) written with write_image (HTML here: no kaleido)",
    ),
    "geronimo_catboost_plateau": Script(
        "GeronimoFretes/ap-final-optuna", "run_optuna.py",
        Spec(patches={"    df = pd.read_parquet(DATA_PATH)":
                      "    df = _harness_frame()  # harness: parquet not in snapshot"},
             env={"TIMEOUT": "60", "PATIENCE_TRIALS": "3", "N_SPLITS": "3", "N_CV_SEEDS": "1"}, timeout=400),
        preamble=(
            "def _harness_frame():  # harness: a synthetic frame with the repository's feature names\n"
            "    import numpy as _np, pandas as _pd\n"
            "    _rng = _np.random.default_rng(0)\n"
            "    _cols = {n: _rng.normal(size=90) for n in _pd.read_csv('data/orthogonal_ordered_features.csv')"
            "['features'] if not n.startswith(('dengue_reg_', 'dengue_incid_'))}\n"
            "    for _y in range(2018, 2024):\n"
            "        _cols[f'dengue_reg_{_y}'] = _rng.poisson(5, size=90).astype(float)\n"
            "        _cols[f'dengue_incid_{_y}'] = _rng.gamma(2.0, 10.0, size=90)\n"
            "    _cols['totpobla_2022'] = _rng.integers(1000, 100000, size=90).astype(float)\n"
            "    return _pd.DataFrame(_cols)\n"
        ),
        companions=("data/orthogonal_ordered_features.csv",),
        data="a synthetic 90-row frame with the repository's feature names (its parquet is not in the snapshot); "
        "its environment knobs: a 60 s timeout, patience 3, 3 folds, 1 CV seed",
        note="CatBoost CV with report / should_prune per fold, TrialPruned('duplicate-params') from "
        "trial.study.get_trials, a callback keeping plateau state in study.user_attrs (JSON) and calling "
        "study.stop(), optimize(n_trials=None, timeout, gc_after_trial=True), trial.duration, trials_dataframe",
    ),
    "babsol_xgb_quiet": Script(
        "BabSol2001/ML-Python", "optuna_xgboost.py",
        Spec(patches={"n_trials=30": "n_trials=8"}),
        note="logging.set_verbosity(WARNING), XGBClassifier in cross_val_score(n_jobs=-1), XGBClassifier("
        "**study.best_params) refit, history drawn from study.trials",
    ),
}


def mirror(repo: str) -> str:
    base = pathlib.Path(MIRRORS) / repo.replace("/", "+") / "repo"
    return str(base / ".git") if (base / ".git").is_dir() else str(base)


def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", mirror(repo), *args], capture_output=True, text=True,
                          check=True).stdout


def commit_of(script: Script) -> str:
    return git(script.repo, "rev-list", "-1", script.rev, "--", script.path).strip()


def source_of(script: Script, path: str) -> str:
    return git(script.repo, "show", f"{script.rev}:{path}")


def prepared(script: Script, path: str, mode: str, patches: dict[str, str] | None = None,
             optional: dict[str, str] | None = None, no_show: bool = False, extra: str = "",
             no_prologue: bool = False) -> str:
    source = source_of(script, path)
    for old, new in (patches or {}).items():
        if old not in source:
            raise KeyError(f"{script.repo}:{path}: patch text {old!r} not found")
        source = source.replace(old, new)
    for old, new in (optional or {}).items():
        source = source.replace(old, new)
    module = "tunewise.distributions" if mode == "tunewise" else "optuna.distributions"
    source += extra.replace("DISTRIBUTIONS_MODULE", module)
    prologue = script.preamble + s20.WRITE_IMAGE_STANDIN + (s18.NO_SHOW if no_show else "")
    if mode == "tunewise":
        source, prologue = s20.as_tunewise(source), s18.BLOCK_OPTUNA + prologue
    return source if no_prologue else s20.with_preamble(source, prologue)


def run_one(name: str, script: Script, mode: str, args: argparse.Namespace) -> dict[str, object]:
    work = pathlib.Path(args.work).resolve()
    here = work / mode / name
    here.mkdir(parents=True, exist_ok=True)
    for old in here.glob("*"):
        if old.is_file():
            old.unlink()
    spec = script.spec
    for companion in script.companions:
        target = here / script.companion_dest.get(companion, companion)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(prepared(script, companion, mode, script.companion_patches.get(companion), no_prologue=True))
    first = prepared(script, script.path, mode, spec.patches, spec.optional, spec.no_show, script.epilogue)
    runs = [(script.dest or script.path, tuple(spec.args), first)]
    for path, step_args in script.steps:
        runs.append((path, step_args, prepared(script, path, mode, script.step_patches, None, spec.no_show)))
    path_entries = (args.tunewise_src and os.path.abspath(args.tunewise_src), str(work / "standins"),
                    args.extra and os.path.abspath(args.extra))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in path_entries if p), MPLBACKEND="Agg",
               WANDB_MODE="offline", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    env.update(spec.env)
    start = time.monotonic()
    rc, err_all, out_all = 0, "", ""
    for i, (path, step_args, text) in enumerate(runs):
        file = here / (pathlib.Path(path).name if i == 0 else f"step{i}_{pathlib.Path(path).name}")
        file.write_text(text)
        try:
            proc = subprocess.run(["nice", "-n", "5", args.python, file.name, *step_args], cwd=here, env=env,
                                  capture_output=True, text=True, timeout=spec.timeout)
            rc, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as exc:
            rc, out, err = -9, str(exc.stdout or ""), str(exc.stderr or "") + f"\nTimeout: over {spec.timeout} s"
        out_all += f"=== step {i}: {file.name}\n{out}"
        err_all += f"=== step {i}: {file.name}\n{err}"
        if rc != 0:
            break
    (here / "stdout.txt").write_text(out_all)
    (here / "stderr.txt").write_text(err_all)
    return {"ok": rc == 0, "rc": rc, "seconds": round(time.monotonic() - start, 1),
            "error": "" if rc == 0 else s18.last_error(err_all)}


# A package whose own test suite drives Optuna (run with pytest, not as a script): its tests pass
# under Optuna, and are run again with every module's imports switched.
PACKAGES: dict[str, tuple[str, tuple[str, ...], str]] = {}  # no package test suite in this batch


def run_package(name: str, mode: str, args: argparse.Namespace) -> dict[str, object]:
    repo, folders, _ = PACKAGES[name]
    here = pathlib.Path(args.work).resolve() / mode / name
    if here.exists():
        subprocess.run(["rm", "-rf", str(here)], check=True)
    here.mkdir(parents=True)
    archive = subprocess.run(["git", "--git-dir", mirror(repo), "archive", "HEAD"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(here)], input=archive.stdout, check=True)
    if mode == "tunewise":
        for folder in folders:
            for path in (here / folder).rglob("*.py"):
                path.write_text(s20.as_tunewise(path.read_text()))
        (here / "conftest.py").write_text(s18.BLOCK_OPTUNA)
    path_entries = (args.tunewise_src and os.path.abspath(args.tunewise_src), str(here / "src"),
                    args.package_extra and os.path.abspath(args.package_extra),
                    args.extra and os.path.abspath(args.extra))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in path_entries if p), MPLBACKEND="Agg",
               MLFLOW_ALLOW_FILE_STORE="true", OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    start = time.monotonic()
    proc = subprocess.run(["nice", "-n", "5", args.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                          cwd=here, env=env, capture_output=True, text=True, timeout=900)
    (here / "pytest.txt").write_text(proc.stdout + proc.stderr)
    summary = next((line for line in reversed(proc.stdout.splitlines()) if " passed" in line or " failed" in line), "")
    failed = [line.split(" ")[1] for line in proc.stdout.splitlines() if line.startswith("FAILED ")]
    return {"ok": proc.returncode == 0, "rc": proc.returncode, "seconds": round(time.monotonic() - start, 1),
            "error": "" if proc.returncode == 0 else summary.strip("= "), "failed": failed}


def manifest() -> str:
    lines = ["| script | repository | path | commit | licence | data stand-in | exercises |",
             "|---|---|---|---|---|---|---|"]
    for name, script in SCRIPTS.items():
        lines.append(f"| {name} | {script.repo} | {script.path} | {commit_of(script)[:12]} | {licence(script)} | "
                     f"{script.data or '-'} | {script.note} |")
    return "\n".join(lines) + "\n"


def licence(script: Script) -> str:
    names = git(script.repo, "ls-tree", "--name-only", script.rev).split()
    found = [n for n in names if n.lower().startswith(("license", "licence", "copying"))]
    if not found:
        return "none in repository"
    head = git(script.repo, "show", f"{script.rev}:{found[0]}").strip().splitlines()
    return head[0].strip() if head else found[0]


def report(paths: list[str], causes: dict[str, str]) -> str:
    runs = [json.loads(pathlib.Path(p).read_text()) for p in paths]
    heads = ["Optuna 5.1", "tunewise before", "tunewise after"][: len(runs)]
    modes = ["optuna", "tunewise", "tunewise"][: len(runs)]

    def cell(entry: dict[str, object], mode: str) -> str:
        result = entry.get(mode)
        if not isinstance(result, dict):
            return "not run"
        if result["ok"]:
            return f"ok ({result['seconds']} s)"
        return "FAIL: " + str(result["error"]).replace("|", "\\|")[:110]

    names = [n for n in SCRIPTS if n in runs[0]]
    counts = [0] * len(runs)
    lines = ["| script | source (repo@commit:path) | " + " | ".join(heads) + " | cause / note |",
             "|---|---|" + "---|" * len(runs) + "---|"]
    for name in names:
        entries = [r.get(name) or {} for r in runs]
        cells = [cell(e, m) for e, m in zip(entries, modes)]
        for i, c in enumerate(cells):
            counts[i] += c.startswith("ok")
        lines.append(f"| {name} | `{entries[0].get('source', '')}` | {' | '.join(cells)} | {causes.get(name, '')} |")
    head = f"{len(names)} scripts. Ran: " + ", ".join(f"{h} {c}/{len(names)}" for h, c in zip(heads, counts)) + "."
    return head + "\n\n" + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", default="/tmp/optuna_wild3/run")
    parser.add_argument("--extra", default="", help="pip --target folder with packages the venv lacks")
    parser.add_argument("--mode", choices=("optuna", "tunewise", "both"), default="both")
    parser.add_argument("--only", default="", help="run the scripts whose name contains this text")
    parser.add_argument("--out", default="", help="merge the results into this JSON file")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--tunewise-src", default="", help="a src/ folder whose tunewise is imported instead")
    parser.add_argument("--report", nargs="+", metavar="JSON", help="Optuna, before[, after] result files")
    parser.add_argument("--causes", default="", help="JSON file: script name -> root cause / note")
    parser.add_argument("--manifest", action="store_true", help="print the manifest table (no run)")
    parser.add_argument("--resume", action="store_true", help="keep the results --out already has")
    parser.add_argument("--packages", action="store_true", help="run the packages' test suites (PACKAGES) instead")
    parser.add_argument("--package-extra", default="", help="pip --target folder with the packages' own dependencies")
    args = parser.parse_args()
    if args.manifest:
        print(manifest())
        return
    if args.report:
        causes = json.loads(pathlib.Path(args.causes).read_text()) if args.causes else {}
        print(report(args.report, causes))
        return
    s18.write_standins(pathlib.Path(args.work) / "standins")
    results: dict[str, object] = {}
    if args.out and pathlib.Path(args.out).exists():
        results = json.loads(pathlib.Path(args.out).read_text())
    results["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                       cwd=HERE).stdout.strip()
    modes = ("optuna", "tunewise") if args.mode == "both" else (args.mode,)
    if args.packages:
        for name, (repo, _, _) in PACKAGES.items():
            entry = dict(results.get(name) or {})  # type: ignore[call-overload]
            entry["source"] = f"{repo}@{git(repo, 'rev-parse', 'HEAD').strip()[:12]} (its tests/)"
            for mode in modes:
                entry[mode] = result = run_package(name, mode, args)
                print(f"{name:34s} {mode:9s} {'ok ' if result['ok'] else 'FAIL'} {result['seconds']:6.1f}s "
                      f"{result['error']}", flush=True)
            results[name] = entry
        if args.out:
            pathlib.Path(args.out).write_text(json.dumps(results, indent=1, sort_keys=True))
        return
    for name, script in SCRIPTS.items():
        if args.only not in name:
            continue
        entry = dict(results.get(name) or {})  # type: ignore[call-overload]
        entry["source"] = f"{script.repo}@{commit_of(script)[:12]}:{script.path}"
        for mode in modes:
            if args.resume and mode in entry:
                continue
            entry[mode] = result = run_one(name, script, mode, args)
            status = "ok " if result["ok"] else "FAIL"
            print(f"{name:34s} {mode:9s} {status} {result['seconds']:6.1f}s {result['error']}", flush=True)
        results[name] = entry
        if args.out:
            pathlib.Path(args.out).write_text(json.dumps(results, indent=1, sort_keys=True))
    counts = {m: sum(1 for v in results.values() if isinstance(v, dict) and v.get(m, {}).get("ok")) for m in modes}
    print(", ".join(f"{n} ok under {m}" for m, n in counts.items()))


if __name__ == "__main__":
    main()
