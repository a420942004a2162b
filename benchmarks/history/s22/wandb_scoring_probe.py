"""Which value of a run scores it: tunewise's sweeps against W&B's own engine (wandb/sweeps).

Runs one seeded bayes sweep and one seeded random sweep with hyperband under
``tunewise sweep python`` (the wandb stand-in), then replays the recorded runs through W&B's
engine (``sweeps.run.SweepRun``, ``bayes_search``, ``hyperband_stopping``, imported from
a checkout of github.com/wandb/sweeps' ``src``, path given by ``--wandb-sweeps-src``):

1. y per finished run: tunewise's told value vs W&B's ``SweepRun.metric_extremum`` (history and
   summary, best in the goal's direction);
2. whether the choice changes proposals: W&B's own bayes ``next_run`` (numpy seeded alike) fed the
   runs as W&B scores them vs fed tunewise's values, and tunewise's GPSampler told either value;
4. ``define_metric("val_loss", summary="min")`` in the program: tunewise's value vs W&B's y.
3. hyperband: at each report of each run, tunewise's PRUNED decision vs W&B's ``stop_runs`` on the
   same histories (earlier runs finished or stopped, this one running).

Usage: python wandb_scoring_probe.py --work /tmp/wbscore --wandb-sweeps-src /tmp/wbs/src \
    --pythonpath /tmp/wandb_sweeps/pylib --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
import warnings

warnings.filterwarnings("ignore")

# A curve whose best epoch is early for some x: loss dips at epoch 2 by an amount that depends on x
# and then drifts up (overfitting), so the best logged value and the last one rank runs differently.
SCRIPT = textwrap.dedent('''
    import math, sys, wandb
    METHOD, ET, DM = sys.argv[1], sys.argv[2] == "hb", sys.argv[3] == "dm"

    def train():
        run = wandb.init()
        x = wandb.config.x
        if DM:  # the summary holds the best value, as W&B's bayes engine scores a run
            run.define_metric("val_loss", summary="min")
        for epoch in range(1, 7):
            early = (x - 0.2) ** 2 + 0.05 * abs(epoch - 2)
            late = (x - 0.75) ** 2 + 0.1 + 0.02 * (6 - epoch)
            wandb.log({"val_loss": min(early + 0.02 * epoch, late) if epoch <= 2 else
                       max(late, early + 0.02 * epoch), "epoch": epoch}, step=epoch)
        run.finish()

    cfg = {"name": f"score_{METHOD}_{int(ET)}" + ("_dm" if DM else ""), "method": METHOD, "seed": 0,
           "metric": {"name": "val_loss", "goal": "minimize"},
           "parameters": {"x": {"min": 0.0, "max": 1.0}}}
    if ET:
        cfg["early_terminate"] = {"type": "hyperband", "min_iter": 2, "eta": 2}
    wandb.agent(wandb.sweep(cfg), function=train, count=16)
''')


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--wandb-sweeps-src", required=True)
    ap.add_argument("--pythonpath", default="")
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    script = os.path.join(a.work, "train_probe.py")
    with open(script, "w") as f:
        f.write(SCRIPT)
    storage = "sqlite:///" + os.path.join(a.work, "tw.db")
    if os.path.exists(os.path.join(a.work, "tw.db")):
        os.remove(os.path.join(a.work, "tw.db"))
    for method, et, dm in (("bayes", "no", "no"), ("random", "hb", "no"), ("bayes", "hb", "no"),
                           ("bayes", "no", "dm")):
        cmd = [sys.executable, "-m", "tunewise", "sweep", "python", "--storage", storage, script, method, et, dm]
        subprocess.run(cmd, check=True, capture_output=True, cwd=a.work)
    sys.path[:0] = [a.wandb_sweeps_src, *[p for p in a.pythonpath.split(os.pathsep) if p]]
    import numpy as np
    from sweeps.run import RunState, SweepRun, next_run, stop_runs

    import tunewise as tw

    out: dict = {}
    for name in ("score_bayes_0", "score_random_1", "score_bayes_1", "score_bayes_0_dm"):
        study = tw.load_study(name, storage=storage)
        trials = [t for t in study.trials if t.state.is_finished()]
        rows = []
        for t in trials:
            hist = [{"val_loss": t.intermediate_values[s]} for s in sorted(t.intermediate_values)]
            wb_state = RunState.finished if t.state.name == "COMPLETE" else RunState.killed
            summary = {"val_loss": hist[-1]["val_loss"]} if hist else {}
            wb = SweepRun(name=str(t.number), state=wb_state, config={"x": {"value": t.params["x"]}},
                          history=hist, summary_metrics=summary)
            y_wb = wb.metric_extremum("val_loss", "minimum") if hist else None
            rows.append({"number": t.number, "x": t.params["x"], "state": t.state.name, "tunewise_value": t.value,
                         "wandb_y": y_wb, "history": [h["val_loss"] for h in hist]})
        res: dict = {"runs": rows}
        done = [r for r in rows if r["state"] == "COMPLETE"]
        res["complete"] = len(done)
        res["y_differs"] = sum(1 for r in done
                               if r["wandb_y"] is not None and abs(r["wandb_y"] - r["tunewise_value"]) > 1e-12)
        best_tw = min(done, key=lambda r: r["tunewise_value"])
        best_wb = min(done, key=lambda r: r["wandb_y"])
        res["best_by_tunewise_value"] = best_tw["number"]
        res["best_by_wandb_y"] = best_wb["number"]

        if name == "score_bayes_0":
            # 2. W&B's own bayes engine on the same finished runs, two ways of scoring them.
            bcfg = {"method": "bayes", "metric": {"name": "val_loss", "goal": "minimize"},
                    "parameters": {"x": {"min": 0.0, "max": 1.0}}}
            props = {}
            for label in ("wandb_scoring", "tunewise_value"):
                runs = []
                for r in done:
                    conf = {"x": {"value": r["x"]}}
                    if label == "wandb_scoring":
                        runs.append(SweepRun(name=str(r["number"]), state=RunState.finished, config=conf,
                                             history=[{"val_loss": v} for v in r["history"]],
                                             summary_metrics={"val_loss": r["history"][-1]}))
                    else:  # a run whose only value is the one tunewise tells
                        runs.append(SweepRun(name=str(r["number"]), state=RunState.finished, config=conf,
                                             history=[], summary_metrics={"val_loss": r["tunewise_value"]}))
                np.random.seed(0)
                props[label] = next_run(bcfg, runs).config["x"]["value"]
            res["wandb_engine_next_x"] = props
            # tunewise's GPSampler (the sampler of method: bayes) told either value.
            tprops = {}
            for label, key in (("wandb_y", "wandb_y"), ("tunewise_value", "tunewise_value")):
                s = tw.create_study(sampler=tw.samplers.GPSampler(seed=0))
                dist = tw.distributions.FloatDistribution(0.0, 1.0)
                for r in done:
                    s.add_trial(tw.create_trial(params={"x": r["x"]}, distributions={"x": dist}, value=r[key]))
                nt = s.ask({"x": dist})
                tprops[label] = nt.params["x"]
            res["tunewise_gp_next_x"] = tprops

        if name.endswith("_1"):
            # 3. hyperband: replay each report; earlier runs as they ended, this one running.
            hcfg = {"method": "random", "metric": {"name": "val_loss", "goal": "minimize"},
                    "early_terminate": {"type": "hyperband", "min_iter": 2, "eta": 2},
                    "parameters": {"x": {"min": 0.0, "max": 1.0}}}
            agree = disagree = 0
            details = []
            for i, r in enumerate(rows):
                prev = [SweepRun(name=str(p["number"]), state=RunState.finished,
                                 history=[{"val_loss": v} for v in p["history"]]) for p in rows[:i]]
                stopped_at = None
                for k in range(1, len(r["history"]) + 1):
                    cur = SweepRun(name="cur", state=RunState.running,
                                   history=[{"val_loss": v} for v in r["history"][:k]])
                    if any(x.name == "cur" for x in stop_runs(hcfg, [*prev, cur])):
                        stopped_at = k
                        break
                tw_stopped_at = len(r["history"]) if r["state"] == "PRUNED" else None
                same = stopped_at == tw_stopped_at
                agree += same
                disagree += not same
                details.append({"number": r["number"], "wandb_stops_at": stopped_at,
                                "tunewise_pruned_at": tw_stopped_at})
            res["hyperband"] = {"agree": agree, "disagree": disagree, "runs": details}
        out[name] = res
        print(name, {k: v for k, v in res.items() if k not in ("runs",)}, flush=True)
    with open(a.json, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
