"""Resources per trial: which GPUs a trial may use and how many CPU threads it gets.

``study.optimize(..., resources={"gpu": 1, "cpu": 2})`` asks, per trial, for one GPU and two
CPU threads. GPUs are shared out per worker *process*: CUDA reads ``CUDA_VISIBLE_DEVICES`` once,
when a process first touches the GPU, so a worker keeps the devices it was started with and
every trial it runs uses them. A fraction (``{"gpu": 0.5}``) lets that many trials share a
device (two per GPU here); a whole number above one gives each trial that many devices of its
own. Workers that find no device free wait until one is (their trials queue).

The devices are those in ``CUDA_VISIBLE_DEVICES`` when it is set (which is how tests fake four
GPUs on a machine without one: ``CUDA_VISIBLE_DEVICES=0,1,2,3``), else those torch (if already
imported) or ``nvidia-smi -L`` report.

CPU threads: worker processes are fresh interpreters, so a ``torch.set_num_threads(1)`` in the
calling process does not reach them, and k workers each using every core oversubscribe the
machine. Each worker gets its share (``cpu``, default ``cores // workers``, at least one) through
``OMP_NUM_THREADS``/``MKL_NUM_THREADS``/``OPENBLAS_NUM_THREADS``, ``torch.set_num_threads`` and
threadpoolctl (for BLAS libraries already loaded).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tunewise.trial import Trial

__all__ = ["DEVICES_ATTR", "DeviceLease", "TrialResources", "acquire_devices", "cpu_share", "parse_resources",
           "visible_devices"]

DEVICES_ATTR = "devices"  # the trial's system attribute: the GPU ids it was given
CPUS_ATTR = "cpu_threads"  # the trial's system attribute: the CPU threads it was given
ENV_DEVICES = "TUNEWISE_TRIAL_DEVICES"  # set in a worker: the devices its trials use ("" for none)
ENV_CPUS = "TUNEWISE_TRIAL_CPUS"  # set in a worker: the CPU threads its trials use
_THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
_KEYS = ("gpu", "cpu")


@dataclass(frozen=True)
class TrialResources:
    """What one trial asks for: ``gpu`` devices (a fraction up to 1 shares a device, 0 asks for
    none) and ``cpu`` threads (None: the worker's share of the cores)."""

    gpu: Fraction = Fraction(0)
    cpu: int | None = None

    def as_dict(self) -> dict[str, float | int]:
        out: dict[str, float | int] = {}
        if self.gpu:
            out["gpu"] = int(self.gpu) if self.gpu.denominator == 1 else float(self.gpu)
        if self.cpu is not None:
            out["cpu"] = self.cpu
        return out


def parse_resources(resources: Mapping[str, Any] | None) -> TrialResources | None:
    """``resources={"gpu": 0.5, "cpu": 2}`` as a :class:`TrialResources` (None for None); a
    clear error for anything else."""
    if resources is None:
        return None
    if not isinstance(resources, Mapping):
        raise TypeError(f"resources must be a dict such as {{'gpu': 1, 'cpu': 2}}, got {resources!r}")
    unknown = sorted(str(k) for k in resources if k not in _KEYS)
    if unknown:
        raise ValueError(f"resources has unknown key(s) {unknown}: the keys are 'gpu' (devices per trial, "
                         f"e.g. 1 or 0.5 for two trials per GPU) and 'cpu' (threads per trial)")
    gpu_value = resources.get("gpu", 0)
    if isinstance(gpu_value, bool) or not isinstance(gpu_value, (int, float)) or not math.isfinite(gpu_value) \
            or gpu_value < 0:
        raise ValueError(f"resources['gpu'] must be a number of GPUs per trial (1, 2, or a fraction such as "
                         f"0.5 for two trials per GPU), got {gpu_value!r}")
    gpu = Fraction(gpu_value).limit_denominator(1000)
    if gpu > 1 and gpu.denominator != 1:
        raise ValueError(f"resources['gpu'] above 1 must be a whole number of GPUs per trial, got {gpu_value!r} "
                         f"(a fraction up to 1 shares one GPU between trials)")
    if gpu_value > 0 and gpu == 0:
        raise ValueError(f"resources['gpu'] = {gpu_value!r} is too small: at most 1000 trials share a GPU")
    cpu = resources.get("cpu")
    if cpu is not None and (isinstance(cpu, bool) or not isinstance(cpu, int) or cpu < 1):
        raise ValueError(f"resources['cpu'] must be a positive whole number of CPU threads per trial, got {cpu!r}")
    return TrialResources(gpu=gpu, cpu=cpu)


# ---- devices -----------------------------------------------------------------------------------------
def _torch_device_count() -> int | None:
    try:
        import torch
    except Exception:  # noqa: BLE001 - not installed, or broken: no answer from torch
        return None
    try:
        return int(torch.cuda.device_count())
    except Exception:  # noqa: BLE001
        return None


def _nvidia_smi_devices() -> list[str] | None:
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "-L"], capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [m.group(1) for m in re.finditer(r"^GPU (\d+):", out, flags=re.MULTILINE)]


