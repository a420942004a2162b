# ruff: noqa  (session 12 diagnostic scripts, kept as they were run)
"""Run curves.main() with extra ad-hoc dev families (diagnostics only)."""
import os
import sys

sys.path.insert(0, os.environ.get("BENCH", "/work/main/benchmarks"))
import curves
from _curve_families import CurveShape

curves.DEV_SHAPES["crossing-36-nn"] = CurveShape("crossing", 36, 3, speed=0.75, tau_frac=0.25)
curves.DEV_SHAPES["noisy-36-mid"] = CurveShape("noisy", 36, 3, noise=0.03, speed=0.75, tau_frac=0.25)
curves.main()
