"""Key bindings of the fix-with-data screens, declared once in the app's registry."""

from __future__ import annotations

from curator.app.registry import ActionSpec, register_actions

register_actions(
    "Template editor",
    ActionSpec(
        "fix.template.slot",
        "fix.template",
        "s",
        "make_slot",
        "Slot",
        "Select a span in the input or the target and press s: it becomes a slot (name, values, perturbations "
        "from the fields)",
        show=False,  # a text box takes printable keys off the footer: the ctrl+l entry below names s
        in_palette=False,
    ),
    ActionSpec(
        "fix.template.pair",
        "fix.template",
        "z",
        "pair_span",
        "Pair",
        "Select a span and press z, then another: they become paired slots whose values go together row by row "
        "(a phrase and its emoji); ctrl+l makes them, rows typed in more values as a, b; c, d",
        show=False,
        in_palette=False,
    ),
    ActionSpec(
        "fix.template.slot_from_fields",
        "fix.template",
        "ctrl+l",
        "make_slot",
        "Slot (or select, s)",
        "From any box or field: the selection (kept when the focus moves) becomes a slot, or the spans held with z "
        "paired slots; with nothing selected, the slot (or paired slots) named in the fields gets their values, "
        "added to its own unless replace is ticked",
    ),
    ActionSpec(
        "fix.template.no_tag",
        "fix.template",
        "ctrl+n",
        "add_no_tag",
        "No-tag",
        "Add a variant with the tags removed, so the model learns where tags do not belong",
    ),
    ActionSpec("fix.template.save", "fix.template", "ctrl+s", "save", "Save", "Store the template"),
    ActionSpec(
        "fix.template.generate",
        "fix.template",
        "ctrl+g",
        "generate",
        "Generate",
        "Save, then generate checked examples (asks how many) and review them",
    ),
    ActionSpec(
        "fix.template.expand",
        "fix.template",
        "ctrl+o",
        "expand_slot",
        "More values",
        "Ask a model (a local folder or an endpoint) for more values of the slot highlighted in the slot table; "
        "the held-out guard vets them and you accept them before any example is generated (saves first)",
    ),
    ActionSpec(
        "fix.template.delete_variant",
        "fix.template",
        "delete",
        "delete_row",
        "Del variant",
        "Delete the variant highlighted in the slot table",
    ),
    ActionSpec(
        "fix.template.back", "fix.template", "escape", "back", "Back", "Leave the editor (asks when edits are unsaved)"
    ),
)

register_actions(
    "More values for a slot",
    ActionSpec(
        "fix.expand.cancel",
        "fix.expand",
        "escape",
        "cancel",
        "Cancel",
        "Close the form; while the model runs, stop it (nothing is stored)",
    ),
    ActionSpec(
        "fix.expand.list",
        "fix.expand",
        "ctrl+r",
        "list_waiting",
        "Waiting",
        "List the slot's proposals (earlier ones waiting too) without asking the model",
    ),
)

register_actions(
    "Proposed values",
    ActionSpec(
        "fix.proposals.accept", "fix.proposals", "a", "accept", "Accept", "Append the highlighted value to the slot"
    ),
    ActionSpec("fix.proposals.reject", "fix.proposals", "r", "reject", "Reject", "Reject the highlighted value"),
    ActionSpec(
        "fix.proposals.accept_all",
        "fix.proposals",
        "A",
        "accept_all",
        "Accept all",
        "Append every proposed value (refused ones are never added)",
    ),
    ActionSpec(
        "fix.proposals.reject_all", "fix.proposals", "R", "reject_all", "Reject all", "Reject every proposed value"
    ),
    ActionSpec("fix.proposals.back", "fix.proposals", "escape", "back", "Back", "Back to the template editor"),
)

register_actions(
    "Generated examples",
    ActionSpec("fix.examples.accept", "fix.examples", "a", "accept", "Accept", "Accept the highlighted example"),
    ActionSpec("fix.examples.reject", "fix.examples", "r", "reject", "Reject", "Reject the highlighted example"),
    ActionSpec(
        "fix.examples.edit",
        "fix.examples",
        "e",
        "edit",
        "Edit",
        "Edit the highlighted example (ctrl+s keeps the edit if it still passes the checks)",
    ),
    ActionSpec(
        "fix.examples.save_edit", "fix.examples", "ctrl+s", "save_edit", "Keep edit", "Keep the edited text", show=False
    ),
    ActionSpec(
        "fix.examples.accept_all",
        "fix.examples",
        "A",
        "accept_all",
        "Accept all",
        "Accept every proposed example shown",
    ),
    ActionSpec("fix.examples.back", "fix.examples", "escape", "back", "Back", "Cancel an edit, or leave"),
)

register_actions(
    "Dataset mixer",
    ActionSpec(
        "fix.mixer.edit",
        "fix.mixer",
        "e",
        "edit_source",
        "Edit source",
        "Load the highlighted source into the fields (enter on it does too); enter there replaces it",
    ),
    ActionSpec(
        "fix.mixer.remove", "fix.mixer", "delete", "remove_source", "Remove source", "Remove the highlighted source"
    ),
    ActionSpec(
        "fix.mixer.build", "fix.mixer", "ctrl+b", "build", "Build", "Save the recipe and freeze a new numbered version"
    ),
    ActionSpec("fix.mixer.back", "fix.mixer", "escape", "back", "Back", "Leave the mixer (the recipe is saved)"),
)
