# ruff: noqa: E741,UP031  (a one-off probe, kept as it was run)
"""SIGTERM / SIGINT / SIGHUP to a `tunewise worker` (and to optimize(n_jobs=2)) mid-trial: what is left."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import tunewise as tw

OBJ = """
import time, os
def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    open(os.environ["BUSY"], "w").write(str(trial.number))
    time.sleep(3)
    return x
"""


def one(sig, mode):
    d = tempfile.mkdtemp(prefix="s28_sig_", dir="/tmp/s28f")
    open(os.path.join(d, "obj_mod.py"), "w").write(OBJ)
    url = f"sqlite:///{d}/s.db"
    tw.create_study(
        study_name="s",
        storage=url,
        heartbeat_interval=0.5,
        grace_period=3.0,
        max_retries=2,
        sampler=tw.samplers.RandomSampler(seed=0),
    )
    env = dict(os.environ, BUSY=os.path.join(d, "busy"), PYTHONPATH=d + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if mode == "worker":
        cmd = [
            sys.executable,
            "-m",
            "tunewise",
            "worker",
            "--study",
            "s",
            "--storage",
            url,
            "--objective",
            "obj_mod:objective",
            "--n-trials",
            "5",
        ]
    else:
        cmd = [
            sys.executable,
            "-c",
            "import tunewise as tw, obj_mod; tw.load_study('s', '%s').optimize(obj_mod.objective, n_trials=6, n_jobs=2)"
            % url,
        ]
    p = subprocess.Popen(cmd, cwd=d, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while not os.path.exists(env["BUSY"]) and time.time() - t0 < 60:
        time.sleep(0.05)
    time.sleep(1.0)
    p.send_signal(sig)
    try:
        out, err = p.communicate(timeout=60)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc = "timeout (killed)"
    exit_s = round(time.time() - t0, 1)
    time.sleep(1)
    # any pool workers left?
    left_procs = subprocess.run(["pgrep", "-f", d], capture_output=True, text=True).stdout.split()
    trials = tw.load_study("s", url).trials
    states = [(t.number, t.state.name, (t.system_attrs.get("fail_reason") or "")[:80]) for t in trials]
    lines = [l for l in err.splitlines() if l.strip() and not l.startswith("[I")][-3:]
    return {
        "signal": signal.Signals(sig).name,
        "mode": mode,
        "rc": rc,
        "exit_s": exit_s,
        "procs_left": len(left_procs),
        "states": states,
        "waiting": sum(t.state.name == "WAITING" for t in trials),
        "running": sum(t.state.name == "RUNNING" for t in trials),
        "last": lines,
    }


for mode in ("worker", "njobs"):
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        print(json.dumps(one(sig, mode)), flush=True)
