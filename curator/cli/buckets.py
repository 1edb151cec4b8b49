"""`curator bucket`: name failure patterns and put a run's items in them (by id, or every item a filter matches)."""

from __future__ import annotations

import typer

from curator.cli.context import console, echo_json, literal, one_line, open_workspace
from curator.cli.tables import Col, fitted_table
from curator.errors import CuratorError, NotFoundError
from curator.review import buckets as bucket_domain
from curator.review.browse import item_by_ref
from curator.review.labels import FILTER_TERMS, parse_filter
from curator.review.runs import resolve_run

bucket_app = typer.Typer(
    help="Buckets: named failure patterns that a run's items are put in (the app's 1-9 keys do the same).",
    no_args_is_help=True,
)
SHOW_LIMIT = 500


def _bucket(ws, name: str):
    """The bucket named `name`; the error says how to make one."""
    try:
        return bucket_domain.get_bucket(ws, name)
    except NotFoundError:
        raise NotFoundError(f"no bucket named '{name}' (make it with `curator bucket new NAME`)") from None


@bucket_app.command("list")
def list_buckets(as_json: bool = typer.Option(False, "--json", help="One JSON object per bucket.")) -> None:
    """List buckets with how many items (over all runs) and runs each holds."""
    with open_workspace() as ws:
        counts = bucket_domain.bucket_counts(ws)
    if as_json:
        echo_json(
            [
                {"name": c.bucket.name, "description": c.bucket.description, "items": c.items, "runs": c.runs}
                for c in counts
            ]
        )
        return
    if not counts:
        console.print("No buckets yet: `curator bucket new NAME`.")
        return
    cols = [
        Col("bucket", wrap=True),
        Col("items", justify="right"),
        Col("runs", justify="right", drop=2),
        Col("description", wrap=True, drop=1),
    ]
    cells = [[one_line(c.bucket.name), f"{c.items:,}", f"{c.runs:,}", one_line(c.bucket.description)] for c in counts]
    console.print(fitted_table(cols, cells, console.width))


@bucket_app.command("new")
def new(
    name: str = typer.Argument(..., help="Bucket name, e.g. wrong-action."),
    description: str = typer.Option("", "--description", "-d", help="What the items in it get wrong."),
) -> None:
    """Make an empty bucket (then `curator bucket add NAME RUN ITEM_ID...`)."""
    with open_workspace() as ws:
        bucket = bucket_domain.create_bucket(ws, name, description)
    console.print(f"Bucket '{bucket.name}' made. Next: `curator bucket add NAME RUN ITEM_ID...`", highlight=False)


def _item_keys(ws, target, item_ids: list[str]) -> list[int]:
    """The keys of the items the user named (each once); an unknown id is one clear error."""
    return list(dict.fromkeys(item_by_ref(ws, target, ref).item_key for ref in item_ids))


ITEM_IDS = typer.Argument(None, help="Item ids as the app and `curator show` print them.")


ITEM_FILTER = typer.Option(
    None, "--filter", "-f", help=f"Instead of ids: every item this filter matches ({FILTER_TERMS})."
)


def _move_items(name: str, run: str, item_ids: list[str], item_filter: str | None, by_filter, by_keys) -> tuple:
    """Items of a run, by ids or by a filter (one of them), moved into or out of a bucket by the domain's call;
    (how many, the run, the bucket)."""
    if bool(item_ids) == (item_filter is not None):
        raise CuratorError("give item ids or --filter (one of them)")
    with open_workspace() as ws:
        bucket = _bucket(ws, name)
        target = resolve_run(ws, run)
        if item_filter is not None:
            moved = by_filter(ws, parse_filter(ws, target.run_id, item_filter), bucket)
        else:
            moved = by_keys(ws, target.run_id, _item_keys(ws, target, item_ids), bucket)
    return moved, target, bucket


@bucket_app.command("add")
def add(
    name: str = typer.Argument(..., help="Bucket name."),
    run: str = typer.Argument(..., help="Run name or id."),
    item_ids: list[str] = ITEM_IDS,
    item_filter: str = ITEM_FILTER,
) -> None:
    """Put items of a run in a bucket (one undoable action, as in the app); items already in it stay."""
    added, target, bucket = _move_items(
        name, run, item_ids, item_filter, bucket_domain.label_filter, bucket_domain.label_items
    )
    console.print(f"{added:,} item(s) of run '{target.name}' put in bucket '{bucket.name}'.", highlight=False)


@bucket_app.command("remove-items")
def remove_items(
    name: str = typer.Argument(..., help="Bucket name."),
    run: str = typer.Argument(..., help="Run name or id."),
    item_ids: list[str] = ITEM_IDS,
    item_filter: str = ITEM_FILTER,
) -> None:
    """Take items of a run out of a bucket (all or nothing); the items, their notes and the bucket stay."""
    removed, target, bucket = _move_items(
        name, run, item_ids, item_filter, bucket_domain.unlabel_filter, bucket_domain.unlabel_items
    )
    console.print(f"{removed:,} item(s) of run '{target.name}' taken out of bucket '{bucket.name}'.", highlight=False)


@bucket_app.command("rename")
def rename(
    name: str = typer.Argument(..., help="Bucket name."),
    new_name: str = typer.Argument(..., help="Its new name."),
    description: str = typer.Option(None, "--description", "-d", help="Also replace its description."),
) -> None:
    """Rename a bucket (its items and notes follow it)."""
    with open_workspace() as ws:
        bucket = bucket_domain.rename_bucket(ws, _bucket(ws, name), new_name)
        if description is not None:
            bucket = bucket_domain.set_description(ws, bucket, description)
    console.print(f"Bucket '{name}' is now '{bucket.name}'.", highlight=False)


@bucket_app.command("remove")
def remove(
    name: str = typer.Argument(..., help="Bucket name."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a bucket and its labels; the items and their notes stay."""
    with open_workspace() as ws:
        bucket = _bucket(ws, name)
        held = sum(c.items for c in bucket_domain.bucket_counts(ws) if c.bucket.bucket_id == bucket.bucket_id)
        if not yes and not typer.confirm(literal(f"Delete bucket '{bucket.name}' ({held:,} items)?")):
            raise typer.Exit(1)
        bucket_domain.delete_bucket(ws, bucket)
    console.print(f"Deleted bucket '{bucket.name}' ({held:,} item label(s)).", highlight=False)


@bucket_app.command("show")
def show(
    name: str = typer.Argument(..., help="Bucket name."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per item, for scripts."),
) -> None:
    """List a bucket's items: run and item id as the app shows them."""
    with open_workspace() as ws:
        bucket = _bucket(ws, name)
        items = bucket_domain.bucket_items(ws, bucket, limit=SHOW_LIMIT + 1)
    shown = items[:SHOW_LIMIT]
    if as_json:
        echo_json([{"run": i.run_name, "run_id": i.run_id, "item_id": i.item_id} for i in shown])
        return
    header = f"Bucket '{bucket.name}'" + (f": {bucket.description}" if bucket.description else "")
    console.print(one_line(header), highlight=False)
    if not shown:
        console.print("No items yet: `curator bucket add NAME RUN ITEM_ID...` or `--filter`.")
        return
    cols = [Col("run", wrap=True), Col("item", wrap=True)]
    console.print(fitted_table(cols, [[one_line(i.run_name), one_line(i.item_id)] for i in shown], console.width))
    if len(items) > SHOW_LIMIT:
        console.print(f"(only the first {SHOW_LIMIT} items are listed)", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(bucket_app, name="bucket")
