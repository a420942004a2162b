"""Session 29, issue 19 (dev only): when candidate A's measurement exists, against when the target is
reached. For tw-asha-stop runs: the compute spent when the 6th run to max_resource finished (A's
report agreement is measured from then on) and the compute to target.

    nice -n 10 .venv/bin/python benchmarks/history/s29/asha_gate_timing.py FAMILY BUDGET_FACTOR SEEDS
"""

from __future__ import annotations

import logging
import math
import sys

sys.path.insert(0, "/tmp/s29_asha/snap/benchmarks")  # git archive 1e0752f + the s29 benchmark files
import curves  # noqa: E402

import tunewise as tw  # noqa: E402

logging.getLogger("tunewise").setLevel(logging.ERROR)


def main() -> None:
    fam, bf, seeds = sys.argv[1], float(sys.argv[2]), [int(s) for s in sys.argv[3].split(",")]
    orig = tw.create_study
    for seed in seeds:
        cap: list[tw.Study] = []

        def cs(*a: object, **k: object) -> tw.Study:
            s = orig(*a, **k)  # type: ignore[arg-type]
            cap.append(s)  # noqa: B023 (called within the iteration)
            return s

        curves.tw.create_study = cs
        b = curves.make_bench(fam, seed, bf)
        tr = curves.run_tunewise(b, "tw-asha-stop", b.seed)
        spent, full, sixth = 0.0, 0, math.nan
        for t in cap[0].get_trials():
            steps = sorted(t.intermediate_values)
            spent += steps[-1] if steps else 0
            if steps and steps[-1] >= b.R:
                full += 1
                if full == 6:
                    sixth = spent
        print(
            f"{fam} {bf:g}R seed {seed}: compute to target {tr.compute_to_target():g}, "
            f"6th full run done at {sixth:g} of {b.compute:g}, full runs {full}",
            flush=True,
        )


if __name__ == "__main__":
    main()
