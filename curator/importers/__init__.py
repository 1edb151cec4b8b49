"""Importers for eval logs: lm-evaluation-harness, Inspect AI, promptfoo, generic JSONL/CSV/Parquet."""
