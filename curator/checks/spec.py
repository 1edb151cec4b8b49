"""Check specs: the `[[check]]` records of a TOML file, parsed and validated into CheckSpecs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

from curator.checks import regex_rules
from curator.checks.judging.options import JUDGE_OPTIONS, check_judge_options
from curator.checks.learned.options import LEARNED_OPTIONS, check_learned_options
from curator.checks.options import REQUIRED, RULE_OPTION_CHECKS, RULE_OPTIONS, OptionProblem, string_problem
from curator.checks.reward_table import rewards_from_document
from curator.checks.toml_input import CheckSpecError, parse_toml, read_spec_file

__all__ = [
    "COMMON_KEYS",
    "FIELDS",
    "KINDS",
    "MODEL_GRADED_KINDS",
    "CheckSpec",
    "CheckSpecError",
    "load_spec",
    "load_spec_text",
    "validate_specs",
]

MODEL_GRADED_KINDS = ("judge", "learned")
"""Kinds a model grades: a judge (a generative model and a rubric) and a grader learned from the analyst's labels."""
KIND_OPTIONS: dict[str, dict[str, object]] = {**RULE_OPTIONS, "judge": JUDGE_OPTIONS, "learned": LEARNED_OPTIONS}
"""Options each kind accepts, with their defaults (None: optional; REQUIRED: must be given)."""
OPTION_CHECKS = {**RULE_OPTION_CHECKS, "judge": check_judge_options, "learned": check_learned_options}
KINDS = tuple(KIND_OPTIONS)
FIELDS = ("output", "target", "input")
COMMON_KEYS = ("name", "kind", "field", "when_input", "unless_input")


@dataclass(frozen=True)
class CheckSpec:
    """One check: what it is called, its kind, its options, the field it grades and when it applies."""

    name: str
    kind: str
    options: dict = dataclass_field(default_factory=dict)
    field: str = "output"
    when_input: str | None = None
    unless_input: str | None = None

    def to_json(self) -> str:
        """The spec as stored in the `checks` table."""
        return json.dumps(
            {
                "name": self.name,
                "kind": self.kind,
                "field": self.field,
                "when_input": self.when_input,
                "unless_input": self.unless_input,
                "options": self.options,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> CheckSpec:
        data = json.loads(text)
        return cls(
            name=data["name"],
            kind=data["kind"],
            options=data.get("options") or {},
            field=data.get("field") or "output",
            when_input=data.get("when_input"),
            unless_input=data.get("unless_input"),
        )


def load_spec(path: Path | str) -> list[CheckSpec]:
    """The checks of a TOML spec file; CheckSpecError names what is wrong and where."""
    return load_spec_text(read_spec_file(path), Path(path))


def load_spec_text(text: str, origin: Path | str = "<checks>") -> list[CheckSpec]:
    """The checks of TOML text; `origin` names it in errors and anchors `schema_file` paths. A `[rewards]` table
    in the same text is checked too, so a bad weight is refused wherever the file is used."""
    data = parse_toml(text, origin)
    records = data.get("check")
    if not isinstance(records, list) or not records or not all(isinstance(r, dict) for r in records):
        raise CheckSpecError(origin, "no checks: write one `[[check]]` table per check", field="check")
    locator = _Locator(text)
    specs = [_parse_record(record, index, origin, locator) for index, record in enumerate(records, start=1)]
    for index, spec in enumerate(specs, start=1):
        if any(other.name == spec.name for other in specs[: index - 1]):
            raise CheckSpecError(
                origin,
                f"duplicate check name '{spec.name}'",
                record=f"{index} ('{spec.name}')",
                line=locator.line_of(index, "name"),
                field="name",
            )
    rewards_from_document(data, text, origin, [spec.name for spec in specs])
    return specs


def validate_specs(specs: list[CheckSpec], origin: Path | str = "<checks>") -> list[CheckSpec]:
    """The specs with defaults filled in; CheckSpecError for specs built in Python that a TOML file could not hold."""
    seen: set[str] = set()
    checked = []
    for index, spec in enumerate(specs, start=1):
        record = {"name": spec.name, "kind": spec.kind, "field": spec.field, **spec.options}
        for key in ("when_input", "unless_input"):
            if getattr(spec, key) is not None:
                record[key] = getattr(spec, key)
        checked.append(_parse_record(record, index, origin, None, resolve_files=False))
        if spec.name in seen:
            raise CheckSpecError(
                origin, f"duplicate check name '{spec.name}'", record=f"{index} ('{spec.name}')", field="name"
            )
        seen.add(spec.name)
    return checked


class _Locator:
    """Finds the line of the n-th `[[check]]` header and of a key inside it, for error messages."""

    _HEADER = re.compile(r"^\s*\[\[\s*check\s*\]\]")

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers = [i for i, line in enumerate(self.lines) if self._HEADER.match(line)]

    def line_of(self, index: int, key: str | None) -> int | None:
        if index > len(self.headers):
            return None
        start = self.headers[index - 1]
        end = self.headers[index] if index < len(self.headers) else len(self.lines)
        if key:
            key_line = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
            for i in range(start, end):
                if key_line.match(self.lines[i]):
                    return i + 1
        return start + 1


def _parse_record(record: dict, index: int, origin, locator: _Locator | None, resolve_files: bool = True) -> CheckSpec:
    name = record.get("name")
    label = f"{index} ('{name}')" if isinstance(name, str) and name else str(index)

    def fail(key: str | None, problem: str):
        line = locator.line_of(index, key) if locator else None
        raise CheckSpecError(origin, problem, record=label, line=line, field=key)

    if not isinstance(name, str) or not name.strip():
        fail("name", "every check needs a name (a non-empty string)")
    kind = record.get("kind")
    if kind not in KINDS:
        fail(
            "kind",
            f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}"
            if kind is not None
            else f"missing; use one of: {', '.join(KINDS)}",
        )
    allowed = KIND_OPTIONS[kind]
    for key in record:
        if key not in COMMON_KEYS and key not in allowed:
            fail(key, f"unknown key for kind '{kind}'; it takes: {', '.join([*COMMON_KEYS, *allowed])}")
    field_name = record.get("field", "output")
    if field_name not in FIELDS:
        fail("field", f"must be one of {', '.join(FIELDS)}, not {field_name!r}")
    conditions = {}
    for key in ("when_input", "unless_input"):
        value = record.get(key)
        if value is not None:
            problem = string_problem(value) or regex_rules.regex_problem(value)
            if problem:
                fail(key, problem)
        conditions[key] = value
    options = {}
    for key, default in allowed.items():
        if key in record:
            options[key] = record[key]
        elif default is REQUIRED:
            fail(key, f"a {kind} check needs '{key}'")
        elif default is not None:
            options[key] = default
    try:
        options = OPTION_CHECKS[kind](options, Path(str(origin)).parent, resolve_files)
    except OptionProblem as problem:
        fail(problem.key, problem.text)
    return CheckSpec(name=name, kind=kind, options=options, field=field_name, **conditions)
