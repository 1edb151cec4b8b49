"""Reading a frozen dataset version file (JSON lines) into the row format of the method's TRL trainer.

SFT rows have `prompt`/`completion`, DPO rows `prompt`/`chosen`/`rejected`, KTO rows `prompt`/`completion`/`label`
(the shapes `curator export` writes); GRPO needs only `prompt`, and grades its samples against the row's `target`
(or its `completion`, the fixed answer of an SFT row) with the run's checks.

A row built from a chat-format item (or by a recipe with a system prompt) also holds `prompt_messages`: the
messages the eval rendered. The trainer renders those, not the flattened `prompt` text, so a training prompt is
the prompt the model is evaluated on.
"""

from __future__ import annotations

import json
from pathlib import Path

from curator.inference.chat import as_messages

REQUIRED = {
    "sft": ("prompt", "completion"),
    "dpo": ("prompt", "chosen", "rejected"),
    "kto": ("prompt", "completion", "label"),
    "grpo": ("prompt",),
}


class EmptyDatasetError(ValueError):
    """The dataset file has no usable rows."""


def read_rows(path: str | Path, method: str = "sft") -> list[dict]:
    """The rows of a dataset version file in the method's shape; other columns (lineage) are dropped here."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"dataset file '{path}' does not exist")
    rows = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                raise ValueError(f"{path}: line {number}: not a JSON object ({error})") from None
            rows.append(_row(record, method))
            _check_row(rows[-1], method, path, number)
    if not rows:
        raise EmptyDatasetError(f"dataset file '{path}' has zero rows: add examples to the dataset and rebuild it")
    return rows


def _row(record, method: str) -> dict:
    if not isinstance(record, dict):
        return {}
    keep = REQUIRED[method] + (("target", "input") if method == "grpo" else ())
    row = {k: record[k] for k in keep if k in record}
    messages = record.get("prompt_messages")
    if messages:
        if method == "grpo" and "input" not in row and isinstance(record.get("prompt"), str):
            row["input"] = record["prompt"]  # the item's input text, as its checks read it
        row["prompt"] = messages
    if method == "grpo" and "target" not in row and "completion" in record:
        row["target"] = record["completion"]
    return row


def _check_row(row: dict, method: str, path: Path, number: int) -> None:
    missing = [k for k in REQUIRED[method] if k not in row]
    if missing:
        needed = " and ".join(f"'{k}'" for k in REQUIRED[method])
        raise ValueError(f"{path}: line {number}: a {method} row needs {needed} (missing '{missing[0]}')")
    prompt = row["prompt"]
    if isinstance(prompt, list) and not all(
        isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str) for m in prompt
    ):
        raise ValueError(f"{path}: line {number}: field 'prompt_messages' must be a list of {{role, content}} texts")
    if not isinstance(prompt, (str, list)) or not prompt:
        raise ValueError(f"{path}: line {number}: field 'prompt' must be a non-empty text or message list")
    for name in ("completion", "chosen", "rejected"):
        value = row.get(name, "-")
        if method != "grpo" and (not value or (isinstance(value, str) and not value.strip())):
            raise ValueError(f"{path}: line {number}: field '{name}' is empty: a row must teach something")
    if method == "dpo" and row["chosen"] == row["rejected"]:
        raise ValueError(f"{path}: line {number}: field 'rejected' equals 'chosen': the pair prefers nothing")
    if method == "kto" and not isinstance(row["label"], bool):
        raise ValueError(f"{path}: line {number}: field 'label' must be true or false (got {row['label']!r})")


def to_trl_rows(rows: list[dict], conversational: bool, method: str = "sft") -> list[dict]:
    """Rows for the method's trainer: message lists when the tokenizer has a chat template, plain text otherwise.

    GRPO rows also carry `input` (the prompt as text, for checks that look at the input) and `target`, which TRL
    passes to the reward function."""
    return [_trl_row(r, conversational, method) for r in rows]


def _trl_row(row: dict, conversational: bool, method: str) -> dict:
    prompt = as_messages(row["prompt"]) if conversational else _text(row["prompt"])
    out = {"prompt": prompt}
    for key in ("completion", "chosen", "rejected"):
        if key in row and method != "grpo":
            out[key] = _assistant(row[key]) if conversational else _text(row[key])
    if method == "kto":
        out["label"] = row["label"]
    if method == "grpo":
        out["input"] = row.get("input") or _user_text(row["prompt"])
        out["target"] = _text(row["target"]) if row.get("target") is not None else None
    return out


def _assistant(value) -> list[dict]:
    return value if isinstance(value, list) else [{"role": "assistant", "content": value}]


def _user_text(prompt) -> str:
    """The user's words of a prompt, as the run's items store their input."""
    if isinstance(prompt, str):
        return prompt
    return "\n".join(m["content"] for m in prompt if m.get("role") == "user")


def _text(value) -> str:
    return value if isinstance(value, str) else "\n".join(m["content"] for m in value)
