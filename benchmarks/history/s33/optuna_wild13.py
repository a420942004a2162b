"""Run the thirteenth batch of third-party Optuna scripts under Optuna 5.1 and under tunewise (s33).

Session 32's harness (``../s32/optuna_wild12.py``) with a notebook reader: each script or notebook is read from its
repository's bare mirror (``/work/.mirror/<owner>+<name>/repo``) at the pinned commit; a notebook's code cells are
joined in order with its shell lines (``pip install``, ``!``, ``%``) dropped; the edits that make it run here are listed
in ``SCRIPTS`` and marked ``# harness`` in the run copy, the same in both modes. Under tunewise the imports are switched
as docs/migrating-from-optuna.md says (session 28's swap). One JSON row per script and mode.

    P=/work/venvs/compat30/bin/python
    $P benchmarks/history/s33/optuna_wild13.py --mode optuna --out optuna_wild13_optuna.json
    $P benchmarks/history/s33/optuna_wild13.py --mode tunewise --tunewise-src <src> --out optuna_wild13_<rev>.json
    $P benchmarks/history/s33/optuna_wild13.py --report optuna_wild13_optuna.json optuna_wild13_before.json ...
"""

# ruff: noqa: E501 - notes and patch strings kept on one line
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

MIRRORS = Path("/work/.mirror")

_RULES = (
    (r"^(\s*)import optuna\.([\w.]+) as", r"\1import tunewise.\2 as"),
    (r"^(\s*)import optuna\.([\w.]+)(\s*#.*)?$", r"\1import tunewise.\2, tunewise as optuna\3"),
    (r"^(\s*)import optuna(\s*(#.*)?)$", r"\1import tunewise as optuna\2"),
    (r"^(\s*)from optuna(\.[\w.]+)? import", r"\1from tunewise\2 import"),
)


def as_tunewise(source: str) -> str:
    for pattern, repl in _RULES:
        source = re.sub(pattern, repl, source, flags=re.M)
    return source


WARISA = "warisa-cmu/ml-training-2025-s2"
WARISA_REV = "5a14fdc4a3605677d5c76217b7eda2dbe252b2a5"
CHANHI = "ChanhiYasutomi/Machine_Learning"
CHANHI_REV = "972cec963753c14249d98220e92a764436a0341b"
SWASTIK = "Swastik166/Optuna_hyperparameter_Chem"
SWASTIK_REV = "b8d4ac4"

TAIL_STUDY = "\nprint('harness:', len(study.trials), 'trials', sorted({t.state.name for t in study.trials}), type(study.sampler).__name__)  # harness\n"

SWASTIK_DRIVER = """
# harness: the repository's main.py reads Excel sheets of its own chemistry data (not in the repository) and runs six
# models; this driver stands in for it on scikit-learn's diabetes data (train / validation split as utils.split_data
# would give), for the three models that run on CPU without torch: SVR, GaussianProcess, XGBoost
import os
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
import tuning

X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0)
for model_name in ['SVR', 'GaussianProcess', 'XGBoost']:
    study, best_params = tuning.tune_model(model_name, X_train, y_train, X_val, y_val)
    print(f'Best parameters for {model_name}: {sorted(best_params)}')
    model_dir = os.path.join('results', model_name)
    os.makedirs(model_dir, exist_ok=True)
    tuning.opt_plots(study, model_dir)
    tuning.save_best_params(best_params, model_dir)
    states = sorted({t.state.name for t in study.trials})
    print('harness:', model_name, len(study.trials), 'trials', states, sorted(os.listdir(model_dir)))
"""

# A machine shared by about seven sessions (load 10-12 on 2 cores): the forests' studies run fewer trials, the same in
# both modes (marked # harness; the quadratic toy studies keep their 100).
FEWER50 = {"study.optimize(objective, n_trials=50)": "study.optimize(objective, n_trials=15)  # harness: 50 -> 15"}
FEWER100 = {"study.optimize(objective, n_trials=100)": "study.optimize(objective, n_trials=15)  # harness: 100 -> 15"}
FEWER100_KW = {"n_trials=100,": "n_trials=15,  # harness: 100 -> 15"}

