"""Shared CLI state and helpers: the workspace option, error output, consoles that print untrusted text literally."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import typer
from rich.console import Console
from rich.progress import ProgressColumn
from rich.text import Text

from curator.app.widgets.literal import literal, one_line
from curator.storage.connect import set_wait_notice
from curator.workspace import Workspace

__all__ = ["console", "err_console", "literal", "one_line", "echo_json", "shown", "fail", "open_workspace"]


class LiteralConsole(Console):
    """A Rich console on which control characters in any printed string show as escapes (ESC prints `\x1b`).

    Run, task, model and check names and item text come from logs and models: an ANSI or OSC sequence in them
    must never reach the terminal (clear the screen, set the title, write the clipboard). Every str that Rich
    renders (print arguments, table cells, titles) passes through `render_str`; Text objects are rebuilt."""

    def render_str(self, text: str, **kwargs) -> Text:
        return super().render_str(literal(text), **kwargs)

    def print(self, *objects, **kwargs) -> None:
        super().print(*(shown(o) if isinstance(o, Text) else o for o in objects), **kwargs)


def shown(text: Text) -> Text:
    """A Rich Text whose characters are all printable (a control character makes it lose its inner styles)."""
    plain = text.plain
    cleaned = literal(plain)
    return text if cleaned == plain else Text(cleaned, style=text.style)


# Markup off: run names, inputs and outputs are user text, and "[/INST]" must print as typed, not crash Rich.
# Emoji codes off: ":thumbs_up:" in a model's output prints as typed. Styled messages build `rich.text.Text`.
console = LiteralConsole(markup=False, emoji=False)
err_console = LiteralConsole(stderr=True, markup=False, emoji=False)

_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def echo_json(payload, **options) -> None:
    """Print JSON for scripts: non-ASCII text kept, but C1 controls and bidi overrides written as \\u escapes
    (json escapes the C0 controls itself), so the output is valid JSON and inert on a terminal."""
    text = json.dumps(payload, ensure_ascii=False, **options)
    typer.echo(_UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


class LiteralTextColumn(ProgressColumn):
    """A progress bar's description (a file, run or check name) on one line, control characters shown."""

    def render(self, task) -> Text:
        return Text(one_line(task.description))


@dataclass
class CliState:
    workspace_path: str | None = None


state = CliState()


def fail(message: str, code: int = 1) -> None:
    """Print one line to stderr and exit non-zero."""
    from rich.markup import escape

    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True, markup=True)
    sys.exit(code)


def announce_waits() -> None:
    """A command that must wait for the workspace (the app or another command is using it) says so in one line."""

    def notice(path) -> None:
        if "curator.app.curator_app" in sys.modules:  # the app is open (`curator demo` opens it): keep its screen
            return
        err_console.print(
            literal(f"waiting for {path}: another Curator process is using it…"), highlight=False, soft_wrap=True
        )

    set_wait_notice(notice)


def reconcile_orphaned_jobs(ws: Workspace) -> None:
    """Record training jobs whose watching process died (one line each on stderr), so none stays `running`."""
    from curator.jobs.reconcile import reconcile_jobs

    for done in reconcile_jobs(ws):
        err_console.print(
            literal(f"job {done.job_id}: finished while no Curator process watched it; recorded {done.status}: ")
            + literal(done.detail),
            highlight=False,
        )


@contextmanager
def open_workspace(read_only: bool = False) -> Iterator[Workspace]:
    """The workspace chosen by --workspace / $CURATOR_WORKSPACE / ./.curator, closed afterwards.

    Opened writable, it first reconciles training jobs whose parent process died (`curator jobs`, `train`, ...)."""
    ws = Workspace.open(state.workspace_path, read_only=read_only)
    try:
        if not read_only:
            reconcile_orphaned_jobs(ws)
        yield ws
    finally:
        ws.close()


def progress(transient: bool = True):
    """A Rich progress bar for work that may take more than a second."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        LiteralTextColumn(),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=transient,
    )
