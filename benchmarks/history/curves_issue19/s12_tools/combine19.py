# ruff: noqa  (session 12: the test table with mfh6 rerun; later files override (family, method, seed))
"""Issue 19 test table with mfh6 rerun (session 12): later files override (family, method, seed)."""
import json, sys, os
sys.path.insert(0, "/work/main/benchmarks")
import curves
H = "/work/main/benchmarks/history/curves_issue19/"
def load(files):
    rows = {}
    for f in files:
        for l in open(f):
            r = json.loads(l)
            rows[(r["family"], r["method"], r["seed"])] = r
    return list(rows.values())
b = sys.argv[1]
if b == "10":
    files = [H + "s10_test_seeds0-19_b10.jsonl", H + "s10_test_seeds20-59_b10.jsonl", H + "s10_test_w4_b10.jsonl", H + "s11_test_b10.jsonl", H + "s12_test_mfh6_centre_b10.jsonl"]
else:
    files = [H + "s10_test_seeds0-59_b30.jsonl", H + "s10_test_w4_b30.jsonl", H + "s11_test_b30.jsonl", H + "s12_test_mfh6_centre_b30.jsonl"]
rows = [r for r in load(files) if r["family"] != "gb-digits" and r["method"] in ("optuna-hb-tpe", "tw-none", "tw-asha-stop", "tw-tpe-asha-stop", "tw-asha-promote", "tw-asha-stop@4")]
with open(f"/tmp/combined19_b{b}.jsonl", "w") as fh:
    for r in rows:
        fh.write(json.dumps(r) + "\n")
out = curves.report(rows)
for line in out.splitlines():
    if line.startswith("## mfh6") or "test families" in line or line.startswith("| tw-") or line.startswith("| optuna"):
        print(line)
