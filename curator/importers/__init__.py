"""Importers for eval logs: lm-evaluation-harness, Inspect AI, promptfoo, generic JSONL/CSV/Parquet."""

from curator.importers.detect import FORMATS, detect_format
from curator.importers.importer import ImportResult, SplitOptions, import_file
from curator.importers.mapping import FieldMapping

__all__ = ["FORMATS", "FieldMapping", "ImportResult", "SplitOptions", "detect_format", "import_file"]
