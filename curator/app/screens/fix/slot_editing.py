"""The template editor's slot table and slot keys: make a slot from a span, change a slot's values, delete a
variant, add a no-tag variant."""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual.widgets import DataTable, Input, TextArea

from curator.app.screens.fix.template_text import slot_name_for, split_list
from curator.app.widgets.literal import one_line
from curator.errors import CuratorError
from curator.fix.templates.authoring import add_variant, make_slot, set_slot_values
from curator.fix.templates.spec import TemplateSpec


class SlotEditing:
    """Slot and variant edits of the template editor (which supplies `spec`, `current_spec`, `_last_text_area`,
    `_selection`, `_show_error` and `refresh_preview`)."""

    def _fill_slot_table(self) -> None:
        table = self.query_one("#slot-table", DataTable)
        table.clear()
        for slot in self.spec.slots:
            table.add_row(
                Text(one_line(slot.name)),
                Text(one_line(", ".join(map(str, slot.values)))),
                Text(one_line(", ".join(slot.perturb))),
            )
        for group in self.spec.zipped:
            table.add_row(Text(one_line(" + ".join(group.names))), Text(f"{len(group.rows)} rows"), Text("zipped"))
        for variant in self.spec.variants:
            table.add_row(Text(one_line(f"variant {variant.kind}")), Text(one_line(variant.input, 40)), Text(""))

    def action_make_slot(self) -> None:
        """Turn the selected text into a slot; with nothing selected, give the named slot the values in the fields."""
        span = self.query_one(f"#{self._last_text_area}", TextArea).selected_text or self._selection[1]
        name = self.query_one("#slot-name", Input).value.strip() or slot_name_for(span)
        values = split_list(self.query_one("#slot-values", Input).value)
        perturb = split_list(self.query_one("#slot-perturb", Input).value)
        spec = self.current_spec()
        try:
            if not span and name in [slot.name for slot in spec.slots]:
                self._apply(set_slot_values(spec, name, values, perturb))
                done = f"slot '{name}' now has {len(values)} values"
            else:
                self._apply(make_slot(spec, span, name, values, perturb))
                done = f"slot '{name}' made"
        except CuratorError as problem:
            self._show_error(problem)
            return
        for field_id in ("#slot-name", "#slot-values", "#slot-perturb"):
            self.query_one(field_id, Input).value = ""
        self._selection = (self._last_text_area, "")
        self.notify(done, timeout=2, markup=False)

    def slot_chosen(self, row: int) -> None:
        """Enter on a slot puts its name, values and perturbations in the fields, ready to change."""
        if row < len(self.spec.slots):
            slot = self.spec.slots[row]
            self.query_one("#slot-name", Input).value = slot.name
            self.query_one("#slot-values", Input).value = ", ".join(map(str, slot.values))
            self.query_one("#slot-perturb", Input).value = ", ".join(slot.perturb)

    def action_delete_row(self) -> None:
        """Delete the highlighted variant of the slot table (slots go by editing the text)."""
        table = self.query_one("#slot-table", DataTable)
        index = table.cursor_row - len(self.spec.slots) - len(self.spec.zipped)
        if not self.spec.variants or not 0 <= index < len(self.spec.variants):
            self._show_error("highlight a variant in the slot table to delete it")
            return
        spec = self.current_spec()
        kind = spec.variants[index].kind
        self._apply(dataclasses.replace(spec, variants=[v for i, v in enumerate(spec.variants) if i != index]))
        self.notify(f"variant {kind} deleted (ctrl+s stores it)", timeout=2, markup=False)

    def action_add_no_tag(self) -> None:
        self._apply(add_variant(self.current_spec(), "no_tag"))
        self.notify("no-tag variant added", timeout=2)

    def _apply(self, spec: TemplateSpec) -> None:
        self.spec = spec
        self.query_one("#template-input", TextArea).load_text(spec.input)
        self.query_one("#template-target", TextArea).load_text(spec.target)
        self._fill_slot_table()
        self.refresh_preview()
