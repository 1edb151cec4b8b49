"""`curator open [WORKSPACE]` (and bare `curator`): the review app on a workspace."""

from __future__ import annotations

import typer

from curator.cli.context import state


def open_app(workspace_path: str | None, start_run_id: int | None = None) -> None:
    """Open the workspace and run the Textual app until the user quits (on a run's overview, if given)."""
    from curator.app.curator_app import CuratorApp  # Textual costs ~0.3 s: only load it when the app is opened
    from curator.workspace import Workspace

    with Workspace.open(workspace_path) as ws:
        CuratorApp(ws, start_run_id=start_run_id).run()


def register(app: typer.Typer) -> None:
    @app.command("open")
    def open_command(
        workspace: str = typer.Argument(
            None,
            help="Workspace folder (default: --workspace, $CURATOR_WORKSPACE or ./.curator).",
        ),
    ) -> None:
        """Open the review app on a workspace."""
        open_app(workspace or state.workspace_path)
