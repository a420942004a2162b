"""Dev tool (issue 18, session 14): per-bbob-function paired regret ratio B/A at one budget.

    .venv/bin/python benchmarks/history/s14/perfn.py FILE[,FILE...] A B BUDGET
"""
import json, math, sys, collections
files, a, b, bud = sys.argv[1].split(","), sys.argv[2], sys.argv[3], int(sys.argv[4])
rows = [r for f in files for r in json.load(open(f))["results"] if r["kind"] == "bbob" and not r["error"]]
tr = {(r["problem"], r["method"], r["seed"]): r["trace"] for r in rows}
per = collections.defaultdict(list)
for (p, m, s), t in tr.items():
    if m != a or (p, b, s) not in tr: continue
    tb = tr[(p, b, s)]
    if len(t) < bud or len(tb) < bud: continue
    per[int(p.split("-")[1][1:])].append(math.log(max(tb[bud-1], 1e-8)) - math.log(max(t[bud-1], 1e-8)))
print(" ".join(f"f{f}:{math.exp(sum(v)/len(v)):.2f}" for f, v in sorted(per.items())))
