"""Schedulers (pruners): stop, pause or promote trials from their intermediate reports."""

from tunewise.schedulers._base import Scheduler

__all__ = ["Scheduler"]
