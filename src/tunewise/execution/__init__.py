"""Where trials run: in process, in local worker processes, or on a Dask cluster."""

from tunewise.execution._local import WorkerError, run_local_processes

__all__ = ["WorkerError", "run_local_processes"]
