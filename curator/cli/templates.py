"""`curator template`: write templates from a file or from a failing item, add slots, preview them."""

from __future__ import annotations

import typer
from rich.text import Text

from curator.cli.context import console, echo_json, literal, one_line, open_workspace
from curator.cli.tables import Col, fitted_table
from curator.errors import NotFoundError
from curator.fix.templates import TemplateRenderer
from curator.fix.templates import library as template_domain
from curator.fix.templates.authoring import make_slot
from curator.fix.templates.files import load_template_file
from curator.review.runs import resolve_run
from curator.storage.items import get_item

template_app = typer.Typer(
    help="Templates that turn one failure into near neighbours (Jinja, sandboxed).", no_args_is_help=True
)


def _split(values: str | None) -> list[str]:
    return [v.strip() for v in values.split(",") if v.strip()] if values else []


@template_app.command("new")
def new(
    path: str = typer.Argument(..., help="TOML or JSON file: name, input, target, slots, zipped, variants, synonyms."),
    bucket: str = typer.Option(None, "--bucket", "-b", help="Bucket the template fixes."),
    replace: bool = typer.Option(False, "--replace", help="Replace a stored template of the same name."),
) -> None:
    """Store a template written in a file (it must compile; nothing is stored otherwise)."""
    spec = load_template_file(path)
    with open_workspace() as ws:
        if replace and spec.name in {t.name for t in template_domain.list_templates(ws)}:
            record = template_domain.save_template(ws, spec, bucket=bucket)
        else:
            record = template_domain.create_template(ws, spec, bucket=bucket)
        total = TemplateRenderer(record.spec).total
    console.print(f"Template '{record.name}' stored: {total:,} distinct examples possible.")


@template_app.command("from-item")
def from_item(
    run: str = typer.Argument(..., help="Run name or id."),
    item: str = typer.Argument(..., help="Item id as the app and `curator show` print it (or its number in the run)."),
    name: str = typer.Option(None, "--name", "-n", help="Template name (default RUN-item-NUMBER)."),
    bucket: str = typer.Option(None, "--bucket", "-b", help="Bucket the template fixes."),
) -> None:
    """Start a template from a failing item: its input and corrected target become the template text."""
    with open_workspace() as ws:
        record = template_domain.create_from_item(ws, run, item, name=name, bucket=bucket)
    console.print(
        f"Template '{record.name}' started from item {item} of '{run}'. "
        f"Next: `curator template slot {record.name} SPAN SLOT --values ...`",
        highlight=False,
    )


@template_app.command("slot")
def slot(
    name: str = typer.Argument(..., help="Template name."),
    span: str = typer.Argument(..., help="Text in the template to turn into a slot, e.g. sunny."),
    slot_name: str = typer.Argument(..., help="Slot name, e.g. weather."),
    values: str = typer.Option(None, "--values", help="More comma-separated values (the span is the first)."),
    perturb: str = typer.Option(
        None, "--perturb", help="Comma-separated: punctuation, case, whitespace, markup, synonyms."
    ),
) -> None:
    """Turn every occurrence of SPAN in the input and target into {{ SLOT }}."""
    with open_workspace() as ws:
        spec = template_domain.get_template(ws, name).spec
        updated = make_slot(spec, span, slot_name, _split(values), _split(perturb))
        template_domain.save_template(ws, updated)
        total = TemplateRenderer(updated).total
    console.print(f"Slot '{slot_name}' added to '{name}': {total:,} distinct examples possible.", highlight=False)


def _source_names(ws, record) -> tuple[str | None, str | None]:
    """The run name and item id of the failure a template was started from, as the app shows them."""
    if record.source_run_id is None:
        return None, None
    try:
        run = resolve_run(ws, record.source_run_id)
    except NotFoundError:
        return None, None
    item = get_item(ws.db, run.run_id, record.source_item_key) if record.source_item_key is not None else None
    return run.name, item.item_id if item else None


@template_app.command("list")
def list_templates(as_json: bool = typer.Option(False, "--json", help="JSON for scripts.")) -> None:
    """List templates with their bucket, source failure and size of their slot product."""
    with open_workspace() as ws:
        records = template_domain.list_templates(ws)
        sources = [_source_names(ws, r) for r in records]
    rows = [
        {
            "name": r.name,
            "bucket": r.bucket_name,
            "source_run_id": r.source_run_id,
            "source_item_key": r.source_item_key,
            "source_run": run_name,
            "source_item_id": item_id,
            "slots": r.spec.slot_names(),
            "possible": TemplateRenderer(r.spec).total,
        }
        for r, (run_name, item_id) in zip(records, sources, strict=True)
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        console.print("No templates yet: `curator template from-item RUN ITEM`.")
        return
    cols = [
        Col("name", wrap=True),
        Col("bucket", wrap=True, min_width=10, drop=2),
        Col("source", wrap=True, drop=1),
        Col("slots", wrap=True, min_width=10, drop=3),
        Col("possible", justify="right"),
    ]
    cells = [
        [
            one_line(r["name"]),
            one_line(r["bucket"] or ""),
            one_line(" ".join(x for x in (r["source_run"], r["source_item_id"]) if x)),
            one_line(", ".join(r["slots"])),
            f"{r['possible']:,}",
        ]
        for r in rows
    ]
    console.print(fitted_table(cols, cells, console.width))


@template_app.command("show")
def show(name: str = typer.Argument(..., help="Template name.")) -> None:
    """Print a template as JSON (the same keys a template file uses)."""
    with open_workspace() as ws:
        record = template_domain.get_template(ws, name)
    echo_json(record.spec.to_dict(), indent=2)


@template_app.command("preview")
def preview(
    name: str = typer.Argument(..., help="Template name."),
    count: int = typer.Option(3, "--count", "-n", min=1, help="How many examples to render."),
    seed: int = typer.Option(0, "--seed", help="Sampling seed."),
) -> None:
    """Render a few examples without checking or storing them."""
    with open_workspace() as ws:
        spec = template_domain.get_template(ws, name).spec
    examples, _ = TemplateRenderer(spec).sample(count, seed)
    for example in examples:
        line = Text.assemble(
            (literal(example.variant), "bold"), literal(f" input: {example.input!r}\n   target: {example.target!r}")
        )
        console.print(line, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")
