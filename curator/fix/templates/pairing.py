"""Slot values added from the editor's fields: appended to a slot or a paired (zipped) group unless the analyst
asks to replace them; paired rows typed as `sunny, ☀; cloudy, ☁`."""

from __future__ import annotations

import dataclasses

from curator.fix.templates.authoring import set_slot_values
from curator.fix.templates.spec import TemplateSpec, ZippedSlots, typed_value
from curator.sandbox.errors import TemplateError

GROUP_JOINER = " + "
"""How a paired group is named in the editor: `phrase + emoji`."""


def parse_rows(text: str) -> list[list[str]]:
    """Rows separated by `;`, values in a row by `,` (blank rows dropped)."""
    rows = [[value.strip() for value in row.split(",")] for row in text.split(";")]
    return [row for row in rows if any(row)]


def with_more(current: list, added: list, replace: bool) -> list:
    """`added` after `current` (each value once), or `added` alone when replacing."""
    if replace:
        return list(dict.fromkeys(added))
    return list(dict.fromkeys([*current, *added]))


def add_slot_values(
    spec: TemplateSpec, name: str, values: list, perturb: list[str], replace: bool = False
) -> tuple[TemplateSpec, int]:
    """The spec with `values` (and perturbations) added to slot `name`, or replacing its own; how many values the
    slot has now."""
    slot = next((s for s in spec.slots if s.name == name), None)
    if slot is None:
        raise TemplateError(spec.name, f"no slot named '{name}'", field="slots")
    typed = with_more(slot.values, [typed_value(v) for v in values], replace)
    if not typed:
        raise TemplateError(spec.name, f"slot '{name}' needs at least one value", field="slots")
    perturbations = with_more(slot.perturb, perturb, replace) if perturb or replace else None
    return set_slot_values(spec, name, typed, perturbations), len(typed)


def group_named(spec: TemplateSpec, label: str) -> ZippedSlots | None:
    """The paired group the editor names `a + b`, if any."""
    names = [part.strip() for part in label.split(GROUP_JOINER.strip())]
    return next((g for g in spec.zipped if g.names == names), None)


def add_group_rows(spec: TemplateSpec, label: str, text: str, replace: bool = False) -> tuple[TemplateSpec, int]:
    """The spec with rows typed as `a, b; c, d` added to the paired group `label` (or replacing its rows); how many
    rows the group has now. A row with the wrong number of values is refused, naming it."""
    group = group_named(spec, label)
    if group is None:
        raise TemplateError(spec.name, f"no paired slots named '{label}'", field="zipped")
    rows = parse_rows(text)
    for row in rows:
        if len(row) != len(group.names):
            shown = ", ".join(row)
            raise TemplateError(
                spec.name, f"row '{shown}' has {len(row)} values; {label} needs {len(group.names)}", field="zipped"
            )
    typed = [[typed_value(v) for v in row] for row in rows]
    merged = typed if replace else group.rows + [row for row in typed if row not in group.rows]
    if not merged:
        raise TemplateError(spec.name, f"paired slots {label} need at least one row", field="zipped")
    zipped = [dataclasses.replace(g, rows=merged) if g is group else g for g in spec.zipped]
    return dataclasses.replace(spec, zipped=zipped), len(merged)
