"""``tunewise kb``: list, show, add, suggest from and remove knowledge-base tasks.

    tunewise kb list --storage sqlite:///tunewise.db
    tunewise kb show TASK --storage ...
    tunewise kb add STUDY --task NAME --tags svm,tabular [--meta n_rows=1797 ...] --storage ...
    tunewise kb suggest --like TASK [--top-k 5] --storage ...
    tunewise kb remove TASK --storage ...
"""

from __future__ import annotations

import json
from typing import Any

import click

from tunewise.cli._group import storage_option
from tunewise.cli._table import table


def _split_tags(values: tuple[str, ...]) -> list[str]:
    return [t.strip() for v in values for t in v.split(",") if t.strip()]


def _parse_meta(values: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected NAME=NUMBER, got {item!r}", param_hint="--meta")
        try:
            out[key.strip()] = float(raw)
        except ValueError:
            raise click.BadParameter(f"{key}={raw!r} is not a number", param_hint="--meta") from None
    return out


def _params_text(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())


@click.group()
def kb() -> None:
    """The knowledge base of earlier tasks, used to warm-start new studies."""


@kb.command("list")
@storage_option
def list_(storage: str) -> None:
    """List the tasks in the knowledge base."""
    from tunewise.transfer import KnowledgeBase

    tasks = KnowledgeBase(storage).tasks()
    if not tasks:
        click.echo("the knowledge base is empty (add a finished study with `tunewise kb add STUDY --task NAME`)")
        return
    rows = []
    for r in tasks:
        best = r.top[0]["value"] if r.top else None
        rows.append([r.task, ",".join(r.tags) or "-", len(r.meta_features), ",".join(sorted(r.space)),
                     len(r.top), r.direction, best, r.study])
    click.echo(table(["task", "tags", "meta", "params", "top", "direction", "best", "study"], rows))


@kb.command()
@click.argument("task")
@storage_option
@click.option("--json", "as_json", is_flag=True, help="Print the stored record as JSON.")
def show(task: str, storage: str, as_json: bool) -> None:
    """Show TASK: tags, meta-features, search space and top configurations."""
    from tunewise.transfer import KnowledgeBase

    r = KnowledgeBase(storage).get(task)
    if as_json:
        click.echo(json.dumps(r.to_json(), indent=2, sort_keys=True))
        return
    click.echo(f"task:       {r.task}")
    click.echo(f"study:      {r.study or '-'} ({r.n_trials} complete trials, {r.direction})")
    click.echo(f"tags:       {', '.join(r.tags) or '-'}")
    click.echo("meta-features:")
    for k, v in sorted(r.meta_features.items()):
        click.echo(f"  {k:<20} {v:.6g}")
    click.echo("search space:")
    for k, d in sorted(r.space.items()):
        click.echo(f"  {k:<20} {d!r}")
    click.echo("top configurations (score: 0 = best .. 1 = worst in its study):")
    rows = [[i, c["score"], c["value"], _params_text(c["params"])] for i, c in enumerate(r.top)]
    click.echo(table(["rank", "score", "value", "params"], rows))


@kb.command()
@click.argument("study")
@click.option("--task", required=True, help="The task's name in the knowledge base.")
@click.option("--tags", multiple=True, help="Tags, comma-separated or repeated (model family, domain, ...).")
@click.option("--meta", multiple=True, metavar="NAME=NUMBER", help="A meta-feature (repeatable).")
@click.option("--top-k", default=10, show_default=True, type=click.IntRange(min=1),
              help="How many of the best configurations to keep.")
@storage_option
def add(study: str, task: str, tags: tuple[str, ...], meta: tuple[str, ...], top_k: int, storage: str) -> None:
    """Add (or replace) STUDY's best configurations as task TASK."""
    import tunewise as tw
    from tunewise.transfer import add_to_knowledge_base

    s = tw.load_study(study, storage)
    rec = add_to_knowledge_base(s, task=task, tags=_split_tags(tags), meta_features=_parse_meta(meta),
                                top_k=top_k)
    best = rec.top[0]
    click.echo(f"added task {rec.task!r} from study {study!r}: {len(rec.top)} configurations, "
               f"best {best['value']:.6g} ({_params_text(best['params'])})")


@kb.command()
@click.option("--like", "like", required=True, help="A knowledge-base task to find neighbours of.")
@click.option("--top-k", default=5, show_default=True, type=click.IntRange(min=0),
              help="How many configurations to suggest.")
@click.option("--n-tasks", default=3, show_default=True, type=click.IntRange(min=1),
              help="How many similar tasks to draw from.")
@storage_option
def suggest(like: str, top_k: int, n_tasks: int, storage: str) -> None:
    """Tasks most similar to LIKE and the configurations a warm start would run first."""
    from tunewise.transfer import FromSimilarTasks, KnowledgeBase

    kbase = KnowledgeBase(storage)
    ref = kbase.get(like)
    ws = FromSimilarTasks(top_k=top_k, meta_features=ref.meta_features, tags=ref.tags, n_tasks=n_tasks,
                          exclude=[like], strict=True)
    ranked = ws.select(kbase, ref.space)
    click.echo(f"tasks most similar to {like!r}:")
    click.echo(table(["task", "similarity", "shared params", "tags"],
                      [[r.record.task, r.similarity, ",".join(sorted(set(r.record.space) & set(ref.space))),
                        ",".join(r.record.tags) or "-"] for r in ranked]))
    configs = ws.configurations(ranked, ref.space)
    click.echo("")
    click.echo(f"configurations to run first (mapped into {like!r}'s space):")
    click.echo(table(["#", "from task", "params"], [[i, t, _params_text(c)] for i, (c, t) in enumerate(configs)]))


@kb.command()
@click.argument("task")
@storage_option
def remove(task: str, storage: str) -> None:
    """Remove TASK from the knowledge base."""
    from tunewise.transfer import KnowledgeBase

    KnowledgeBase(storage).remove(task)
    click.echo(f"removed task {task!r}")
