"""benchmarks/curves.py with promote-mode variants (issue 19, helper on promote segments):
  <method>-audit1 / -audit2   promote audits 1 in eta (the default) / 1 in eta**2 (stop mode's share)
  <method>-segtrials the GP reads each promote segment as its own trial (the rule before)
Suffixes combine: tw-asha-promote-audit1-segtrials. Everything else is benchmarks/curves.py."""
import sys

sys.argv[0] = "/work/main/benchmarks/curves.py"
sys.path.insert(0, "/work/main/benchmarks")
import curves  # noqa: E402

import tunewise as tw  # noqa: E402

_orig = curves.tw_setup


def tw_setup(b, method, seed):
    flags = []
    for suffix in ("-segtrials", "-audit1", "-audit2"):
        if method.endswith(suffix):
            flags.append(suffix)
            method = method[: -len(suffix)]
    if method.endswith("-segtrials"):
        flags.append("-segtrials")
        method = method[: -len("-segtrials")]
    sampler, sched = _orig(b, method, seed)
    if "-audit1" in flags:
        sched._promote_audit_power = 1
    if "-audit2" in flags:
        sched._promote_audit_power = 2
    if "-segtrials" in flags:
        gp = sampler._gp_sampler() if isinstance(sampler, tw.samplers.AutoSampler) else sampler
        gp._merge_segments = False
    return sampler, sched


curves.tw_setup = tw_setup
curves.main()
