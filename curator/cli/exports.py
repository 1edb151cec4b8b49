"""`curator export`: a run's items or a dataset version, as JSONL, Parquet or a Hugging Face dataset folder."""

from __future__ import annotations

from pathlib import Path

import typer

from curator.cli.context import console, open_workspace
from curator.errors import CuratorError
from curator.exports.library import export_dataset, export_run
from curator.recipes.pair_lengths import pair_lengths_line


def export(
    run: str = typer.Argument(None, help="Run name or id (leave out with --dataset)."),
    dataset: str = typer.Option(None, "--dataset", "-d", help="Dataset version to export: NAME or NAME@N."),
    shape: str = typer.Option(
        None,
        "--shape",
        "-s",
        help="raw (run items as stored), sft (prompt/completion), chat (messages), "
        "dpo (prompt/chosen/rejected), kto (prompt/completion/label). "
        "Default: raw for a run, sft for a dataset.",
    ),
    file_format: str = typer.Option("jsonl", "--format", "-f", help="jsonl, parquet or hf (save_to_disk folder)."),
    folder: Path = typer.Option(None, "--dir", help="Folder to write in (default: the workspace's exports/)."),
    name: str = typer.Option(None, "--name", help="File or folder name inside --dir."),
    system_prompt: str = typer.Option(None, "--system-prompt", help="System message for the chat shape."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    split: str = typer.Option(
        None, "--split", help="Only this split of a run: dev or held-out (held-out items export raw only)."
    ),
) -> None:
    """Export for training or hand-off; training shapes use dev items only (held-out items never leave).

    Writes are atomic: a temporary file is renamed into place, so a half-written file never appears.
    """
    if (run is None) == (dataset is None):
        raise typer.BadParameter("give a RUN or --dataset NAME[@N], not both")
    if dataset and split is not None:
        raise CuratorError("--split picks a run's items; a dataset version holds dev rows only")
    with open_workspace() as ws:
        if dataset:
            result = export_dataset(ws, dataset, shape or "sft", file_format, folder, name, force, system_prompt)
        else:
            result = export_run(ws, run, shape or "raw", file_format, folder, name, force, system_prompt, split)
    of_split = f" ({split} items)" if split else ""
    console.print(
        f"Wrote {result.rows:,} {result.shape} rows{of_split} to {result.path}", highlight=False, soft_wrap=True
    )
    lengths = pair_lengths_line(result.pair_lengths)
    if lengths:
        console.print(lengths, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
