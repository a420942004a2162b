"""A twelfth batch of third-party search scripts under scikit-learn's classes and under tunewise's SearchCV (s32).

Session 27's harness (``../s27/sklearn_wild7.py``, with session 28's notebook reader, ``../s28/sklearn_wild8.py``), as
sessions 29-31 used it, loaded unchanged with this batch's ``SCRIPTS``, from three repositories named in no file under
``benchmarks/history`` or ``docs/`` (checked with ``grep -rliF``): rlaxoghd0513/study (a course's grid / random /
halving scripts: lists of dicts with different keys, ``factor=3.5``, ``cv_results_`` printed as DataFrames and
written to CSV), zonhye/scikit-learn-practice and Fahad-Md-Kamal/Fast-And-Furious. The only edit: the scripts that
write their CSV into ``./temp/`` get that folder made first (the same in both modes). A repository whose snapshot is a
work tree (``repo/.git``) is read from its ``.git``.

    H=benchmarks/history/s32/sklearn_wild12.py
    P=/work/venvs/compat30/bin/python
    $P $H --manifest
    $P $H --mode oracle --work /tmp/compat32/sk --out sklearn_wild12_oracle.json
    $P $H --mode tunewise --tunewise-src <src> --work /tmp/compat32/sk --out sklearn_wild12_<rev>.json
    $P $H --report sklearn_wild12_oracle.json sklearn_wild12_before.json sklearn_wild12_after.json
"""

# ruff: noqa: E501 - notes and patch strings kept on one line
from __future__ import annotations

import importlib.util
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

RLX = "rlaxoghd0513/study"
RLX_REV = "03cbf48da4fc16b127c6e2eb80227237d2ee744d"
ZON = "zonhye/scikit-learn-practice"
ZON_REV = "bddda03b785d5038223050c7dd5095e5b4c8ebd4"
FAH = "Fahad-Md-Kamal/Fast-And-Furious"
FAH_REV = "c242828ab767f01a54afb5b566ba6c9896d03815"

TEMP = {"path = './temp/'": "path = './temp/'; __import__('os').makedirs(path, exist_ok=True)  # harness: the folder"}

SCRIPTS = {
    "rlx_grid_svc_list_of_dicts_cv_results": Script(
        RLX, "ml/m10_GridSearch3_cv_results.py", RLX_REV, patches=TEMP,
        note="GridSearchCV(SVC(), [4 dicts with different keys: degree / gamma / kernel], cv=5, verbose=1, n_jobs=-1): "
             "52 candidates (masked param_* columns), best_estimator_ / best_params_ / best_score_ / score / predict, "
             "cv_results_ printed as a DataFrame three ways, its columns, and written to CSV"),
    "rlx_random_svc_list_of_dicts_n_iter5": Script(
        RLX, "ml/m12_RandomSearch1.py", RLX_REV, patches=TEMP, random="RandomizedSearchCV without random_state",
        note="RandomizedSearchCV(SVC(), the same 4 dicts, n_iter=5, cv=5, verbose=1, n_jobs=-1), the same prints and CSV"),
    "rlx_halving_svc_digits_factor3_5": Script(
        RLX, "ml/m14_HalvingGridSearch1.py", RLX_REV, patches=TEMP,
        random="HalvingGridSearchCV without random_state: each iteration's n_samples subsample comes from the global "
               "RNG (with random_state=0 both give the same n_resources_ [100, 350, 1225], n_candidates_ [52, 15, 5], "
               "best_params_ and best_score_ 0.990177)",
        note="HalvingGridSearchCV(SVC(), the same 4 dicts, cv=5, verbose=1, factor=3.5) on digits (the default "
             "resource n_samples), the same prints and CSV"),
    "rlx_halving_rf_iris_factor3_5": Script(
        RLX, "ml/m15_HalvingGridSearch01_RF_iris.py", RLX_REV,
        random="RandomForestClassifier without random_state",
        note="HalvingGridSearchCV(RandomForestClassifier(), [one dict of 6 points], cv=5, factor=3.5) on iris"),
    "rlx_random_rf_wine_fewer_points_than_n_iter": Script(
        RLX, "ml/m13_RandomSearch04_RF_wine.py", RLX_REV,
        random="RandomForestClassifier and RandomizedSearchCV without random_state",
        note="RandomizedSearchCV(RandomForestClassifier(), [one dict of 6 points], cv=5, verbose=1) with the default "
             "n_iter=10 > 6 (scikit-learn warns and tries all 6), best_estimator_.predict"),
    "zonhye_grid_linear_svc_logspace_C": Script(
        ZON, "Tutorials/Section2_007.py", ZON_REV,
        note="GridSearchCV(estimator=SVC(kernel='linear'), param_grid=dict(C=np.logspace(-6, -1, 10)), n_jobs=-1) on "
             "1000 digits, best_score_, best_estimator_.C (an np.float64 from the grid), score on the rest"),
    "fahad_grid_svc_digits_kernels": Script(
        FAH, "chapter12/chapter12_finding_parameters.py", FAH_REV,
        note="GridSearchCV(SVC(), {'C': [1, 10, 100, 1000], 'kernel': [4 kernels]}) on digits, defaults (cv=5), "
             "best_params_ / best_score_"),
}


def _git_dir(repo: str) -> Path:
    d = S27.MIRRORS / repo.replace("/", "+") / "repo"
    return d / ".git" if (d / ".git").is_dir() else d


def source_of(script: Script) -> str:
    text = subprocess.run(["git", "--git-dir", str(_git_dir(script.repo)), "show", f"{script.rev}:{script.path}"],
                          capture_output=True, text=True, check=True).stdout
    for old, new in script.patches.items():
        if old not in text:
            raise SystemExit(f"{script.path}: patch target not found: {old!r}")
        text = text.replace(old, new)
    return text


def commit_of(script: Script) -> str:
    return subprocess.run(["git", "--git-dir", str(_git_dir(script.repo)), "rev-list", "-1", script.rev, "--",
                           script.path], capture_output=True, text=True, check=True).stdout.strip()


S27.source_of = source_of
S27.commit_of = commit_of
S27.SCRIPTS.clear()
S27.SCRIPTS.update(SCRIPTS)

if __name__ == "__main__":
    S27.main()