def visible_devices() -> list[str]:
    """The GPUs trials may be given, as ``CUDA_VISIBLE_DEVICES`` names them.

    ``CUDA_VISIBLE_DEVICES`` when it is set (an empty value or ``-1`` hides every device), else
    the devices torch reports (when torch is already imported), else ``nvidia-smi -L``'s, else
    torch's (imported for the question), else none.

    >>> import os
    >>> from unittest import mock
    >>> from tunewise.execution import visible_devices
    >>> with mock.patch.dict(os.environ, {"CUDA_VISIBLE_DEVICES": "0,2"}):
    ...     visible_devices()
    ['0', '2']
    >>> with mock.patch.dict(os.environ, {"CUDA_VISIBLE_DEVICES": "-1"}):   # every device hidden
    ...     visible_devices()
    []
    """
    env = os.environ.get("CUDA_VISIBLE_DEVICES")
    if env is not None:
        ids = [d.strip() for d in env.split(",") if d.strip()]
        # CUDA stops at the first invalid entry; "-1" is the usual way of hiding every device.
        return list(ids[:ids.index("-1")]) if "-1" in ids else ids
    if "torch" in sys.modules:
        n = _torch_device_count()
        if n is not None:
            return [str(i) for i in range(n)]
    smi = _nvidia_smi_devices()
    if smi is not None:
        return smi
    n = _torch_device_count()
    return [str(i) for i in range(n or 0)]


def _where_devices_come_from() -> str:
    env = os.environ.get("CUDA_VISIBLE_DEVICES")
    if env is not None:
        return f"CUDA_VISIBLE_DEVICES={env!r}"
    return "CUDA_VISIBLE_DEVICES is not set, and neither torch nor nvidia-smi reports a GPU"


def check_devices(resources: TrialResources, devices: Sequence[str]) -> None:
    """Raise a clear error if no trial could ever get the GPUs ``resources`` asks for."""
    if not resources.gpu:
        return
    need = math.ceil(resources.gpu)
    if len(devices) < need:
        have = f"only {len(devices)} GPU(s) are visible" if devices else "no GPU is visible"
        raise ValueError(
            f"resources={resources.as_dict()} asks for {resources.as_dict()['gpu']} GPU(s) per trial, but {have} "
            f"({_where_devices_come_from()}); ask for fewer, drop 'gpu' to run on the CPU, or set "
            f"CUDA_VISIBLE_DEVICES to the devices to use"
        )


def trials_at_once(resources: TrialResources, devices: Sequence[str]) -> int:
    """How many trials the devices hold at once."""
    if not resources.gpu:
        return sys.maxsize
    if resources.gpu >= 1:
        return len(devices) // int(resources.gpu)
    return len(devices) * math.floor(1 / resources.gpu)


