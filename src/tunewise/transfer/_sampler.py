"""The warm-start sampler's names that transfer uses. :class:`~tunewise.samplers.WarmStartSampler`
is a sampler and lives in ``tunewise/samplers/_warm_start.py``, the marks it and transfer share in
``tunewise/_transfer_marks.py``; they were here before, so their names stay importable from here too."""

from tunewise._transfer_marks import LOCAL_ATTR, TRANSFER_ATTR, config_claim_key
from tunewise.samplers import WarmStartSampler

__all__ = ["LOCAL_ATTR", "TRANSFER_ATTR", "WarmStartSampler", "config_claim_key"]
