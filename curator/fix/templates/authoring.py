"""Writing templates from a failure: item text as template text, spans turned into slots, variants added."""

from __future__ import annotations

import dataclasses
import re

from curator.fix.templates.engine import no_tags
from curator.fix.templates.spec import Slot, TemplateError, TemplateSpec, Variant

_JINJA_OPENERS = re.compile(r"(\{\{|\{%|\{#)")
_JINJA_REGION = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.DOTALL)


def escape_text(text: str) -> str:
    """Literal text as template text: Jinja openers in it (`{{`, `{%`, `{#`) are printed, not run."""
    return _JINJA_OPENERS.sub(lambda m: "{{ '" + m.group(1) + "' }}", text)


def spec_from_texts(name: str, input_text: str, target_text: str) -> TemplateSpec:
    """A template with no slots whose only example is exactly the given input and target."""
    return TemplateSpec(name=name, input=escape_text(input_text), target=escape_text(target_text))


def _replace_literal(text: str, span: str, replacement: str) -> tuple[str, int]:
    """Replace `span` only in the literal parts of template text (never inside `{{ }}` or `{% %}`)."""
    parts, count = _JINJA_REGION.split(text), 0
    for i in range(0, len(parts), 2):
        count += parts[i].count(span)
        parts[i] = parts[i].replace(span, replacement)
    return "".join(parts), count


def make_slot(
    spec: TemplateSpec, span: str, slot_name: str, values: list | None = None, perturb: list[str] | None = None
) -> TemplateSpec:
    """Turn every literal `span` in the input and target into `{{ slot_name }}`; the span is its first value."""
    if not span.strip():
        raise TemplateError(spec.name, "select some text to turn into a slot", field="slots")
    if not slot_name.isidentifier():
        raise TemplateError(spec.name, f"slot name '{slot_name}' is not an identifier", field="slots")
    if slot_name in spec.slot_names():
        raise TemplateError(spec.name, f"slot '{slot_name}' already exists", field="slots")
    placeholder = "{{ " + slot_name + " }}"
    new_input, in_input = _replace_literal(spec.input, span, placeholder)
    new_target, in_target = _replace_literal(spec.target, span, placeholder)
    if not in_input + in_target:
        raise TemplateError(spec.name, f"'{span}' is not in the template text", field="slots")
    wanted = [span] + [v for v in (values or []) if v != span]
    slot = Slot(slot_name, wanted, list(perturb or []))
    return dataclasses.replace(spec, input=new_input, target=new_target, slots=[*spec.slots, slot])


def add_variant(spec: TemplateSpec, kind: str) -> TemplateSpec:
    """Add a counterexample or no-tag variant, prefilled from the main text for the analyst to edit."""
    if kind == "no_tag":
        variant = Variant("no_tag", no_tags(spec.input).strip(), no_tags(spec.target).strip())
    else:
        variant = Variant(kind, spec.input, spec.target)
    return dataclasses.replace(spec, variants=[*spec.variants, variant])


def set_slot_values(spec: TemplateSpec, slot_name: str, values: list, perturb: list[str] | None = None) -> TemplateSpec:
    """The same template with one free slot's values (and optionally perturbations) replaced."""
    if slot_name not in [s.name for s in spec.slots]:
        raise TemplateError(spec.name, f"no slot named '{slot_name}'", field="slots")
    slots = [
        Slot(s.name, list(values), list(perturb) if perturb is not None else s.perturb) if s.name == slot_name else s
        for s in spec.slots
    ]
    return dataclasses.replace(spec, slots=slots)
