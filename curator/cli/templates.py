"""`curator template`: write templates from a file or from a failing item, add slots, preview them."""

from __future__ import annotations

import typer
from rich.text import Text

from curator.cli.context import console, echo_json, literal, one_line, open_workspace
from curator.cli.tables import Col, fitted_table
from curator.errors import CuratorError, NotFoundError
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


@template_app.command("expand")
def expand(
    name: str = typer.Argument(..., help="Template name."),
    slot_name: str = typer.Argument(..., help="The slot whose values a model extends."),
    model: str = typer.Option(None, "--model", "-m", help="A local model folder, or the endpoint's model name."),
    endpoint: str = typer.Option(None, "--endpoint", help="An OpenAI-compatible base URL to ask instead."),
    count: int = typer.Option(20, "--count", "-n", help="How many more values to ask for."),
    temperature: float = typer.Option(0.8, "--temperature", help="Sampling temperature (0: greedy)."),
    k: int = typer.Option(1, "--k", "-k", help="Samples of the prompt (seeded seed + i); their values are pooled."),
    seed: int = typer.Option(0, "--seed", help="Sampling seed."),
    max_new_tokens: int = typer.Option(256, "--max-new-tokens", help="Tokens per answer."),
    cpu_threads: int = typer.Option(1, "--cpu-threads", help="Torch threads on the CPU; 0 = torch's default."),
    show: bool = typer.Option(False, "--list", help="List the slot's proposed and refused values."),
    accept: list[str] = typer.Option(None, "--accept", help="Accept this proposed value (repeatable)."),
    accept_all: bool = typer.Option(False, "--accept-all", help="Accept every proposed value."),
    reject: list[str] = typer.Option(None, "--reject", help="Reject this proposed value (repeatable)."),
    reject_all: bool = typer.Option(False, "--reject-all", help="Reject every proposed value."),
    as_json: bool = typer.Option(False, "--json", help="Print the values as JSON."),
) -> None:
    """Ask a model for more values of a slot ("N more ways to say this, like these"); they are deduplicated,
    checked against held-out items and kept as proposals until you accept them (then appended to the slot)."""
    from curator.fix import slot_expansion

    if endpoint is not None and model is None:
        raise CuratorError("--endpoint needs --model NAME (the name the server knows the model by)")
    reviews = [(accept, accept_all, "accepted"), (reject, reject_all, "rejected")]
    asked = [(values, every, status) for values, every, status in reviews if values or every]
    if len(asked) + show + (model is not None) != 1:
        raise CuratorError("give one of --model/--endpoint, --list, --accept(-all) or --reject(-all)")
    if asked:
        values, every, status = asked[0]
        with open_workspace() as ws:
            moved = slot_expansion.review(ws, name, slot_name, status, None if every else list(values))
        console.print(f"{status.capitalize()} {len(moved)} value(s) of slot '{one_line(slot_name)}'.", highlight=False)
        return
    if show:
        with open_workspace(read_only=True) as ws:
            _print_proposals(slot_expansion.list_proposals(ws, name, slot_name), as_json)
        return
    from curator.jobs import expanding

    with open_workspace() as ws:
        plan = slot_expansion.plan_expansion(ws, name, slot_name, count, k)
        folder = expanding.expansion_folder(ws)
    settings = {"temperature": temperature, "seed": seed, "max_new_tokens": max_new_tokens, "endpoint": endpoint}
    request = expanding.expansion_request(
        plan, model, endpoint, temperature=temperature, seed=seed, max_new_tokens=max_new_tokens,
        cpu_threads=cpu_threads,
    )  # fmt: skip
    answers = expanding.ask_for_values(plan, request, folder)
    from curator.cli.train import reopen_workspace

    with reopen_workspace() as ws:
        rows = slot_expansion.store_expansion(ws, plan, answers, model, settings | {"job": str(folder)})
    _print_proposals(rows, as_json)


def _print_proposals(rows, as_json: bool) -> None:
    if as_json:
        keys = ("proposal_id", "slot", "value", "status", "reason", "model")
        echo_json([{key: getattr(r, key) for key in keys} for r in rows])
        return
    if not rows:
        console.print("No proposed values: `curator template expand TEMPLATE SLOT --model PATH` asks for some.")
        return
    cols = [Col("id", justify="right"), Col("value", wrap=True), Col("status"), Col("why", wrap=True, drop=1)]
    cells = [[str(r.proposal_id), one_line(r.value), r.status, one_line(r.reason or "")] for r in rows]
    console.print(fitted_table(cols, cells, console.width))


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")
