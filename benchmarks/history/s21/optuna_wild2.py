"""Run a second batch of third-party Optuna scripts (none from Optuna's repositories, none from session 20's
batch) under Optuna and under tunewise.

Session 20's ``optuna_wild.py`` ran 37 scripts; this one runs other people's scripts from other repositories,
read from bare mirrors of them (``/work/.mirror/owner+name/repo``, as the search tool's ``fetch`` leaves them),
with the fewest edits that make them run here offline in about a minute: fewer trials / epochs, a data set that
ships with scikit-learn where a script downloads one (``fetch_openml``, ``fetch_covtype``, torchvision's MNIST:
session 18's stand-in), CPU where it asks for CUDA. The same edits are made for both runs; none touches a line
that calls Optuna. A script run in several steps (one writes a study, the next reads it) or a module of
functions the repository calls from elsewhere gets the harness's driver lines, marked ``# harness``.

Each script runs once as written under Optuna 5.1 (``--mode optuna``, the oracle) and once switched as
docs/migrating-from-optuna.md says (``--mode tunewise``), with ``optuna`` and ``optuna_integration`` blocked
from import. The adapted scripts go to ``--work``; they are third-party code and are not committed.

    .venv/bin/python benchmarks/history/s21/optuna_wild2.py --manifest
    .venv/bin/python benchmarks/history/s21/optuna_wild2.py --mode optuna --extra /tmp/optuna_examples/extra \
        --out optuna_wild2_optuna.json
    .venv/bin/python benchmarks/history/s21/optuna_wild2.py --mode tunewise --tunewise-src /tmp/before/src \
        --work /tmp/optuna_wild2/before --out optuna_wild2_before.json
    .venv/bin/python benchmarks/history/s21/optuna_wild2.py --report optuna_wild2_optuna.json \
        optuna_wild2_before.json optuna_wild2_after.json --causes optuna_wild2_causes.json
    .venv/bin/python benchmarks/history/s21/optuna_wild2.py --packages --mode optuna \
        --package-extra /tmp/s21w/extra2 --out optuna_wild2_pkg_optuna.json   # a package's own pytest suite
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
    data: str = ""  # what stands in for data the script downloads
    note: str = ""


BREAST_CANCER_AS_ADULT = s20.BREAST_CANCER_AS_ADULT
NO_SHOW_ARGS = {"no_show": True}

SCRIPTS: dict[str, Script] = {
    "ryota_add_trial": Script(
        "RyotaKato0811/optuna_learn", "add_trial.py",
        note="optuna.create_trial(params, distributions=FloatDistribution, value), study.add_trial, then optimize",
    ),
    "ryota_multi_opt": Script(
        "RyotaKato0811/optuna_learn", "multi_opt.py",
        Spec(patches={"n_trials=1000": "n_trials=60"}, no_show=True),
        note="two objectives, plot_pareto_front(include_dominated_trials=True), plot_slice(target=lambda t: "
        "t.values[i], target_name=)",
    ),
    "ryota_covertype_lgbm": Script(
        "RyotaKato0811/optuna_learn", "covertype_op.py",
        Spec(patches={"sklearn.datasets.fetch_covtype(return_X_y=True)": "sklearn.datasets.load_wine("
                      "return_X_y=True)  # harness: wine for covertype",
                      "n_trials=100": "n_trials=4"}, no_show=True),
        data="scikit-learn's wine for fetch_covtype (labels 0-2, so the script's label-1 gives -1..1)",
        note="LightGBM booster in the objective, default sampler, plot_optimization_history().show()",
    ),
    "ryota_adult_gb": Script(
        "RyotaKato0811/optuna_learn", "adult_GradientBoosting.py",
        Spec(patches={'data = fetch_openml(name="adult")': BREAST_CANCER_AS_ADULT, "n_trials = 15": "n_trials = 4"}),
        data="300 rows of breast_cancer as OpenML adult",
        note="conditional space (RF / GB), SQLite storage with study_name, best_value / best_params",
    ),
    "ryota_himmelblau": Script(
        "RyotaKato0811/optuna_learn", "himmelblau.py",
        Spec(patches={"n_trials = 100": "n_trials = 30"}, no_show=True),
        note="enqueue_trial twice, plot_contour().show()",
    ),
    "ryota_beale": Script(
        "RyotaKato0811/optuna_learn", "optimize_beale.py",
        Spec(optional={"n_trials=1000": "n_trials=60", "n_trials = 1000": "n_trials = 60"}, no_show=True),
        note="a two-parameter test function, best_params",
    ),
    "natsutan_adult_then_contour": Script(
        "natsutan/optuna_book", "chap2/adult.py",
        Spec(patches={'data = fetch_openml(name="adult")': BREAST_CANCER_AS_ADULT, "n_trials=100": "n_trials=12"},
             no_show=True),
        steps=(("chap2/visual.py", ()),),
        data="300 rows of breast_cancer as OpenML adult",
        note="step 1 writes a conditional study to SQLite; step 2 load_study, trials_dataframe(), "
        "plot_contour(params=[two GB parameters]) over a conditional space",
    ),
    "symcore_partial_objective": Script(
        "symcore-random/optuna_intro", "optuna_intro.py",
        Spec(patches={"n_trials=100": "n_trials=30"}),
        note="functools.partial objective, suggest_uniform, plot_optimization_history",
    ),
    "mural_rf_svc_plots": Script(
        "muralidharpettela/Optuna_trails", "test.py",
        Spec(patches={"n_trials=100": "n_trials=10"}),
        note="suggest_loguniform cast to int, conditional RF / SVC, plot_slice, plot_contour(params=[...])",
    ),
    "mural_should_prune_step": Script(
        "muralidharpettela/Optuna_trails", "Visualise.py",
        Spec(patches={"mnist = fetch_openml(name='Fashion-MNIST', version=1)": "from sklearn.datasets import "
                      "load_digits as _ld  # harness: digits for Fashion-MNIST\n_d = _ld(as_frame=True)\n"
                      "class mnist: data, target = _d.data, _d.target.astype(str)",
                      "for step in range(100):": "for step in range(5):", "n_trials=100": "n_trials=5"}),
        data="scikit-learn's digits for OpenML Fashion-MNIST",
        note="MLPClassifier.partial_fit, report, trial.should_prune(step) (Optuna 1 signature), "
        "logging.set_verbosity(WARNING)",
    ),
    "mural_structs_pruned": Script(
        "muralidharpettela/Optuna_trails", "Pruning_example.py",
        Spec(patches={"n_trials=100": "n_trials=10"}),
        note="SGDClassifier pruning loop, then optuna.structs.TrialState (removed in Optuna 3)",
    ),
    "ml4hpc_dataframe_attrs": Script(
        "ML4HPC/4D_fMRI_Transformer", "check_optuna.py",
        note="logging.get_logger('optuna').addHandler, SQLite load_if_exists, trials_dataframe(attrs=...), "
        "print(best_trial), print(trials)",
    ),
    "neti_empty_dataframe": Script(
        "netiRussell/Identification-and-Localization-of-Cyber-Attacks", "getOptunaHistory.py",
        note="create_study(load_if_exists) on a new SQLite file, trials_dataframe(attrs=...) of a study with no trials",
    ),
    "atrestka_sqlite_best": Script(
        "atrestka/rl-baselines3-zoo-Haxball", "HyperparamsHaxball/Optuna_TroubleShoot/HaxballGymTest.py",
        note="create_study(study_name, storage=sqlite) without load_if_exists, print(best_trial)",
    ),
    "ecnu_load_missing": Script(
        "mail-ecnu/OTDyadicFair", "optuna_test.py",
        note="load_study of a study that was never created (its create_study is commented out): the error",
    ),
    "supikiti_torch_mlflow": Script(
        "supikiti/optuna_and_mlflow", "optuna_cnn_mlflow.py",
        Spec(patches={"EPOCHS = 10": "EPOCHS = 2", "N_TRAIN_EXAMPLES = BATCHSIZE * 30": "N_TRAIN_EXAMPLES = "
                      "BATCHSIZE * 4", "N_VALID_EXAMPLES = BATCHSIZE * 10": "N_VALID_EXAMPLES = BATCHSIZE * 3",
                      "n_trials=100, timeout=600": "n_trials=4, timeout=600"}),
        data="session 18's torchvision stand-in (digits as MNIST)",
        note="PyTorch CNN, report / should_prune, a callback logging each trial to MLflow (local ./mlruns), "
        "TrialState filters",
    ),
    "crissman_importance_partial_fixed": Script(
        "Crissman/optuna_visualizations", "hpi.py",
        Spec(patches={"import utils\n": "", "DIR = '../optuna'": "DIR = '.'"}, args=["-e", "1", "-t", "4"]),
        steps=(("hpi.py", ("-e", "1", "-t", "2", "-hp", "2")),),
        step_patches={"import utils\n": "", "DIR = '../optuna'": "DIR = '.'"},
        data="session 18's torchvision stand-in (digits as FashionMNIST); its unused `import utils` (not in the "
        "repository) removed",
        note="step 1: MLP, SQLite; step 2 reloads it: get_param_importances(study) keys, best_params, "
        "PartialFixedSampler(fixed, study.sampler) assigned to study.sampler",
    ),
    "ryok_wandb_objective": Script(
        "ryok/optuna_and_wandb", "sample.py",
        Spec(patches={"n_trials=100": "n_trials=15"}, env={"WANDB_MODE": "offline", "WANDB_SILENT": "true"}),
        note="callable Objective class, suggest_uniform(low=, high=), wandb.init per trial (offline), "
        "TPESampler(seed), show_progress_bar=True",
    ),
    "ily17as_xgb": Script(
        "Ily17as/optuna_example", "example_optuna.py",
        Spec(patches={"n_trials=30": "n_trials=5"}),
        note="XGBClassifier in the objective, best_params",
    ),
    "atsushi_himmelblau": Script(
        "AtsushiSakai/optuna_sample", "himmelblau_function_opt.py",
        Spec(patches={"n_trials=100": "n_trials=30"}, no_show=True),
        note="create_study(study_name) in memory, optimize(n_jobs=1), suggest_uniform, trials' params plotted",
    ),
    "atsushi_quadratic": Script(
        "AtsushiSakai/optuna_sample", "quadratic_function_opt.py",
        Spec(patches={"n_trials=100": "n_trials=30"}),
        note="suggest_uniform, print(best_trial)",
    ),
    "mural_quadratic": Script(
        "muralidharpettela/Optuna_trails", "Quadratic_function.py",
        Spec(patches={"n_trials=100": "n_trials=30"}),
        note="suggest_uniform, best_value / best_params",
    ),
    "saehan_torch_cpu": Script(
        "saehan-choi/optuna_test", "optuna_first.py",
        Spec(patches={'DEVICE = torch.device("cuda")': 'DEVICE = torch.device("cpu")', "EPOCHS = 10": "EPOCHS = 2",
                      "N_TRAIN_EXAMPLES = BATCHSIZE * 30": "N_TRAIN_EXAMPLES = BATCHSIZE * 2",
                      "N_VALID_EXAMPLES = BATCHSIZE * 10": "N_VALID_EXAMPLES = BATCHSIZE * 2"},
             optional={"n_trials=100, timeout=600": "n_trials=4, timeout=600"}),
        data="session 18's torchvision stand-in (digits as FashionMNIST); CPU for CUDA",
        note="PyTorch MLP, report / should_prune, TrialState imported from optuna.trial",
    ),
    "yakinoki_two_objectives": Script(
        "yakinoki/optuna_test", "functions.py",
        Spec(patches={"n_trials=100": "n_trials=40"}, no_show=True),
        note="two objectives, best_trials, plot_pareto_front(include_dominated_trials=True)",
    ),
    "mikachou_searchcv": Script(
        "mikachou/house-prices", "inc/search.py",
        epilogue=(
            "\n# harness: the repository calls search_cv from its notebooks; a call on diabetes\n"
            "if __name__ == '__main__':\n"
            "    import pandas as _pd\n"
            "    from sklearn.datasets import load_diabetes\n"
            "    from sklearn.linear_model import Ridge\n"
            "    from DISTRIBUTIONS_MODULE import FloatDistribution\n"
            "    _X, _y = load_diabetes(return_X_y=True)\n"
            "    _s, _t = search_cv(_X, _pd.DataFrame(_y), Ridge(), {'alpha': FloatDistribution(1e-3, 10.0, log=True)},"
            " random_state=0, n_jobs=1, n_trials=6)\n"
            "    print(_s.best_params_, _s.best_score_, _s.n_trials_, len(_s.trials_))\n"
        ),
        note="OptunaSearchCV(**kwargs: cv=int, scoring='neg_mean_squared_log_error', n_jobs, random_state), "
        "fit with a 1-column y; best_params_, best_score_, n_trials_, trials_",
    ),
    "nzw_wandb_track_multirun": Script(
        "nzw0301/optuna-wandb", "part-1-with-optuna-v3/wandb_optuna.py",
        Spec(patches={"EPOCHS = 100": "EPOCHS = 2", "N_TRAIN_EXAMPLES = BATCHSIZE * 30": "N_TRAIN_EXAMPLES = "
                      "BATCHSIZE * 4", "N_VALID_EXAMPLES = BATCHSIZE * 10": "N_VALID_EXAMPLES = BATCHSIZE * 3",
                      "n_trials=100, timeout=600": "n_trials=4, timeout=600"},
             env={"WANDB_MODE": "offline", "WANDB_SILENT": "true"}),
        data="session 18's torchvision stand-in (digits as FashionMNIST); W&B offline",
        note="WeightsAndBiasesCallback(metric_name, wandb_kwargs, as_multirun=True), @wandbc.track_in_wandb() "
        "objective calling wandb.log(step=epoch) and wandb.run.summary, MedianPruner",
    ),
    "nzw_wandb_summary_after": Script(
        "nzw0301/optuna-wandb", "part-2/main.py",
        Spec(patches={"data = fetch_olivetti_faces()": "data = __import__('sklearn.datasets').datasets.load_digits()"
                      "  # harness: digits for Olivetti faces",
                      "num_runs = 5": "num_runs = 1", "n_trials = 30": "n_trials = 5"},
             env={"WANDB_MODE": "offline", "WANDB_SILENT": "true"}),
        data="scikit-learn's digits for fetch_olivetti_faces; W&B offline",
        note="WeightsAndBiasesCallback(wandb_kwargs with config, reinit) per study, then wandb.run.summary[...] and "
        "wandb.log(plotly figures) after optimize, wandb.finish(); a repeated suggest_int name",
    ),
    "karnataka_xgb_mlflow_jobs": Script(
        "Karnatakasravani/optuna-mlflow-pipeline", "src/optimize.py",
        Spec(patches={"N_TRIALS = 100": "N_TRIALS = 6",
                      # MLflow 3.17 refuses to pickle an XGBRegressor through mlflow.sklearn (skops): its own flavour
                      'mlflow.sklearn.log_model(model, artifact_path="model")':
                      'mlflow.xgboost.log_model(model, name="model")  # harness: mlflow.sklearn refuses xgboost'},
             env={"MLFLOW_ALLOW_FILE_STORE": "true"}, timeout=400),
        dest="optimize.py",
        companions=("src/__init__.py", "src/data_loader.py", "src/objective.py"),
        companion_patches={"src/data_loader.py": {"    df = pd.read_csv(URL)": (
            "    from sklearn.datasets import load_diabetes  # harness: diabetes for the housing CSV\n"
            "    df = load_diabetes(as_frame=True).frame.rename(columns={'target': 'median_house_value'})\n"
            "    df['ocean_proximity'] = (['NEAR BAY', 'INLAND', 'NEAR OCEAN'] * len(df))[:len(df)]")},
            "src/objective.py": {'"n_estimators": trial.suggest_int("n_estimators", 50, 300)':
                                 '"n_estimators": trial.suggest_int("n_estimators", 50, 300) // 10'}},
        data="scikit-learn's diabetes (plus a 3-level text column) for the housing CSV it downloads; a tenth of the "
        "trees it suggests; MLflow's file store allowed (MLFLOW_ALLOW_FILE_STORE, MLflow 3.17 refuses it by default); "
        "the final model logged with mlflow.xgboost (mlflow.sklearn refuses an XGBRegressor in MLflow 3.17)",
        note="SQLite study with TPESampler(seed) and MedianPruner, optimize(n_jobs=2) with "
        "mlflow.start_run(nested=True) "
        "around each trial, report / should_prune per CV fold, t.state.name == 'COMPLETE', best_params to refit",
    ),
    "otzslayer_catboost_mlflow_cb": Script(
        "otzslayer/hpo-using-optuna-mlflow", "run_hpo.py",
        Spec(patches={"num_boost_round=1000": "num_boost_round=60"}, args=["--n_trials", "3"],
             env={"MLFLOW_ALLOW_FILE_STORE": "true"}, timeout=400),
        companions=("src/callback.py", "src/data.py", "src/preprocess.py"),
        companion_patches={"src/data.py": {'    df = pd.read_csv("./data/train.csv")': (
            "    from sklearn.datasets import load_diabetes  # harness: diabetes for Kaggle's house prices\n"
            "    df = load_diabetes(as_frame=True).frame.rename(columns={'target': 'SalePrice'})\n"
            "    df['Id'] = range(len(df))\n"
            "    for c in ['Alley', 'PoolQC', 'Fence', 'MiscFeature']:\n"
            "        df[c] = None\n"
            "    df['Street'] = ['Pave', 'Grvl'] * (len(df) // 2) + ['Pave'] * (len(df) % 2)"),
            # pandas 3 removed Series.ravel
            '    y = np.log1p(df["SalePrice"].ravel())': '    y = np.log1p(df["SalePrice"].to_numpy().ravel())'}},
        data="scikit-learn's diabetes (with the dropped columns and one text column) for Kaggle's house prices; "
        "60 boosting rounds for 1000; MLflow's file store allowed; Series.ravel() (gone in pandas 3) as "
        ".to_numpy().ravel()",
        note="catboost.cv in a callable Objective, HyperbandPruner(max_resource='auto'), optuna.integration.mlflow."
        "MLflowCallback(tracking_uri='mlruns', metric_name) from a companion module, show_progress_bar=True",
    ),
    "arunkumar_rf_iris": Script(
        "Arunkumar76760/Automated-Model-Selection-and-Hyperparameter-Optimization-using-Bayesian-Optimization",
        "main.py", Spec(patches={"n_trials=50": "n_trials=10"}),
        note="RandomForest on iris, suggest_int(log=True), best_params / best_value",
    ),
    "varun_rf_joblib": Script(
        "varunkumarsood/MLOPS_ASSIGNMENT1", "m3/optuna_best_param.py",
        Spec(patches={"n_trials=100": "n_trials=10"}),
        note="RandomForest refit with RandomForestClassifier(**study.best_params), joblib.dump",
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
        target = here / companion
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
PACKAGES = {
    "olc_package_tests": ("LukeCPadmore/optuna-lightning-cli", ("src", "tests"),
                          "Typer CLI tuning Lightning modules: its 29 pytest tests (create_study / load_study, "
                          "PyTorchLightningPruningCallback from optuna_integration, study summaries with "
                          "direction.name, TrialState, MLflow parent runs through the Lightning MLFlowLogger)"),
}


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
    parser.add_argument("--work", default="/tmp/optuna_wild2/run")
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
