"""Session 30, issue 18: cProfile of TPESampler in the conditional space of tpecost_bench.py after
1,000 random trials (30 suggestions), for the code at a commit (``--src``: a ``src`` directory; default
this checkout's). Top entries by internal time; calls per suggestion and ms per suggestion (under the
profiler, which inflates small calls).

    OMP_NUM_THREADS=1 nice -n 10 /work/main/.venv/bin/python benchmarks/history/s30/tpecost_profile.py [--src DIR]
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default=os.path.join(HERE, "..", "..", "..", "src"))
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    sys.path.insert(0, os.path.abspath(args.src))
    sys.path.insert(0, HERE)
    import tunewise as tw  # first: tpecost_bench puts this checkout's src on the path

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    from tpecost_bench import conditional
    st = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    st.optimize(conditional, n_trials=1000)
    st.sampler = tw.samplers.TPESampler(seed=0)
    st.optimize(conditional, n_trials=1)
    n = 30
    pr = cProfile.Profile()
    pr.enable()
    st.optimize(conditional, n_trials=n)
    pr.disable()
    stats = pstats.Stats(pr)
    print(f"tunewise from {tw.__file__}; {n} suggestions; calls per suggestion {stats.total_calls / n:.0f}; "
          f"ms per suggestion under cProfile {1000 * stats.total_tt / n:.1f}")
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[: args.top]  # type: ignore[attr-defined]
    print(f"{'calls/sugg':>10} {'tottime ms/sugg':>15} {'cumtime ms/sugg':>15}  function")
    for (path, line, name), (_, ncalls, tt, ct, _) in rows:
        where = path.split("site-packages/")[-1].split("src/")[-1]
        print(f"{ncalls / n:10.1f} {1000 * tt / n:15.3f} {1000 * ct / n:15.3f}  {where}:{line}({name})")


if __name__ == "__main__":
    main()
