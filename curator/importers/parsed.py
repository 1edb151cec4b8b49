"""What a harness-log parser hands back: item records plus what the log says about the run."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from curator.errors import BadRecord
from curator.importers.bad_file import BadFileError
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
            record = to_record(raw)
            if record["item_id"] in first_seen:
                raise duplicate(record["item_id"], first_seen[record["item_id"]])
            first_seen[record["item_id"]] = where
            records.append(record)
        except RecordProblem as problem:
            if not skip_bad_lines:
                raise BadFileError(path, problem.problem, field=problem.field, where=where) from None
            skipped.append(BadRecord(line=None, field=problem.field, problem=f"{where}: {problem.problem}"))
    return records, skipped
