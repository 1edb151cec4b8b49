"""The template editor's "more values" key: a model proposes values for the highlighted slot, the analyst reviews
them, and the accepted ones end the slot's values (as typed "more values" do)."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import DataTable

from curator.app.screens.fix.slot_expansion_dialog import ExpansionOutcome, SlotExpansionDialog
from curator.app.screens.fix.slot_proposals import SlotProposalsScreen
from curator.app.widgets.literal import one_line
from curator.fix.templates.spec import TemplateSpec


def with_more_values(spec: TemplateSpec, slot: str, values: list[str]) -> TemplateSpec:
    """The spec with `values` appended to slot `slot`."""
    return replace(spec, slots=[replace(s, values=[*s.values, *values]) if s.name == slot else s for s in spec.slots])


class SlotExpanding:
    """Asking a model for more values of a slot (the editor supplies `workspace`, `spec`, `saved_spec`, `stored`,
    `unsaved`, `save`, `current_spec`, `_apply` and `_show_error`)."""

    def action_expand_slot(self) -> None:
        """Save, then open the expansion form for the slot highlighted in the slot table."""
        row = self.query_one("#slot-table", DataTable).cursor_row
        if not 0 <= row < len(self.spec.slots):
            self._show_error(
                "highlight a slot in the slot table (not paired slots or a variant) to ask for more values", keep=True
            )
            return
        slot = self.spec.slots[row].name
        if not self.stored or self.unsaved:
            self.save_then(lambda: self._open_expansion(slot))
            return
        self._open_expansion(slot)

    def _open_expansion(self, slot: str) -> None:
        self._show_error("")
        self.app.push_screen(
            SlotExpansionDialog(self.workspace, self.spec.name, slot), callback=lambda rows: self._proposed(slot, rows)
        )

    def _proposed(self, slot: str, outcome: ExpansionOutcome | None) -> None:
        if outcome is None:
            self.notify("no values asked for: nothing was stored", timeout=3)
            return
        note = ""
        if outcome.rows is not None:
            proposed = sum(r.status == "proposed" for r in outcome.rows)
            note = f"{len(outcome.rows)} new value(s): {proposed} proposed, {len(outcome.rows) - proposed} refused"
        self.app.push_screen(
            SlotProposalsScreen(self.workspace, self.spec.name, slot, note),
            callback=lambda values: self._accepted(slot, values or []),
        )

    def _accepted(self, slot: str, values: list[str]) -> None:
        """The values accepted are stored already: the editor's slot (and what counts as saved) ends with them."""
        if not values:
            return
        self.saved_spec = with_more_values(self.saved_spec, slot, values)
        self._apply(with_more_values(self.current_spec(), slot, values))
        count = next(len(s.values) for s in self.spec.slots if s.name == slot)
        self.notify(f"slot '{one_line(slot)}' now has {count} values", timeout=3, markup=False)
