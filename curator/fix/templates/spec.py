"""What a template is: input and target text, slots with values, zipped slots, variants and limits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from curator.sandbox.errors import TemplateError

_INTEGER = re.compile(r"[-+]?(?:0|[1-9]\d*)\Z")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9]\d*)\.\d+\Z")

VARIANT_KINDS = ("main", "counterexample", "no_tag", "strict_schema")
DEFAULT_MAX_EXAMPLES = 100_000
DEFAULT_TIME_LIMIT_S = 60.0


@dataclass
class Slot:
    """A named hole in the text and the values it takes; `perturb` names generators that add variants of each value."""

    name: str
    values: list
    perturb: list[str] = field(default_factory=list)


@dataclass
class ZippedSlots:
    """Slots whose values go together row by row (a weather phrase with its emoji)."""

    names: list[str]
    rows: list[list]
    perturb: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Variant:
    """One input/target text pair; `main` is the template itself, others are counterexamples or no-tag cases."""

    kind: str
    input: str
    target: str


@dataclass
class TemplateSpec:
    """A template as stored: everything needed to render and generate, JSON-serialisable."""

    name: str
    input: str
    target: str
    slots: list[Slot] = field(default_factory=list)
    zipped: list[ZippedSlots] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    max_examples: int = DEFAULT_MAX_EXAMPLES
    time_limit_s: float = DEFAULT_TIME_LIMIT_S

    def all_variants(self) -> list[Variant]:
        """The main text pair first, then the extra variants."""
        return [Variant("main", self.input, self.target), *self.variants]

    def slot_names(self) -> list[str]:
        return [s.name for s in self.slots] + [n for z in self.zipped for n in z.names]

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "input": self.input,
            "target": self.target,
            "slots": [{"name": s.name, "values": s.values, "perturb": s.perturb} for s in self.slots],
            "zipped": [{"names": z.names, "rows": z.rows, "perturb": z.perturb} for z in self.zipped],
            "variants": [{"kind": v.kind, "input": v.input, "target": v.target} for v in self.variants],
            "synonyms": self.synonyms,
            "max_examples": self.max_examples,
            "time_limit_s": self.time_limit_s,
        }


def typed_value(value):
    """A slot value as the template sees it: text that is a plain number becomes that number, so `{{ a + b }}`
    computes (`"4"` + `"2"` would render `42`); `"007"`, `"4.50."` and non-text values stay as they are."""
    if isinstance(value, str):
        text = value.strip()
        if _INTEGER.match(text):
            return int(text)
        if _DECIMAL.match(text):
            return float(text)
    return value


def _slot(name: str, raw) -> Slot:
    """A slot from `[...]` (values) or `{values=[...], perturb=[...]}`."""
    if isinstance(raw, list):
        return Slot(name, [typed_value(v) for v in raw])
    if isinstance(raw, dict) and isinstance(raw.get("values"), list):
        return Slot(raw.get("name", name), [typed_value(v) for v in raw["values"]], list(raw.get("perturb", [])))
    raise ValueError(f"slot '{name}' needs a list of values")


def _slots(raw) -> list[Slot]:
    if isinstance(raw, dict):
        return [_slot(name, value) for name, value in raw.items()]
    return [_slot(entry.get("name", "?"), entry) for entry in raw or []]


def _zipped(raw: dict) -> ZippedSlots:
    names, rows = (
        list(raw.get("names") or raw.get("slots") or []),
        [[typed_value(v) for v in r] for r in raw.get("rows") or raw.get("values") or []],
    )
    if not names or any(len(r) != len(names) for r in rows):
        raise ValueError(f"zipped slots {names}: every row needs one value per slot")
    return ZippedSlots(names, rows, dict(raw.get("perturb") or {}))


def _variant(raw: dict) -> Variant:
    kind = raw.get("kind", "counterexample")
    if kind not in VARIANT_KINDS:
        raise ValueError(f"variant kind '{kind}' is not one of {', '.join(VARIANT_KINDS)}")
    return Variant(kind, str(raw.get("input", "")), str(raw.get("target", "")))


def spec_from_dict(raw: dict, name: str | None = None) -> TemplateSpec:
    """Parse a stored or user-written template; a clear error names the template and the problem."""
    name = name or str(raw.get("name", "")).strip()
    try:
        if not name:
            raise ValueError("a template needs a name")
        spec = TemplateSpec(
            name=name,
            input=str(raw.get("input", "")),
            target=str(raw.get("target", "")),
            slots=_slots(raw.get("slots")),
            zipped=[_zipped(z) for z in raw.get("zipped") or []],
            variants=[_variant(v) for v in raw.get("variants") or []],
            synonyms={str(k): [str(x) for x in v] for k, v in (raw.get("synonyms") or {}).items()},
            max_examples=int(raw.get("max_examples", DEFAULT_MAX_EXAMPLES)),
            time_limit_s=float(raw.get("time_limit_s", DEFAULT_TIME_LIMIT_S)),
        )
    except (ValueError, TypeError, AttributeError) as error:
        raise TemplateError(name or "?", str(error)) from None
    _check_names(spec)
    _check_limits(spec)
    return spec


def _check_limits(spec: TemplateSpec) -> None:
    if spec.max_examples < 1:
        raise TemplateError(
            spec.name, f"max_examples must be at least 1, not {spec.max_examples}", field="max_examples"
        )
    if not spec.time_limit_s >= 0:
        raise TemplateError(
            spec.name, f"time_limit_s must not be negative, not {spec.time_limit_s}", field="time_limit_s"
        )


def _check_names(spec: TemplateSpec) -> None:
    names = spec.slot_names()
    for name in names:
        if not name.isidentifier():
            raise TemplateError(spec.name, f"slot name '{name}' is not an identifier", field="slots")
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise TemplateError(spec.name, f"slot '{duplicated[0]}' is defined twice", field="slots")
