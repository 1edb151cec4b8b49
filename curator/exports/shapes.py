"""Row shapes the trainers read: SFT prompt/completion, chat messages, DPO pairs, KTO labels."""

from __future__ import annotations

from curator.errors import CuratorError

SHAPES = ("sft", "chat", "dpo", "kto")
LINEAGE_KEYS = ("source", "source_kind", "example_id", "template", "bucket", "source_run_id", "source_item_key", "seed")


def _lineage(row: dict) -> dict:
    return {k: row[k] for k in LINEAGE_KEYS if k in row}


def _messages(prompt: str, system_prompt: str | None, prompt_messages: list | None = None) -> list[dict]:
    turns = [{"role": m["role"], "content": m["content"]} for m in prompt_messages or []]
    turns = turns or [{"role": "user", "content": prompt}]
    has_system = turns[0]["role"] == "system"
    return ([] if has_system or not system_prompt else [{"role": "system", "content": system_prompt}]) + turns


def sft_rows(rows: list[dict]) -> list[dict]:
    """prompt/completion rows (TRL's standard prompt-completion format), lineage kept beside them."""
    return [{"prompt": r["prompt"], "completion": r["completion"]} | _lineage(r) for r in rows]


def chat_rows(rows: list[dict], system_prompt: str | None = None) -> list[dict]:
    """Conversational rows: `messages` = [system?] + user prompt + assistant completion."""
    return [
        {
            "messages": _messages(r["prompt"], system_prompt, r.get("prompt_messages"))
            + [{"role": "assistant", "content": r["completion"]}]
        }
        | _lineage(r)
        for r in rows
    ]


def run_sft_rows(items: list[dict]) -> list[dict]:
    """Dev items with a target: the corrected target is the completion."""
    return [
        {"prompt": i["input"], "completion": i["target"], "source_item_key": i["item_key"]}
        for i in items
        if i["target"]
    ]


def dpo_rows(items: list[dict]) -> list[dict]:
    """Failing dev items: chosen is the corrected target, rejected the failing output."""
    return [
        {"prompt": i["input"], "chosen": i["target"], "rejected": i["output"], "source_item_key": i["item_key"]}
        for i in items
        if i["passed"] is False and i["target"] and i["output"] and i["target"] != i["output"]
    ]


def kto_rows(items: list[dict]) -> list[dict]:
    """Unpaired rows: each graded output labelled by its checks, plus the corrected target of each failure as good."""
    out = []
    for i in items:
        if i["passed"] is None or not i["output"]:
            continue
        out.append(
            {
                "prompt": i["input"],
                "completion": i["output"],
                "label": bool(i["passed"]),
                "source_item_key": i["item_key"],
            }
        )
        if i["passed"] is False and i["target"] and i["target"] != i["output"]:
            out.append(
                {"prompt": i["input"], "completion": i["target"], "label": True, "source_item_key": i["item_key"]}
            )
    return out


def require_rows(rows: list[dict], shape: str, what: str) -> list[dict]:
    if not rows:
        hint = {
            "dpo": "failing dev items with a target and an output",
            "kto": "dev items with an output and check results",
        }.get(shape, "dev items with a target")
        raise CuratorError(f"{what} has no rows for '{shape}' (needs {hint})")
    return rows
