"""Session 20: peers (every method but tw-auto) from a stored result JSON, tw-auto from a new one (bbob
rows), and the stored tw-auto rows renamed tw-auto-s19, into one JSON for pair_se.py / --summarize.

    .venv/bin/python benchmarks/history/s20/merge_se.py OLD.json NEW.json OUT.json
"""

import json
import sys


def main() -> None:
    old, new, out = sys.argv[1:4]
    with open(old) as f:
        o = json.load(f)
    with open(new) as f:
        n = json.load(f)
    res = [r for r in o["results"] if r["method"] != "tw-auto"]
    res += [r for r in n["results"] if r["method"] == "tw-auto" and r["kind"] != "hpo"]
    res += [dict(r, method="tw-auto-s19") for r in o["results"] if r["method"] == "tw-auto"]
    with open(out, "w") as f:
        json.dump({"meta": {"merged_from": [old, new], "peers": o["meta"], "tw": n["meta"]}, "results": res}, f)


if __name__ == "__main__":
    main()
