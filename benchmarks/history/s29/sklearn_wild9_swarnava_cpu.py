"""Why did s28's unseeded random-forest notebook (swarnava_rf_random_then_grid) run slower under tunewise?

Session 28 recorded wall-clock only (466 s oracle, 715 s / 508 s tunewise) on a machine at load ~22. This driver
runs the same script (session 28's harness builds it: the same patches, the same swap to SearchCV for tunewise)
once per mode and records what wall-clock cannot: CPU seconds of the script's process and of every process it
started (joblib's loky workers included: the executor is shut down and waited for at exit, so their time is in
RUSAGE_CHILDREN), and how many forests were fitted in each process (a sitecustomize counts
RandomForestClassifier.fit calls and their n_estimators, main process and workers alike).

    PYTHONPATH= .venv/bin/python benchmarks/history/s29/sklearn_wild9_swarnava_cpu.py MODE TW_SRC OUT.json [--seeded]

``--seeded``: both searches' ``rf=RandomForestClassifier()`` get ``random_state=0`` (the same edit in both modes), so
the random search picks the same best configuration in both and the grid built from it (+/- steps around
best_params_) holds the same 75 candidates: the same work, so CPU seconds compare the libraries and nothing else.
Unseeded (as the notebook is), the grid's ``n_estimators`` are best +/- 100 and +/- 200 around whatever won, so two
runs do different amounts of work (s28: the oracle's and the after run's grid was [-140, -40, 60, 160, 260] trees,
the before run's [-180, -80, 20, 120, 220]).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("sklearn_wild8", HERE.parent / "s28" / "sklearn_wild8.py")
assert _spec is not None and _spec.loader is not None
S28 = importlib.util.module_from_spec(_spec)
sys.modules["sklearn_wild8"] = S28
_spec.loader.exec_module(S28)
S27 = S28.S27

COUNTER = r'''
import atexit, json, os, resource, time
_LOG = os.environ.get("S29_FITLOG")
if _LOG:
    try:
        from sklearn.ensemble import RandomForestClassifier as _RF
        _fit = _RF.fit
        def _counted(self, X, y, sample_weight=None):
            t0 = time.process_time()
            try:
                return _fit(self, X, y, sample_weight)
            finally:
                with open(_LOG, "a") as f:
                    f.write(json.dumps({"pid": os.getpid(), "n_estimators": self.n_estimators,
                                        "n_rows": len(y), "cpu": time.process_time() - t0}) + "\n")
        _RF.fit = _counted
    except Exception:
        pass
    if os.environ.get("S29_MAIN_PID") == str(os.getpid()) or not os.environ.get("S29_MAIN_PID"):
        os.environ["S29_MAIN_PID"] = str(os.getpid())
        def _report():
            try:
                from joblib.externals.loky import get_reusable_executor
                get_reusable_executor().shutdown(wait=True)
            except Exception:
                pass
            s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            with open(_LOG + ".cpu", "w") as f:
                json.dump({"self_user": s.ru_utime, "self_sys": s.ru_stime, "children_user": c.ru_utime,
                           "children_sys": c.ru_stime}, f)
        atexit.register(_report)
'''


def main() -> None:
    mode, tw_src, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    script = S27.SCRIPTS["swarnava_rf_random_then_grid"]
    folder = Path(f"/tmp/s29sk/swarnava_{mode}{'_seeded' if '--seeded' in sys.argv else ''}")
    folder.mkdir(parents=True, exist_ok=True)
    for c in script.companions:
        (folder / Path(c).name).write_bytes(subprocess.run(
            ["git", "--git-dir", str(S27.MIRRORS / script.repo.replace("/", "+") / "repo"), "show",
             f"{script.rev}:{c}"], capture_output=True, check=True).stdout)
    source = S27.source_of(script)
    if "--seeded" in sys.argv:
        assert source.count("rf=RandomForestClassifier()\n") == 2, "patch target not found"
        source = source.replace("rf=RandomForestClassifier()\n", "rf=RandomForestClassifier(random_state=0)\n")
    if mode == "tunewise":
        source = S27.as_tunewise(source)
    (folder / "script.py").write_text(source)
    (folder / "_tw7_runner.py").write_text(S27.RUNNER)
    (folder / "sitecustomize.py").write_text(COUNTER)
    log = folder / "fits.jsonl"
    log.unlink(missing_ok=True)
    env = dict(os.environ, MPLBACKEND="Agg", TW7_RECORD=str(folder / "record.jsonl"), TW7_MODE=mode,
               PYTHONHASHSEED="0", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", S29_FITLOG=str(log))
    env.pop("S29_MAIN_PID", None)
    paths = [str(folder)] + ([tw_src] if mode == "tunewise" else []) + ["/tmp/s24w/extra"]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    t0 = time.perf_counter()
    proc = subprocess.run(["nice", "-n", "10", sys.executable, "_tw7_runner.py", "script.py"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=3000)
    wall = time.perf_counter() - t0
    fits = [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []
    cpu = json.loads(Path(str(log) + ".cpu").read_text()) if Path(str(log) + ".cpu").exists() else {}
    main_pid = min((f["pid"] for f in fits), default=None)
    summary = {
        "mode": mode, "seeded": "--seeded" in sys.argv, "rc": proc.returncode, "wall_s": round(wall, 1), "cpu": cpu,
        "cpu_total_s": round(sum(cpu.values()), 1) if cpu else None,
        "rf_fits": len(fits), "rf_trees": sum(f["n_estimators"] for f in fits),
        "rf_fit_cpu_s": round(sum(f["cpu"] for f in fits), 1),
        "rf_fits_by_process": {str(p): sum(1 for f in fits if f["pid"] == p) for p in sorted({f["pid"] for f in fits})},
        "rf_fits_full_rows": sum(1 for f in fits if f["n_rows"] == max((g["n_rows"] for g in fits), default=0)),
        "main_pid_guess": main_pid,
        "stdout_tail": proc.stdout[-1500:], "stderr_tail": proc.stderr[-1500:],
    }
    out.write_text(json.dumps(summary, indent=1))
    print(json.dumps({k: v for k, v in summary.items() if not k.endswith("_tail")}, indent=1))


if __name__ == "__main__":
    main()
