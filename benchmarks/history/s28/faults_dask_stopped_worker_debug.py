# ruff: noqa: E741  (a one-off probe, kept as it was run)
import os
import signal
import tempfile
import threading
import time

import distributed

import tunewise as tw
import tunewise.execution._dask as dk

orig = dk._DaskRun._give_up_stragglers if hasattr(dk, "_DaskRun") else None
if __name__ == "__main__":
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    )
    client = distributed.Client(cluster)
    d = tempfile.mkdtemp(dir="/tmp/s28f")
    url = f"sqlite:///{d}/tw.db"
    pid_file = d + "/pid"
    study = tw.create_study(
        storage=url, sampler=tw.samplers.RandomSampler(seed=0), heartbeat_interval=0.3, grace_period=1.0, max_retries=1
    )
    cls = [c for c in vars(dk).values() if isinstance(c, type) and hasattr(c, "_give_up_stragglers")][0]
    o = cls._give_up_stragglers

    def wrapped(self):
        print(
            "check: stop",
            self.stop,
            "running",
            self.running,
            "in_flight",
            list(self.in_flight),
            [(t.number, t.state.name) for t in study.trials],
            flush=True,
        )
        o(self)

    cls._give_up_stragglers = wrapped

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        open(pid_file + ".all", "a").write(f"{os.getpid()} {trial.number} {time.time()}\n")
        if trial.number == 2:
            open(pid_file, "a").write(f"{os.getpid()} {trial.number} {trial._trial_id} {time.time()}\n")
            time.sleep(0.5)
            os.kill(os.getpid(), signal.SIGSTOP)
            time.sleep(0.5)
        return x

    th = threading.Thread(
        target=lambda: study.optimize(objective, max_trials=6, executor=tw.DaskExecutor(client)), daemon=True
    )
    th.start()
    th.join(25)
    print(
        "returned",
        not th.is_alive(),
        [
            (
                t.number,
                t.state.name,
                t.trial_id,
                {k: v for k, v in t.system_attrs.items() if k in ("retried_from", "fail_reason", "late_result")},
            )
            for t in study.trials
        ],
    )
    print("pid", open(pid_file).read(), "workers", client.run(os.getpid) if False else "")
    for l in open(pid_file):
        p = int(l.split()[0])
        print("proc", p, open(f"/proc/{p}/stat").read().split(")")[1].split()[0])
        os.kill(p, signal.SIGKILL)
    print(open(pid_file + ".all").read())
    os._exit(0)
