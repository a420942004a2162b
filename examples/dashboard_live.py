"""Watch a study live in the dashboard while another process optimizes it.

Starts a worker process that optimizes a SQLite study, serves the dashboard on a free
port of 127.0.0.1, and reads the same JSON API the page uses: the trial count grows while
the worker writes. Open the printed URL in a browser to see the pages (with --serve the
dashboard stays up until Ctrl+C). From a shell the same dashboard is:

    tunewise dashboard --storage sqlite:///out/dashboard_live.db [--port 8080] [--token SECRET]

    .venv/bin/python examples/dashboard_live.py [--serve]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
WORKER = textwrap.dedent("""
    import math, sys, time
    import tunewise as tw
    study = tw.load_study("live-demo", sys.argv[1], sampler=tw.samplers.RandomSampler(seed=0))
    def objective(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        width = trial.suggest_int("width", 16, 256, log=True)
        act = trial.suggest_categorical("activation", ["relu", "gelu", "tanh"])
        loss = 1.0
        for epoch in range(5):
            loss = (math.log10(lr) + 2.5) ** 2 / 4 + 0.1 * (act == "tanh") + 0.5 / (epoch + 1) + 10 / width
            trial.report(loss, epoch)
            time.sleep(0.02)
        return loss
    study.optimize(objective, n_trials=int(sys.argv[2]))
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--serve", action="store_true", help="keep the dashboard up until Ctrl+C")
    args = ap.parse_args()
    import uvicorn

    from tunewise.insight import create_app

    os.makedirs("out", exist_ok=True)
    db = os.path.join("out", "dashboard_live.db")
    if os.path.exists(db):
        os.remove(db)
    storage = f"sqlite:///{db}"
    tw.create_study(name="live-demo", storage=storage)
    n_trials = 2000 if args.serve else 120
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(["src", os.environ.get("PYTHONPATH", "")]))
    worker = subprocess.Popen([sys.executable, "-c", WORKER, storage, str(n_trials)], env=env)

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(storage, poll_interval=1.0), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    print(f"dashboard: {base}/#/study/live-demo")
    try:
        deadline = time.time() + 90
        while get(f"{base}/api/studies/live-demo")["n_trials"] == 0:  # the worker is starting up
            if worker.poll() is not None or time.time() > deadline:
                raise SystemExit(f"the worker process did not start trials (exit code {worker.poll()})")
            time.sleep(0.5)
        seen = []
        for _ in range(6 if not QUICK else 3):  # one look a second
            s = get(f"{base}/api/studies/live-demo")
            seen.append(s["n_trials"])
            best = s["best_trial"]["values"][0] if s["best_trial"] else None
            print(f"  trials {s['n_trials']:4d}  complete {s['counts']['COMPLETE']:4d}  "
                  f"running {s['counts']['RUNNING']}  best {best}")
            time.sleep(1.0)
        feed = get(f"{base}/api/studies/live-demo/trials?after={max(-1, seen[-1] - 3)}")
        print(f"incremental feed after #{max(-1, seen[-1] - 3)}: {[t['number'] for t in feed['trials']]}")
        page = get(f"{base}/api/studies/live-demo/trials?sort=value&limit=3")
        print("best three:", [(t["number"], round(t["values"][0], 4)) for t in page["trials"]])
        print("trial count grew while watching:", seen[0], "->", seen[-1])
        if args.serve:
            print("serving until Ctrl+C")
            while True:
                time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.should_exit = True
        worker.terminate()
        worker.wait(timeout=30)
        thread.join(timeout=10)


if __name__ == "__main__":
    main()
