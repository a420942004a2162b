"""Per bbob function (d = 2, 3, 5 pooled): today's default's geometric-mean regret ÷ optuna GP's and
÷ optuna TPE's, paired cells, at 30 / 60 / 100 trials (session 28 rerun of the test split)."""
import json
import math
import sys

sys.path.insert(0, "benchmarks")
from sample_efficiency import Summary  # noqa: E402

rows = json.load(open(sys.argv[1]))["results"]
methods = ["tw-auto", "optuna-gp", "optuna-tpe"]
s = Summary([r for r in rows if r["method"] in methods], methods)
for b in (30, 60, 100):
    out = []
    for fid in sorted({int(p.split("-")[1][1:]) for p in s.problems}):
        logs = {m: [] for m in methods}
        for (p, _), rs in s.cells.items():
            if p.split("-")[1] == f"f{fid}":
                for m in methods:
                    logs[m].append(math.log(max(s.regret(rs[m], b), 1e-8)))
        g = {m: math.exp(sum(v) / len(v)) for m, v in logs.items()}
        out.append(f"f{fid} {g['tw-auto'] / g['optuna-gp']:.2f}x / {g['tw-auto'] / g['optuna-tpe']:.2f}x")
    print(f"budget {b}: " + "; ".join(out))
