"""Rows longer than `max_length` tokens, counted before training starts.

TRL does not cut such a row to fit as the setting's name suggests: it drops it (a dataset of only long rows ends
in `num_samples=0`). The child counts every row's tokens as the trainer will render it (chat template included)
and refuses to start when any is too long, saying how many and what to do.
"""

from __future__ import annotations

from curator.child.failures import JobFailure

SIDES = {"sft": ("completion",), "kto": ("completion",), "dpo": ("chosen", "rejected"), "grpo": ()}


def _tokens(tokenizer, prompt, completion, conversational: bool) -> int:
    if conversational:
        text = tokenizer.apply_chat_template(prompt + (completion or []), tokenize=False)
    else:
        text = prompt + (completion or "")
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


def row_lengths(tokenizer, rows: list[dict], conversational: bool, method: str) -> list[int]:
    """Each trainer row's longest rendering in tokens (prompt with each of its completions)."""
    sides = SIDES.get(method, ("completion",))
    return [
        max(_tokens(tokenizer, row["prompt"], row.get(side), conversational) for side in sides or (None,))
        for row in rows
    ]


def refuse_too_long(tokenizer, rows: list[dict], conversational: bool, method: str, max_length: int) -> None:
    """A JobFailure naming how many rows exceed `max_length` tokens, the longest, and the two ways out."""
    if method == "grpo":  # GRPO generates its completions; its prompts are not cut by max_length
        return
    lengths = row_lengths(tokenizer, rows, conversational, method)
    long_rows = [n for n, length in enumerate(lengths, start=1) if length > max_length]
    if long_rows:
        shown = ", ".join(str(n) for n in long_rows[:5]) + (" ..." if len(long_rows) > 5 else "")
        raise JobFailure(
            f"{len(long_rows)} of {len(rows)} rows are longer than --max-length {max_length} tokens (longest "
            f"{max(lengths)}; rows {shown}); the trainer would drop them, not cut them: raise --max-length to at "
            f"least {max(lengths)}, or shorten those rows and build the dataset again"
        )
