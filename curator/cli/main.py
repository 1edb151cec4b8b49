"""Entry point of the `curator` command: builds the Typer app from the command modules."""

from __future__ import annotations

import importlib
import sys

import typer

from curator.cli.context import announce_waits, fail, state
from curator.errors import CuratorError

# Each module defines `register(app)`; one line per command group.
COMMAND_MODULES = (
    "curator.cli.runs",
    "curator.cli.imports",
    "curator.cli.checks",
    "curator.cli.templates",
    "curator.cli.buckets",
    "curator.cli.generate",
    "curator.cli.datasets",
    "curator.cli.exports",
    "curator.cli.app",
    "curator.cli.patterns",
    "curator.cli.evals",
    "curator.cli.sample",
    "curator.cli.train",
    "curator.cli.jobs",
    "curator.cli.compare",
    "curator.cli.demo",
    "curator.cli.models",
    "curator.cli.labels",
    "curator.cli.sweeps",
    "curator.cli.revise",
)

app = typer.Typer(
    name="curator",
    help="Curator: evaluate, review, fix with data, retrain and compare LLMs from the terminal.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    workspace: str = typer.Option(
        None,
        "--workspace",
        "-w",
        envvar="CURATOR_WORKSPACE",
        help="Workspace folder (default: .curator/ in the current folder).",
    ),
) -> None:
    """Without a command, open the review app on the workspace."""
    state.workspace_path = workspace
    if ctx.invoked_subcommand not in (None, "open"):
        announce_waits()  # never while the app draws its screen
    if ctx.invoked_subcommand is None:
        open_app = getattr(importlib.import_module("curator.cli.app"), "open_app", None)
        if open_app is None:
            typer.echo(ctx.get_help())
            raise typer.Exit(0)
        open_app(workspace)


for module_name in COMMAND_MODULES:
    importlib.import_module(module_name).register(app)


def main() -> None:
    try:
        app()
    except CuratorError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted", code=130)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
