"""Reading text files line by line with a precise account of what is wrong where (the careful, slow path)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from curator.importers.bad_file import BadFileError
from curator.importers.mapping import RecordProblem

BOM = b"\xef\xbb\xbf"
CHUNK = 1 << 24


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
            yield number, _parse_json_line(text)


def _parse_json_line(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        ending = "" if text.endswith("\n") else " (the file ends mid-record: is the last line cut short?)"
        return RecordProblem(None, f"invalid JSON: {error.msg} at column {error.colno}{ending}")


def csv_rows(path: Path, delimiter: str) -> Iterator[tuple[int, object]]:
    """(line number, row dict or RecordProblem) for each data row of a CSV file with a header line."""
    for number, text in decoded_lines(path):
        if isinstance(text, RecordProblem):
            yield number, text
            return
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader, None)
        if not header:
            return
        for row in reader:
            if len(row) != len(header):
                yield reader.line_num, RecordProblem(None, f"has {len(row)} fields but the header has {len(header)}")
            else:
                yield reader.line_num, {k: (v if v != "" else None) for k, v in zip(header, row, strict=False)}


def csv_header(path: Path, delimiter: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as f:
        return next(csv.reader(f, delimiter=delimiter), [])


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
