"""Where trials run: in this process, in local worker processes, on a Dask or Ray cluster, or on
an engine of your own.

Every executor implements :class:`Executor` (one method, ``run(job)``) and receives the
:class:`OptimizeJob` of an ``optimize()`` call; :class:`RemoteJob` and :class:`TrialRunner` run
its trials in other processes. ``tunewise.testing.executor`` checks an implementation.
:func:`visible_devices` and :func:`acquire_devices` share out GPUs, as ``optimize(resources=...)``
does, for processes started by other means (a sweep's runs).
"""

from tunewise.execution._dask import DaskExecutor
from tunewise.execution._executor import Executor
from tunewise.execution._job import OptimizeJob, RemoteJob, TrialRunner
from tunewise.execution._local import ProcessExecutor, WorkerError
from tunewise.execution._ray import RayExecutor
from tunewise.execution._resources import DeviceLease, acquire_devices, visible_devices
from tunewise.execution._sequential import SequentialExecutor

__all__ = [
    "DaskExecutor",
    "DeviceLease",
    "Executor",
    "OptimizeJob",
    "ProcessExecutor",
    "RayExecutor",
    "RemoteJob",
    "SequentialExecutor",
    "TrialRunner",
    "WorkerError",
    "acquire_devices",
    "visible_devices",
]
