"""Writing templates from a failure: item text as template text, spans turned into slots, variants added."""

from __future__ import annotations

import dataclasses
import re

from curator.fix.templates.spec import Slot, TemplateSpec, Variant, ZippedSlots, typed_value
from curator.sandbox.engine import no_tags
from curator.sandbox.errors import TemplateError

_JINJA_OPENERS = re.compile(r"(\{\{|\{%|\{#)")
_JINJA_REGION = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.DOTALL)
_ELEMENT = re.compile(r"\s*<([A-Za-z_][\w-]*)>.*?</\1>\s*", re.DOTALL)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.]*\w)")
ANSWER_TAG = "answer"


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
    first = typed_value(span)
    wanted = [first] + [typed_value(v) for v in (values or []) if typed_value(v) != first]
    slot = Slot(slot_name, wanted, list(perturb or []))
    return dataclasses.replace(spec, input=new_input, target=new_target, slots=[*spec.slots, slot])


def make_zipped(spec: TemplateSpec, spans: dict[str, str], rows: list[list] | None = None) -> TemplateSpec:
    """Turn several spans into slots whose values go together row by row (a weather phrase, its class and its
    emoji): `spans` maps each new slot name to its span; the spans themselves are the first row."""
    names = list(spans)
    for name in names:
        if not name.isidentifier() or name in spec.slot_names():
            raise TemplateError(spec.name, f"slot name '{name}' is not a new identifier", field="zipped")
    new_input, new_target = spec.input, spec.target
    for name, span in spans.items():
        if not span.strip():
            raise TemplateError(spec.name, f"slot '{name}' needs some text", field="zipped")
        new_input, in_input = _replace_literal(new_input, span, "{{ " + name + " }}")
        new_target, in_target = _replace_literal(new_target, span, "{{ " + name + " }}")
        if not in_input + in_target:
            raise TemplateError(spec.name, f"'{span}' is not in the template text", field="zipped")
    first = [typed_value(spans[n]) for n in names]
    extra = [[typed_value(v) for v in row] for row in rows or [] if [typed_value(v) for v in row] != first]
    if any(len(row) != len(names) for row in extra):
        raise TemplateError(spec.name, f"every row of {names} needs {len(names)} values", field="zipped")
    group = ZippedSlots(names, [first, *extra])
    return dataclasses.replace(spec, input=new_input, target=new_target, zipped=[*spec.zipped, group])


def make_expression(spec: TemplateSpec, span: str, expression: str) -> TemplateSpec:
    """Turn every literal `span` into `{{ expression }}` (a sum's result into `{{ a + b }}`): computed per render."""
    if not span.strip():
        raise TemplateError(spec.name, "select some text to compute", field="target")
    placeholder = "{{ " + expression + " }}"
    new_input, in_input = _replace_literal(spec.input, span, placeholder)
    new_target, in_target = _replace_literal(spec.target, span, placeholder)
    if not in_input + in_target:
        raise TemplateError(spec.name, f"'{span}' is not in the template text", field="target")
    return dataclasses.replace(spec, input=new_input, target=new_target)


def without_elements(text: str, keep: tuple[str, ...] = ()) -> str:
    """The text without its `<tag>…</tag>` elements (markers and content), except those named in `keep`."""

    def drop(match: re.Match) -> str:
        if match.group(1) in keep:
            return match.group(0)
        return " " if match.start() and match.end() < len(match.string) else ""

    return _ELEMENT.sub(drop, text).strip()


def no_tag_texts(input_text: str, target_text: str) -> tuple[str, str]:
    """The no-tag counterpart of an input and target: the input without its tagged elements (the `<api>` line)
    and the target with only its `<answer>` element, so the answer format stays intact (never `3 + 2 = 55☀`).
    A target without an `<answer>` element just loses its tag markers."""
    if re.search(rf"<{ANSWER_TAG}>.*?</{ANSWER_TAG}>", target_text, re.DOTALL):
        return without_elements(input_text), "".join(
            m.group(0).strip() for m in _ELEMENT.finditer(target_text) if m.group(1) == ANSWER_TAG
        )
    return no_tags(input_text).strip(), no_tags(target_text).strip()


def add_variant(spec: TemplateSpec, kind: str) -> TemplateSpec:
    """Add a counterexample or no-tag variant, prefilled from the main text for the analyst to edit."""
    if kind == "no_tag":
        variant = Variant("no_tag", *no_tag_texts(spec.input, spec.target))
    else:
        variant = Variant(kind, spec.input, spec.target)
    return dataclasses.replace(spec, variants=[*spec.variants, variant])


def fixed_span_warnings(spec: TemplateSpec) -> list[str]:
    """Spans that stay the same in every render, which the model would learn as a habit: numbers left literal
    in the text (every fix saying "gets 2 more") and slots with a single value."""
    warnings = []
    for variant in spec.all_variants():
        for field_name, text in (("input", variant.input), ("target", variant.target)):
            literal = " ".join(_JINJA_REGION.split(text)[::2])
            for number in dict.fromkeys(_NUMBER.findall(literal)):
                where = field_name if variant.kind == "main" else f"{variant.kind}.{field_name}"
                warnings.append(f"'{number}' in the {where} is the same in every example: make it a slot")
    for slot in spec.slots:
        if len(slot.values) == 1 and not slot.perturb:
            warnings.append(f"slot '{slot.name}' has one value ({slot.values[0]!r}): every example repeats it")
    for group in spec.zipped:
        if len(group.rows) == 1 and not group.perturb:
            warnings.append(f"slots {', '.join(group.names)} have one row: every example repeats it")
    return warnings


def set_slot_values(spec: TemplateSpec, slot_name: str, values: list, perturb: list[str] | None = None) -> TemplateSpec:
    """The same template with one free slot's values (and optionally perturbations) replaced."""
    if slot_name not in [s.name for s in spec.slots]:
        raise TemplateError(spec.name, f"no slot named '{slot_name}'", field="slots")
    typed = [typed_value(v) for v in values]
    slots = [
        Slot(s.name, typed, list(perturb) if perturb is not None else s.perturb) if s.name == slot_name else s
        for s in spec.slots
    ]
    return dataclasses.replace(spec, slots=slots)
