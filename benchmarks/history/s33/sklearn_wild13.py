"""A thirteenth batch of third-party search scripts under scikit-learn's classes and under tunewise's SearchCV (s33).

Session 27's harness (``../s27/sklearn_wild7.py``, with session 28's notebook reader, ``../s28/sklearn_wild8.py``), as
sessions 29-32 used it, loaded unchanged with this batch's ``SCRIPTS`` from four repositories named in no file under
``benchmarks/history`` or ``docs/`` (checked with ``grep -rl``): g-morishita/intro-ML-python (three grid searches of
the "Introduction to Machine Learning with Python" chapter 5, written by a reader), MyDearGreatTeacher/ML202302 (a
textbook's chapters 11 and 12 as numbered cell files: pipelines whose ``param_grid`` lists of dicts hold estimators as
values, ``return_train_score``, ``cv_results_`` to a DataFrame, a VotingClassifier ``weights`` drawn from 81 tuples,
a removed ``iid=`` and ``base_estimator=``), and gf99/guofei9987.github.io (a blog post's "train dozens of models at
once": ``GridSearchCV(param_grid=dict())``, ``refit=False``, ``return_train_score=True``, ``n_jobs=-1``,
``rank_test_score == 1`` masks). Two readers of sources beyond s28's: ``cells:<folder>`` joins a chapter's numbered
cell files in order (IPython ``%`` lines dropped), ``md:<path>#<n>`` takes a Markdown file's n-th python block.

    H=benchmarks/history/s33/sklearn_wild13.py
    P=/work/venvs/compat30/bin/python
    $P $H --mode oracle --work /tmp/compat33/sk --out sklearn_wild13_oracle.json
    $P $H --mode tunewise --tunewise-src <src> --work /tmp/compat33/sk --out sklearn_wild13_<rev>.json
    $P $H --report sklearn_wild13_oracle.json sklearn_wild13_before.json sklearn_wild13_after.json
"""

# ruff: noqa: E501 - notes and patch strings kept on one line
from __future__ import annotations

import importlib.util
import re
import subprocess
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

GM = "g-morishita/intro-ML-python"
GM_REV = "ad5b68a"
MD = "MyDearGreatTeacher/ML202302"
MD_REV = "b5e68674bfdc1ceb11437cb87cf253c040ad9af4"
GF = "gf99/guofei9987.github.io"
GF_REV = "0f51bc5"
GF_POST = "_posts/[2A] 有监督学习/sklearn/2019-10-01-all_models.md"

