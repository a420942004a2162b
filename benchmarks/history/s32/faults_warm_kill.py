"""s32 faults, case 2 (s31 left open 4): a SIGKILL while ``create_study(..., warm_start=...)`` writes.

``warm_start=FromSimilarTasks(...)`` with a known space queues the ``n_unconditional`` best
configurations of the similar tasks as WAITING trials, each once (a claim per configuration), and
records the warm start (``transfer:warm_start``) and the sampler record (``strategy``) after the
study's own transaction. A child that opened the storage (SQLite file or PostgreSQL: a cluster of
one's own) calls that ``create_study`` on a signal and is SIGKILLed a random 0-``--window`` ms
later. Then one process calls the same ``create_study`` (the resume) and runs the queue
(``optimize(n_trials=n)``). Counted from the stored trials: ``lost`` (queued configurations that
never ran: expected minus the distinct ones stored), ``dup`` (a configuration queued twice),
RUNNING left, and whether the two records are there after the kill / after the resume.

    nice -n 19 .venv/bin/python benchmarks/history/s32/faults_warm_kill.py --backend sqlite|postgresql \
        [--pg-url URL] --repeats 20 --window 200 --seed 1 --label ... \
        --out benchmarks/history/s32/faults_warm_kill.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

N_CONFIGS = 5
SETUP = r"""
import sys, tunewise as tw
from tunewise.transfer import add_to_knowledge_base
url = sys.argv[1]
for name, centre in (("src-a", -3.0), ("src-b", 2.0)):
    st = tw.create_study(name=name, storage=url, sampler=tw.samplers.RandomSampler(seed=0), load_if_exists=True)
    if not st.trials:
        st.optimize(lambda t: (t.suggest_float("x", -5, 5) - centre) ** 2 + 0.1 * t.suggest_int("n", 1, 8),
                    n_trials=20)
        add_to_knowledge_base(st, task=name, top_k=5)
print("SETUP")
"""
COMMON = r"""
import os, sys, time
import tunewise as tw
from tunewise.distributions import Float, Int
from tunewise.transfer import FromSimilarTasks
SPACE = {"x": Float(-5, 5), "n": Int(1, 8)}
def create(url, name):
    return tw.create_study(name=name, storage=url, load_if_exists=True, sampler=tw.samplers.RandomSampler(seed=0),
                           warm_start=FromSimilarTasks(top_k=5, n_tasks=2, n_unconditional={n}, space=SPACE))
