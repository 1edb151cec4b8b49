"""Generic JSONL / CSV / Parquet files: choosing the field mapping and reading records one by one when needed.

The bulk path (one INSERT over DuckDB's readers) lives in `curator.storage.imports`; this module holds the
careful path used for `--skip-bad-lines`, for files DuckDB cannot number by line (a BOM, blank lines), and
to name the bad line when the bulk path stops.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from curator.errors import BadInputError, BadRecord
from curator.importers import lines
from curator.importers.bad_file import BadFileError, shown, visible
from curator.importers.mapping import FieldMapping, RecordProblem, has_path, map_record, split_path

OPTION_OF_ROLE = {
    "input": "--input",
    "target": "--target",
    "output": "--output",
    "id": "--id",
    "split": "--split-field",
}
FIELDS_SHOWN = 12


def delimiter_for(path: Path) -> str:
    return "\t" if path.suffix.lower() == ".tsv" else ","


def field_names(path: Path, fmt: str) -> list[str]:
    """The top-level field names of the file's first record (CSV header, Parquet schema)."""
    if fmt == "csv":
        return lines.csv_header(path, delimiter_for(path))
    if fmt == "parquet":
        return lines.parquet_columns(path)
    first_problem = None
    for line, value in lines.json_lines(path):
        if isinstance(value, dict):
            return list(value)
        if first_problem is None:
            first_problem = (line, value if isinstance(value, RecordProblem) else None)
    if first_problem and first_problem[1]:
        line, problem = first_problem
        raise BadInputError(path, problem.problem, line=line, field=problem.field)
    return []


def resolve_mapping(path: Path, fmt: str, mapping: FieldMapping) -> FieldMapping:
    """The user's mapping with conventional names filled in; an error when nothing can be the input."""
    names = field_names(path, fmt)
    for role, dotted in mapping.roles().items():
        _check_field_exists(path, fmt, names, role, dotted)
    resolved = mapping.with_defaults(names)
    if not resolved.input:
        shown = ", ".join(names[:12]) or "none"
        raise BadInputError(
            path, f"no input field: name one with --input (fields in the first record: {shown})", line=1, field="input"
        )
    for role, dotted in resolved.roles().items():
        if '"' in dotted or "'" in dotted:
            raise BadFileError(path, f"the --{role} path {dotted!r} has a quote in it", field=dotted)
    return resolved


def _check_field_exists(path: Path, fmt: str, names: list[str], role: str, dotted: str) -> None:
    """Refuse a mapped field that no record has, listing the fields there are (a typo would empty a whole role)."""
    parts = split_path(dotted)
    if fmt in ("csv", "parquet"):
        if len(parts) == 1 and parts[0] in names or fmt == "parquet" and parts and parts[0] in names:
            return
        nearby = names
    else:
        first, nearby = None, names
        for _, value in lines.json_lines(path):
            if isinstance(value, dict):
                first = value
                break
        if first is not None and has_path(first, dotted):
            return
        if first is not None:
            nearby = _fields_near(first, parts)
        if any(isinstance(v, dict) and has_path(v, dotted) for _, v in lines.json_lines(path)):
            return
    listed = ", ".join(visible(n) for n in nearby[:FIELDS_SHOWN]) + (", ..." if len(nearby) > FIELDS_SHOWN else "")
    raise BadFileError(
        path,
        f"no record has the field {shown(dotted)} named by {OPTION_OF_ROLE[role]} (fields: {listed or 'none'})",
        field=visible(dotted),
    )


def _fields_near(record: dict, parts: list[str]) -> list[str]:
    """The dotted names one level below the deepest part of `parts` that the record has."""
    value, prefix = record, ""
    for part in parts:
        if isinstance(value, dict) and part in value and isinstance(value[part], (dict, list)):
            value, prefix = value[part], f"{prefix}{part}."
        else:
            break
    keys = list(value) if isinstance(value, dict) else [str(n) for n in range(len(value))]
    return [f"{prefix}{key}" for key in keys]


def needs_careful_path(path: Path, fmt: str) -> bool:
    """JSON lines with a BOM are read record by record (DuckDB refuses the BOM)."""
    return fmt == "jsonl" and lines.has_bom(path)


def lines_match_records(path: Path, fmt: str, records: int) -> bool:
    """Whether the bulk reader's record numbers are line numbers.

    False for JSON lines with blank lines, and for CSV with blank lines or a quoted field over several lines:
    DuckDB skips or joins those lines without counting them.
    """
    if fmt == "jsonl":
        return lines.count_lines(path) == records
    if fmt == "csv":
        return lines.count_lines(path) == records + 1
    return True


def source_rows(path: Path, fmt: str) -> Iterator[tuple[int, object]]:
    if fmt == "csv":
        return lines.csv_rows(path, delimiter_for(path))
    if fmt == "parquet":
        return lines.parquet_rows(path)
    return lines.json_lines(path)


def mapped_records(path: Path, fmt: str, mapping: FieldMapping) -> Iterator[tuple[int, dict | RecordProblem]]:
    """(line, item record or the problem with it) for every record, duplicates of an earlier id included."""
    first_line_of: dict[str, int] = {}
    id_field = mapping.id or "id"
    for position, (line, row) in enumerate(source_rows(path, fmt)):
        if isinstance(row, RecordProblem):
            yield line, row
            continue
        try:
            record = map_record(_plain(row), mapping, position)
        except RecordProblem as problem:
            yield line, problem
            continue
        if record["item_id"] in first_line_of:
            yield (
                line,
                RecordProblem(
                    id_field,
                    f"duplicate item id {shown(record['item_id'])} (also on line {first_line_of[record['item_id']]})",
                ),
            )
            continue
        first_line_of[record["item_id"]] = line
        record["source_line"] = line
        yield line, record


def _plain(row):
    """Parquet rows may hold values JSON has no type for (dates, bytes): make them JSON-shaped."""
    return json.loads(json.dumps(row, default=str)) if isinstance(row, dict) else row


class RecordStream:
    """The good records of a file in batches; bad ones raise BadInputError, or with `skip_bad_lines` are listed."""

    def __init__(self, path: Path, fmt: str, mapping: FieldMapping, skip_bad_lines: bool, batch_size: int = 20_000):
        self.path, self.fmt, self.mapping = path, fmt, mapping
        self.skip_bad_lines, self.batch_size = skip_bad_lines, batch_size
        self.skipped: list[BadRecord] = []

    def batches(self) -> Iterator[list[dict]]:
        batch: list[dict] = []
        for line, record in mapped_records(self.path, self.fmt, self.mapping):
            if isinstance(record, RecordProblem):
                if not self.skip_bad_lines:
                    raise BadInputError(self.path, record.problem, line=line, field=record.field)
                self.skipped.append(BadRecord(line=line, field=record.field, problem=record.problem))
                continue
            batch.append(record)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch


def first_problem(path: Path, fmt: str, mapping: FieldMapping) -> BadInputError | None:
    """The error for the first bad record of the file, or None when every record reads."""
    for line, record in mapped_records(path, fmt, mapping):
        if isinstance(record, RecordProblem):
            return BadInputError(path, record.problem, line=line, field=record.field)
    return None
