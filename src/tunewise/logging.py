"""How much tunewise prints: one INFO line per finished trial by default, as Optuna prints it.

>>> import tunewise as tw
>>> tw.logging.set_verbosity(tw.logging.INFO)  # the default: a line per finished trial
>>> tw.logging.get_verbosity() == tw.logging.INFO
True
>>> tw.logging.set_verbosity(tw.logging.WARNING)  # quiet: warnings and errors only
>>> tw.logging.get_verbosity() == tw.logging.WARNING
True
>>> tw.logging.set_verbosity(tw.logging.INFO)

Each finished trial logs ``Trial 3 finished with value: 0.12 and parameters: {'x': 0.4}.
Best is trial 1 with value: 0.05.`` (``Trial 4 pruned. ...`` for a pruned one; a failed trial
is a warning). Records go to the standard library logger ``"tunewise"``: with no logging set
up, a default handler prints them to stderr as ``[I 2026-01-01 12:00:00,000] ...``; once the
application configures logging (a handler on the root logger, ``logging.basicConfig``), the
records go there only, never twice. ``disable_default_handler()`` stops the default printing.

Turning the lines off costs nothing measurable: the check is the logger's cached
``isEnabledFor``, made before any message is built.
"""

from __future__ import annotations

import logging as _logging
import sys
from typing import TYPE_CHECKING, Any

from tunewise._constraints import is_feasible

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "WARNING",
    "disable_default_handler",
    "disable_propagation",
    "enable_default_handler",
    "enable_propagation",
    "get_logger",
    "get_verbosity",
    "set_verbosity",
]

CRITICAL = _logging.CRITICAL
FATAL = _logging.FATAL
ERROR = _logging.ERROR
WARNING = _logging.WARNING
WARN = _logging.WARN
INFO = _logging.INFO
DEBUG = _logging.DEBUG

_ROOT = "tunewise"


class _DefaultHandler(_logging.StreamHandler):  # type: ignore[type-arg]
    """Prints to the current ``sys.stderr`` (looked up per record, so redirections apply), and
    only while the application has not set up logging itself (else the root's handlers print
    the propagated record: once, not twice)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(_logging.Formatter("[%(levelname)1.1s %(asctime)s] %(message)s"))

    def emit(self, record: _logging.LogRecord) -> None:
        logger = _logging.getLogger(_ROOT)
        if logger.propagate and _logging.getLogger().handlers:
            return
        self.stream = sys.stderr
        super().emit(record)


_handler: _DefaultHandler | None = None


def _configure() -> None:
    global _handler
    if _handler is not None:
        return
    _handler = _DefaultHandler()
    logger = _logging.getLogger(_ROOT)
    logger.addHandler(_handler)
    if logger.level == _logging.NOTSET:
        logger.setLevel(INFO)


def get_logger(name: str) -> _logging.Logger:
    """The logger ``name`` (under ``"tunewise"``), for code that logs alongside tunewise.

    ``"optuna"`` is tunewise's own logger: a script moved from Optuna that adds a handler to
    ``optuna.logging.get_logger("optuna")`` gets tunewise's messages there, as it got Optuna's.

    >>> import tunewise as tw
    >>> tw.logging.get_logger("optuna").name, tw.logging.get_logger("mine").name
    ('tunewise', 'tunewise.mine')
    """
    _configure()
    if name == "optuna" or name.startswith("optuna."):
        name = _ROOT + name[len("optuna"):]
    return _logging.getLogger(name if name == _ROOT or name.startswith(_ROOT + ".") else f"{_ROOT}.{name}")


def get_verbosity() -> int:
    """The ``"tunewise"`` logger's level (``tw.logging.INFO`` by default)."""
    _configure()
    return _logging.getLogger(_ROOT).getEffectiveLevel()


def set_verbosity(verbosity: int) -> None:
    """Set how much tunewise logs: ``tw.logging.WARNING`` turns the per-trial lines off,
    ``tw.logging.INFO`` (the default) turns them on, ``DEBUG`` adds detail."""
    if isinstance(verbosity, bool) or not isinstance(verbosity, int):
        raise TypeError(f"verbosity must be a logging level such as tw.logging.INFO or tw.logging.WARNING, "
                        f"got {verbosity!r}")
    _configure()
    _logging.getLogger(_ROOT).setLevel(verbosity)


def disable_default_handler() -> None:
    """Stop printing to stderr from tunewise's own handler (records still reach your handlers)."""
    _configure()
    assert _handler is not None
    _logging.getLogger(_ROOT).removeHandler(_handler)


def enable_default_handler() -> None:
    """Print to stderr again from tunewise's own handler (the default)."""
    _configure()
    assert _handler is not None
    _logging.getLogger(_ROOT).addHandler(_handler)


def disable_propagation() -> None:
    """Keep tunewise's records from reaching the root logger's handlers."""
    _logging.getLogger(_ROOT).propagate = False


def enable_propagation() -> None:
    """Let tunewise's records reach the root logger's handlers (the default)."""
    _logging.getLogger(_ROOT).propagate = True


_log = _logging.getLogger(_ROOT)


class TrialLogger:
    """Logs each finished trial of one study, keeping the best trial seen (O(1) a trial: the
    study's best is read once, at the first line)."""

    __slots__ = ("_best", "_started", "_study", "enabled")

    def __init__(self, study: Study) -> None:
        self._study = study
        self._started = False
        self._best: tuple[int, float] | None = None
        # False: this study prints no line (SearchCV, whose verbose= says what it prints).
        self.enabled = True

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if not self.enabled:
            return
        if not _log.isEnabledFor(INFO):
            if self._started and trial.state.value == "COMPLETE" and trial.values and len(trial.values) == 1 \
                    and is_feasible(trial):
                self._update_best(trial.number, trial.values[0])  # stays right if lines come back on
            return
        state = trial.state.value
        if state == "COMPLETE":
            self._complete(trial)
        elif state == "PRUNED":
            _log.info("Trial %d pruned.", trial.number)

    def _complete(self, trial: FrozenTrial) -> None:
        study = self._study
        values = trial.values or []
        if len(values) != 1:
            _log.info("Trial %d finished with values: %s and parameters: %s.", trial.number, values, trial.params)
            return
        value = values[0]
        if not self._started:
            self._started = True
            try:
                best = study.best_trial
            except ValueError:
                pass
            else:
                self._best = (best.number, float(best.values[0]))  # type: ignore[index]
        # As study.best_trial (and Optuna's line): an infeasible trial is never the best, and the
        # line names no best while no feasible trial has finished.
        best_now = self._update_best(trial.number, value) if is_feasible(trial) else self._best
        if best_now is None:
            _log.info("Trial %d finished with value: %s and parameters: %s.", trial.number, value, trial.params)
            return
        _log.info("Trial %d finished with value: %s and parameters: %s. Best is trial %d with value: %s.",
                  trial.number, value, trial.params, best_now[0], best_now[1])


    def _update_best(self, number: int, value: float) -> tuple[int, float]:
        best = self._best
        minimize = self._study.directions[0] == "minimize"
        if best is None or (value < best[1] if minimize else value > best[1]):
            best = self._best = (number, value)
        return best


def trial_logger(study: Study) -> TrialLogger:
    """The study object's :class:`TrialLogger` (one per study object, made on first use)."""
    lg: Any = getattr(study, "_trial_logger", None)
    if lg is None:
        lg = study._trial_logger = TrialLogger(study)  # type: ignore[attr-defined]
    return lg  # type: ignore[no-any-return]


_configure()