# name: repo, commit, path, patches {old: new}, preamble, epilogue, data, note, companions [(path, patches)]
SCRIPTS: dict[str, dict] = {
    "warisa_s01_toy": dict(repo=WARISA, commit=WARISA_REV, path="code/T05_optuna/S01_toy_example.ipynb", patches={},
                           preamble="", epilogue=TAIL_STUDY, data="none", note="create_study() defaults, 100 trials, best_params['x']"),
    "warisa_s02_rf_holdout": dict(repo=WARISA, commit=WARISA_REV, path="code/T05_optuna/S02_sklean_simple.ipynb", patches=FEWER50,
                                  preamble="", epilogue=TAIL_STUDY, data="none (diabetes)",
                                  note="RandomForestRegressor on a scaled diabetes split, suggest_int(log=True), 50 trials, best_params / best_value; pandas hist cells"),
    "warisa_s03_rf_cv_refit": dict(repo=WARISA, commit=WARISA_REV, path="code/T05_optuna/S03_sklearn_cv.ipynb", patches=FEWER50,
                                   preamble="", epilogue=TAIL_STUDY, data="none (diabetes)",
                                   note="cross_val_score(neg_mean_squared_error) objective, 50 trials, RandomForestRegressor(**best_params) refit"),
    "warisa_s04_categorical_dataframe": dict(repo=WARISA, commit=WARISA_REV, path="code/T05_optuna/S04_sampling.ipynb",
                                             patches={'df["params_alpha"].values': 'print(sorted(set(df["params_alpha"].values)), df.shape, list(df.columns))  # harness: the cell\'s expression printed'},
                                             preamble="", epilogue=TAIL_STUDY, data="none",
                                             note="suggest_categorical of three strings, a random objective, logging WARNING, trials_dataframe()['params_alpha']"),
    "warisa_s05_three_samplers": dict(repo=WARISA, commit=WARISA_REV, path="code/T05_optuna/S05_optimization_alg.ipynb", patches={},
                                      preamble="", epilogue=TAIL_STUDY, data="none",
                                      note="the default, RandomSampler() and CmaEsSampler() on (x-2)^2, each printing study.sampler.__class__.__name__"),
    "warisa_s06_sqlite_logger_handler": dict(repo=WARISA, commit=WARISA_REV, path="code/T05_optuna/S06_visualization.ipynb", patches={},
                                             preamble="", epilogue=TAIL_STUDY, data="none",
                                             note="optuna.logging.get_logger('optuna').addHandler(StreamHandler(stdout)), create_study(study_name, storage=sqlite)"),
    "chanhi_02_basics_ridge_rf": dict(repo=CHANHI, commit=CHANHI_REV, path="hyperparameter/optuna_sales_analytics/optuna_2.ipynb",
                                      patches={"from sklearn.datasets import fetch_california_housing": "from sklearn.datasets import load_diabetes as fetch_california_housing  # harness: California housing is a download; diabetes ships",
                                               "study.optimize(objective, n_trials=100)": "study.optimize(objective, n_trials=20)  # harness: 100 -> 20 (its three studies)"},
                                      preamble="", epilogue=TAIL_STUDY,
                                      data="fetch_california_housing (a download) -> load_diabetes under the same name",
                                      note="salesanalytics.co.jp's Optuna tutorial 2 as copied: (x-2)^2, Ridge alpha, RandomForest on iris with suggest_int(log=True); plot_optimization_history expressions"),
    "chanhi_04_pruners_without_reports": dict(repo=CHANHI, commit=CHANHI_REV, path="hyperparameter/optuna_sales_analytics/optuna_4.ipynb", patches=FEWER100,
                                              preamble="", epilogue=TAIL_STUDY, data="none (iris)",
                                              note="tutorial 4: MedianPruner / SuccessiveHalvingPruner / HyperbandPruner / NopPruner studies of 100 trials whose objective never reports; cross_val_score(n_jobs=-1); the last three minimize an accuracy"),
    "chanhi_05_multi_objective_legacy": dict(repo=CHANHI, commit=CHANHI_REV, path="hyperparameter/optuna_sales_analytics/optuna_5.ipynb", patches={},
                                             preamble="", epilogue=TAIL_STUDY, data="none",
                                             note="tutorial 5: a single-objective study, then optuna.multi_objective.create_study([...]) and get_pareto_front_trials() (removed in Optuna 4)"),
    "chanhi_06_optuna_search_cv": dict(repo=CHANHI, commit=CHANHI_REV, path="hyperparameter/optuna_sales_analytics/optuna_6.ipynb", patches=FEWER100_KW,
                                       preamble="", epilogue="\nprint('harness:', len(optuna_search.study_.trials), sorted({t.state.name for t in optuna_search.study_.trials}), type(optuna_search.best_score_).__name__)  # harness\n",
                                       data="none (iris, diabetes)",
                                       note="tutorial 6: optuna.integration.OptunaSearchCV with Float / Int(log) / Categorical distributions, n_jobs=-1, best_params_ / best_score_ / score / best_estimator_ / study_, RandomForestRegressor with max_features 'auto' (refused by scikit-learn 1.9), verbose=2"),
    "chanhi_optuna2py_lgbm_search_cv": dict(repo=CHANHI, commit=CHANHI_REV, path="hyperparameter/optuna_2.py", patches={"n_trials=100,": "n_trials=20,  # harness: 100 -> 20 (a machine shared by seven sessions)"},
                                            preamble="", epilogue="\nprint('harness:', len(optuna_search.study_.trials), sorted({t.state.name for t in optuna_search.study_.trials}))  # harness\n",
                                            data="none (breast_cancer)",
                                            note="OptunaSearchCV(LGBMClassifier(), 8 distributions incl. early_stopping_rounds (no validation set: LightGBM refuses every fit), random_state, scoring='roc_auc', cv=5, verbose=2, n_jobs=-1), predict, roc_auc_score"),
    "swastik_objective_classes_driver": dict(repo=SWASTIK, commit=SWASTIK_REV, path="tuning.py", patches={
        "import models\n": "# import models  # harness: unused here; models.py defines a torch module at import (torch not installed)\n",
        "fig1.write_image(os.path.join(path, 'plot_optimization_history.png'))": "fig1.write_html(os.path.join(path, 'plot_optimization_history.html'))  # harness: kaleido (write_image) not installed",
        "fig2.write_image(os.path.join(path, 'plot_slice.png'))": "fig2.write_html(os.path.join(path, 'plot_slice.html'))  # harness",
        "fig4.write_image(os.path.join(path, 'plot_parallel_coordinate.png'))": "fig4.write_html(os.path.join(path, 'plot_parallel_coordinate.html'))  # harness",
        "fig5.write_image(os.path.join(path, 'plot_param_importances.png'))": "fig5.write_html(os.path.join(path, 'plot_param_importances.html'))  # harness",
        "study.optimize(objective, n_trials=100)": "study.optimize(objective, n_trials=25)  # harness: 100 -> 25 (a machine shared by seven sessions)"},
        preamble="", epilogue="", data="its Excel chemistry sheets (not in the repository) -> diabetes through a driver (harness_main.py)",
        note="objective classes (callable objects) per model; GaussianProcess's conditional space with 'length_scale' under another range in one branch, 'nu' in two; SVR with a categorical of floats; xgb.train with optuna.integration.XGBoostPruningCallback(trial, 'validation-rmse'); 100 trials each; plots and best_params to files",
        companions=[("objectives.py", {"import torch\n": "# import torch  # harness: torch not installed (only the MLP objective, not run, uses it)\n",
                                       "import torch.nn as nn\n": "# import torch.nn as nn  # harness\n",
                                       "import torch.optim as optim\n": "# import torch.optim as optim  # harness\n",
                                       "        param['tree_method'] = 'gpu_hist'\n        param['gpu_id'] = 6   \n": "        param['tree_method'] = 'hist'  # harness: CPU for gpu_hist / gpu_id 6\n"})],
        main=SWASTIK_DRIVER),
}