class DeviceLease:
    """GPUs given to one worker (and every trial it runs) until :meth:`release`."""

    def __init__(self, ledger: _DeviceLedger, devices: list[str], share: Fraction) -> None:
        self._ledger = ledger
        self.devices = devices
        self.share = share
        self.released = False

    def release(self) -> None:
        self._ledger.release(self)

    def __repr__(self) -> str:
        return f"DeviceLease(devices={self.devices}, share={self.share})"


class _DeviceLedger:
    """The share of each device leased by this process's executors (all optimize() calls: two
    calls in two threads never get the same device beyond its capacity)."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._used: dict[str, Fraction] = {}

    def try_acquire(self, devices: Sequence[str], gpu: Fraction) -> DeviceLease | None:
        """A lease of ``gpu`` on ``devices`` if one is free now, else None. A fraction goes to the
        least used device that has room (trials spread over the devices before they share one)."""
        with self._lock:
            used = self._used
            if gpu <= 1:
                room = [d for d in devices if used.get(d, Fraction(0)) + gpu <= 1]
                if not room:
                    return None
                best = min(room, key=lambda d: used.get(d, Fraction(0)))  # first of the least used
                chosen, share = [best], gpu
            else:
                free = [d for d in devices if not used.get(d)]
                if len(free) < gpu:
                    return None
                chosen, share = free[:int(gpu)], Fraction(1)
            for d in chosen:
                used[d] = used.get(d, Fraction(0)) + share
            return DeviceLease(self, chosen, share)

    def acquire(self, devices: Sequence[str], gpu: Fraction, give_up: Callable[[], bool],
                poll: float = 0.2) -> DeviceLease | None:
        """Wait for a lease; None once ``give_up()`` is true."""
        while True:
            lease = self.try_acquire(devices, gpu)
            if lease is not None or give_up():
                return lease
            with self._lock:
                self._lock.wait(poll)

    def release(self, lease: DeviceLease) -> None:
        with self._lock:
            if lease.released:
                return
            lease.released = True
            for d in lease.devices:
                left = self._used.get(d, Fraction(0)) - lease.share
                if left > 0:
                    self._used[d] = left
                else:
                    self._used.pop(d, None)
            self._lock.notify_all()


LEDGER = _DeviceLedger()


def acquire_devices(gpu: float, *, give_up: Callable[[], bool] | None = None,
                    devices: Sequence[str] | None = None) -> DeviceLease | None:
    """Wait for ``gpu`` GPUs of :func:`visible_devices` (``devices``) and lease them; what
    ``optimize(resources={"gpu": ...})`` does per worker, for processes you start yourself.

    A fraction up to 1 shares a device (``0.5``: two leases per GPU); a whole number above 1
    leases that many devices. Leases are shared with every executor of this process, so they
    never hand out a device beyond its capacity. Returns None once ``give_up()`` is true while
    waiting; raises ValueError if the devices could never hold the request. Release the lease
    when the work is done.

    >>> from tunewise.execution import acquire_devices
    >>> first, second = acquire_devices(0.5, devices=["0", "1"]), acquire_devices(0.5, devices=["0", "1"])
    >>> first.devices, second.devices  # spread over the devices before they are shared
    (['0'], ['1'])
    >>> env = {"CUDA_VISIBLE_DEVICES": ",".join(first.devices)}  # for the process that uses it
    >>> first.release(); second.release()
    """
    resources = parse_resources({"gpu": gpu})
    assert resources is not None
    if not resources.gpu:
        raise ValueError(f"gpu must be a positive number of GPUs, got {gpu!r}")
    pool = list(devices) if devices is not None else visible_devices()
    check_devices(resources, pool)
    return LEDGER.acquire(pool, resources.gpu, give_up or (lambda: False))


# ---- CPU threads -------------------------------------------------------------------------------------
def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def cpu_share(resources: TrialResources | None, n_workers: int) -> int | None:
    """The CPU threads each of ``n_workers`` workers gets: ``resources['cpu']`` if given, else
    ``cores // n_workers`` (at least 1); None when the user set ``OMP_NUM_THREADS`` and asked for
    nothing (their setting is inherited)."""
    if resources is not None and resources.cpu is not None:
        return resources.cpu
    if "OMP_NUM_THREADS" in os.environ:
        return None
    return max(1, available_cores() // max(1, n_workers))


def worker_env(lease: DeviceLease | None, threads: int | None) -> dict[str, str]:
    """What a worker's environment gets: its devices and its thread count."""
    env: dict[str, str] = {}
    if lease is not None:
        ids = ",".join(lease.devices)
        env["CUDA_VISIBLE_DEVICES"] = ids
        env[ENV_DEVICES] = ids
    if threads is not None:
        env[ENV_CPUS] = str(threads)
        for var in _THREAD_VARS:
            env[var] = str(threads)
    return env


