"""The CoT share of a build: a set share of rows keep their <think> block (and their prompt asks for thinking);
the others become direct answers with <think> removed and the switch taken out of the prompt."""

from __future__ import annotations

import random
import re

from curator.errors import CuratorError

_THINK = re.compile(r"<think>.*?</think>\s*", re.S)
COMPLETION_FIELDS = ("completion", "chosen", "rejected")


def has_think(row: dict) -> bool:
    """A row thinks when its (chosen) completion holds a <think> block."""
    text = row.get("completion") if "completion" in row else row.get("chosen")
    return bool(_THINK.search(text or ""))


def _without_switch(prompt: str, switch: str) -> str:
    kept = [line for line in prompt.split("\n") if line.strip() != switch]
    return "\n".join(kept).strip("\n")


def _edit_prompt(row: dict, edit) -> dict:
    """The row with `edit` applied to its prompt text and, when it has messages, to its last user turn."""
    out = row | {"prompt": edit(row["prompt"])}
    messages = [dict(m) for m in row.get("prompt_messages") or []]
    users = [i for i, m in enumerate(messages) if m.get("role") == "user"]
    if users:
        messages[users[-1]]["content"] = edit(str(messages[users[-1]].get("content", "")))
        out["prompt_messages"] = messages
    return out


def _thinking(row: dict, switch: str) -> dict:
    return _edit_prompt(row, lambda prompt: f"{_without_switch(prompt, switch)}\n{switch}")


def _direct(row: dict, switch: str) -> dict:
    out = _edit_prompt(row, lambda prompt: _without_switch(prompt, switch))
    for name in COMPLETION_FIELDS:
        if isinstance(row.get(name), str):
            out[name] = _THINK.sub("", row[name]).strip()
    return out


def apply_cot_share(rows: list[dict], share: float | None, switch: str, seed: int) -> list[dict]:
    """round(share × rows) rows keep <think> (with the switch line); the rest answer directly. Order is kept."""
    if share is None:
        return rows
    wanted = round(share * len(rows))
    thinking = [i for i, row in enumerate(rows) if has_think(row)]
    if wanted > len(thinking):
        raise CuratorError(
            f"cot_share {share:.0%} asks for {wanted} of {len(rows)} rows with <think>, "
            f"but only {len(thinking)} picked rows have one"
        )
    keep = set(random.Random(f"{seed}:cot").sample(thinking, wanted))
    return [_thinking(row, switch) if i in keep else _direct(row, switch) for i, row in enumerate(rows)]


def cot_share_of(rows: list[dict]) -> float:
    """The share of rows that keep a <think> block."""
    return sum(1 for row in rows if has_think(row)) / len(rows) if rows else 0.0
