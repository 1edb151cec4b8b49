"""Key bindings of the sweep screen (and the mixer's way to it), declared once in the app's registry."""

from __future__ import annotations

from curator.app.registry import ActionSpec, register_actions

register_actions(
    "Sweeps",
    ActionSpec(
        "sweeps.cancel",
        "sweeps",
        "c",
        "cancel_sweep",
        "Cancel sweep",
        "Stop the highlighted sweep's running job and queue; finished trials are kept (r resumes)",
    ),
    ActionSpec(
        "sweeps.resume",
        "sweeps",
        "r",
        "resume_sweep",
        "Resume sweep",
        "Run the highlighted sweep's remaining trials here, one at a time (leaving this screen cancels them)",
    ),
    ActionSpec("sweeps.refresh", "sweeps", "g", "refresh", "Refresh", "Read the sweeps and their figures again"),
    ActionSpec("sweeps.back", "sweeps", "escape", "close", "Back", "Leave the sweep screen"),
)

register_actions(
    "Dataset mixer",
    ActionSpec(
        "fix.mixer.sweeps",
        "sweeps.mixer",
        "ctrl+t",
        "open_sweeps",
        "Sweeps",
        "The sweeps of this recipe: per-variant figures, the front, the learning curve, the recommendation",
    ),
)
