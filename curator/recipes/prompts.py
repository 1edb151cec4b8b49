"""The prompt a training row is trained on is the prompt the eval showed the model.

A chat-format item keeps its messages (`items.input_messages`); its `input` is only their flattened text. Rows
drawn from such an item (replay, samples, pairs, labels) carry the messages as `prompt_messages`, which the trainer
uses instead of `prompt`; the recipe's `system_prompt` is then put in front of every row's messages (a row whose
messages already hold a system turn keeps its own). `prompt` stays the text: the held-out guard and the manifest
read it.
"""

from __future__ import annotations

from curator.inference.chat import as_messages
from curator.storage import datasets as dataset_queries
from curator.workspace import Workspace


def attach_messages(ws: Workspace, rows: list[dict]) -> list[dict]:
    """Rows whose source item came as chat messages get them as `prompt_messages` (unless their prompt was edited
    away from the item's input, or they already carry messages)."""
    by_run: dict[int, dict] = {}
    out = []
    for row in rows:
        run_id, key = row.get("source_run_id"), row.get("source_item_key")
        if row.get("prompt_messages") or run_id is None or key is None:
            out.append(row)
            continue
        if run_id not in by_run:
            by_run[run_id] = dataset_queries.item_prompts(ws.db, run_id)
        text, messages = by_run[run_id].get(key, (None, None))
        out.append(row | {"prompt_messages": messages} if messages and text == row["prompt"] else row)
    return out


def apply_system_prompt(rows: list[dict], system_prompt: str | None) -> list[dict]:
    """Every row's prompt as messages with the recipe's system turn first (rows are unchanged without one)."""
    if not system_prompt:
        return rows
    return [
        row | {"prompt_messages": as_messages(row.get("prompt_messages") or row["prompt"], system_prompt)}
        for row in rows
    ]
