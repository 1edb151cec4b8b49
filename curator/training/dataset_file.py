"""Reading a frozen dataset version file (JSON lines with `prompt` and `completion`) into TRL's format."""

from __future__ import annotations

import json
from pathlib import Path

from curator.inference.chat import as_messages


class EmptyDatasetError(ValueError):
    """The dataset file has no usable rows."""


def read_rows(path: str | Path) -> list[dict]:
    """The (prompt, completion) rows of a dataset version file; other columns (lineage) are ignored here."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"dataset file '{path}' does not exist")
    rows = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            if "prompt" not in record or "completion" not in record:
                raise ValueError(f"{path}: line {number}: a row needs 'prompt' and 'completion'")
            rows.append({"prompt": record["prompt"], "completion": record["completion"]})
    if not rows:
        raise EmptyDatasetError(f"dataset file '{path}' has zero rows: add examples to the dataset and rebuild it")
    return rows


def to_trl_rows(rows: list[dict], conversational: bool) -> list[dict]:
    """Prompt-completion rows for SFTTrainer: message lists when the tokenizer has a chat template."""
    if not conversational:
        return [{"prompt": _text(r["prompt"]), "completion": _text(r["completion"])} for r in rows]
    out = []
    for r in rows:
        completion = r["completion"]
        if not isinstance(completion, list):
            completion = [{"role": "assistant", "content": completion}]
        out.append({"prompt": as_messages(r["prompt"]), "completion": completion})
    return out


def _text(value) -> str:
    return value if isinstance(value, str) else "\n".join(m["content"] for m in value)
