"""Conformance suites: prove that your own implementation keeps tunewise's contracts.

One module per kind of component, each importable from your tests (they need pytest):

- :mod:`tunewise.testing.executor`: an :class:`~tunewise.execution.Executor` (where trials run).
- :mod:`tunewise.testing.sampler`: a :class:`~tunewise.samplers.Sampler` (what to try next).
- :mod:`tunewise.testing.scheduler`: a :class:`~tunewise.schedulers.Scheduler` (when trials stop, pause, resume).
- :mod:`tunewise.testing.storage`: a :class:`~tunewise.storage.BaseStorage` (where studies and trials live).

And :mod:`tunewise.testing.faults`: :class:`~tunewise.testing.faults.FlakyProxy`, a database outage
to test a storage or a whole study against, and :class:`~tunewise.testing.faults.LostAnswers`,
PostgreSQL statements whose answers are lost after the server ran them.

Subclass the suite's test class (its ``Test*`` subclass is collected by pytest), or call its
``check_*`` functions yourself; each raises ``AssertionError`` naming the rule that was broken.
"""
