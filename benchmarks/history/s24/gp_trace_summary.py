"""Summaries of gp_trace.py's traces (session 24, issue 18 diagnosis).

    .venv/bin/python benchmarks/history/s24/gp_trace_summary.py TRACE.jsonl [...]
"""

from __future__ import annotations

import json
import sys

import numpy as np


def main() -> None:
    rows = [json.loads(x) for p in sys.argv[1:] for x in open(p)]
    for prob in dict.fromkeys(r["problem"] for r in rows):
        for meth in dict.fromkeys(r["method"] for r in rows):
            rs = [r for r in rows if r["problem"] == prob and r["method"] == meth]
            if not rs:
                continue
            print(f"== {prob} {meth} ({len(rs)} runs)")
            for lo, hi in ((10, 30), (30, 60)):
                ls, noise, gap, dist, transform, imp, rep, logei = [], [], [], [], [], 0, 0, []
                for r in rs:
                    tr = r["trials"]
                    for i in range(lo, hi):
                        t = tr[i]
                        best_before = min(x["loss"] for x in tr[:i])
                        imp += t["loss"] < best_before - 1e-12
                        rep += t["repeat"]
                        if "ls" in t:
                            ls.append(t["ls"])
                            noise.append(t["noise"])
                        if "logei" in t:
                            logei.append(t["logei"])
                            if "coord_logei" in t:
                                gap.append(t["coord_logei"] - t["logei"])
                            dist.append(float(np.max(np.abs(np.array(t["x"]) - np.array(t["inc"])))))
                        if "transform" in t:
                            transform.append(t["transform"])
                n = len(rs) * (hi - lo)
                print(f" trials {lo}-{hi}: improvements {imp}/{n}, repeated configs {rep}, model proposals "
                      f"{len(ls)}")
                if ls:
                    a = np.array(ls)
                    q10, q90 = np.quantile(noise, [0.1, 0.9])
                    print("  length scales (median per dim):", np.median(a, 0).round(3).tolist(),
                          f" noise median {np.median(noise):.2g} [q10 {q10:.2g}, q90 {q90:.2g}]")
                if logei:
                    gap_median = np.median(gap) if gap else np.nan
                    gap_share = np.mean(np.array(gap) > 0.5) if gap else np.nan
                    print(f"  log EI median {np.median(logei):.2f}; coord search - proposal log EI: median "
                          f"{gap_median:.3f}, share > 0.5: {gap_share:.2f}")
                    d = np.array(dist)
                    print(f"  max |proposal - incumbent| (unit): median {np.median(d):.3f}, "
                          f"share < 0.05: {np.mean(d < 0.05):.2f}, share > 0.3: {np.mean(d > 0.3):.2f}")
                if transform:
                    print(f"  transform power share: {np.mean(np.array(transform) == 'power'):.2f}")


if __name__ == "__main__":
    main()
