"""Key bindings of the retrain loop's screens, declared once in the app's registry."""

from __future__ import annotations

from curator.app.registry import ActionSpec, register_actions

register_actions(
    "Retrain form",
    ActionSpec(
        "retrain.submit", "loop.retrain", "ctrl+s", "submit", "Start training", "Create the job with these settings"
    ),
    ActionSpec("retrain.cancel", "loop.retrain", "escape", "cancel", "Cancel", "Close without training"),
)

register_actions(
    "Training",
    ActionSpec(
        "training.cancel",
        "loop.training",
        "c",
        "cancel_job",
        "Cancel job",
        "Stop the child cleanly; no adapter is kept",
    ),
    ActionSpec(
        "training.reeval",
        "loop.training",
        "e",
        "reeval",
        "Re-evaluate",
        "Run base + adapter over the run's items, then compare with the run",
    ),
    ActionSpec(
        "training.back",
        "loop.training",
        "escape",
        "close",
        "Back",
        "Leave this screen (while the job runs, after a confirmation: leaving stops it)",
    ),
)

register_actions(
    "Compare",
    ActionSpec("compare.back", "loop.compare", "escape", "close", "Back", "Leave the comparison"),
    ActionSpec("side.back", "loop.side", "escape", "close", "Back", "Back to the comparison"),
)

register_actions(
    "Dataset mixer",
    ActionSpec(
        "fix.mixer.retrain",
        "loop.mixer",
        "ctrl+r",
        "retrain",
        "Retrain",
        "Open the retrain form on the newest built version of this recipe",
    ),
)
