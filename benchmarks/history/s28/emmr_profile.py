"""s28 mends: cProfile (CPU timer) of the EMMR terminator test's loop."""

import cProfile
import logging
import pstats
import time

import tunewise as tw
from tunewise.terminator import EMMREvaluator, MedianErrorEvaluator, Terminator

logging.getLogger("tunewise").setLevel(logging.WARNING)


def run():
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
    emmr = EMMREvaluator(seed=0)
    terminator = Terminator(improvement_evaluator=emmr, error_evaluator=MedianErrorEvaluator(emmr))
    for _ in range(200):
        trial = study.ask()
        study.tell(trial, sum(trial.suggest_float(f"x{i}", -10.0, 10.0) ** 2 for i in range(5)))
        if terminator.should_terminate(study):
            break
    return len(study.trials)


c0 = time.process_time()
pr = cProfile.Profile(time.process_time)
pr.enable()
n = run()
pr.disable()
print("trials", n, "cpu", time.process_time() - c0)
pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
