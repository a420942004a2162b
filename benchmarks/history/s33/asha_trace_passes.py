"""asha33 scratch: per trial, at each rung decision in stop mode: why it passed (or cut), its rung loss,
the others' rung losses then, full runs' (rung loss, final) then. Post-run: noise-free d_final."""

import json
import logging
import sys

sys.path.insert(0, "/work/main/benchmarks")
import curves
from _curve_families import family_instance

import tunewise as tw
from tunewise.schedulers._asha import ASHAScheduler, _audited
from tunewise.schedulers._base import _sign

logging.getLogger("tunewise").setLevel(logging.ERROR)
family, first, n, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
method = sys.argv[5] if len(sys.argv) > 5 else "tw-asha-stop"
log = {}
orig = ASHAScheduler._uncut


def traced(self, ctx, rung, trial):
    passed = orig(self, ctx, rung, trial)
    v = self._verdicts(ctx).get(rung)
    why = (
        "cuts"
        if not passed
        else (
            "audit"
            if self._cuts(rung, v) and _audited(trial.number, self.reduction_factor ** (2 if v == "trusted" else 1))
            else "repeat"
            if self._cuts(rung, v)
            else f"v:{v}"
        )
    )
    sign = _sign(ctx)
    table = self._table(ctx, 0)
    others = [x for x, t in table.get(rung, []) if t.number != trial.number]
    full = {t.number: x for x, t in table.get(len(self.rungs(0)), [])}
    pairs = [(x, full[t.number]) for x, t in table.get(rung, []) if t.number in full and t.number != trial.number]
    vals = trial.intermediate_values
    r = self.rungs(0)[rung]
    s = next(s for s in sorted(vals) if s >= r)
    log.setdefault(trial.number, {})[rung] = {
        "why": why,
        "L": sign * vals[s],
        "others": others,
        "pairs": pairs,
        "price": self.cut_price(rung),
    }
    return passed


ASHAScheduler._uncut = traced
captured = {}
create = tw.create_study


def capture(*a, **k):
    captured["study"] = st = create(*a, **k)
    return st


curves.tw.create_study = capture
for seed in range(first, first + n):
    log.clear()
    b = curves.make_bench(family, seed, 10.0)
    tr = curves.run_tunewise(b, method, b.seed)
    try:
        inst = family_instance(family, seed)
    except ValueError:
        inst = None
    rows = []
    for t in captured["study"].get_trials():
        if not t.intermediate_values:
            continue
        last = max(t.intermediate_values)
        fin = inst.loss(t.params, b.R) if inst else None
        rows.append(
            {
                "number": t.number,
                "last": last,
                "log": {str(k): v for k, v in log.get(t.number, {}).items()},
                "d_final": None if fin is None else fin - b.target,
                "state": str(t.state),
                "final_obs": t.intermediate_values.get(b.R),
                "target": b.target,
            }
        )
    with open(out, "a") as fh:
        fh.write(
            json.dumps({"family": family, "seed": seed, "ctt": tr.compute_to_target(), "trials": rows}, default=str)
            + "\n"
        )
    print(family, seed, len(rows), flush=True)
