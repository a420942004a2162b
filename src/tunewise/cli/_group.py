"""The ``tunewise`` command group every command joins, and the ``--storage`` option most share."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import click

from tunewise.exceptions import TunewiseError

if TYPE_CHECKING:
    from tunewise.storage import BaseStorage

STORAGE_ENV = ("TUNEWISE_STORAGE", "OPTUNA_STORAGE")  # the first one set; OPTUNA_STORAGE as Optuna reads it
storage_option = click.option(
    "--storage", envvar=STORAGE_ENV, required=True,
    help="Storage URL, e.g. sqlite:///tunewise.db (or set TUNEWISE_STORAGE, or OPTUNA_STORAGE).",
)


def existing_storage(url: str, *, retry_seconds: float | None = None) -> BaseStorage:
    """The storage at ``url`` for a command that reads (or deletes from) one: a URL without
    tunewise's tables, or a SQLite file that does not exist, is refused with an error naming it,
    and nothing is created there (reading another application's database must not add tables).
    ``retry_seconds``: how long an operation rides out a database that went away (the
    storage's default, 60 s, when None)."""
    from tunewise.storage import SQLStorage, get_storage

    if retry_seconds is None:
        return get_storage(url, create=False)
    return SQLStorage.from_url(url, create=False, retry_seconds=retry_seconds)


def note(message: str) -> None:
    """A line for the user on stderr (what Optuna's commands log at INFO): ``-q`` silences it."""
    from tunewise import logging as tw_logging

    if tw_logging.get_verbosity() <= logging.INFO:
        click.echo(message, err=True)


def one_study_name(argument: str | None, study_name: str | None) -> str:
    """The study named by the STUDY argument (tunewise's form) or ``--study-name`` (Optuna's)."""
    if argument is not None and study_name is not None and argument != study_name:
        raise click.UsageError(f"two study names, {argument!r} and --study-name {study_name!r}: give one")
    name = argument if argument is not None else study_name
    if name is None:
        raise click.UsageError("which study? Give its name: STUDY or --study-name NAME")
    return name


# Options that take a value, as they may come before a command's name.
_VALUED = ("--storage", "--storage-class", "--log-file", "-f", "--format", "--study-name")
_STORAGE_CLASSES = ("RDBStorage", "JournalFileBackend", "JournalFileStorage", "JournalRedisBackend",
                    "JournalRedisStorage")


class OptunaOptions:
    """Optuna's common options of one command line, taken out of its arguments."""

    def __init__(self) -> None:
        self.verbosity: int | None = None  # 0 quiet, 1 Optuna's default (INFO), 2+ debug
        self.log_file: str | None = None
        self.debug = False
        self.storage_class: str | None = None
        self._level: int | None = None  # the logger's level before apply()
        self._handler: logging.Handler | None = None

    def take(self, args: list[str]) -> list[str]:
        """``args`` without Optuna's common options (read into ``self``); ``--`` ends the search."""
        out: list[str] = []
        i = 0
        while i < len(args):
            a = args[i]
            if a == "--":
                return out + args[i:]
            name, eq, value = a.partition("=")
            if a in ("-q", "--quiet"):
                self.verbosity = 0
            elif a == "--verbose" or (a.startswith("-v") and set(a[1:]) == {"v"}):
                self.verbosity = (self.verbosity or 1) + (1 if a == "--verbose" else len(a) - 1)
            elif a == "--debug":
                self.debug = True
            elif name in ("--log-file", "--storage-class"):
                if not eq:
                    if i + 1 >= len(args):
                        raise click.UsageError(f"{name} needs a value")
                    i += 1
                    value = args[i]
                if name == "--log-file":
                    self.log_file = value
                else:
                    self.storage_class = value
            else:
                out.append(a)
            i += 1
        return out

    def apply(self) -> None:
        """Set tunewise's logging as Optuna's CLI sets its own (until :meth:`undo`); refuse storage
        classes tunewise lacks."""
        from tunewise import logging as tw_logging

        if self.storage_class is not None:
            if self.storage_class not in _STORAGE_CLASSES:
                raise click.UsageError(f"--storage-class {self.storage_class!r}: choose from "
                                       f"{', '.join(_STORAGE_CLASSES[:3])}")
            if self.storage_class != "RDBStorage":
                kind = "Redis" if "Redis" in self.storage_class else "an Optuna journal file"
                raise click.UsageError(
                    f"--storage-class {self.storage_class}: tunewise does not read {kind} as a storage. "
                    "Give a database URL (sqlite:///FILE.db or postgresql://...); an Optuna journal file "
                    "is copied into one with: tunewise import optuna JOURNAL_FILE --storage URL")
        logger = tw_logging.get_logger("tunewise")
        self._level = logger.level
        if self.verbosity is not None:
            tw_logging.set_verbosity({0: logging.WARNING, 1: logging.INFO}.get(self.verbosity, logging.DEBUG))
        if self.log_file is not None:
            self._handler = logging.FileHandler(self.log_file)
            self._handler.setFormatter(logging.Formatter("[%(levelname)s %(asctime)s] %(message)s"))
            logger.addHandler(self._handler)

    def undo(self) -> None:
        """Logging as it was before :meth:`apply` (a command run in a process that goes on: tests)."""
        from tunewise import logging as tw_logging

        logger = tw_logging.get_logger("tunewise")
        if self._level is not None:
            logger.setLevel(self._level)
        if self._handler is not None:
            logger.removeHandler(self._handler)
            self._handler.close()


def optuna_argv(group: click.Group, args: list[str]) -> tuple[list[str], OptunaOptions]:
    """Optuna's form of a command line made tunewise's: the options before the command's name (and
    before a subcommand's, as in ``study set-user-attr``) move after it, and Optuna's common
    options are taken out. Other commands' arguments are returned as they are."""
    options = OptunaOptions()

    def first_word(tokens: list[str]) -> int | None:
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t == "--":
                return None
            if not t.startswith("-"):
                return i
            i += 2 if t in _VALUED else 1
        return None

    i = first_word(args)
    if i is None or args[i] not in getattr(group, "optuna_commands", ()):
        return args, options
    before, command, rest = args[:i], args[i], args[i + 1:]
    sub: list[str] = []
    if isinstance(group.commands.get(command), click.Group):
        j = first_word(rest)
        if j is not None:
            before, sub, rest = before + rest[:j], [rest[j]], rest[j + 1:]
    before, rest = options.take(before), options.take(rest)
    if options.verbosity is None:  # as Optuna's commands: INFO unless -q / -v say otherwise
        options.verbosity = 1
    cut = rest.index("--") if "--" in rest else len(rest)
    return [command, *sub, *rest[:cut], *before, *rest[cut:]], options


class _Group(click.Group):
    """Turns tunewise's own errors into one clear line instead of a traceback (``--debug``, on a
    command that shares Optuna's name, keeps the traceback), and reads Optuna's command lines."""

    # The commands that share Optuna's names take Optuna's common options (optuna/cli.py gives every
    # command -v/-q/--log-file/--debug/--storage-class, and options may come before the command's
    # name); filled where the commands join the group (tunewise.cli).
    optuna_commands: frozenset[str] = frozenset()

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None and args and args[0] not in ("--help", "--version"):
            args, options = optuna_argv(self, list(args))
            options.apply()
            ctx.meta["tunewise.optuna_options"] = options
            ctx.call_on_close(options.undo)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        options = ctx.meta.get("tunewise.optuna_options")
        try:
            return super().invoke(ctx)
        except (TunewiseError, ValueError, KeyError, TypeError) as e:
            if isinstance(e, (click.ClickException, click.exceptions.Exit, click.exceptions.Abort)):
                raise
            if options is not None and options.debug:
                raise
            msg = e.args[0] if isinstance(e, KeyError) and e.args else e
            raise click.ClickException(str(msg)) from e


@click.group(cls=_Group)
@click.version_option(package_name="tunewise")
def main() -> None:
    """tunewise: hyperparameter optimization that never loses a trial.

    The commands that share Optuna's names also take Optuna's common options, before or after
    the command's name: -v/-q, --log-file FILE, --debug and --storage-class RDBStorage.
    """
