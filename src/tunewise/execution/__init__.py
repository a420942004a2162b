"""Where trials run: in process, in local worker processes, or on a Dask cluster."""

from tunewise.execution._dask import DaskExecutor
from tunewise.execution._local import WorkerError, run_local_processes

__all__ = ["DaskExecutor", "WorkerError", "run_local_processes"]