_limited: list[Any] = []  # threadpoolctl's limiter of this worker process, kept alive


def apply_thread_limit(threads: int | None = None) -> None:
    """In a worker: hold torch and the BLAS/OpenMP libraries already loaded to ``threads``
    (default: ``TUNEWISE_TRIAL_CPUS``; nothing if neither is set). Libraries loaded later read
    ``OMP_NUM_THREADS`` and the like, which the executor set in the worker's environment."""
    if threads is None:
        value = os.environ.get(ENV_CPUS)
        if not value:
            return
        threads = int(value)
    torch = sys.modules.get("torch")
    if torch is not None:
        try:
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)
        except Exception:  # noqa: BLE001 - a partly imported or stubbed torch
            pass
    if not _limited:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # numpy's BLAS was loaded before OPENBLAS_NUM_THREADS was set: left as is
            return
        _limited.append(threadpool_limits(limits=threads))


@contextlib.contextmanager
def devices_in_this_process(lease: DeviceLease | None, threads: int | None) -> Iterator[None]:
    """Trials run in this process: its environment names the lease's devices (and its thread
    count) while the block runs, and is restored afterwards. Takes effect for CUDA only if this
    process has not initialised it yet; processes the objective starts inherit it."""
    changes = worker_env(lease, threads)
    old = {k: os.environ.get(k) for k in changes}
    os.environ.update(changes)
    torch = sys.modules.get("torch")
    old_threads = None
    if threads is not None and torch is not None:
        old_threads = torch.get_num_threads()
        torch.set_num_threads(threads)
    limiter = None
    if threads is not None:
        try:
            from threadpoolctl import threadpool_limits

            limiter = threadpool_limits(limits=threads)
        except ImportError:
            pass
    try:
        yield
    finally:
        if limiter is not None:
            limiter.restore_original_limits()
        if old_threads is not None and torch is not None:
            torch.set_num_threads(old_threads)
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# ---- the trial's side --------------------------------------------------------------------------------
_assigned = threading.local()  # devices given to the trials of this thread (Dask: one worker thread)


def set_thread_devices(devices: list[str] | None) -> None:
    """The devices the trials of this thread use (for executors whose workers are threads)."""
    _assigned.devices = devices


class ResourceObjective:
    """The objective of a call with ``resources=``: before it runs, the trial records (and
    ``trial.devices`` returns) the devices and threads its worker was given."""

    def __init__(self, func: Callable[[Trial], Any], resources: TrialResources) -> None:
        self.func = func
        self.resources = resources
        uses_reports = getattr(func, "_tunewise_uses_reports", None)
        if uses_reports is not None:
            self._tunewise_uses_reports = uses_reports

    def __call__(self, trial: Trial) -> Any:
        devices = getattr(_assigned, "devices", None)
        if devices is None and self.resources.gpu:
            env = os.environ.get(ENV_DEVICES)
            devices = [d for d in env.split(",") if d] if env is not None else visible_devices()
        trial.set_system_attr(DEVICES_ATTR, list(devices or []))
        threads = os.environ.get(ENV_CPUS)
        if threads:
            apply_thread_limit(int(threads))  # torch imported by the last trial: held to the share too
            trial.set_system_attr(CPUS_ATTR, int(threads))
        return self.func(trial)

    def __repr__(self) -> str:
        return f"ResourceObjective({self.func!r}, {self.resources.as_dict()})"
