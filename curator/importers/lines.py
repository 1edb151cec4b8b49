"""Reading text files line by line with a precise account of what is wrong where (the careful, slow path)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

from curator.errors import BadInputError
from curator.importers.bad_file import BadFileError, shown, visible
from curator.importers.mapping import RecordProblem

BOM = b"\xef\xbb\xbf"
CHUNK = 1 << 24
# The largest record read; DuckDB's bulk reader stops near 32 MB and hands such files to this careful reader.
MAX_RECORD_BYTES = 1 << 30
# Deeper records are refused on both paths: Python's parser and every recursive walk of a record stop near 1000.
MAX_DEPTH = 200
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def has_bom(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(3) == BOM


def count_lines(path: Path) -> int:
    """How many lines the file has (a last line without a newline counts)."""
    count, last = 0, b"\n"
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def decoded_lines(path: Path) -> Iterator[tuple[int, str | RecordProblem]]:
    """(line number, text) for each line; a RecordProblem where a line is not UTF-8. A leading BOM is dropped."""
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            if number == 1 and raw.startswith(BOM):
                raw = raw[len(BOM) :]
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield (
                    number,
                    RecordProblem(None, f"not UTF-8 text (byte 0x{raw[error.start]:02x} at column {error.start + 1})"),
                )


def json_lines(path: Path) -> Iterator[tuple[int, object]]:
    """(line number, parsed value or RecordProblem) for each non-blank line of a JSON-lines file."""
    for number, text in decoded_lines(path):
        if isinstance(text, RecordProblem):
            yield number, text
        elif text.strip():
            yield number, parse_json_line(text)


def parse_json_line(text: str):
    """One record as DuckDB's bulk reader sees it (a repeated key keeps its first value), or its RecordProblem."""
    if len(text) > MAX_RECORD_BYTES:
        return RecordProblem(None, f"the record is {len(text) >> 20} MB, over the {MAX_RECORD_BYTES >> 20} MB limit")
    if nesting_depth(text) > MAX_DEPTH:
        return RecordProblem(None, f"nested more than {MAX_DEPTH} levels deep")
    try:
        value = json.loads(text, object_pairs_hook=_first_value_wins)
    except json.JSONDecodeError as error:
        ending = "" if text.endswith("\n") else " (the file ends mid-record: is the last line cut short?)"
        return RecordProblem(None, f"invalid JSON: {error.msg} at column {error.colno}{ending}")
    except RecursionError:
        return RecordProblem(None, f"nested more than {MAX_DEPTH} levels deep")
    if SURROGATE_ESCAPE.search(text):
        return _lone_surrogate(value) or value
    return value


def _first_value_wins(pairs: list[tuple[str, object]]) -> dict:
    record: dict = {}
    for key, value in pairs:
        record.setdefault(key, value)
    return record


def nesting_depth(text: str) -> int:
    """How deep brackets nest in a JSON text, brackets inside strings aside; counted without recursion."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0  # cannot nest deeper than the limit: the common case, decided without a scan
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _lone_surrogate(value) -> RecordProblem | None:
    """The problem of a record holding a lone UTF-16 surrogate escape (not a character), naming its field."""
    fields = value.items() if isinstance(value, dict) else [(None, value)]
    for field, inner in fields:
        try:
            json.dumps(inner, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as error:
            code = ord(error.object[error.start])
            return RecordProblem(field, f"text holds a lone surrogate \\u{code:04x} (not a Unicode character)")
    return None


def csv_rows(path: Path, delimiter: str) -> Iterator[tuple[int, object]]:
    """(first line of the row, row dict or RecordProblem) for each data row of a CSV file with a header line.

    Blank lines are skipped (as DuckDB's reader does); a quoted field may span lines, so a row is numbered by the
    line it starts on.
    """
    for number, text in decoded_lines(path):
        if isinstance(text, RecordProblem):
            yield number, text
            return
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader, None)
        if not header:
            return
        ended = reader.line_num
        for row in reader:
            start, ended = ended + 1, reader.line_num
            if not row:
                continue
            if len(row) != len(header):
                yield start, RecordProblem(None, f"has {len(row)} fields but the header has {len(header)}")
            else:
                yield start, {k: (v if v != "" else None) for k, v in zip(header, row, strict=False)}


def csv_header(path: Path, delimiter: str) -> list[str]:
    """The header row; a BadFileError when it names a column twice (the two paths would each pick another)."""
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as f:
        header = next(csv.reader(f, delimiter=delimiter), [])
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise BadInputError(path, f"the header names column {shown(name)} twice", line=1, field=visible(name))
        seen.add(name)
    return header


def parquet_rows(path: Path) -> Iterator[tuple[int, object]]:
    """(row number, row dict) for each row of a Parquet file."""
    import pyarrow.parquet as pq  # pyarrow.parquet costs ~0.2 s to import; only this slow path needs it

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000):
        for row in batch.to_pylist():
            number += 1
            yield number, row


def parquet_columns(path: Path) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq  # see parquet_rows

    try:
        return list(pq.read_schema(path).names)
    except (pa.ArrowInvalid, OSError) as error:
        raise BadFileError(path, f"not a readable Parquet file ({str(error).splitlines()[0]})") from None
