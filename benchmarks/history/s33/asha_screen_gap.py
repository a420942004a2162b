import json
import sys

rows = [json.loads(x) for x in open(sys.argv[1])]
whys = sys.argv[2].split(",")
ks = [0.25, 0.5, 1.0]
fams = list(dict.fromkeys(r["family"] for r in rows))
for k in ks:
    out = []
    for f in fams:
        hit = good = bad = 0
        saved = 0
        for run in rows:
            if run["family"] != f:
                continue
            real = run["trials"][0]["d_final"] is None
            finals = [t["final_obs"] for t in run["trials"] if t.get("final_obs") is not None]
            sign = 1
            best = min(finals) if finals else None
            for t in run["trials"]:
                for rk, e in sorted(t["log"].items()):
                    if e["why"] not in whys or e["price"] > 0.5:
                        continue
                    others = e["others"]
                    if len(others) >= 2 and e["L"] > max(others) + k * (max(others) - min(others)):
                        hit += 1
                        if real:
                            d = None if t.get("final_obs") is None else t["final_obs"] - best
                            good += d is not None and d <= 0.0
                        else:
                            d = t["d_final"]
                            good += d <= 0.02
                            bad += d >= 0.1
                        saved += t["last"] - 3 ** int(rk)
                        break
        out.append(f"{f} {hit}/{good}/{bad} sv{saved}")
    print(k, " | ".join(out))