def _git_dir(repo: str) -> Path:
    d = MIRRORS / repo.replace("/", "+") / "repo"
    return d / ".git" if (d / ".git").is_dir() else d


def _show(repo: str, commit: str, path: str) -> str:
    return subprocess.run(["git", "--git-dir", str(_git_dir(repo)), "show", f"{commit}:{path}"],
                          capture_output=True, text=True, check=True).stdout


def _notebook_code(text: str) -> str:
    cells = []
    for cell in json.loads(text)["cells"]:
        if cell["cell_type"] != "code":
            continue
        lines = []
        for line in "".join(cell["source"]).splitlines():
            s = line.strip()
            if s.startswith(("%", "!", "pip install")):
                lines.append(f"# {line}  # harness: shell line dropped")
            else:
                lines.append(line)
        cells.append("\n".join(lines))
    return "\n\n".join(cells) + "\n"


def _patched(text: str, patches: dict[str, str], where: str) -> str:
    for old, new in patches.items():
        if old not in text:
            raise SystemExit(f"{where}: patch target not found: {old!r}")
        text = text.replace(old, new)
    return text


def source(spec: dict) -> str:
    text = _show(spec["repo"], spec["commit"], spec["path"])
    if spec["path"].endswith(".ipynb"):
        text = _notebook_code(text)
    text = _patched(text, spec["patches"], spec["path"])
    marks = "".join(f"# harness: {old!r} -> {new!r}\n" for old, new in spec["patches"].items())
    return marks + spec["preamble"] + text + spec["epilogue"]


