"""Palette commands that depend on the workspace: open a run, filter by a bucket or check, new bucket, export."""

from __future__ import annotations

from collections.abc import Iterable

from curator.app import registry
from curator.app.registry import PaletteCommand
from curator.app.screens.sweeps import palette as _sweep_palette  # noqa: F401  (registers the sweep screen's entry)
from curator.app.widgets.bucket_picker import BucketPicker
from curator.review import browse
from curator.review import buckets as bucket_domain
from curator.review import runs as run_domain
from curator.review.browse import ItemFilter, with_changes


def run_commands(app) -> Iterable[PaletteCommand]:
    for run in run_domain.list_runs(app.workspace):
        yield PaletteCommand(
            f"Open run {run.name}", f"{run.item_count:,} items", lambda app, run_id=run.run_id: app.open_run(run_id)
        )


def _filtered(app, **changes) -> None:
    base = app.current_filter or ItemFilter(app.current_run_id)
    app.open_browser(with_changes(base, **changes))


def filter_commands(app) -> Iterable[PaletteCommand]:
    """Filters over the current run (only while a run is open)."""
    run_id = app.current_run_id
    if run_id is None:
        return
    for bucket in bucket_domain.list_buckets(app.workspace):
        yield PaletteCommand(
            f"Filter by bucket {bucket.name}",
            bucket.description,
            lambda app, b=bucket.bucket_id: _filtered(app, bucket_id=b),
        )
    for name in browse.check_names(app.workspace, run_id):
        yield PaletteCommand(
            f"Filter to failures of check {name}",
            "items failing this check",
            lambda app, n=name: _filtered(app, failing_check=n),
        )
    yield PaletteCommand(
        "Filter to unbucketed items", "items in no bucket", lambda app: _filtered(app, unbucketed=True)
    )
    yield PaletteCommand(
        "Browse every item of the run", "clear the filter", lambda app: app.open_browser(ItemFilter(app.current_run_id))
    )


EXPORT_SHAPES = {
    "raw": "every item as stored",
    "sft": "prompt/completion rows from dev items",
    "chat": "chat messages from dev items",
    "dpo": "chosen/rejected pairs",
    "kto": "unpaired labels",
}


def export_commands(app) -> Iterable[PaletteCommand]:
    """Export the current run (JSONL into the workspace's exports/ folder)."""
    if app.current_run_id is None:
        return
    for shape, what in EXPORT_SHAPES.items():
        yield PaletteCommand(
            f"Export run as {shape} JSONL", what, lambda app, shape=shape: app.export_run(app.current_run_id, shape)
        )


def flow_commands(app) -> Iterable[PaletteCommand]:
    """Suggested buckets and the newest generated examples of the current run, and a new dataset mix."""
    run_id = app.current_run_id
    if run_id is not None:
        yield PaletteCommand(
            "Suggest buckets for this run",
            "cluster the unbucketed failures",
            lambda app: app.open_suggestions(app.current_run_id),
        )
        yield PaletteCommand(
            "Review the generated examples",
            "every batch from this run's templates: accept, reject, edit",
            lambda app: app.open_generated_examples(app.current_run_id),
        )


def label_commands(app) -> Iterable[PaletteCommand]:
    """Per check of the current run: its calibration report, its disagreement queue, the next item to label."""
    run_id = app.current_run_id
    if run_id is None:
        return
    for name in browse.check_names(app.workspace, run_id):
        yield PaletteCommand(
            f"Calibration of check {name}",
            "TPR, TNR, kappa and the corrected pass rate against your verdict labels",
            lambda app, n=name: app.open_calibration(app.current_run_id, n),
        )
        yield PaletteCommand(
            f"Disagreements of check {name}",
            "labelled items the check got wrong (false passes and false fails), in the browser",
            lambda app, n=name: app.open_disagreements(app.current_run_id, n),
        )
        yield PaletteCommand(
            f"Label next for check {name}",
            "the unlabelled item whose verdict is least sure",
            lambda app, n=name: app.open_label_next(app.current_run_id, n),
        )


def bucket_commands(app) -> Iterable[PaletteCommand]:
    yield PaletteCommand(
        "New bucket",
        "create a bucket (name, description)",
        lambda app: app.push_screen(BucketPicker("New bucket (type its name)", create_only=True)),
    )


registry.register_command_source(run_commands)
registry.register_command_source(filter_commands)
registry.register_command_source(bucket_commands)
registry.register_command_source(export_commands)
registry.register_command_source(flow_commands)
registry.register_command_source(label_commands)
