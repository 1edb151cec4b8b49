"""`curator embed`, `curator cluster` and `curator similar`: embeddings, suggested buckets, more like this."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from curator.cli.context import console, one_line, open_workspace, progress
from curator.cli.tables import Col, fitted_table
from curator.errors import CuratorError
from curator.patterns import suggestions as suggestion_domain
from curator.patterns.embeddings import DEFAULT_FIELD, SCOPES, TEXT_FIELDS, EmbedReport, embed_run
from curator.patterns.grouping import ClusterSettings
from curator.patterns.similar import similar_items, with_items
from curator.patterns.suggestions import Suggestion
from curator.review import runs as run_domain
from curator.review.browse import item_by_ref
from curator.storage.items import ItemRow

FIELD_HELP = (
    f"Text to embed: {', '.join(TEXT_FIELDS)} (default: the run's last choice, else {DEFAULT_FIELD}: what each "
    "output got wrong against its target; input+output for a run without targets)."
)
MODEL_HELP = "A local sentence-transformers model folder (default: $CURATOR_EMBEDDING_MODEL, else all-MiniLM-L6-v2)."


@contextmanager
def embedding_progress() -> Iterator:
    """A Rich bar that an embedding progress callback drives."""
    with progress() as bar:
        task = bar.add_task("Embedding", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _clip(text: str | None, width: int = 70) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _report_line(report: EmbedReport) -> str:
    return (
        f"{report.items:,} items, {report.texts:,} distinct texts ({report.field}) with {report.model}: "
        f"{report.computed:,} embedded now, {report.cached:,} from the cache."
    )


def embed(
    run: str = typer.Argument(..., help="Run name or id."),
    field: str = typer.Option(None, "--field", help=FIELD_HELP),
    model: str = typer.Option(None, "--model", help=MODEL_HELP),
    scope: str = typer.Option("failures", "--scope", help=f"Which items: {', '.join(SCOPES)}."),
    as_json: bool = typer.Option(False, "--json", help="Print what was done as JSON."),
) -> None:
    """Embed a run's items (its failures by default); vectors are cached, so a second pass costs nothing."""
    with open_workspace() as ws:
        target = run_domain.resolve_run(ws, run)
        with embedding_progress() as advance:
            report = embed_run(ws, target.run_id, model=model, field=field, scope=scope, progress=advance)
    if as_json:
        typer.echo(json.dumps(report.__dict__))
        return
    console.print(_report_line(report), highlight=False)


def _suggestion_json(s: Suggestion) -> dict:
    return {
        "number": s.number,
        "name": s.name,
        "keywords": s.keywords,
        "status": s.status,
        "size": s.size,
        "bucket": s.bucket_name,
        "failed_checks": dict(s.failed_checks),
        "representatives": [{"item_id": r.item_id, "input": r.input, "output": r.output} for r in s.representatives],
    }


def print_suggestions(suggestions: list[Suggestion], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([_suggestion_json(s) for s in suggestions]))
        return
    if not suggestions:
        console.print("No suggested buckets: no cluster of unbucketed failures is large enough.")
        return
    cols = [
        Col("#", justify="right"),
        Col("name", wrap=True, min_width=12),
        Col("items", justify="right"),
        Col("status", wrap=True, min_width=8, drop=2),
        Col("failed checks", wrap=True, min_width=12, drop=1),
        Col("representative items", wrap=True, min_width=20, drop=3),
    ]
    cells = []
    for s in suggestions:
        status = f"{s.status} → {s.bucket_name}" if s.bucket_name else s.status
        checks = ", ".join(f"{name} ({count})" for name, count in s.failed_checks)
        examples = "\n".join(one_line(f"{r.item_id}: {_clip(r.input)}") for r in s.representatives)
        cells.append([str(s.number), one_line(s.name), f"{s.size:,}", one_line(status), one_line(checks), examples])
    console.print(fitted_table(cols, cells, console.width))


def _item_keys(ws, run_id: int, item_ids: str) -> list[int]:
    run = run_domain.resolve_run(ws, run_id)
    return [item_by_ref(ws, run, item_id.strip()).item_key for item_id in item_ids.split(",") if item_id.strip()]


def _act(
    ws,
    run_id: int,
    accept: int | None,
    rename: int | None,
    dismiss: int | None,
    split: int | None,
    name: str | None,
    items: str | None,
) -> str:
    """Apply the one action asked for; returns what to tell the user."""
    if accept is not None:
        done = suggestion_domain.accept_suggestion(ws, run_id, accept, name)
        verb = "Created bucket" if done.created else "Added to existing bucket"
        return f"{verb} '{done.bucket.name}': {done.labelled:,} items labelled."
    if rename is not None:
        if not name:
            raise CuratorError("--rename needs --name NEW_NAME")
        suggestion_domain.rename_suggestion(ws, run_id, rename, name)
        return f"Suggested bucket {rename} is now named '{name}'."
    if dismiss is not None:
        suggestion_domain.dismiss_suggestion(ws, run_id, dismiss)
        return f"Dismissed suggested bucket {dismiss}; its items come back at the next clustering."
    if not items:
        raise CuratorError("--split needs --items ID,ID,... (item ids as the app shows them)")
    number = suggestion_domain.split_suggestion(ws, run_id, split, _item_keys(ws, run_id, items), name)
    return f"Split {len(items.split(','))} items off suggested bucket {split} into suggested bucket {number}."


