"""Shared CLI state and helpers: the workspace option, error output, consoles."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import typer
from rich.console import Console

from curator.workspace import Workspace

# Markup off: run names, inputs and outputs are user text, and "[/INST]" must print as typed, not crash Rich.
# Styled messages build `rich.text.Text` explicitly.
console = Console(markup=False)
err_console = Console(stderr=True, markup=False)


@dataclass
class CliState:
    workspace_path: str | None = None


state = CliState()


def fail(message: str, code: int = 1) -> None:
    """Print one line to stderr and exit non-zero."""
    from rich.markup import escape

    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True, markup=True)
    sys.exit(code)


@contextmanager
def open_workspace(read_only: bool = False) -> Iterator[Workspace]:
    """The workspace chosen by --workspace / $CURATOR_WORKSPACE / ./.curator, closed afterwards."""
    ws = Workspace.open(state.workspace_path, read_only=read_only)
    try:
        yield ws
    finally:
        ws.close()


def progress(transient: bool = True):
    """A Rich progress bar for work that may take more than a second."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=transient,
    )


def exit_ok() -> None:
    raise typer.Exit(0)
