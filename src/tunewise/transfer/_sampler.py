"""The warm-start sampler's names that transfer uses. :class:`~tunewise.samplers.WarmStartSampler`
is a sampler and lives in ``tunewise/samplers/_warm_start.py``; it was here before, so its names
stay importable from here too."""

from tunewise.samplers._warm_start import LOCAL_ATTR, TRANSFER_ATTR, WarmStartSampler, config_claim_key

__all__ = ["LOCAL_ATTR", "TRANSFER_ATTR", "WarmStartSampler", "config_claim_key"]
