"""`curator import FILE`: load an eval log (lm-eval, Inspect, promptfoo, JSONL/CSV/Parquet) as a run."""

from __future__ import annotations

from pathlib import Path

import typer

from curator.cli.context import console, echo_json, open_workspace, progress
from curator.importers import FORMATS, FieldMapping, ImportResult, SplitOptions, import_file

SKIPPED_SHOWN = 20


def import_command(
    file: Path = typer.Argument(..., help="The log or data file to import.", show_default=False),
    file_format: str = typer.Option(
        None,
        "--format",
        "-f",
        help=f"Read the file as this format: {', '.join(FORMATS)} (default: told from the content).",
    ),
    name: str = typer.Option(None, "--name", "-n", help="Run name (default: the task or file name)."),
    model: str = typer.Option(None, "--model", "-m", help="Model name (default: what the log says)."),
    input_field: str = typer.Option(
        None,
        "--input",
        help="Field holding the input: text or a list of chat messages (dotted path, e.g. request.messages).",
    ),
    target_field: str = typer.Option(None, "--target", help="Field holding the target (dotted path)."),
    output_field: str = typer.Option(
        None, "--output", help="Field holding the model output (dotted path, e.g. 175b_verification.solution)."
    ),
    id_field: str = typer.Option(None, "--id", help="Field holding a unique item id (default: the record number)."),
    split: str = typer.Option("dev", "--split", help="Split of every item: dev or held_out."),
    split_field: str = typer.Option(
        None, "--split-field", help="Field whose value (dev or held_out) is the item's split."
    ),
    held_out_share: float = typer.Option(
        None, "--held-out-share", help="Hold out this share of items (0-1), chosen by a seeded hash of the item id."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for --held-out-share."),
    skip_bad_lines: bool = typer.Option(
        False, "--skip-bad-lines", help="Import the good records and list the bad ones."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON object."),
) -> None:
    """Import an eval log as a new run; a bad file is refused whole, with the line and field at fault."""
    mapping = FieldMapping(input=input_field, target=target_field, output=output_field, id=id_field, split=split_field)
    splits = SplitOptions(split=split, held_out_share=held_out_share, seed=seed)
    with open_workspace() as ws, progress() as bar:
        task = bar.add_task(f"Importing {file.name}", total=None)

        def report(stage: str, done: int, total: int | None) -> None:
            bar.update(task, description=f"Importing {file.name}: {stage}", completed=done, total=total)

        result = import_file(
            ws,
            file,
            format=file_format,
            mapping=mapping,
            name=name,
            skip_bad_lines=skip_bad_lines,
            progress=report,
            model=model,
            splits=splits,
        )
    if as_json:
        echo_json(_result_json(result))
        return
    _print_result(result)


def _result_json(result: ImportResult) -> dict:
    return {
        "run": result.run.name,
        "run_id": result.run.run_id,
        "items": result.items,
        "format": result.format,
        "model": result.run.model,
        "skipped": [{"line": s.line, "field": s.field, "problem": s.problem} for s in result.skipped],
    }


def _print_result(result: ImportResult) -> None:
    run = result.run
    console.print(
        f"Imported {result.items:,} items into run '{run.name}' (format {result.format}, "
        f"model {run.model or 'unknown'}).",
        highlight=False,
        markup=False,
    )
    if not result.skipped:
        return
    console.print(f"Skipped {len(result.skipped):,} bad records:", highlight=False, markup=False)
    for bad in result.skipped[:SKIPPED_SHOWN]:
        console.print(f"  {bad.describe()}", highlight=False, markup=False)
    if len(result.skipped) > SKIPPED_SHOWN:
        console.print(f"  ... and {len(result.skipped) - SKIPPED_SHOWN:,} more", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
