"""Optuna's ask-and-tell commands: a trial asked from the shell, its result told later, by hand
or by another program (the experiment runs outside Python: in a lab, on a cluster)::

    tunewise ask --storage URL --study-name NAME [--sampler TPESampler] [--sampler-kwargs '{"seed": 0}']
                 [--search-space '{"x": {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1}}}']
                 [-f json|yaml|table|value] [--flatten]     prints {"number": 0, "params": {"x": ...}}
    tunewise tell --storage URL --study-name NAME --trial-number N --values V [V2 ...]
                  [--state complete|pruned|fail] [--skip-if-finished]

``ask`` detaches the trial it prints (``Trial.detach``): the command ends at once, so nothing
sends heartbeats for the trial, and it is never failed as stale; it stays RUNNING until
``tell`` (or ``study.tell(number, ...)`` in Python) finishes it. A search space is given in
Optuna's JSON form (``optuna.distributions.distribution_to_json``) or tunewise's.
"""

from __future__ import annotations

import json
import math
from typing import Any

import click

from tunewise.cli._formats import format_options, render
from tunewise.cli._group import note, storage_option

_SPACE_EXAMPLE = '{"x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0}}}'


def _json_object(text: str, option: str, what: str, example: str) -> dict[str, Any]:
    """The JSON object an option holds, or a BadParameter naming what is wrong and an example."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise click.BadParameter(f"not valid JSON ({e}); expected e.g. {example}", param_hint=f"'{option}'") from None
    if not isinstance(raw, dict):
        raise click.BadParameter(f"expected a JSON object {what}, e.g. {example}; got {raw!r}",
                                 param_hint=f"'{option}'")
    return raw


def _search_space(text: str | None) -> dict[str, Any]:
    """The distributions of ``--search-space``, each checked, before any trial starts."""
    from tunewise.distributions import distribution_from_json

    if text is None:
        return {}
    raw = _json_object(text, "--search-space", "mapping each parameter's name to its distribution", _SPACE_EXAMPLE)
    space = {}
    for name, dist in raw.items():
        try:
            space[name] = distribution_from_json(dist)
        except (ValueError, TypeError) as e:
            raise click.BadParameter(f"parameter {name!r}: {e}", param_hint="'--search-space'") from None
    return space


def _sampler(name: str | None, kwargs_text: str | None) -> Any:
    """The sampler ``--sampler NAME --sampler-kwargs JSON`` makes (None: the study's default)."""
    if name is None:
        if kwargs_text is not None:
            raise click.UsageError("--sampler-kwargs without --sampler: name the sampler they are for, e.g. "
                                   "--sampler TPESampler --sampler-kwargs '{\"seed\": 0}'")
        return None
    import tunewise.samplers as samplers

    kwargs: Any = {}
    if kwargs_text is not None:
        kwargs = _json_object(kwargs_text, "--sampler-kwargs", "of keyword arguments", "'{\"seed\": 0}'")
    known = sorted(n for n in samplers.__all__ if n not in ("BaseSampler", "Sampler") and isinstance(
        getattr(samplers, n), type) and issubclass(getattr(samplers, n), samplers.Sampler))
    try:
        cls = getattr(samplers, name)
    except AttributeError as e:  # tunewise.samplers says what to use for Optuna's samplers it lacks
        raise click.BadParameter(f"{e}; the samplers are {', '.join(known)}", param_hint="'--sampler'") from None
    if name not in known:
        raise click.BadParameter(f"{name!r} is not a sampler; the samplers are {', '.join(known)}",
                                 param_hint="'--sampler'")
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as e:
        raise click.BadParameter(f"{name}(**{kwargs!r}) failed: {e}", param_hint="'--sampler-kwargs'") from None


@click.command("ask")
@storage_option
@click.option("--study-name", required=True, help="The study to ask a trial of (create it with create-study).")
@click.option("--sampler", default=None, help="Class name of a sampler of tunewise.samplers, e.g. TPESampler "
              "(default: tunewise's default, AutoSampler).")
@click.option("--sampler-kwargs", default=None, help="The sampler's keyword arguments as JSON, e.g. '{\"seed\": 0}'.")
@click.option("--search-space", default=None,
              help=f"The parameters to suggest, as JSON: each name with its distribution, e.g. '{_SPACE_EXAMPLE}' "
              f"(optuna.distributions.distribution_to_json writes them).")
@format_options("json")
def ask(storage: str, study_name: str, sampler: str | None, sampler_kwargs: str | None, search_space: str | None,
        output_format: str, flatten: bool) -> None:
    """Start a trial, suggest its parameters and print them (Optuna's ask).

    The trial stays RUNNING, and is never failed as stale, until tell gives its result.
    """
    import tunewise as tw
    from tunewise.exceptions import StudyNotFoundError

    space = _search_space(search_space)
    made = _sampler(sampler, sampler_kwargs)
    try:
        study = tw.load_study(study_name=study_name, storage=storage, sampler=made)
    except StudyNotFoundError as e:  # Optuna's ask no longer creates the study either
        raise click.ClickException(f"{e}; create it first: tunewise create-study --storage URL --study-name "
                                   f"{study_name}") from None
    trial = study.ask()
    try:
        for name, dist in space.items():
            trial.suggest(name, dist)
    except Exception as e:
        # e.g. a distribution that contradicts the one the study holds for the name: no trial is left behind
        study.tell(trial, state=tw.TrialState.FAILED, fail_reason=f"tunewise ask could not suggest: {e}")
        raise click.ClickException(f"trial {trial.number} was recorded as FAILED: its parameters could not be "
                                   f"suggested: {e}") from None
    trial.detach()
    note(f"Asked trial {trial.number} with parameters {trial.params}.")
    click.echo(render({"number": trial.number, "params": dict(trial.params)}, output_format, flatten))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class _SeveralValues(click.Command):
    """Takes several numbers after one ``--values``, as Optuna's tell does (``--values 1.5 -2``):
    each number that follows the option is passed as one more ``--values``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            out.append(arg)
            i += 1
            if arg == "--":
                out += args[i:]
                break
            if arg == "--values" and i < len(args):
                out.append(args[i])  # the option's own value, whatever it is (click checks it)
                i += 1
            if arg == "--values" or arg.startswith("--values="):
                while i < len(args) and _is_number(args[i]):
                    out += ["--values", args[i]]
                    i += 1
        return super().parse_args(ctx, out)


_STATES = {"complete": "COMPLETE", "pruned": "PRUNED", "fail": "FAILED"}


@click.command("tell", cls=_SeveralValues)
@storage_option
@click.option("--study-name", required=True, help="The study of the trial.")
@click.option("--trial-number", type=int, required=True, help="The trial's number, as ask printed it.")
@click.option("--values", type=float, multiple=True,
              help="The objective value, or one per objective: --values 0.7, --values 0.7 -1.2.")
@click.option("--state", type=click.Choice(sorted(_STATES), case_sensitive=False), default=None,
              help="complete (the default with --values), pruned, or fail (both without --values).")
@click.option("--skip-if-finished", is_flag=True, help="Do nothing (no error) if the trial is already finished.")
def tell(storage: str, study_name: str, trial_number: int, values: tuple[float, ...], state: str | None,
         skip_if_finished: bool) -> None:
    """Finish a trial that ask started, with its result (Optuna's tell)."""
    import tunewise as tw

    final = tw.TrialState(_STATES[state.lower()]) if state else tw.TrialState.COMPLETE
    if final is not tw.TrialState.COMPLETE and values:
        raise click.UsageError(f"--values with --state {state}: a {state} trial has no values (a pruned one keeps "
                               f"its last reported value); drop --values or the --state")
    if final is tw.TrialState.COMPLETE and not values:
        raise click.UsageError("no --values: give the trial's objective value (--values 0.7), or --state pruned or "
                               "--state fail")
    study = tw.load_study(study_name=study_name, storage=storage)
    n = len(study.directions)
    if values and len(values) != n:
        raise click.BadParameter(f"{len(values)} values for study {study_name!r}, which has {n} objective"
                                 f"{'s' if n > 1 else ''} ({', '.join(study.directions)}): give one value per "
                                 f"objective", param_hint="'--values'")
    for v in values:
        if math.isnan(v):
            raise click.BadParameter("nan is not an objective value; to record that the trial failed, pass "
                                     "--state fail instead of --values", param_hint="'--values'")
    trials = {t.number: t for t in study.get_trials()}
    if trial_number not in trials:
        known = f"its trials are numbered 0 to {max(trials)}" if trials else "it has no trials yet"
        raise click.BadParameter(f"study {study_name!r} has no trial number {trial_number} ({known})",
                                 param_hint="'--trial-number'")
    told = trials[trial_number]
    if told.state.is_finished():
        result = f" with values {told.values}" if told.values is not None else ""
        if skip_if_finished:
            note(f"Skipped trial {trial_number}: it is already {told.state.value}{result}.")
            return
        raise click.ClickException(f"trial {trial_number} of study {study_name!r} is already {told.state.value}"
                                   f"{result}; a finished trial cannot be told again (--skip-if-finished ignores "
                                   f"it)")
    if told.state is not tw.TrialState.RUNNING:
        raise click.ClickException(f"trial {trial_number} of study {study_name!r} is {told.state.value}: it has not "
                                   f"been asked yet, so there is no result to tell")
    # tunewise's log says what was told ("Trial 0 finished with value: ..."), as optimize() does.
    study.tell(trial_number, list(values) if values else None, final, skip_if_finished)


COMMANDS = (ask, tell)
