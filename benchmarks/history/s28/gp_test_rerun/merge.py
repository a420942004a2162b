"""Replace the tw-auto rows of stored test-split result files by a fresh run's (session 28).

usage: merge.py OUT NEW STORED [STORED ...]; the stored rows of tw-auto are kept as
``tw-auto@stored`` so the summary shows both; every other method's rows are kept as they are.
"""
import json
import sys

out, new, *stored = sys.argv[1:]
fresh = json.load(open(new))
rows = []
meta = {"merged_from": [new, *stored], "fresh_meta": fresh["meta"]}
for p in stored:
    for r in json.load(open(p))["results"]:
        if r["method"] == "tw-auto":
            r = {**r, "method": "tw-auto@stored"}
        rows.append(r)
rows += fresh["results"]
json.dump({"meta": meta, "results": rows}, open(out, "w"))
print(len(rows), "rows ->", out)