def cluster(
    run: str = typer.Argument(..., help="Run name or id."),
    threshold: float = typer.Option(
        ClusterSettings.distance_threshold,
        "--threshold",
        help="Cosine distance under which failures group (lower: more, tighter clusters).",
    ),
    min_size: int = typer.Option(ClusterSettings.min_size, "--min-size", help="Smallest cluster to suggest."),
    check_weight: float = typer.Option(
        ClusterSettings.check_weight,
        "--check-weight",
        help="Weight of the failed checks beside the text embedding (0: text only).",
    ),
    field: str = typer.Option(None, "--field", help=FIELD_HELP),
    model: str = typer.Option(None, "--model", help=MODEL_HELP),
    show: bool = typer.Option(False, "--show", help="Print the stored suggestions without clustering again."),
    accept: int = typer.Option(
        None, "--accept", metavar="N", help="Create the bucket of suggestion N and label its items."
    ),
    rename: int = typer.Option(None, "--rename", metavar="N", help="Rename suggestion N (with --name)."),
    dismiss: int = typer.Option(None, "--dismiss", metavar="N", help="Dismiss suggestion N."),
    split: int = typer.Option(None, "--split", metavar="N", help="Split --items off suggestion N into a new one."),
    name: str = typer.Option(None, "--name", help="Bucket name for --accept / --rename / --split."),
    items: str = typer.Option(None, "--items", help="Comma-separated item ids for --split."),
    as_json: bool = typer.Option(False, "--json", help="Print the suggestions as JSON."),
) -> None:
    """Suggest buckets: cluster the run's unbucketed failures and print each cluster; or act on a suggestion."""
    actions = [a for a in (accept, rename, dismiss, split) if a is not None]
    if len(actions) > 1:
        raise CuratorError("choose one of --accept, --rename, --dismiss, --split")
    with open_workspace() as ws:
        run_id = run_domain.resolve_run(ws, run).run_id
        if actions:
            console.print(_act(ws, run_id, accept, rename, dismiss, split, name, items), highlight=False)
            return
        if show:
            found = suggestion_domain.list_suggestions(ws, run_id)
        else:
            settings = ClusterSettings(distance_threshold=threshold, min_size=min_size, check_weight=check_weight)
            with embedding_progress() as advance:
                found = suggestion_domain.suggest_buckets(
                    ws, run_id, settings=settings, model=model, field=field, progress=advance
                )
        print_suggestions(found, as_json)


def _similar_row(item: ItemRow, similarity: float) -> dict:
    return {"item_id": item.item_id, "similarity": round(similarity, 4), "input": item.input, "output": item.output}


def similar(
    run: str = typer.Argument(..., help="Run name or id."),
    item: str = typer.Argument(..., help="Item id as the app shows it (or its number in the run)."),
    k: int = typer.Option(20, "-k", "--top", help="How many neighbours."),
    among: str = typer.Option("failures", "--among", help=f"Search among: {', '.join(SCOPES)}."),
    field: str = typer.Option(None, "--field", help=FIELD_HELP),
    model: str = typer.Option(None, "--model", help=MODEL_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the neighbours as JSON."),
) -> None:
    """More like this: the items of a run nearest to ITEM by embedding (cosine similarity)."""
    with open_workspace() as ws:
        resolved = run_domain.resolve_run(ws, run)
        run_id = resolved.run_id
        anchor = item_by_ref(ws, resolved, item)
        with embedding_progress() as advance:
            found = similar_items(
                ws, run_id, anchor.item_key, k=k, among=among, model=model, field=field, progress=advance
            )
        rows = [_similar_row(row, sim) for row, sim in with_items(ws, run_id, found)]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    if not rows:
        console.print(f"No items among {among} to compare with.", highlight=False)
        return
    cols = [
        Col("similarity", justify="right", short="sim."),
        Col("item", wrap=True, min_width=12),
        Col("input", wrap=True, min_width=20),
        Col("output", wrap=True, min_width=16, drop=1),
    ]
    cells = [
        [
            f"{r['similarity']:.3f}",
            one_line(r["item_id"]),
            one_line(_clip(r["input"], 50)),
            one_line(_clip(r["output"], 40)),
        ]
        for r in rows
    ]
    title = one_line(f"Most like {anchor.item_id}: {_clip(anchor.input, 50)}")
    console.print(fitted_table(cols, cells, console.width, title=title))


def register(app: typer.Typer) -> None:
    app.command("embed")(embed)
    app.command("cluster")(cluster)
    app.command("similar")(similar)