SCRIPTS = {
    "gm_grid_svc_geomspace_unseeded_split": Script(
        GM, "ch5/grid_search/GSwCV.py", GM_REV, random="train_test_split without random_state",
        note="GridSearchCV(SVC(), {'C': np.geomspace(0.001, 100, 6), 'gamma': np.geomspace(...)}, cv=5) on iris, best_params_ (np.float64 from the grid), best_score_, score"),
    "gm_grid_svc_cv_results_dataframe": Script(
        GM, "ch5/grid_search/analyze_gs.py", GM_REV,
        note="GridSearchCV(SVC(), 36 points, cv=5, return_train_score=False) on a seeded iris split, pprint(pd.DataFrame(cv_results_)) (fit times masked)"),
    "gm_grid_svc_best_and_test_score": Script(
        GM, "ch5/grid_search/gridSearchCV.py", GM_REV,
        note="GridSearchCV(SVC(), 36 points, cv=5) on a seeded iris split, best_params_ / best_score_ / score"),
    "mdgt_ch11_pipeline_model_grids": Script(
        MD, "cells:教科書程式範例/ch11", MD_REV,
        note="26 cells: make_pipeline(StandardScaler(), SVC()) with 'svc__*' grids (np.arange gammas), a list of two dicts, cv=10, return_train_score; four models in a loop (LogisticRegression penalty 'l1' with lbfgs: failing fits scored NaN); Pipeline([('preprocess', ...), ('model', ...)]) with a list of dicts whose 'model' / 'preprocess' values are estimators (and None); pd.DataFrame(gs.cv_results_)[['params', 'mean_test_score']] then set_params(**params); RandomizedSearchCV(..., iid=False) (removed in scikit-learn 0.24: TypeError)"),
    "mdgt_ch12_voting_weights_and_model_grid": Script(
        MD, "cells:教科書程式範例/ch12", MD_REV,
        note="15 cells on breast_cancer: RandomizedSearchCV(VotingClassifier(soft), {'weights': 81 tuples of np.int64}, n_iter=30, cv=10, random_state=42); GridSearchCV(RandomForestClassifier(random_state=42), 12 points, cv=10); a Pipeline grid over RandomForest / AdaBoost(base_estimator=..., removed in 1.4) / XGBClassifier with return_train_score, best_params_['model']"),
    "gf99_all_classifiers_empty_grids": Script(
        GF, f"md:{GF_POST}#1", GF_REV, random="make_classification without random_state, unseeded estimators",
        note="11 classifiers, each GridSearchCV(param_grid=dict(), scoring='accuracy', cv=KFold(5, shuffle, random_state=0), return_train_score=True, refit=False, n_jobs=-1), cv_results_['rank_test_score'] == 1 masks on mean/std train/test scores and params, a DataFrame of them sorted by best_score_"),
    "gf99_all_regressors_empty_grids": Script(
        GF, f"md:{GF_POST}#3", GF_REV, random="make_regression without random_state, unseeded estimators",
        patches={"n_samples=10000,": "n_samples=2000,  # harness: 10,000 -> 2,000 rows (a machine shared by seven sessions)"},
        note="the same for 12 regressors with scoring='r2' on make_regression rows (10,000 in the post, 2,000 here)"),
}

_source_of = S28.source_of


def _git(repo: str, *args: str) -> str:
    d = S27.MIRRORS / repo.replace("/", "+") / "repo"
    d = d / ".git" if (d / ".git").is_dir() else d
    return subprocess.run(["git", "--git-dir", str(d), *args], capture_output=True, text=True, check=True).stdout


def _patched(script: Script, text: str) -> str:
    for old, new in script.patches.items():
        if old not in text:
            raise SystemExit(f"{script.path}: patch target not found: {old!r}")
        text = text.replace(old, new)
    return text


def source_of(script: Script) -> str:
    if script.path.startswith("cells:"):
        folder = script.path[6:]
        names = [n for n in _git(script.repo, "ls-tree", "--name-only", f"{script.rev}:{folder}").split("\n") if n.endswith(".py")]
        names.sort(key=lambda n: [int(x) for x in re.findall(r"\d+", n)])
        parts = []
        for n in names:
            body = _git(script.repo, "show", f"{script.rev}:{folder}/{n}")
            body = "\n".join(("# " + ln + "  # harness: IPython line dropped") if ln.lstrip().startswith(("%", "!")) else ln
                             for ln in body.splitlines())
            parts.append(f"# --- cell {n}\n{body}\n")
        return _patched(script, "\n".join(parts))
    if script.path.startswith("md:"):
        path, n = script.path[3:].rsplit("#", 1)
        blocks = re.findall(r"```python\n(.*?)```", _git(script.repo, "show", f"{script.rev}:{path}"), flags=re.S)
        return _patched(script, blocks[int(n) - 1])
    if script.path.endswith(".ipynb"):
        return _source_of(script)
    return _patched(script, _git(script.repo, "show", f"{script.rev}:{script.path}"))


def commit_of(script: Script) -> str:
    path = script.path[6:] if script.path.startswith("cells:") else script.path[3:].rsplit("#", 1)[0] if script.path.startswith("md:") else script.path
    return _git(script.repo, "rev-list", "-1", script.rev, "--", path).strip()


S27.source_of = source_of
S27.commit_of = commit_of
S27.SCRIPTS.clear()
S27.SCRIPTS.update(SCRIPTS)

if __name__ == "__main__":
    S27.main()
