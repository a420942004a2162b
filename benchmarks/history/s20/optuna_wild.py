"""Run third-party Optuna scripts (not from Optuna's own repositories) under Optuna and under tunewise.

The scripts were found in public GitHub repositories (the manifest, ``SCRIPTS`` below and
``optuna_wild.md``, names each one's repository, path and commit). Each is read from a bare mirror of its
repository (``--mirrors``, one ``owner+name/repo`` git directory per repository, as the search tool's
``fetch`` leaves them), written with the fewest edits that make it run here, offline, in about a minute
(fewer trials / epochs / rows; a data set that ships with scikit-learn where it downloads one or reads a
private file; CPU where it asks for a GPU), and run in a subprocess under ``nice -n 5``: once as written
(``--mode optuna``) and once with the imports changed as docs/migrating-from-optuna.md tells a user to
(``--mode tunewise``). No edit touches a line that calls Optuna, except the study-creation step a script
leaves to the command line (noted where it is done). Under tunewise ``optuna`` and ``optuna_integration``
cannot be imported, so nothing passes by falling back on Optuna.

The runner, the import swap, the torchvision stand-in and the result table come from
``../s18/optuna_examples.py``; this file adds submodule imports with ``as`` (``import
optuna.visualization.matplotlib as vis``), scripts that import companion files of their repository, a
pinned commit per script, and a kaleido stand-in (``Figure.write_image`` writes HTML).

    .venv/bin/python benchmarks/history/s20/optuna_wild.py --extra /tmp/optuna_examples/extra \
        --out /tmp/optuna_wild/results.json                      # both modes, every script
    .venv/bin/python benchmarks/history/s20/optuna_wild.py --mode tunewise --only book_ --out ...
    .venv/bin/python benchmarks/history/s20/optuna_wild.py --table OPTUNA.json BEFORE.json AFTER.json \
        --causes causes.json

The adapted scripts are written to ``--work`` (``<mode>/<name>/``); they are third-party code and are not
committed.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import subprocess
import sys
from dataclasses import dataclass, field

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "s18"))
import optuna_examples as s18  # noqa: E402
from optuna_examples import Spec  # noqa: E402

MIRRORS = "/work/.mirror"
S18_SWAP = s18.as_tunewise


@dataclass
class Script:
    repo: str  # owner/name on GitHub
    path: str  # the script's path in the repository
    spec: Spec = field(default_factory=Spec)
    rev: str = "HEAD"  # the mirror's HEAD, or the commit that still has the file
    companions: tuple[str, ...] = ()  # files of the same repository the script imports
    companion_patches: dict[str, str] = field(default_factory=dict)  # exact text -> replacement in them
    preamble: str = ""  # for a notebook fragment: the imports / data its earlier cells defined
    note: str = ""  # what the script exercises


BREAST_CANCER_AS_ADULT = (
    "from sklearn.datasets import load_breast_cancer as _lbc  # harness: breast_cancer for OpenML adult\n"
    "_bc = _lbc(as_frame=True)\n"
    'data = {"data": _bc.data.iloc[:300], "target": [">50K" if t else "<=50K" for t in _bc.target[:300]]}'
)

# fit_sin_GS.py trains num_epochs (500..5000) x 5 repeats: a hundredth of the epochs, one repeat.
FIT_SIN_COMPUTE = {
    'for _ in range(config["num_epochs"]):': 'for _ in range(max(1, config["num_epochs"] // 100)):',
    "NUM_REPEATS = 5": "NUM_REPEATS = 1",
}

SCRIPTS: dict[str, Script] = {
    "book_nsga_constraints": Script(
        "pfnet-research/optuna-book",
        "chapter3/list_3_9_optimize_zdt1_with_constraints_func.py",
        Spec(patches={"n_trials=1000": "n_trials=60"}, no_show=True),
        note="NSGAIISampler(crossover=UNDXCrossover(), constraints_func), SQLite, load_if_exists, "
        "plot_pareto_front(constraints_func)",
    ),
    "book_nsga_pruned": Script(
        "pfnet-research/optuna-book",
        "chapter3/list_3_11_optimize_zdt1_with_pruning.py",
        Spec(patches={"n_trials=1000": "n_trials=60"}),
        note="NSGAIISampler(UNDXCrossover) on one objective, TrialPruned(message) raised by the objective",
    ),
    "book_heartbeat": Script(
        "pfnet-research/optuna-book",
        "chapter3/list_3_35_optimize_rf_with_heartbeat.py",
        Spec(
            patches={
                'data = fetch_openml(name="adult")': BREAST_CANCER_AS_ADULT,
                'url="mysql+pymysql://user:test@localhost:3306/optunatest",': 'url="sqlite:///heartbeat.db",',
                # The book creates the study with `optuna create-study` first; SQLite stands in for MySQL.
                "study = optuna.load_study(": 'optuna.create_study(study_name="ch3-parallel", storage=storage, '
                'direction="maximize")  # harness: the CLI step\nstudy = optuna.load_study(',
                "n_trials=100": "n_trials=6",
            }
        ),
        note="RDBStorage(heartbeat_interval, grace_period, failed_trial_callback=RetryFailedTrialCallback), "
        "load_study",
    ),
    "book_torch_pruning": Script(
        "pfnet-research/optuna-book",
        "chapter3/list_3_38_pruning.py",
        Spec(
            patches={
                "datasets.FashionMNIST(cwd, train=True, download=True, transform=transforms.ToTensor()),": (
                    "torch.utils.data.Subset(datasets.FashionMNIST(cwd, train=True, download=True, "
                    "transform=transforms.ToTensor()), range(1024)),"
                ),
                "datasets.FashionMNIST(cwd, train=False, transform=transforms.ToTensor()),": (
                    "torch.utils.data.Subset(datasets.FashionMNIST(cwd, train=False, "
                    "transform=transforms.ToTensor()), range(512)),"
                ),
                "for epoch in range(10):": "for epoch in range(3):",
                "n_trials=20": "n_trials=5",
            },
            no_show=True,
        ),
        note="PyTorch CNN, trial.report / should_prune (default pruner), plot_intermediate_values().write_image",
    ),
    "book_conditional": Script(
        "pfnet-research/optuna-book",
        "chapter2/list_2_16_optimize_rf_gb_with_conditional_search_space.py",
        Spec(patches={'data = fetch_openml(name="adult")': BREAST_CANCER_AS_ADULT, "n_trials=100": "n_trials=8"}),
        note="conditional search space (RF or GB), SQLite storage with study_name",
    ),
    "book_enqueue": Script(
        "pfnet-research/optuna-book",
        "chapter3/list_3_24_enqueue_trial.py",
        note="enqueue_trial with a full and a partial set of parameters",
    ),
    "book_add_trial": Script(
        "pfnet-research/optuna-book",
        "chapter3/list_3_27_add_trial.py",
        note="add_trial(optuna.trial.create_trial(params, distributions, value))",
    ),
    "book_himmelblau": Script(
        "pfnet-research/optuna-book",
        "chapter3/list_3_26_himmelblau_function.py",
        Spec(patches={"n_trials=100": "n_trials=30"}, no_show=True),
        note="enqueue_trial, plot_contour",
    ),
    "playground_gp_liar": Script(
        "sawa3030/optuna-playground",
        "tpe_constant_liar.py",
        Spec(patches={"N_TRIAL = 50": "N_TRIAL = 30"}),
        note="GPSampler(seed, constant_liar=None/'worst'), batched ask / tell, matplotlib",
    ),
    "playground_journal_mp": Script(
        "sawa3030/optuna-playground",
        "journal.py",
        note="JournalStorage(JournalFileBackend) from a multiprocessing.Pool of 4, load_if_exists",
    ),
    "playground_ped_anova": Script(
        "sawa3030/optuna-playground",
        "ped-anova.py",
        note="PedAnovaImportanceEvaluator(target_quantile, region_quantile), get_param_importances",
    ),
    "playground_cached": Script(
        "sawa3030/optuna-playground",
        "cached.py",
        note="one SQLite study optimized by two objectives with different search spaces",
    ),
    "eih_lgbm_tune": Script(
        "Boudry-Felix/EIH_Classifier",
        "Scripts/tune.py",
        Spec(
            patches={
                "data = r.tmp_data": "data, _t = __import__('sklearn.datasets').datasets.load_breast_cancer("
                "return_X_y=True)  # harness: was R's data (reticulate)",
                "target = r.tmp_labels": "target = _t",
                "n_trials=1500": "n_trials=10",
            }
        ),
        rev="7ac5bf33fa59e1a040e28b1305e57d81142f851a",
        note="LightGBM booster, suggest_loguniform / suggest_uniform (Optuna 2 names)",
    ),
    "cheatsheet_xgb": Script(
        "Ankitkalauni/ML-Code-Cheatsheet",
        "Optuna-search/Classification/xgb_optuna.py",
        Spec(
            patches={
                "'tree_method':'gpu_hist',": "'tree_method':'hist',",
                "'gpu_id':0,": "",
                '"n_estimators": 10000,': '"n_estimators": 200,',
                # XGBoost 3 takes early_stopping_rounds in the constructor, not in fit().
                '"seed": 42,': '"seed": 42, "early_stopping_rounds": 100,',
                "early_stopping_rounds=100,verbose=0)": "verbose=0)",
                "n_trials=100,": "n_trials=4,",
            }
        ),
        preamble=(
            "# harness: the notebook's earlier cells\nimport optuna\n"
            "import numpy as np\nimport pandas as pd\nfrom sklearn.datasets import load_breast_cancer\n"
            "from sklearn.metrics import log_loss\nfrom sklearn.model_selection import StratifiedKFold\n"
            "from xgboost import XGBClassifier\n"
            "X, y = load_breast_cancer(return_X_y=True, as_frame=True)\ny = y.to_numpy()\nSEED = 42\n"
        ),
        note="notebook fragment: XGBClassifier in 5-fold CV, XGBoostPruningCallback built, "
        "suggest_loguniform (a repeated name with the same range)",
    ),
    "cheatsheet_catboost": Script(
        "Ankitkalauni/ML-Code-Cheatsheet",
        "Optuna-search/Classification/catboost_Optuna.py",
        Spec(
            patches={
                "'task_type' : 'GPU',": "",
                "'devices' : '0'": "",
                "'verbose': True,": "'verbose': False,",
                "n_trials=100,": "n_trials=3,",
                # compute only (the suggested ranges stay): at most 200 trees of depth 6
                "model = CatBoostClassifier(**params)": "model = CatBoostClassifier(**{**params, "
                "'iterations': min(params['iterations'], 200), 'depth': min(params['depth'], 6)})",
            },
            timeout=300,
        ),
        preamble=(
            "# harness: the notebook's earlier cells\n"
            "from sklearn.datasets import load_breast_cancer\n"
            "from sklearn.model_selection import train_test_split\nfrom sklearn.metrics import roc_curve, auc\n"
            "X, y = load_breast_cancer(return_X_y=True)\nSTUDY_TIME = 120\n"
        ),
        note="notebook fragment: CatBoost, conditional parameters, suggest_uniform, timeout",
    ),
    "automl_journal_mo": Script(
        "alexwin9478/AutoMlforDnnTraining",
        "python/create_study_MO.py",
        note="JournalStorage(JournalFileStorage(path)), TPESampler(constant_liar=True), two directions, "
        "HyperbandPruner, imports from optuna.storages.journal",
    ),
    "json_error_lgbtunercv": Script(
        "yyoshiaki/reproduce_json_error",
        "rep_error.py",
        Spec(patches={"NUM_ROUND = 10000": "NUM_ROUND = 100"}, timeout=300),
        note="import optuna.integration.lightgbm as lgb; LightGBMTunerCV(verbose_eval=, early_stopping_rounds=)",
    ),
    "studio_grid": Script(
        "Lightning-Universe/Training-Studio_app",
        "test.py",
        rev="dccfe0e",
        note="GridSampler(search_space), optimize() without n_trials (stops when the grid is done)",
    ),
    "pyfemtet_load_sampler": Script(
        "pyfemtet/pyfemtet",
        "elemental/sampler_random_seed4.py",
        rev="cbdcf81b",
        note="delete_study in try/except, create_study then load_study(sampler=TPESampler(seed=42))",
    ),
    "hpo_testing_svc": Script(
        "bouthilx/hpo-testing",
        "optuna/main.py",
        note="SVC, suggest_loguniform over 20 decades, print(study.best_trial)",
    ),
    "cmaes_example": Script(
        "CyberAgentAILab/cmaes",
        "examples/optuna_sampler.py",
        Spec(patches={"n_trials=250": "n_trials=60"}),
        note="CmaEsSampler(), logging.set_verbosity(INFO), gc_after_trial=False",
    ),
    "take0212_plots": Script(
        "take0212/optuna-example",
        "exec_example.py",
        Spec(patches={"n_trials = 100": "n_trials = 20"}),
        companions=("output_results_funcs.py", "utils.py"),
        note="every plotly plot (contour per pair of params, slice, parallel coordinate, EDF, importances) "
        "written with write_image, trials_dataframe().to_csv",
    ),
    "networkx_mo": Script(
        "FugaTakata/optuna-networkx",
        "early-experiment/n.py",
        Spec(patches={"n_trials=1000": "n_trials=20"}),
        note="two objectives (minimize, maximize), best_trials[0].params",
    ),
    "iagenai_tpe": Script(
        "iproduct/iagenai",
        "fmi-2025-03-ml/optuna_ex_tpe.py",
        Spec(patches={"n_trials=50": "n_trials=8"}),
        note="TPESampler(seed=42), RandomForest on iris",
    ),
    "book_mo_print": Script(
        "pfnet-research/optuna-book",
        "chapter3/list_3_2_print_multi_objective_optimization_result.py",
        companions=("binh_and_korn.py",),
        note="two objectives, study.best_trials (objective imported from a companion module)",
    ),
    "tunny_compare_samplers": Script(
        "hrntsm/Tunny",
        "Samples/Python/compare_sampler.py",
        Spec(patches={"n_trials = 50": "n_trials = 20"}, no_show=True, timeout=300),
        rev="f3707c4",
        note="CmaEsSampler(with_margin=True), NSGAIISampler / NSGAIIISampler(population_size=10), TPE, "
        "optuna.integration.BoTorchSampler, Random, QMC, BruteForceSampler on a stepped float, "
        "plot_optimization_history(list of studies, error_bar=False)",
    ),
    "playground_gp_constraints": Script(
        "sawa3030/optuna-playground",
        "gp_constant_liar.py",
        Spec(timeout=300),
        note="GPSampler(constraints_func) on two objectives, then batches of ask() / suggest / tell(values)",
    ),
    "pyfemtet_mp_seed": Script(
        "pyfemtet/pyfemtet",
        "elemental/sampler_random_seed6.py",
        rev="cbdcf81b",
        note="create_study on SQLite, three multiprocessing.Process workers load_study(sampler=TPESampler(seed+i))",
    ),
    "bot_sgd_structs": Script(
        "kojima8789/bot",
        "backports.py/purne.py",
        note="SGDClassifier.partial_fit, report / should_prune, MedianPruner, optuna.structs.TrialPruned (Optuna 1)",
    ),
    "journey_sgd_dataframe": Script(
        "Laughingtt/python-journey",
        "package/auto_ml/optuna/test.py",
        note="study.sampler.__class__.__name__ of three samplers, logging.get_logger('optuna').addHandler, "
        "MedianPruner, trials_dataframe()",
    ),
    "mcgeremi_rf": Script(
        "McGeremi/M-todos-de-Optimizaci-n",
        "Optuna/optuna_example.py",
        Spec(patches={"n_trials=100": "n_trials=15"}),
        note="RandomForest on iris, int(suggest_float(log=True)), cross_val_score(n_jobs=-1)",
    ),
    "dou_grid_offgrid": Script(
        "Dou-Meishi/optuna-examples",
        "study-4413.py",
        Spec(patches={'storage = f"sqlite:///../outputs/study-{name}.db"': 'storage = f"sqlite:///study-{name}.db"'}),
        companions=("fit_sin_GS.py",),
        companion_patches=FIT_SIN_COMPUTE,
        note="GridSampler whose values are off the suggest_int steps / range (num_epochs 10, hidden_size 32), "
        "SQLite, load_if_exists, optimize() until the grid is done, objective returning NaN",
    ),
    "dou_parallel": Script(
        "Dou-Meishi/optuna-examples",
        "study-3002.py",
        Spec(patches={'storage = f"sqlite:///../outputs/study-{name}.db"': 'storage = f"sqlite:///study-{name}.db"',
                      "timeout=600": "timeout=20"}),
        companions=("fit_sin_GS.py",),
        companion_patches=FIT_SIN_COMPUTE,
        note="optimize(n_jobs=-1, timeout) on SQLite, RandomSampler, objective returning NaN, print(best_trial)",
    ),
    "dou_nan_trials": Script(
        "Dou-Meishi/optuna-examples",
        "study-3342.py",
        Spec(patches={'storage = f"sqlite:///../outputs/study-{name}.db"': 'storage = f"sqlite:///study-{name}.db"'}),
        companions=("fit_sin_GS.py",),
        companion_patches=FIT_SIN_COMPUTE,
        note="n_trials=10, RandomSampler, objective returning NaN with a user attr",
    ),
    "ammoniaca_xgb_cv": Script(
        "ammoniaca/optuna-xgboost",
        "main.py",
        Spec(patches={"df = pd.read_csv('dataset_pulito_GPP.csv')": (
            "from sklearn.datasets import load_diabetes  # harness: 20 rows of diabetes for the site data\n"
            "    df = load_diabetes(as_frame=True).frame.iloc[:20].rename(columns={'target': 'GPP'})\n"
            "    df['nomi'], df['DATE'], df['PFT'] = 'site', '2020-01-01', 'ENF'")}, timeout=300),
        companions=("optuna_xgb.py", "xgb_eval.py"),
        note="callable Objective class, optuna.integration.XGBoostPruningCallback inside xgb.cv (DART), "
        "MedianPruner(n_warmup_steps=5), optimize(n_jobs=-1, show_progress_bar=True)",
    ),
    "fernandolpz_torch": Script(
        "FernandoLpz/Optuna-Sklearn-PyTorch",
        "optuna_pytorch.py",
        Spec(patches={
            "DataLoader(MNIST(os.getcwd(), \n                            train=True, ": (
                "DataLoader(torch.utils.data.Subset(MNIST(os.getcwd(), \n                            train=True, "),
            "transform=transforms.ToTensor()),\n                        batch_size=128,\n                        "
            "shuffle=True)\n\n        self.test_loader": (
                "transform=transforms.ToTensor()), range(1024)),\n                        batch_size=128,\n"
                "                        shuffle=True)\n\n        self.test_loader"),
            "DataLoader(MNIST(os.getcwd(), \n                            train=False, ": (
                "DataLoader(torch.utils.data.Subset(MNIST(os.getcwd(), \n                            train=False, "),
            "transform=transforms.ToTensor()),\n                        batch_size=128,\n                        "
            "shuffle=True)\n\n\n": (
                "transform=transforms.ToTensor()), range(512)),\n                        batch_size=128,\n"
                "                        shuffle=True)\n\n\n"),
            "for epoch in range(10):": "for epoch in range(2):",
        }),
        note="a bound method as the objective, an nn.ModuleList built from the trial, suggest_uniform, "
        "suggest_int(log=True)",
    ),
    "fernandolpz_sklearn": Script(
        "FernandoLpz/Optuna-Sklearn-PyTorch",
        "optuna_sklearn.py",
        Spec(patches={"n_trials=50": "n_trials=10"}),
        rev="17247a49673995b086f1635e8a482d92527356ea",  # at HEAD the objective method was renamed: broken
        note="a bound method as the objective (RandomForest, 5-fold), study.best_params to refit",
    ),
}

WRITE_IMAGE_STANDIN = (
    "import plotly.graph_objects as _go  # harness: no kaleido here, write_image writes HTML\n"
    "_go.Figure.write_image = lambda self, file, *a, **k: self.write_html(str(file) + '.html')\n"
)


def as_tunewise(source: str) -> str:
    """s18's import swap, plus ``import optuna.<submodule> as name`` for any submodule and an
    ``import optuna`` line that ends in a comment."""
    out = re.sub(r"^(\s*)import optuna\.([\w.]+) as", r"\1import tunewise.\2 as", source, flags=re.M)
    out = re.sub(r"^(\s*)import optuna(\s+#.*)$", r"\1import tunewise as optuna\2", out, flags=re.M)
    return S18_SWAP(out)


def mirror(repo: str) -> str:
    return f"{MIRRORS}/{repo.replace('/', '+')}/repo"


def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "-C", mirror(repo), *args], capture_output=True, text=True, check=True).stdout


def commit_of(script: Script) -> str:
    return git(script.repo, "rev-list", "-1", script.rev, "--", script.path).strip()


def source_of(script: Script, path: str) -> str:
    return git(script.repo, "show", f"{script.rev}:{path}")


def with_preamble(source: str, preamble: str) -> str:
    lines = source.splitlines(keepends=True)
    at = max((i + 1 for i, line in enumerate(lines) if line.startswith("from __future__")), default=0)
    return "".join(lines[:at]) + preamble + "".join(lines[at:])


def run_one(name: str, script: Script, mode: str, args: argparse.Namespace) -> dict[str, object]:
    work = pathlib.Path(args.work)
    key = f"{name}/{pathlib.Path(script.path).name}"  # s18.run writes to work/mode/<name>__<file>/
    here = work / mode / key.replace("/", "__").removesuffix(".py")
    here.mkdir(parents=True, exist_ok=True)
    for companion in script.companions:
        text = source_of(script, str(pathlib.PurePosixPath(script.path).parent / companion))
        for old, new in script.companion_patches.items():
            text = text.replace(old, new)
        (here / companion).write_text(as_tunewise(text) if mode == "tunewise" else text)
    source = with_preamble(source_of(script, script.path), script.preamble + WRITE_IMAGE_STANDIN)
    s18.as_tunewise = as_tunewise  # s18.prepare applies the module's swap
    try:
        return s18.run(key, source, script.spec, mode, work, args.extra, args.python, args.tunewise_src)
    finally:
        s18.as_tunewise = S18_SWAP


def manifest() -> str:
    lines = ["| script | repository | path | commit | exercises |", "|---|---|---|---|---|"]
    for name, script in SCRIPTS.items():
        commit = commit_of(script)[:12]
        lines.append(f"| {name} | {script.repo} | {script.path} | {commit} | {script.note} |")
    return "\n".join(lines) + "\n"


def table(optuna_json: str, before_json: str, after_json: str, causes: dict[str, str]) -> str:
    """The markdown table: each script, its source, and its result under Optuna, tunewise before and after."""
    runs = [json.loads(pathlib.Path(p).read_text()) for p in (optuna_json, before_json, after_json)]

    def cell(entry: dict[str, object], mode: str) -> str:
        result = entry.get(mode)
        if not isinstance(result, dict):
            return "not run"
        if result["ok"]:
            return f"ok ({result['seconds']} s)"
        return "FAIL: " + str(result["error"]).replace("|", "\\|")[:120]

    lines = ["| script | source (repo@commit:path) | Optuna 5.1 | tunewise before | tunewise after | cause / note |",
             "|---|---|---|---|---|---|"]
    counts = [0, 0, 0]
    names = [n for n in SCRIPTS if n in runs[0]]
    for name in names:
        entries = [r.get(name) or {} for r in runs]
        cells = [cell(e, m) for e, m in zip(entries, ("optuna", "tunewise", "tunewise"))]
        for i, c in enumerate(cells):
            counts[i] += c.startswith("ok")
        source = str(entries[0].get("source", ""))
        lines.append(f"| {name} | `{source}` | {' | '.join(cells)} | {causes.get(name, '')} |")
    head = (f"{len(names)} scripts. Ran: Optuna {counts[0]}/{len(names)}, tunewise before {counts[1]}/{len(names)}, "
            f"tunewise after {counts[2]}/{len(names)}.")
    return head + "\n\n" + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", default="/tmp/optuna_wild/run")
    parser.add_argument("--extra", default="", help="pip --target folder with packages the venv lacks")
    parser.add_argument("--mode", choices=("optuna", "tunewise", "both"), default="both")
    parser.add_argument("--only", default="", help="run the scripts whose name contains this text")
    parser.add_argument("--out", default="", help="merge the results into this JSON file")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--tunewise-src", default="", help="a src/ folder whose tunewise is imported instead")
    parser.add_argument("--table", nargs=3, metavar=("OPTUNA_JSON", "BEFORE_JSON", "AFTER_JSON"))
    parser.add_argument("--causes", default="", help="JSON file: script name -> root cause / note")
    parser.add_argument("--manifest", action="store_true", help="print the manifest table (no run)")
    parser.add_argument("--resume", action="store_true", help="keep the results --out already has")
    args = parser.parse_args()
    if args.manifest:
        print(manifest())
        return
    if args.table:
        causes = json.loads(pathlib.Path(args.causes).read_text()) if args.causes else {}
        print(table(*args.table, causes))
        return
    s18.write_standins(pathlib.Path(args.work) / "standins")
    results: dict[str, object] = {}
    if args.out and pathlib.Path(args.out).exists():
        results = json.loads(pathlib.Path(args.out).read_text())
    results["commit"] = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=pathlib.Path(__file__).parent
    ).stdout.strip()
    modes = ("optuna", "tunewise") if args.mode == "both" else (args.mode,)
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
            print(f"{name:28s} {mode:9s} {status} {result['seconds']:6.1f}s {result['error']}", flush=True)
        results[name] = entry
        if args.out:
            pathlib.Path(args.out).write_text(json.dumps(results, indent=1, sort_keys=True))
    counts = {m: sum(1 for v in results.values() if isinstance(v, dict) and v.get(m, {}).get("ok")) for m in modes}
    print(", ".join(f"{n} ok under {m}" for m, n in counts.items()))


if __name__ == "__main__":
    main()
