"""The ``tunewise`` command line (also ``python -m tunewise``): one module per command.

    tunewise studies --storage sqlite:///tunewise.db      _studies.py (with trials, best,
    tunewise trials STUDY --storage ...                    export and delete)
    tunewise best STUDY --storage ...
    tunewise export STUDY --format csv|json --storage ... [-o FILE]
    tunewise delete STUDY --storage ... [--yes]
    tunewise worker --study NAME --storage URL --objective module:function   _worker.py
    tunewise sweep run|agent|status ...                    _sweep.py
    tunewise report STUDY --storage ... -o report.html     _report.py
    tunewise dashboard --storage ...                       _dashboard.py
    tunewise kb list|show|add|suggest|remove ...           _kb.py
    tunewise storage upgrade URL                           _storage.py
    tunewise import optuna SOURCE --storage ...            _import.py
    tunewise create-study|delete-study|study-names ...     _optuna.py (Optuna's names and arguments,
    tunewise study set-user-attr|best-trial|best-trials     with -f/--format json|yaml|table|value)
    tunewise ask|tell ...                                  _ask_tell.py (Optuna's ask-and-tell)

Every command joins the group :func:`main` (``_group.py``), which turns tunewise's own errors
into one line instead of a traceback. Commands import what they run when they run, so
``tunewise --help`` stays quick, and they use the public API of the area they drive.
"""

from __future__ import annotations

from tunewise.cli._ask_tell import COMMANDS as _ASK_TELL_COMMANDS
from tunewise.cli._dashboard import dashboard
from tunewise.cli._group import main
from tunewise.cli._import import import_
from tunewise.cli._kb import kb
from tunewise.cli._optuna import COMMANDS as _OPTUNA_COMMANDS
from tunewise.cli._report import report
from tunewise.cli._storage import storage
from tunewise.cli._studies import COMMANDS as _STUDY_COMMANDS
from tunewise.cli._studies import studies, trials
from tunewise.cli._sweep import sweep
from tunewise.cli._worker import worker

__all__ = ["main"]

for _command in (*_STUDY_COMMANDS, worker, sweep, report, dashboard, kb, storage, import_, *_OPTUNA_COMMANDS,
                 *_ASK_TELL_COMMANDS):
    main.add_command(_command)
# Optuna's commands, by the names they joined under: they take Optuna's common options (_group).
main.optuna_commands = frozenset(
    c.name for c in (*_OPTUNA_COMMANDS, *_ASK_TELL_COMMANDS, studies, trials, storage) if c.name)

if __name__ == "__main__":  # pragma: no cover
    main()
