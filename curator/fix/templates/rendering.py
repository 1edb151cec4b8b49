"""Turning a template into examples: the slot product (with zipped slots and perturbations), sampled without repeats."""

from __future__ import annotations

import itertools
import math
import random
import time
from dataclasses import dataclass

from curator.errors import CuratorError
from curator.fix.templates.perturbations import expand_value
from curator.fix.templates.spec import TemplateSpec
from curator.sandbox.engine import CompiledText, compile_text
from curator.sandbox.errors import TemplateError


@dataclass(frozen=True)
class Rendered:
    """One rendered example before any check: its text, which variant made it and the slot values used."""

    index: int
    variant: str
    input: str
    target: str
    slot_values: dict


@dataclass(frozen=True)
class _CompiledVariant:
    kind: str
    input: CompiledText
    target: CompiledText


class TemplateRenderer:
    """A compiled template: its axes of slot choices, their product size, and rendering of any point in it."""

    def __init__(self, spec: TemplateSpec):
        self.spec = spec
        self.axes = self._axes()
        names = spec.slot_names()
        names += [f"{n}_base" for n in names]
        self.variants = [
            _CompiledVariant(
                v.kind,
                compile_text(spec.name, _field(v.kind, "input"), v.input, names),
                compile_text(spec.name, _field(v.kind, "target"), v.target, names),
            )
            for v in spec.all_variants()
        ]

    def _axes(self) -> list[list[dict]]:
        """One axis per free slot and per zipped group; each entry maps slot names (and `<name>_base`) to values."""
        spec, axes = self.spec, []
        for slot in spec.slots:
            if not slot.values:
                raise TemplateError(self.spec.name, f"slot '{slot.name}' has no values", field="slots")
            axes.append(
                [
                    {slot.name: v, f"{slot.name}_base": base}
                    for base in slot.values
                    for v in expand_value(base, slot.perturb, spec.synonyms, spec.name)
                ]
            )
        for group in spec.zipped:
            if not group.rows:
                raise TemplateError(self.spec.name, f"zipped slots {group.names} have no rows", field="zipped")
            axes.append([entry for row in group.rows for entry in self._zipped_entries(group, row)])
        return axes

    def _zipped_entries(self, group, row: list) -> list[dict]:
        choices = [
            expand_value(value, group.perturb.get(name, []), self.spec.synonyms, self.spec.name)
            for name, value in zip(group.names, row, strict=False)
        ]
        entries = []
        for combo in itertools.product(*choices):
            entry = dict(zip(group.names, combo, strict=False))
            entry.update({f"{n}_base": base for n, base in zip(group.names, row, strict=False)})
            entries.append(entry)
        return entries

    @property
    def total(self) -> int:
        """How many distinct examples the template can make (variants x slot product)."""
        return len(self.variants) * math.prod(len(a) for a in self.axes)

    def render_index(self, index: int) -> Rendered:
        """The example at position `index` of the product (mixed-radix decoding, no product materialised)."""
        values: dict = {}
        rest, variant_no = divmod(index, len(self.variants))
        for axis in self.axes:
            rest, pick = divmod(rest, len(axis))
            values.update(axis[pick])
        variant = self.variants[variant_no]
        input_text, target_text = variant.input.render(values), variant.target.render(values)
        for text, compiled in ((input_text, variant.input), (target_text, variant.target)):
            if not text.strip():
                raise compiled.error(f"renders an empty {compiled.field.split('.')[-1]} for {_describe(values)}")
        shown = {k: v for k, v in values.items() if not k.endswith("_base")}
        return Rendered(index, variant.kind, input_text, target_text, shown)

    def _check_size(self) -> None:
        if self.total > 2**62:
            raise TemplateError(
                self.spec.name, f"the slot product has {self.total:.3g} examples; use fewer values", field="slots"
            )

    def validate(self, probes: int = 20) -> None:
        """Render a few examples so that errors only rendering shows (sandbox, empty text, bad maths) surface now."""
        self._check_size()
        for index in random.Random(0).sample(range(self.total), min(probes, self.total)):
            self.render_index(index)

    def sample_indices(self, n: int, seed: int) -> list[int]:
        """`n` distinct positions of the product, the same for the same seed; all of them if the product is smaller."""
        if n < 1:
            raise CuratorError(f"template '{self.spec.name}': asks for {n} examples; ask for at least 1")
        if n > self.spec.max_examples:
            raise TemplateError(
                self.spec.name,
                f"asks for {n:,} examples; this template allows at most {self.spec.max_examples:,}",
                field="max_examples",
            )
        self._check_size()
        return random.Random(seed).sample(range(self.total), min(n, self.total))

    def sample(self, n: int, seed: int) -> tuple[list[Rendered], bool]:
        """Render `n` sampled examples; stops at the template's time limit (second value: whether it stopped early)."""
        deadline = time.monotonic() + self.spec.time_limit_s
        out = []
        for count, index in enumerate(self.sample_indices(n, seed)):
            if count % 256 == 0 and time.monotonic() > deadline:
                return out, True
            out.append(self.render_index(index))
        return out, False


def _field(kind: str, name: str) -> str:
    return name if kind == "main" else f"{kind}.{name}"


def _describe(values: dict) -> str:
    shown = [f"{k}={v!r}" for k, v in values.items() if not k.endswith("_base")]
    return ", ".join(shown) or "no slots"
