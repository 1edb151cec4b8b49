"""The suggested-buckets screen's key bindings, declared once in the app's registry."""

from __future__ import annotations

from curator.app.registry import ActionSpec, register_actions

register_actions(
    "Suggested buckets",
    ActionSpec(
        "patterns.cluster",
        "patterns",
        "c",
        "cluster",
        "Cluster",
        "Embed the unbucketed failures (in the background) and suggest buckets",
    ),
    ActionSpec("patterns.cancel", "patterns", "x", "cancel_embedding", "Cancel", "Stop the embedding in progress"),
    ActionSpec(
        "patterns.accept",
        "patterns",
        "a",
        "accept",
        "Accept",
        "Create the highlighted suggestion's bucket and label its items",
    ),
    ActionSpec("patterns.rename", "patterns", "r", "rename", "Rename", "Rename the highlighted suggestion"),
    ActionSpec(
        "patterns.split", "patterns", "s", "split", "Split off", "Move the ticked items into a suggestion of their own"
    ),
    ActionSpec(
        "patterns.dismiss", "patterns", "d", "dismiss_suggestion", "Dismiss", "Set the highlighted suggestion aside"
    ),
    ActionSpec("patterns.back", "patterns", "escape", "app.pop_screen", "Back", "Close suggested buckets", show=False),
)

register_actions(
    "More like this",
    ActionSpec("similar.open", "similar", "enter", "open_neighbour", "Detail", "Show the highlighted item"),
    ActionSpec(
        "similar.browse", "similar", "o", "browse_neighbours", "Browse", "Open these items in the browser to label them"
    ),
    ActionSpec("similar.back", "similar", "escape", "app.pop_screen", "Back", "Back to where you were"),
)
