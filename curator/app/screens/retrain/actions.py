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
        "Stop job",
        "Stop the job: keep the best adapter so far, or discard it",
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
        "Leave this screen; a running job goes on training (the palette reopens it)",
    ),
)

register_actions(
    "Compare",
    ActionSpec("compare.back", "loop.compare", "escape", "close", "Back", "Leave the comparison"),
    ActionSpec(
        "compare.against", "loop.compare", "b", "toggle_against", "Base/parent", "Compare with the base run or parent"
    ),
    ActionSpec(
        "compare.anyway",
        "loop.compare",
        "a",
        "allow_mismatch",
        "Compare anyway",
        "Compare runs generated differently",
        show=False,  # the refusal line says when to press it
    ),
    ActionSpec("compare.open", "loop.compare", "o", "open_items", "Open items", "Open the cell's items in the browser"),
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
