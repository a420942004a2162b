"""Run the twelfth batch of third-party Optuna scripts under Optuna 5.1 and under tunewise (s32).

Each script is read from its repository's bare mirror (``/work/.mirror/<owner>+<name>/repo``) at the pinned commit,
edited as little as makes it run here (every edit listed in ``SCRIPTS`` and marked ``# harness`` in the run copy, the
same in both modes), and run once as written under Optuna and once switched as docs/migrating-from-optuna.md says
(session 28's swap, ``../s28/optuna_wild8.py``) under tunewise. Prints / writes one JSON row per script and mode.

    P=/work/venvs/compat30/bin/python
    $P benchmarks/history/s32/optuna_wild12.py --mode optuna --out optuna_wild12_optuna.json
    $P benchmarks/history/s32/optuna_wild12.py --mode tunewise --tunewise-src <src> --out optuna_wild12_<rev>.json
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

# The swap of docs/migrating-from-optuna.md (session 28's rule).
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


GRF_DB = (
    "# harness: the script reads a study database it does not make: 5 (or 15) studies of 4 trials each are made\n"
    "# harness: first, under the library the script runs on (maximize, two parameters)\n"
    "import os as _os  # harness\n"
    "import optuna  # harness\n"
    "_os.makedirs('results/IWWBIO_results', exist_ok=True)  # harness\n"
    "optuna.logging.set_verbosity(optuna.logging.WARNING)  # harness\n"
    "for _i in range(5):  # harness\n"
    "    for _j in {features}:  # harness\n"
    "        _s = optuna.create_study(study_name=f'cv-fold-{{_i}}-{{_j}}', direction='maximize', "
    "storage='sqlite:///./results/IWWBIO_results/cv.db', load_if_exists=True)  # harness\n"
    "        if not _s.trials:  # harness\n"
    "            _s.optimize(lambda t: -(t.suggest_float('lr', 1e-4, 1e-1, log=True) - 0.01) ** 2 "
    "+ t.suggest_int('units', 8, 64) / 1000, n_trials=4)  # harness\n"
)
CSV_OUT = (
    "\nimport pandas as _pd  # harness: what the script wrote (columns, rows; values follow the sampled trials)\n"
    "_df = _pd.read_csv({path!r}, index_col=0)\n"
    "print('harness csv:', list(_df.columns), _df.shape)\n"
)

# name: repo, commit, path, patches {old: new}, preamble, epilogue, data, note
SCRIPTS = {
    "camall3n_optimize_single": dict(
        repo="camall3n/factored-reps", commit="969bb80c318f1e617130ad7d04e8511e8250d2f3",
        path="factored_rl/scripts/optuna/optimize_single.py", patches={}, preamble="",
        epilogue=("\n    print('harness:', len(study.trials), 'trials,', sorted({t.state.name for t in study.trials}), "
                  "'best < 0.1:', study.best_value < 0.1)  # harness\n"),
        data="none", note="create_study() defaults, optimize(n_trials=100) under `if __name__ == '__main__'`"),
    "grf_explore_db_mutates_params": dict(
        repo="GRF-github/phd-project", commit="1e5e08e420dbaf20ed2707c913c52a01bc029708",
        path="scripts/explore_db_file.py",
        patches={"sqlite:////home/guillermo/PycharmProjects/cmmrt/results/IWWBIO_results/cv.db":
                 "sqlite:///./results/IWWBIO_results/cv.db",
                 'f"/home/guillermo/PycharmProjects/cmmrt/results/test{i}.csv"': 'f"./results/test{i}.csv"'},
        preamble=GRF_DB.format(features="['fgp_mlp']"),
        epilogue=CSV_OUT.format(path="./results/test4.csv"),
        data="its sqlite study database (not in the repository) -> made by the preamble, 5 studies x 4 trials",
        note="create_study(load_if_exists=True, MedianPruner) per fold, `params = trial.params; params['score'] = "
             "trial.values[0]` over study.trials (changes the trials' params in place), DataFrame to CSV"),
    "grf_explore_db_head": dict(
        repo="GRF-github/phd-project", commit="d54e98587938a67a9190c1724520b12ee7b5bbbe",
        path="scripts/explore_db_file.py", patches={},
        preamble=GRF_DB.format(features="['fgp_mlp', 'desc_mlp', 'full_mlp']"),
        epilogue=CSV_OUT.format(path="./results/optuna_parms.csv"),
        data="its sqlite study database (not in the repository) -> made by the preamble, 15 studies x 4 trials",
        note="the later version: 15 studies, `params.update(trial.params)`, `trial.values is not None`, one CSV"),
}


def source(spec: dict) -> str:
    git_dir = MIRRORS / spec["repo"].replace("/", "+") / "repo"
    text = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{spec['commit']}:{spec['path']}"],
                          capture_output=True, text=True, check=True).stdout
    for old, new in spec["patches"].items():
        if old not in text:
            raise SystemExit(f"{spec['path']}: patch target not found: {old!r}")
        text = text.replace(old, new)
    marks = "".join(f"# harness: {old!r} -> {new!r}\n" for old, new in spec["patches"].items())
    return marks + spec["preamble"] + text + spec["epilogue"]


def run(name: str, spec: dict, mode: str, work: Path, tw_src: str) -> dict:
    folder = work / mode / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("**/*"):
        if old.is_file():
            old.unlink()
    text = source(spec)
    if mode == "tunewise":
        text = as_tunewise(text)
    (folder / "script.py").write_text(text)
    env = dict(os.environ, MPLBACKEND="Agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=tw_src if mode == "tunewise" else "")
    start = time.perf_counter()
    try:
        p = subprocess.run(["nice", "-n", "19", sys.executable, "script.py"], cwd=folder, env=env,
                           capture_output=True, text=True, timeout=600)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = "timeout", (e.stdout or b"").decode(), (e.stderr or b"").decode()
    return {"name": name, "mode": mode, "rc": rc, "seconds": round(time.perf_counter() - start, 1),
            "source": f"{spec['repo']}@{spec['commit'][:12]}:{spec['path']}", "stdout": out[-4000:],
            "stderr_tail": err[-1500:]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("optuna", "tunewise"), required=True)
    ap.add_argument("--tunewise-src", default="")
    ap.add_argument("--work", default="/tmp/compat32/opt")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rows = [run(n, s, a.mode, Path(a.work), a.tunewise_src) for n, s in SCRIPTS.items()]
    Path(a.out).write_text(json.dumps(rows, indent=1))
    for r in rows:
        print(r["name"], r["mode"], r["rc"], r["seconds"], "|", r["stdout"].strip().splitlines()[-1:] if r["stdout"] else "")


if __name__ == "__main__":
    main()
