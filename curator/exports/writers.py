"""Writing rows as JSONL, Parquet or a Hugging Face dataset folder, always atomically, never NaN/Infinity in JSON."""

from __future__ import annotations

from pathlib import Path

from curator.errors import CuratorError
from curator.storage.files import atomic_file, atomic_folder, finite, json_line

FILE_FORMATS = ("jsonl", "parquet", "hf")
SUFFIXES = {"jsonl": ".jsonl", "parquet": ".parquet", "hf": ""}


def write_rows(rows: list[dict], path: Path, file_format: str) -> Path:
    """Write rows to `path` (already checked by safe_destination); a failure leaves no half-written file."""
    if file_format == "jsonl":
        with atomic_file(path) as temporary, temporary.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json_line(row, ensure_ascii=False) + "\n")
    elif file_format == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        with atomic_file(path) as temporary:
            pq.write_table(pa.Table.from_pylist(finite(rows)), temporary)
    elif file_format == "hf":
        # `datasets` costs about a second to import; only this format needs it.
        from datasets import Dataset

        with atomic_folder(path) as temporary:
            Dataset.from_list(finite(rows)).save_to_disk(str(temporary))
    else:
        raise CuratorError(f"unknown file format '{file_format}' (one of {', '.join(FILE_FORMATS)})")
    return path
