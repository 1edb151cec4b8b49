"""Outputs that stopped at the token limit: never replayed as passing examples.

An output cut at `max_new_tokens` is a ramble stopped mid-sentence; replaying it teaches the model to ramble. A
run Curator generated stores its `max_new_tokens`; an output is cut when the run's own tokenizer counts at least
`max_new_tokens - 1` tokens in it (one token of slack: decoding and re-encoding may merge two tokens, and an output
that ended by itself spent one of its tokens on the end-of-sequence token, which the stored text leaves out). An
imported item is cut when its metadata names a length stop (`stop_reason` or `finish_reason`: max_tokens, length).
"""

from __future__ import annotations

from curator.storage.runs import RunRow
from curator.workspace import Workspace

LENGTH_STOPS = ("max_tokens", "length", "max_new_tokens", "model_length")


def _stopped_by_metadata(metadata: dict) -> bool:
    reasons = [metadata.get("stop_reason"), metadata.get("finish_reason")]
    return any(isinstance(r, str) and r.lower() in LENGTH_STOPS for r in reasons)


def _token_counter(ws: Workspace, run: RunRow):
    """A function counting the run's model's tokens in a text, or None when the model folder is not here."""
    folder = ws.resolve_path(run.model) if run.model else None
    if folder is None or not (folder / "tokenizer_config.json").is_file():
        return None
    from transformers import AutoTokenizer  # ~3.5 s, only when a build replays a generated run's outputs

    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    return lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"])


def cut_at_limit(ws: Workspace, run: RunRow, items: list[dict]) -> set[int]:
    """The item keys whose output stopped at the run's token limit (items: item_key, output, metadata)."""
    cut = {item["item_key"] for item in items if _stopped_by_metadata(item.get("metadata") or {})}
    limit = ((run.settings or {}).get("generation") or {}).get("max_new_tokens")
    counter = _token_counter(ws, run) if isinstance(limit, int) and limit > 0 else None
    if counter is not None:
        cut |= {item["item_key"] for item in items if item.get("output") and counter(item["output"]) >= limit - 1}
    return cut
