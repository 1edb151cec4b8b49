"""The template editor's slot table and slot keys: make a slot or paired (zipped) slots from spans, add values to
a slot or rows to paired slots (or replace them), delete a variant, add a no-tag variant."""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual.widgets import Checkbox, DataTable, Input, Static, TextArea

from curator.app.screens.fix.template_text import slot_name_for, split_list
from curator.app.widgets.literal import one_line
from curator.errors import CuratorError
from curator.fix.templates.authoring import add_variant, make_slot, make_zipped
from curator.fix.templates.pairing import GROUP_JOINER, add_group_rows, add_slot_values, group_named, parse_rows
from curator.fix.templates.spec import TemplateSpec

FIELDS = ("#slot-name", "#slot-values", "#slot-perturb")


def hint_text(pairing: dict[str, str]) -> Text:
    """The line under the editor: how to make slots, or the spans waiting to be paired and how to finish."""
    if not pairing:
        return Text("select text in input or target: s makes a slot, z pairs it with other spans", style="dim")
    spans = " + ".join(f"{name}={one_line(span, 20)!r}" for name, span in pairing.items())
    return Text.assemble(
        ("pairing ", "bold"),
        spans,
        (
            "  ·  z on another selection adds it · ctrl+l makes the paired slots (rows in more values: a, b; c, d)",
            "dim",
        ),
    )


def free_name(base: str, taken: set[str]) -> str:
    """`base`, or `base_2`, `base_3`… when taken."""
    name, number = base, 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    return name


class SlotEditing:
    """Slot and variant edits of the template editor (which supplies `spec`, `pairing`, `current_spec`,
    `_last_text_area`, `_selection`, `_show_error` and `refresh_preview`)."""

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
            table.add_row(
                Text(one_line(GROUP_JOINER.join(group.names))), Text(f"{len(group.rows)} rows"), Text("paired")
            )
        for variant in self.spec.variants:
            table.add_row(Text(one_line(f"variant {variant.kind}")), Text(one_line(variant.input, 40)), Text(""))

    def _selected_span(self) -> str:
        return self.query_one(f"#{self._last_text_area}", TextArea).selected_text or self._selection[1]

    def action_make_slot(self) -> None:
        """The selection becomes a slot (the pending spans paired slots); with nothing selected, the slot or paired
        slots named in the fields get their values, added unless `replace` is ticked."""
        span, name = self._selected_span(), self.query_one("#slot-name", Input).value.strip()
        values = self.query_one("#slot-values", Input).value
        perturb = split_list(self.query_one("#slot-perturb", Input).value)
        replace = self.query_one("#slot-replace", Checkbox).value
        spec = self.current_spec()
        try:
            if self.pairing:
                spec, done = self._paired(spec, values)
            elif not span and group_named(spec, name) is not None:
                spec, rows = add_group_rows(spec, name, values, replace)
                done = f"paired slots {name} now have {rows} rows"
            elif not span and name in [slot.name for slot in spec.slots]:
                spec, count = add_slot_values(spec, name, split_list(values), perturb, replace)
                done = f"slot '{name}' now has {count} values"
            else:
                name = name or slot_name_for(span)
                spec, done = make_slot(spec, span, name, split_list(values), perturb), f"slot '{name}' made"
        except CuratorError as problem:
            self._show_error(problem, keep=True)
            return
        self._apply(spec)
        self._clear_fields()
        self.notify(done, timeout=2, markup=False)

    def _paired(self, spec: TemplateSpec, values: str) -> tuple[TemplateSpec, str]:
        if len(self.pairing) < 2:
            raise CuratorError("pair at least two spans: select each one and press z")
        spec = make_zipped(spec, dict(self.pairing), parse_rows(values))
        group = spec.zipped[-1]
        self.pairing = {}
        self._show_hint()
        return spec, f"paired slots {GROUP_JOINER.join(group.names)} made ({len(group.rows)} rows)"

    def action_pair_span(self) -> None:
        """Hold the selection to become one of several paired slots (their values go together row by row)."""
        span = self._selected_span()
        if not span.strip():
            self._show_error("select the text to pair first (in the input or the target)", keep=True)
            return
        taken = set(self.current_spec().slot_names()) | set(self.pairing)
        name = self.query_one("#slot-name", Input).value.strip() or slot_name_for(span)
        self.pairing[free_name(name, taken)] = span
        self.query_one("#slot-name", Input).value = ""
        self._selection = (self._last_text_area, "")
        self._show_error("")
        self._show_hint()

    def drop_pairing(self) -> bool:
        """Forget the spans waiting to be paired; False when there were none."""
        if not self.pairing:
            return False
        self.pairing = {}
        self._show_hint()
        self.notify("pairing dropped", timeout=2)
        return True

    def _show_hint(self) -> None:
        self.query_one("#editor-hint", Static).update(hint_text(self.pairing))

    def _clear_fields(self) -> None:
        for field_id in FIELDS:
            self.query_one(field_id, Input).value = ""
        self.query_one("#slot-replace", Checkbox).value = False
        self._selection = (self._last_text_area, "")

    def slot_chosen(self, row: int) -> None:
        """Enter on a slot (or paired slots) puts its name and every value in the fields, with `replace` ticked:
        what the fields hold then is what it will have."""
        slots, groups = self.spec.slots, self.spec.zipped
        if row < len(slots):
            slot = slots[row]
            name, values, perturb = slot.name, ", ".join(map(str, slot.values)), ", ".join(slot.perturb)
        elif row < len(slots) + len(groups):
            group = groups[row - len(slots)]
            name, perturb = GROUP_JOINER.join(group.names), ""
            values = "; ".join(", ".join(map(str, values)) for values in group.rows)
        else:
            return
        for field_id, value in zip(FIELDS, (name, values, perturb), strict=True):
            self.query_one(field_id, Input).value = value
        self.query_one("#slot-replace", Checkbox).value = True

    def action_delete_row(self) -> None:
        """Delete the highlighted variant of the slot table (slots go by editing the text)."""
        table = self.query_one("#slot-table", DataTable)
        index = table.cursor_row - len(self.spec.slots) - len(self.spec.zipped)
        if not self.spec.variants or not 0 <= index < len(self.spec.variants):
            self._show_error("highlight a variant in the slot table to delete it", keep=True)
            return
        spec = self.current_spec()
        kind = spec.variants[index].kind
        self._apply(dataclasses.replace(spec, variants=[v for i, v in enumerate(spec.variants) if i != index]))
        self.notify(f"variant {kind} deleted (ctrl+s stores it)", timeout=2, markup=False)

    def action_add_no_tag(self) -> None:
        self._apply(add_variant(self.current_spec(), "no_tag"))
        self.notify("no-tag variant added", timeout=2)

    def _apply(self, spec: TemplateSpec) -> None:
        """Show a changed template; a key's refusal shown before is over."""
        self._show_error("")
        self.spec = spec
        self.query_one("#template-input", TextArea).load_text(spec.input)
        self.query_one("#template-target", TextArea).load_text(spec.target)
        self._fill_slot_table()
        self.refresh_preview()
