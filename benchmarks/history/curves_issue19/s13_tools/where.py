# ruff: noqa
"""Where compute goes before the target: per run, the trial that first reaches the target,
whether it was a design (Sobol) trial, and compute spent on design vs model trials before it."""
import sys, math, collections
sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__import__("os").path.abspath(__file__)), "..", "..", ".."))
import curves as C
import numpy as np
fams = sys.argv[1].split(",")
method = sys.argv[2]
seeds = range(int(sys.argv[3]))
bf = float(sys.argv[4]) if len(sys.argv) > 4 else 10
for fam in fams:
    rows = []
    for seed in seeds:
        b = C.make_bench(fam, seed, bf)
        cur = {"n": -1}
        log = []  # (trial idx, cost)
        orig_add = C.Tracker.add
        def add(self, cost, truth, step, _o=orig_add):
            _o(self, cost, truth, step)
            log.append((self.trials - 1, cost, truth <= self.b.target and (not self.b.full_only or step == self.b.R)))
        C.Tracker.add = add
        try:
            tr = C.run_tunewise(b, method, seed)
        finally:
            C.Tracker.add = orig_add
        spent = collections.Counter(); hit = None
        for i, c, ok in log:
            spent[i] += c
            if ok and hit is None:
                hit = i; hit_compute = sum(spent.values()); break
        n_design = 7
        if hit is None:
            rows.append((None, None, None, None)); continue
        design = sum(v for k, v in spent.items() if k < n_design)
        model = sum(v for k, v in spent.items() if k >= n_design)
        rows.append((hit, design, model, hit_compute))
    hits = [r[0] for r in rows if r[0] is not None]
    print(f"{fam} R={b.R} reached {len(hits)}/{len(rows)}; hit trial: design {sum(h < 7 for h in hits)}, model {sum(h >= 7 for h in hits)}; "
          f"median hit idx {np.median(hits) if hits else None}; mean design compute before hit {np.mean([r[1] for r in rows if r[0] is not None]):.0f}, model {np.mean([r[2] for r in rows if r[0] is not None]):.0f} (R units: {np.mean([r[1] for r in rows if r[0] is not None])/b.R:.1f} / {np.mean([r[2] for r in rows if r[0] is not None])/b.R:.1f})")
