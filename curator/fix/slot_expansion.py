"""Variety the analyst did not type: a model proposes more values for a template's slot ("N more ways to say
this, like these"). Its answers are split into values, deduplicated (against each other, the slot's values and
earlier proposals) and checked against the held-out guard three ways: the value is not a held-out item's surface
form at the slot's place in the template, nor a held-out input, and the template's input rendered with it is not
an exact or near duplicate (3-gram Jaccard) of a held-out input. What passes is stored as proposed, apart from the
template: nothing is generated from it until the analyst accepts it, which appends it to the slot."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from curator.errors import CuratorError
from curator.fix.contamination import DEFAULT_THRESHOLD, ContaminationGuard, normalise
from curator.fix.templates import TemplateRenderer
from curator.fix.templates import library as template_domain
from curator.fix.templates.library import TemplateRecord
from curator.sandbox.engine import compile_text
from curator.storage import examples as example_queries
from curator.storage import slot_proposals as proposal_queries
from curator.storage.slot_proposals import SlotProposalRow
from curator.workspace import Workspace

DEFAULT_PROMPT = """Here is a request with a blank, [{{ slot }}]:
{{ request }}

These are ways to fill the blank, one per line:
{{ values }}

Write {{ count }} more ways to say this, like these: one per line, each different from the others and from
the ones above, nothing else."""
PROMPT_NAMES = ["slot", "request", "values", "count"]
MAX_COUNT, MAX_K, MAX_VALUE_CHARS = 200, 16, 200
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.S)


@dataclass(frozen=True)
class ExpansionPlan:
    """What to ask the model for one slot: the sandboxed prompt, how many values and how many samples (k)."""

    template: TemplateRecord
    slot: str
    prompt: str
    count: int
    k: int


def plan_expansion(
    ws: Workspace, template_ref: str, slot: str, count: int = 20, k: int = 1, prompt_source: str | None = None
) -> ExpansionPlan:
    """Refuse what cannot be expanded (a zipped or unknown slot, counts out of range) and render the prompt."""
    record = template_domain.get_template(ws, template_ref)
    values = _slot_values(record, slot)
    if not 1 <= count <= MAX_COUNT or not 1 <= k <= MAX_K:
        raise CuratorError(f"count must be 1 to {MAX_COUNT} and k 1 to {MAX_K}, not {count} and {k}")
    compiled = compile_text(record.name, "expand prompt", prompt_source or DEFAULT_PROMPT, PROMPT_NAMES)
    request = _EXPRESSION.sub(lambda m: f"[{m.group(1).strip()}]", record.spec.input)
    shown = {"slot": slot, "request": request, "values": "\n".join(map(str, values)), "count": count}
    return ExpansionPlan(record, slot, compiled.render(shown), count, k)


def _slot_values(record: TemplateRecord, slot: str) -> list:
    found = next((s for s in record.spec.slots if s.name == slot), None)
    if found is not None:
        return found.values
    if slot in record.spec.slot_names():
        raise CuratorError(f"slot '{slot}' of template '{record.name}' is zipped with others: expand a plain slot")
    raise CuratorError(f"template '{record.name}' has no slot '{slot}' (slots: {', '.join(record.spec.slot_names())})")


def split_values(answer: str) -> list[str]:
    """The values a model wrote: one per line (bullets, numbers and quotes removed; a lead-in line ending in ':' is
    not a value), or comma-separated on one line."""
    lines = [line for line in answer.splitlines() if line.strip()]
    if len(lines) == 1 and "," in lines[0]:
        lines = lines[0].split(",")
    values = []
    for line in lines:
        value = _BULLET.sub("", line).strip().strip("\"'`“”").strip()
        if value and not value.endswith(":") and len(value) <= MAX_VALUE_CHARS:
            values.append(value)
    return values


def surface_forms(record: TemplateRecord, slot: str, held_out: list[str]) -> dict[str, str]:
    """{normalised text at the slot's place: held-out input} for every held-out input the template's input (or a
    variant's) matches, other slots standing for any text."""
    forms = {}
    for text in {record.spec.input, *(v.input for v in record.spec.variants)}:
        pattern = _slot_pattern(text, slot)
        for item in held_out if pattern else []:
            match = pattern.fullmatch(item.strip())
            if match and match.group("slot").strip():
                forms.setdefault(normalise(match.group("slot")), item)
    return forms


def _slot_pattern(text: str, slot: str) -> re.Pattern | None:
    if "{%" in text or "{#" in text or slot not in text:
        return None
    parts, seen, position = [], False, 0
    for match in _EXPRESSION.finditer(text.strip()):
        parts.append(re.escape(text.strip()[position : match.start()]))
        mine = match.group(1).strip() == slot
        parts.append(("(?P=slot)" if seen else "(?P<slot>.+?)") if mine else ".+?")
        seen, position = seen or mine, match.end()
    parts.append(re.escape(text.strip()[position:]))
    return re.compile("".join(parts), re.S | re.I) if seen else None


def rendered_input(record: TemplateRecord, slot: str, value: str) -> str:
    """The template's input with `value` in the slot and every other slot at its first value."""
    spec = record.spec
    slots = [replace(s, values=[value] if s.name == slot else s.values[:1]) for s in spec.slots]
    zipped = [replace(z, rows=z.rows[:1]) for z in spec.zipped]
    return TemplateRenderer(replace(spec, slots=slots, zipped=zipped, variants=[])).render_index(0).input


def vet_values(ws: Workspace, record: TemplateRecord, slot: str, values: list[str], threshold: float) -> list:
    """(value, status, reason) per distinct proposed value: duplicate, contaminated, or proposed."""
    held_out = example_queries.held_out_inputs(ws.db)
    guard, forms = ContaminationGuard(held_out, threshold), surface_forms(record, slot, held_out)
    whole = {normalise(text): text for text in held_out}
    earlier = {normalise(p.value): p.status for p in proposal_queries.list_proposals(ws.db, record.template_id, slot)}
    seen = {normalise(str(v)) for v in _slot_values(record, slot)}
    rows = []
    for value in values:
        key = normalise(value)
        if not key or key in seen:
            continue  # the same value again: said once, not stored
        seen.add(key)
        if key in earlier:
            rows.append((value, "duplicate", f"proposed before ({earlier[key]})"))
        elif key in forms or key in whole:
            held = forms.get(key) or whole[key]
            rows.append((value, "contaminated", f"the surface form of held-out item {_short(held)!r}"))
        elif (refusal := guard.check_one(rendered_input(record, slot, value))) is not None:
            rows.append((value, "contaminated", "the template's input with it is " + refusal.reason()))
        else:
            rows.append((value, "proposed", None))
    return rows


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def store_expansion(
    ws: Workspace, plan: ExpansionPlan, answers: list[str], model: str, settings: dict, threshold=DEFAULT_THRESHOLD
) -> list[SlotProposalRow]:
    """Split, deduplicate, guard and store what the model wrote; returns the stored rows (proposed and refused)."""
    values = [value for answer in answers for value in split_values(answer)]
    record = template_domain.get_template(ws, plan.template.template_id)  # as it is now, accepted values included
    rows = vet_values(ws, record, plan.slot, values, threshold)
    settings = settings | {"prompt": plan.prompt, "count": plan.count, "k": plan.k, "threshold": threshold}
    ids = proposal_queries.insert_proposals(ws.db, plan.template.template_id, plan.slot, model, settings, rows)
    stored = proposal_queries.list_proposals(ws.db, plan.template.template_id, plan.slot)
    return [p for p in stored if p.proposal_id in set(ids)]


def list_proposals(
    ws: Workspace, template_ref: str, slot: str | None = None, statuses: tuple[str, ...] | None = None
) -> list[SlotProposalRow]:
    record = template_domain.get_template(ws, template_ref)
    return proposal_queries.list_proposals(ws.db, record.template_id, slot, statuses)


def review(ws: Workspace, template_ref: str, slot: str, status: str, values: list[str] | None) -> list[str]:
    """Accept or reject proposed values (all of them when `values` is None); accepted ones are appended to the
    slot and the template saved (it must still render). Returns the values moved."""
    record = template_domain.get_template(ws, template_ref)
    current = _slot_values(record, slot)
    pending = proposal_queries.list_proposals(ws.db, record.template_id, slot, ("proposed",))
    by_value = {p.value: p for p in pending}
    missing = [v for v in values or [] if v not in by_value]
    if missing:
        raise CuratorError(f"'{missing[0]}' is not a proposed value of slot '{slot}' (see `--list`)")
    chosen = [by_value[v] for v in values] if values is not None else pending
    if status == "accepted" and chosen:
        slots = [
            replace(s, values=[*current, *(p.value for p in chosen)]) if s.name == slot else s
            for s in record.spec.slots
        ]
        template_domain.save_template(ws, replace(record.spec, slots=slots))
    proposal_queries.set_status(ws.db, [p.proposal_id for p in chosen], status)
    return [p.value for p in chosen]