def run(name: str, spec: dict, mode: str, work: Path, tw_src: str) -> dict:
    folder = work / mode / name
    if folder.exists():
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    folder.mkdir(parents=True)
    convert = as_tunewise if mode == "tunewise" else (lambda s: s)
    text = convert(source(spec))
    entry = "script.py"
    if "main" in spec:
        (folder / Path(spec["path"]).name).write_text(text)
        for path, patches in spec.get("companions", []):
            (folder / Path(path).name).write_text(convert(_patched(_show(spec["repo"], spec["commit"], path), patches, path)))
        (folder / "harness_main.py").write_text(convert(spec["main"]))
        entry = "harness_main.py"
    else:
        (folder / "script.py").write_text(text)
    env = dict(os.environ, MPLBACKEND="Agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=tw_src if mode == "tunewise" else "")
    start = time.perf_counter()
    try:
        p = subprocess.run(["nice", "-n", "19", sys.executable, entry], cwd=folder, env=env,
                           capture_output=True, text=True, timeout=900)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = "timeout", (e.stdout or b"").decode(), (e.stderr or b"").decode()
    last_err = [ln for ln in err.strip().splitlines() if ln.strip()][-1:] if rc != 0 else []
    return {"name": name, "mode": mode, "rc": rc, "seconds": round(time.perf_counter() - start, 1),
            "source": f"{spec['repo']}@{spec['commit'][:12]}:{spec['path']}", "error": last_err[0] if last_err else "",
            "stdout": out[-6000:], "stderr_tail": err[-1500:]}


def report(files: list[str]) -> None:
    """One row per script: each run's exit status and error (the stdout tails are in the JSON files)."""
    runs = []
    for f in files:
        rows: dict[str, dict] = {}
        for part in f.split("+"):  # a mode's rows may come from several files (a script rerun with --only)
            rows.update({r["name"]: r for r in json.loads(Path(part).read_text())})
        runs.append((Path(f.split("+")[0]).stem, rows))
    print("| script | " + " | ".join(name for name, _ in runs) + " |")
    print("|---|" + "---|" * len(runs))
    for name in SCRIPTS:
        cells = []
        for _, rows in runs:
            r = rows.get(name)
            cells.append("-" if r is None else "ok" if r["rc"] == 0 else f"FAIL ({r['rc']}): {r['error'][:90]}")
        print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> None:
    if "--report" in sys.argv:
        report(sys.argv[sys.argv.index("--report") + 1:])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("optuna", "tunewise"), required=True)
    ap.add_argument("--tunewise-src", default="")
    ap.add_argument("--work", default="/tmp/compat33/opt")
    ap.add_argument("--only", default="")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    names = [n for n in SCRIPTS if not a.only or n in a.only.split(",")]
    out = Path(a.out)
    rows = []
    for n in names:
        row = run(n, SCRIPTS[n], a.mode, Path(a.work), a.tunewise_src)
        rows.append(row)
        out.write_text(json.dumps(rows, indent=1))  # partial results as they come
        tail = row["stdout"].strip().splitlines()[-1:] if row["stdout"] else ""
        print(row["name"], row["mode"], row["rc"], row["seconds"], "|", tail, "|", row["error"][:200], flush=True)


if __name__ == "__main__":
    main()
