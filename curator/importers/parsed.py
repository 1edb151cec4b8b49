"""What a harness-log parser hands back: item records plus what the log says about the run."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from curator.errors import BadRecord
from curator.importers.bad_file import BadFileError, visible
from curator.importers.mapping import RecordProblem

# progress(stage, done, total): called now and then during an import; total is None when unknown.
ProgressCallback = Callable[[str, int, "int | None"], None]


@dataclass
class ParsedRun:
    """Items read from a log, in order, with the model and a default run name."""

    records: list[dict]
    default_name: str
    model: str | None = None
    skipped: list[BadRecord] = field(default_factory=list)
    settings: dict = field(default_factory=dict)


def json_safe(value):
    """A copy of `value` where non-finite floats (bare Infinity/NaN in logs) become strings: strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


# What a parser raises on a shape it did not foresee; reported as that record's problem, never as a traceback.
SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError)
TEXT_FIELDS = ("item_id", "input", "target", "output")


def checked(to_record: Callable[[object], dict], raw) -> dict:
    """`to_record(raw)`, with any shape it chokes on and any text it cannot store raised as a RecordProblem."""
    try:
        record = to_record(raw)
        for name in (*TEXT_FIELDS, "input_messages", "metadata"):
            json.dumps(record.get(name), ensure_ascii=False).encode("utf-8")
    except RecordProblem:
        raise
    except UnicodeEncodeError as error:
        code = ord(error.object[error.start])
        raise RecordProblem(name, f"text holds a lone surrogate \\u{code:04x} (not a Unicode character)") from None
    except RecursionError:
        raise RecordProblem(None, "nested too deeply") from None
    except SHAPE_ERRORS as error:
        raise RecordProblem(None, f"a shape the importer cannot read ({visible(repr(error))})") from None
    return record


def collect_records(
    path: Path,
    entries: Iterable[tuple[str, object]],
    to_record: Callable[[object], dict],
    duplicate: Callable[[str, str], RecordProblem],
    skip_bad_lines: bool,
) -> tuple[list[dict], list[BadRecord]]:
    """Records from a log's `(where, raw)` entries, which have no line numbers: item ids must be unique.

    A bad entry stops the import naming where it is, or with `skip_bad_lines` is reported and left out.
    `duplicate(item_id, first_where)` words the problem of an id seen before.
    """
    records: list[dict] = []
    skipped: list[BadRecord] = []
    first_seen: dict[str, str] = {}
    for where, raw in entries:
        try:
            record = checked(to_record, raw)
            if record["item_id"] in first_seen:
                raise duplicate(record["item_id"], first_seen[record["item_id"]])
            first_seen[record["item_id"]] = where
            records.append(record)
        except RecordProblem as problem:
            if not skip_bad_lines:
                raise BadFileError(path, problem.problem, field=problem.field, where=where) from None
            skipped.append(BadRecord(line=None, field=problem.field, problem=f"{where}: {problem.problem}"))
    return records, skipped