""".replace("{n}", str(N_CONFIGS))
CHILD = COMMON + r"""
url, name, go = sys.argv[1], sys.argv[2], sys.argv[3]
from tunewise.storage import get_storage
url = get_storage(url)  # opened (connected, schema checked) before the signal
print("READY", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
t0 = time.perf_counter()
create(url, name)
print("DONE %.1f" % ((time.perf_counter() - t0) * 1000), flush=True)
time.sleep(30)
"""
RESUME = COMMON + r"""
import json
from tunewise.samplers._warm_start import TRANSFER_ATTR
url, name = sys.argv[1], sys.argv[2]
study = create(url, name)
study.optimize(lambda t: (t.suggest_float("x", -5, 5)) ** 2 + 0.1 * t.suggest_int("n", 1, 8), n_trials={n})
""".replace("{n}", str(N_CONFIGS + 2))
READ = r"""
import json, sys, tunewise as tw
url, name = sys.argv[1], sys.argv[2]
from tunewise.storage import get_storage
s = get_storage(url)
try:
    sid = s.get_study_id(name)
except KeyError:
    print(json.dumps({"study": False})); sys.exit()
attrs = s.get_study_attrs(sid)
trials = s.get_trials(sid)
queued = [t for t in trials if (t.system_attrs.get("transfer") or {}).get("kind") == "config"]
print(json.dumps({"study": True, "attr_keys": sorted(attrs.get("system", {})) if isinstance(attrs.get("system"), dict)
                  else sorted(attrs), "all_keys": sorted(attrs),
                  "queued": [[t.number, t.state.name, t.system_attrs.get("fixed_params") or t.params] for t in queued],
                  "states": sorted(t.state.name for t in trials)}))
"""


def _run(code: str, *argv: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=timeout)


def _read(url: str, name: str) -> dict:
    r = _run(READ, url, name)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": r.stderr[-400:]}


def _strategy_and_record(url: str, name: str) -> dict:
    code = (r"import json,sys; from tunewise.storage import get_storage; s=get_storage(sys.argv[1]); "
            r"a=s.get_study_attrs(s.get_study_id(sys.argv[2])); sysd=a.get('system') or {}; "
            r"print(json.dumps({'strategy': 'strategy' in sysd, 'warm_record': 'transfer:warm_start' in sysd}))")
    r = _run(code, url, name)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": r.stderr[-300:]}


def one(args: argparse.Namespace, rng: random.Random, i: int, base: str) -> dict:
    d = tempfile.mkdtemp(prefix="faults32_warm_")
    name = f"tgt-{uuid.uuid4().hex[:8]}"
    if args.backend == "sqlite":
        shutil.copy(base, os.path.join(d, "kb.db"))
        url = f"sqlite:///{d}/kb.db"
    else:
        url = args.pg_url
    go = os.path.join(d, "go")
    p = subprocess.Popen([sys.executable, "-c", CHILD, url, name, go], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    first = p.stdout.readline().strip()
    if first != "READY":
        p.kill()
        return {"label": args.label, "i": i, "error": first + p.communicate()[1][-300:]}
    delay = rng.uniform(0, args.window / 1000) if args.window > 0 else None
    open(go, "w").close()
    if delay is None:
        done = p.stdout.readline().strip()
        p.kill()
        out = done
    else:
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        out, _ = p.communicate()
    left = _read(url, name)
    records_left = _strategy_and_record(url, name) if left.get("study") else {}
    r = _run(RESUME, url, name)
    after = _read(url, name)
    records_after = _strategy_and_record(url, name)
    cfgs = [json.dumps(q[2], sort_keys=True) for q in after.get("queued", [])]
    row = {
        "label": args.label, "backend": args.backend, "i": i,
        "kill_ms": None if delay is None else round(delay * 1000, 1),
        "done_before_kill": "DONE" in out, "child_out": out.strip()[:60],
        "left_by_kill": {"study": left.get("study"), "queued": len(left.get("queued", [])), **records_left},
        "resume_exit": r.returncode, "resume_err": r.stderr.strip().splitlines()[-1][:300] if r.returncode else "",
        "queued_after": len(cfgs), "distinct_after": len(set(cfgs)),
        "lost": N_CONFIGS - len(set(cfgs)), "dup": len(cfgs) - len(set(cfgs)),
        "queued_not_run": sum(q[1] != "COMPLETE" for q in after.get("queued", [])),
        "running_left": after.get("states", []).count("RUNNING"), **{f"after_{k}": v for k, v in records_after.items()},
    }
    if args.backend == "sqlite":
        shutil.rmtree(d, ignore_errors=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--pg-url", default=None)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--window", type=float, default=300.0, help="ms; 0: no kill (time the create)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--label", default="probe")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    base = ""
    if args.backend == "sqlite":
        base = os.path.join(tempfile.mkdtemp(prefix="faults32_warmbase_"), "kb.db")
        r = _run(SETUP, f"sqlite:///{base}")
    else:
        r = _run(SETUP, args.pg_url)
    if "SETUP" not in r.stdout:
        raise SystemExit(r.stderr[-2000:])
    for i in range(args.repeats):
        line = json.dumps(one(args, rng, i, base))
        print(line, flush=True)
        if args.out:
            with open(args.out, "a") as f:
                f.write(line + "\n")


if __name__ == "__main__":
    main()
