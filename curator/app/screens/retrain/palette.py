"""Command palette entries for the retrain loop: retrain on a dataset version, compare a run with its parent."""

from __future__ import annotations

from collections.abc import Iterable

from curator.app import registry
from curator.app.registry import PaletteCommand
from curator.recipes import library as recipe_domain
from curator.review import runs as run_domain


def _run_in_view(app) -> int | None:
    """The app's current run, or the highlighted one on the runs screen."""
    if app.current_run_id is not None:
        return app.current_run_id
    highlighted = getattr(app.screen, "highlighted_run", None)
    run = highlighted() if callable(highlighted) else None
    return run.run_id if run is not None else None


def loop_commands(app) -> Iterable[PaletteCommand]:
    """One retrain entry per frozen dataset version (newest first), and compare for a run with a parent."""
    ws = getattr(app, "workspace", None)
    if ws is None:
        return
    versions = sorted(recipe_domain.list_versions(ws), key=lambda v: (v.created_at, v.version), reverse=True)
    for version in versions:
        ref = f"{version.recipe_name}@{version.version}"
        yield PaletteCommand(
            f"Retrain on dataset version {ref}",
            f"{version.row_count:,} rows; LoRA on the base model",
            lambda app, ref=ref: app.open_retrain(ref, app.current_run_id),
        )
    for watch in getattr(app, "training_watches", {}).values():
        yield PaletteCommand(
            f"Training job {watch.job_id}",
            watch.summary(),
            lambda app, job_id=watch.job_id: app.open_training(job_id),
        )
    run_id = _run_in_view(app)
    run = run_domain.resolve_run(ws, run_id) if run_id is not None else None
    if run is not None and run.parent_run_id is not None:
        yield PaletteCommand(
            "Compare with parent",
            f"{run.name} against {run.parent_name}",
            lambda app, run_id=run.run_id: app.compare_with_parent(run_id),
        )


registry.register_command_source(loop_commands)
