import json
import statistics as st
import sys

rows = [json.loads(x) for x in open(sys.argv[1])]


def rules():
    for k in (3, 5, 8):
        yield (
            f"mad{k}",
            lambda L, oth, k=k: (
                (
                    lambda a: (
                        lambda med: (lambda mad: mad > 0 and L > med + k * 1.4826 * mad)(
                            st.median([abs(x - med) for x in a])
                        )
                    )(st.median(a))
                )(oth + [L])
                if len(oth) >= 2
                else False
            ),
        )
    for k in (1, 2, 3):
        yield (
            f"q{k}",
            lambda L, oth, k=k: (
                len(oth) >= 2
                and (st.median(oth) - min(oth)) > 0
                and L > st.median(oth) + k * (st.median(oth) - min(oth))
            ),
        )
    for k in (0.5, 1, 2):
        yield f"gap{k}", lambda L, oth, k=k: len(oth) >= 2 and L > max(oth) + k * (max(oth) - min(oth))


rl = list(rules())
whys = sys.argv[2].split(",") if len(sys.argv) > 2 else ["v:None", "audit"]
fams = list(dict.fromkeys(r["family"] for r in rows))
print("rule | " + " | ".join(fams))
for name, fn in rl:
    cells = []
    for f in fams:
        hit = good = bad = 0
        saved = 0.0
        for run in rows:
            if run["family"] != f:
                continue
            for t in run["trials"]:
                for _k, e in t["log"].items():
                    if e["why"] not in whys or e["price"] > 0.5:
                        continue
                    if fn(e["L"], e["others"]):
                        hit += 1
                        d = t["d_final"]
                        good += d <= 0.02
                        bad += d >= 0.1
                        break
        cells.append(f"{hit}/{good}/{bad}")
    print(name, "|", " | ".join(cells))
# baseline: how many passes total, and how many of them bad
cells = []
for f in fams:
    n = g = b = 0
    for run in rows:
        if run["family"] != f:
            continue
        for t in run["trials"]:
            e = t["log"].get("0")
            if e and e["why"] in whys:
                n += 1
                g += t["d_final"] <= 0.02
                b += t["d_final"] >= 0.1
    cells.append(f"{n}/{g}/{b}")
print("passes@0 |", " | ".join(cells))
