"""Population based training, drawn: each member's learning curve and every exploit.

A toy "training run" whose progress per step depends on a learning rate that is best near
0.1; PBT (``tw.schedulers.PBTScheduler``) copies good members' checkpoints into bad ones and
perturbs their learning rate. ``tw.plots.pbt_lineage`` shows the family tree:
./out/plots/pbt_lineage_demo.html.

    .venv/bin/python examples/plots_pbt_lineage.py
"""

from __future__ import annotations

import math
import os
import tempfile

import tunewise as tw


def objective(trial: tw.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    state = trial.load_checkpoint()
    start, score = (0, 0.0) if state is None else (state["step"], state["score"])
    for step in range(start + 1, 31):
        score += math.exp(-((math.log10(lr) + 1) ** 2))  # fastest progress at lr = 0.1
        trial.report(score, step)
        trial.save_checkpoint({"step": step, "score": score})
        if trial.should_prune():
            raise tw.TrialPruned()
    return score


def main() -> None:
    os.makedirs(os.path.join("out", "plots"), exist_ok=True)
    pbt = tw.schedulers.PBTScheduler(perturbation_interval=5, population_size=6, seed=0, max_step=30,
                                     checkpoint_dir=tempfile.mkdtemp())
    study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0), scheduler=pbt)
    study.optimize(objective, n_trials=6 * 6)
    print(f"best score {study.best_value:.2f} with lr={study.best_params['lr']:.3g}")
    fig = tw.plots.pbt_lineage(study)
    path = os.path.join("out", "plots", "pbt_lineage_demo.html")
    fig.write_html(path, include_plotlyjs="directory")
    print("wrote", path)


if __name__ == "__main__":
    main()
