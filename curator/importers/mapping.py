"""Field mappings for generic files: which dotted path holds the input, target, output, id and split."""

from __future__ import annotations

from dataclasses import dataclass, replace

from curator.importers.messages import normalise_messages, render_messages

# Field names tried, in order, when the user maps nothing.
INPUT_NAMES = ("input", "prompt", "question", "messages", "instruction", "query")
TARGET_NAMES = ("target", "answer", "expected", "reference", "ground_truth", "label", "gold")
OUTPUT_NAMES = ("output", "response", "completion", "prediction", "model_output", "generation")
ID_NAMES = ("id", "item_id", "key", "uid", "idx", "doc_id")

SPLIT_NAMES = {"dev": "dev", "held_out": "held_out", "held-out": "held_out"}


class RecordProblem(Exception):
    """One record is unusable: which field and why (the caller adds the file and line)."""

    def __init__(self, field: str | None, problem: str):
        super().__init__(problem)
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class FieldMapping:
    """Dotted paths (`a.b.0.c`) to the fields of one record; None means not mapped."""

    input: str | None = None
    target: str | None = None
    output: str | None = None
    id: str | None = None
    split: str | None = None

    def roles(self) -> dict[str, str]:
        """Mapped role -> dotted path, for the roles that are mapped."""
        pairs = {"input": self.input, "target": self.target, "output": self.output, "id": self.id, "split": self.split}
        return {role: path for role, path in pairs.items() if path}

    def with_defaults(self, field_names: list[str]) -> FieldMapping:
        """Fill unmapped roles from conventional field names present in `field_names`."""

        def pick(current: str | None, names: tuple[str, ...]) -> str | None:
            return current or next((n for n in names if n in field_names), None)

        return replace(
            self,
            input=pick(self.input, INPUT_NAMES),
            target=pick(self.target, TARGET_NAMES),
            output=pick(self.output, OUTPUT_NAMES),
            id=pick(self.id, ID_NAMES),
        )

    def top_level_keys(self) -> list[str]:
        """Top-level keys consumed whole by a mapping (left out of item metadata)."""
        return sorted({path for path in self.roles().values() if "." not in path})


def split_path(path: str) -> list[str]:
    return [part for part in path.split(".") if part != ""]


def lookup(record: dict, path: str):
    """The value at a dotted path, or None when any step is missing; digits index lists."""
    value = record
    for part in split_path(path):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
        if value is None:
            return None
    return value


def has_path(record: dict, path: str) -> bool:
    """Whether the record has the dotted path at all (a null value counts as having it)."""
    value = record
    for part in split_path(path):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return False
    return True


def type_name(value) -> str:
    """How a JSON value's type reads in an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def scalar_text(value) -> str:
    """A number or boolean as the text it was written as in JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def map_record(record, mapping: FieldMapping, position: int) -> dict:
    """One source record as an item record; raises RecordProblem naming the field when it does not fit."""
    if not isinstance(record, dict):
        raise RecordProblem(None, f"expected a JSON object, got {type_name(record)}")
    roles = mapping.roles()
    item = {"source_line": None, "metadata": _metadata(record, mapping)}
    item.update(_input(record, roles["input"]))
    item["target"] = _text_or_scalar(record, roles.get("target"), "target")
    item["output"] = _text(record, roles.get("output"))
    item["item_id"] = _item_id(record, roles.get("id"), position)
    item["split"] = _split(record, roles.get("split"))
    return item


def _input(record: dict, path: str) -> dict:
    value = lookup(record, path)
    if value is None:
        raise RecordProblem(path, "missing (every item needs an input)")
    if isinstance(value, str):
        return {"input": value, "input_messages": None}
    if isinstance(value, list):
        try:
            messages = normalise_messages(value)
        except ValueError as error:
            raise RecordProblem(path, str(error)) from None
        return {"input": render_messages(messages), "input_messages": messages}
    raise RecordProblem(path, f"expected text or a list of chat messages, got {type_name(value)}")


def _text(record: dict, path: str | None) -> str | None:
    value = lookup(record, path) if path else None
    if value is None or isinstance(value, str):
        return value
    raise RecordProblem(path, f"expected text, got {type_name(value)}")


def _text_or_scalar(record: dict, path: str | None, role: str) -> str | None:
    value = lookup(record, path) if path else None
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, bool)):
        return scalar_text(value)
    raise RecordProblem(path, f"expected text or a number, got {type_name(value)}")


def _item_id(record: dict, path: str | None, position: int) -> str:
    if not path:
        return str(position)
    value = lookup(record, path)
    if value is None:
        raise RecordProblem(path, "missing (the id field is mapped, so every item needs one)")
    if isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return scalar_text(value)
    raise RecordProblem(path, f"expected text or a number as the item id, got {type_name(value)}")


def _split(record: dict, path: str | None) -> str:
    if not path:
        return "dev"
    value = lookup(record, path)
    if isinstance(value, str) and value in SPLIT_NAMES:
        return SPLIT_NAMES[value]
    shown = repr(value) if isinstance(value, str) else type_name(value)
    raise RecordProblem(path, f"{shown} is not a split (use dev or held_out)")


def _metadata(record: dict, mapping: FieldMapping) -> dict:
    consumed = set(mapping.top_level_keys())
    return {key: value for key, value in record.items() if key not in consumed}
