"""`curator generate` and `curator examples`: make checked examples from a template, then review them."""

from __future__ import annotations

import typer

from curator.cli.context import console, echo_json, err_console, one_line, open_workspace, progress
from curator.cli.tables import Col, fitted_table
from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.fix.generation import DEFAULT_PER_FAILURE
from curator.fix.generation import generate as generate_examples
from curator.fix.templates.library import get_template
from curator.review.browse import item_by_ref
from curator.review.runs import resolve_run

examples_app = typer.Typer(help="Review generated examples: list, accept, reject, accept all.", no_args_is_help=True)


def _source(ws, template: str, run: str | None, item: str | None) -> tuple[int | None, int | None]:
    """The source run id and item key for `--source-run` / `--source-item` as the user names them (an item of the
    template's own run when only the item is given)."""
    if run is None and item is None:
        return None, None
    run_ref = run if run is not None else get_template(ws, template).source_run_id
    if run_ref is None:
        raise CuratorError(f"--source-item {item} needs --source-run: template '{template}' has no source run")
    source_run = resolve_run(ws, run_ref)
    if item is None:
        return source_run.run_id, None
    found = item_by_ref(ws, source_run, item)
    if found.split == "held_out":
        held = f"item {found.item_id} of run '{source_run.name}' is held out"
        raise CuratorError(f"{held}: examples start from dev items only")
    return source_run.run_id, found.item_key


def generate(
    template: str = typer.Argument(..., help="Template name."),
    count: int = typer.Option(
        DEFAULT_PER_FAILURE, "--count", "-n", min=1, help="Examples to generate (per source failure)."
    ),
    seed: int = typer.Option(None, "--seed", help="Sampling seed (default: a fresh one, printed)."),
    run: str = typer.Option(None, "--source-run", help="Source run name or id (default: the template's)."),
    item: str = typer.Option(
        None, "--source-item", help="Source item id as the app shows it, or its number (default: the template's)."
    ),
    dedupe: float = typer.Option(
        1.0,
        "--dedupe-threshold",
        min=0.0,
        max=1.0,
        help="Refuse near duplicates above this similarity (1: exact only).",
    ),
    guard: float = typer.Option(
        0.85, "--guard-threshold", min=0.0, max=1.0, help="Refuse inputs this close to a held-out item."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Generate examples; each is checked, guarded against held-out items and de-duplicated before review."""
    with open_workspace() as ws, progress() as bar:
        run_id, item_key = _source(ws, template, run, item)
        task = bar.add_task("generating and checking", total=count)
        report = generate_examples(
            ws,
            template,
            n=count,
            seed=seed,
            source_run_id=run_id,
            source_item_key=item_key,
            dedupe_threshold=dedupe,
            contamination_threshold=guard,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if as_json:
        echo_json(
            {
                "batch": report.batch_id,
                "template": report.template,
                "seed": report.seed,
                "counts": report.counts,
                "stopped_early": report.stopped_early,
                "warnings": report.warnings,
            }
        )
        return
    console.print(
        f"Batch {report.batch_id} from '{report.template}' (seed {report.seed}): "
        + ", ".join(f"{n} {status}" for status, n in sorted(report.counts.items())),
        highlight=False,
    )
    for candidate in report.candidates:
        if candidate.reason:
            console.print(f"  {candidate.status}: {candidate.rendered.input!r}: {candidate.reason}", highlight=False)
    for warning in report.warnings:
        err_console.print(f"warning: {warning}", highlight=False)
    if report.stopped_early:
        err_console.print("warning: the template's time limit stopped generation early")


@examples_app.command("list")
def list_examples(
    batch: int = typer.Option(None, "--batch", help="Only this batch."),
    status: str = typer.Option(None, "--status", help="Only this status (proposed, accepted, rejected, ...)."),
    as_json: bool = typer.Option(False, "--json", help="JSON for scripts."),
) -> None:
    """List generated examples with their status and lineage."""
    with open_workspace() as ws:
        rows = example_domain.list_examples(ws, batch_id=batch, statuses=(status,) if status else None)
    if as_json:
        echo_json(
            [
                {
                    "id": e.example_id,
                    "batch": e.batch_id,
                    "template": e.template_name,
                    "bucket": e.bucket_name,
                    "source_run_id": e.source_run_id,
                    "source_item_key": e.source_item_key,
                    "seed": e.seed,
                    "status": e.status,
                    "reason": e.reason,
                    "input": e.input,
                    "target": e.target,
                }
                for e in rows
            ]
        )
        return
    if not rows:
        console.print("No examples: `curator generate TEMPLATE`.")
        return
    cols = [
        Col("id", justify="right"),
        Col("batch", justify="right", drop=2),
        Col("status"),
        Col("input", wrap=True, min_width=20),
        Col("target", wrap=True, min_width=20),
        Col("reason", wrap=True, drop=1),
    ]
    cells = [
        [str(e.example_id), str(e.batch_id), e.status, one_line(e.input), one_line(e.target), one_line(e.reason)]
        for e in rows
    ]
    console.print(fitted_table(cols, cells, console.width))


@examples_app.command("accept")
def accept(ids: list[int] = typer.Argument(..., help="Example ids.")) -> None:
    """Accept examples into the pool that dataset recipes draw fixes from."""
    with open_workspace() as ws:
        moved = example_domain.accept(ws, ids)
    console.print(f"Accepted {moved} example(s).")


@examples_app.command("reject")
def reject(ids: list[int] = typer.Argument(..., help="Example ids.")) -> None:
    """Reject examples (they stay stored, with their lineage)."""
    with open_workspace() as ws:
        moved = example_domain.reject(ws, ids)
    console.print(f"Rejected {moved} example(s).")


@examples_app.command("accept-all")
def accept_all(batch: int = typer.Option(..., "--batch", help="Batch whose proposed examples to accept.")) -> None:
    """Accept every proposed example of a batch (refused ones stay refused)."""
    with open_workspace() as ws:
        moved = example_domain.accept_all(ws, batch_id=batch)
    console.print(f"Accepted {moved} example(s) of batch {batch}.")


def register(app: typer.Typer) -> None:
    app.command("generate")(generate)
    app.add_typer(examples_app, name="examples")
