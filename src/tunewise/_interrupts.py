"""How ``optimize()`` and the executors' workers handle Ctrl-C, SIGTERM and SIGHUP: a signal that
arrives during a storage write waits until the write is done, and SIGTERM or SIGHUP stops
``optimize()`` like Ctrl-C, with the interrupted trial retried.

Shared by the study's loop (``study.py``) and the executors' workers (``execution/``), so it sits at
the package's top level: execution does not import the study's private names
(``tests/test_layering.py``). ``study.py`` keeps the old names (``_DeferInterrupt``,
``_Terminated``, ``_TerminateAsInterrupt``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["DeferInterrupt", "TerminateAsInterrupt", "Terminated"]


class Terminated(KeyboardInterrupt):
    """SIGTERM (what batch schedulers and Kubernetes send) or SIGHUP (the worker's terminal or SSH
    session closed) stopping optimize(): handled like Ctrl-C, except that the interrupted trial is
    retried (its worker was stopped, not the trial)."""

    def __init__(self, signum: int | None = None) -> None:
        import signal

        super().__init__()
        self.signum = int(signal.SIGTERM) if signum is None else signum
        self.signame = signal.Signals(self.signum).name


class DeferInterrupt:
    """Hold SIGINT (Ctrl-C) and SIGTERM during a storage write; ``fired`` says whether one arrived."""

    active: list[DeferInterrupt] = []  # open guards of the main thread (SIGTERM checks the innermost)

    def __init__(self) -> None:
        self.fired = False
        self.terminated = 0  # the number of the terminating signal (SIGTERM, SIGHUP) that arrived
        self._old: Any = None

    # The C module's signal(): the ``signal`` module's wrapper converts handlers to and from
    # enums, which made these two calls per write ~15% of the in-memory framework cost per trial.
    def __enter__(self) -> DeferInterrupt:
        import _signal  # type: ignore[import-not-found]
        import threading

        if threading.current_thread() is threading.main_thread():
            try:
                self._old = _signal.signal(_signal.SIGINT, self._handler)
            except ValueError:  # not the main interpreter thread
                self._old = None
            else:
                if self._old == _signal.SIG_IGN:
                    # A process that ignores Ctrl-C (a background job: ``cmd &`` in a script, nohup)
                    # keeps ignoring it: turned into a KeyboardInterrupt here, a Ctrl-C meant for
                    # the foreground stopped it when it happened to land in a write. (Still a
                    # guard for SIGTERM: see TerminateAsInterrupt.)
                    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
                DeferInterrupt.active.append(self)
        return self

    def _handler(self, signum: int, frame: Any) -> None:
        self.fired = True

    def raise_if_fired(self) -> None:
        if self.terminated:
            raise Terminated(self.terminated)
        if self.fired:
            raise KeyboardInterrupt

    def __exit__(self, *exc: Any) -> None:
        if self._old is not None:
            import _signal

            _signal.signal(_signal.SIGINT, self._old)
            DeferInterrupt.active.remove(self)


class TerminateAsInterrupt:
    """While ``optimize()`` runs in the main thread of a process that left SIGTERM (or SIGHUP) to
    its default (terminate at once, the running trial left behind), the signal stops it like
    Ctrl-C: the running trial is failed ("interrupted (SIGTERM)") and retried under the study's
    retry policy. SIGHUP is what a worker gets when its terminal or SSH session closes; one that
    ignores it (``nohup``) runs on."""

    def __init__(self, end_as_sigterm: bool = True) -> None:
        self._old: dict[int, Any] = {}
        self._end_as_sigterm = end_as_sigterm  # False in a worker process: its parent decides

    def __enter__(self) -> TerminateAsInterrupt:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):  # (Windows has no SIGHUP)
                if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
                    self._old[sig] = signal.signal(sig, self._handler)
        return self

    @staticmethod
    def _handler(signum: int, frame: Any) -> None:
        if DeferInterrupt.active:  # inside a storage write: raised once the write is done
            guard = DeferInterrupt.active[-1]
            guard.fired, guard.terminated = True, signum
            return
        raise Terminated(signum)

    def __exit__(self, exc_type: Any, exc: Any, *rest: Any) -> None:
        if self._old:
            import os
            import signal

            for sig, old in self._old.items():
                signal.signal(sig, old)
            if exc_type is not None and issubclass(exc_type, Terminated) and self._end_as_sigterm \
                    and exc.signum in self._old:
                # The running trial is failed and queued to rerun: now end as the signal always did.
                os.kill(os.getpid(), exc.signum)
