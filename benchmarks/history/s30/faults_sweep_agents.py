"""s30 faults, case 3a end to end: sweep agents SIGKILLed and SIGSTOPped while the sweep file is
rewritten in place, replaced by rename, broken, and read again by resumed `sweep run`s.

A grid sweep of 12 runs (``lr``) on SQLite; the program sleeps ``--sleep`` s, appends
``done <pid> <lr>`` to a ledger (fsynced) and prints ``loss=...``. Runners: A = ``tunewise sweep
run sweep.yaml``, B and C = ``tunewise sweep agent NAME``. Attacks, each once the ledger holds that
many finished runs:
  2 -> the sweep file is rewritten in place in two writes (the first ends in "run_cap: 1"); between
       them a resumed ``sweep run sweep.yaml`` (D) starts, and the second write waits until D has
       read the file (a slow writer), + ``--half`` s; B is SIGKILLed (for good) with a run in flight;
  4 -> C is SIGSTOPped for 20 s; meanwhile the file is replaced by rename with broken YAML,
       ``sweep run sweep.yaml`` (E) is run on it, then the good file is put back by rename;
  6 -> A is SIGKILLed and started again on the file.
Counted: grid points COMPLETE (12 expected), programs run per point (the ledger), results lost
(a ledger line without its COMPLETE point), RUNNING left, each runner's exit and last lines.

    nice -n 10 .venv/bin/python benchmarks/history/s30/faults_sweep_agents.py --label after \\
        --out benchmarks/history/s30/faults_sweep_agents.jsonl
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid

PROGRAM = textwrap.dedent("""
    import os, sys, time
    lr = float(sys.argv[1].split("=")[1])
    time.sleep(float(os.environ["PROBE_SLEEP"]))
    fd = os.open(os.environ["PROBE_LEDGER"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, f"done {os.getpid()} {lr!r}\\n".encode()); os.fsync(fd); os.close(fd)
    print(f"loss={(lr - 0.01) ** 2}", flush=True)
""")
LRS = [round(0.001 * (i + 1), 3) for i in range(12)]


def _done(path: str) -> list[list[str]]:
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.split() for line in f if line.startswith("done ")]


def _text(path: str) -> str:
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def run(args: argparse.Namespace) -> dict:
    import tunewise as tw

    d = tempfile.mkdtemp(prefix="s30_sweep_agents_")
    name = f"s30-agents-{uuid.uuid4().hex[:8]}"
    url = f"sqlite:///{d}/tw.db"
    with open(os.path.join(d, "train.py"), "w") as f:
        f.write(PROGRAM)
    sweep = (f"name: {name}\nprogram: train.py\nmethod: grid\nmetric: {{name: loss, goal: minimize}}\n"
             f"parameters:\n  lr: {{values: {LRS}}}\nstorage: {url}\nrun_cap: 12\n")
    path = os.path.join(d, "sweep.yaml")
    with open(path, "w") as f:
        f.write(sweep)
    ledger = os.path.join(d, "ledger.txt")
    env = dict(os.environ, PROBE_LEDGER=ledger, PROBE_SLEEP=str(args.sleep))
    run_cmd = [sys.executable, "-m", "tunewise", "sweep", "run", path]
    agent_cmd = [sys.executable, "-m", "tunewise", "sweep", "agent", name, "--storage", url]
    logs: dict[str, object] = {}
    procs: dict[str, subprocess.Popen] = {}
    exits: dict[str, list[int]] = collections.defaultdict(list)

    def start(key: str, cmd: list[str]) -> None:
        log = logs.setdefault(key, open(os.path.join(d, f"{key}.log"), "a"))
        log.write(f"$ {' '.join(cmd)}\n")
        log.flush()
        procs[key] = subprocess.Popen(cmd, cwd=d, env=env, stdout=log, stderr=subprocess.STDOUT)

    def rename_in(text: str) -> None:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)

    start("A", run_cmd)
    while True:  # the sweep exists before the agents join it
        time.sleep(0.5)
        try:
            if "sweep" in tw.load_study(study_name=name, storage=url).system_attrs:
                break
        except Exception:  # noqa: BLE001 - not created yet
            pass
    start("B", agent_cmd)
    start("C", agent_cmd)
    attacks = [2, 4, 6]
    log: list[str] = []
    t0 = time.monotonic()
    cont_at = None
    while time.monotonic() - t0 < args.deadline:
        n = len(_done(ledger))
        if attacks and n >= attacks[0]:
            at = attacks.pop(0)
            if at == 2:
                # B is killed first, with a run in flight (every runner is busy with a --sleep s run)
                procs["B"].send_signal(signal.SIGKILL)
                with open(path, "w") as f:  # in place, in two writes: a slow writer
                    f.write(sweep[: len(sweep) - 2])  # "run_cap: 1"
                    f.flush()
                    start("D", run_cmd)
                    t_half = time.monotonic()
                    # the second write waits until D has read the file (its first line) or ended
                    while procs["D"].poll() is None and time.monotonic() - t_half < 90 and \
                            f"sweep '{name}'" not in _text(os.path.join(d, "D.log")):
                        time.sleep(0.1)
                    time.sleep(args.half)
                    f.write(sweep[len(sweep) - 2:])
                log.append(f"{n} runs: file rewritten in place ('run_cap: 1' until D read it, +{args.half} s) "
                           f"around a resumed run (D); B SIGKILLed first")
            elif at == 4:
                procs["C"].send_signal(signal.SIGSTOP)
                cont_at = time.monotonic() + 20
                rename_in(sweep.replace("parameters:\n", "parameters:\n  - broken: [\n"))
                start("E", run_cmd)
                try:
                    procs["E"].wait(60)
                except subprocess.TimeoutExpired:
                    pass
                rename_in(sweep)
                log.append(f"{n} runs: C SIGSTOPped 20 s; broken file by rename, sweep run E on it, good file back")
            else:
                procs["A"].send_signal(signal.SIGKILL)
                procs["A"].wait()
                exits["A"].append(procs["A"].returncode)
                start("A", run_cmd)
                log.append(f"{n} runs: A SIGKILLed and started again")
        if cont_at is not None and time.monotonic() >= cont_at:
            procs["C"].send_signal(signal.SIGCONT)
            cont_at = None
            log.append(f"{len(_done(ledger))} runs: C SIGCONTed")
        if cont_at is None and not attacks and all(p.poll() is not None for k, p in procs.items() if k != "B"):
            break
        time.sleep(0.1)
    for k, p in procs.items():
        if p.poll() is None:
            p.kill()
            p.wait()
        exits[k].append(p.returncode)
    for f in logs.values():
        f.close()
    final = tw.load_study(study_name=name, storage=url)
    trials = final.trials
    stored_run_cap = final.system_attrs["sweep"]["config"].get("run_cap")
    complete = collections.Counter(t.params.get("lr") for t in trials if t.state == tw.TrialState.COMPLETE)
    runs = collections.Counter(float(r[2]) for r in _done(ledger))
    last_lines = {}
    for k in procs:
        with open(os.path.join(d, f"{k}.log"), errors="replace") as f:
            lines = [ln.strip() for ln in f if ln.strip() and not ln.startswith("[")]
        last_lines[k] = [ln[:240] for ln in lines[-2:]]
    return {
        "label": args.label,
        "seconds": round(time.monotonic() - t0, 1),
        "attacks": log,
        "exits": dict(exits),
        "stored_run_cap": stored_run_cap,
        "d_said": [ln.strip()[:200] for ln in _text(os.path.join(d, "D.log")).splitlines() if "run_cap" in ln][:3],
        "points_complete": len(complete),
        "points_complete_twice": sum(n > 1 for n in complete.values()),
        "programs_run": sum(runs.values()),
        "points_run_twice": sum(n > 1 for n in runs.values()),
        "lost": sum(1 for lr in runs if lr not in complete),
        "states": dict(collections.Counter(t.state.value for t in trials)),
        "running_left": [t.number for t in trials if t.state == tw.TrialState.RUNNING],
        "failed": [(t.number, str(t.system_attrs.get("fail_reason", ""))[:100])
                   for t in trials if t.state == tw.TrialState.FAIL],
        "last_lines": last_lines,
        "dir": d,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sleep", type=float, default=1.0)
    ap.add_argument("--deadline", type=float, default=420.0)
    ap.add_argument("--half", type=float, default=1.0, help="seconds the half-written file stays after D read it")
    ap.add_argument("--label", default="probe")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    line = json.dumps(run(args))
    print(line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
