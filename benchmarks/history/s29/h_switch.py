"""Session 29: run a benchmark script with candidate H's dev switch set on the class
(``TPESampler._conditional_gap_clip``), so every TPESampler the script makes (AutoSampler's inner
TPE included) uses it. ``H=1`` switches it on; anything else leaves the default (off). Run from the
checkout whose src it should measure (its own ../../../src goes first on sys.path, as the scripts do).

    H=1 .venv/bin/python benchmarks/history/s29/h_switch.py benchmarks/sample_efficiency.py ARGS...
"""

from __future__ import annotations

import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "src"))
sys.path.insert(0, os.path.join(HERE, "..", "..", ".."))

from tunewise.samplers._tpe import TPESampler  # noqa: E402

TPESampler._conditional_gap_clip = os.environ.get("H") == "1"
script, sys.argv = sys.argv[1], sys.argv[1:]
sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
print(f"# h_switch: TPESampler._conditional_gap_clip = {TPESampler._conditional_gap_clip}", file=sys.stderr)
runpy.run_path(script, run_name="__main__")
