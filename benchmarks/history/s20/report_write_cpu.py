"""CPU time of one report write on SQLite, storage level (session 20): ``update_trial`` with the
trial's reports growing by one step per write, as ``trial.report`` writes them; median of 5
trials, microseconds of this process's CPU (robust to other load on the machine) and wall time.

    python benchmarks/history/s20/report_write_cpu.py 30      # steps per trial
    PYTHONPATH=<old tree>/src python benchmarks/history/s20/report_write_cpu.py 1000
"""

import statistics
import sys
import tempfile
import time

from tunewise.storage import get_storage

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 300
s = get_storage(f"sqlite:///{tempfile.mkdtemp()}/m.db")
sid = s.create_study("m", ["minimize"])
res = []
for _ in range(5):
    t = s.start_trial(sid)
    iv: dict[int, float] = {}
    c0, w0 = time.process_time(), time.perf_counter()
    for step in range(steps):
        iv[step] = step / steps
        s.update_trial(t.trial_id, intermediate_values=iv)
    res.append(((time.process_time() - c0) / steps * 1e6, (time.perf_counter() - w0) / steps * 1e6))
cpu, wall = statistics.median(x for x, _ in res), statistics.median(y for _, y in res)
print(f"steps {steps}: cpu {cpu:.1f} us, wall {wall:.1f} us")
