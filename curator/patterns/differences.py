"""What an output got wrong against its target, as a short text to embed and cluster on (the failing span)."""

from __future__ import annotations

import difflib
import re

# How much of target and output is compared: a failure's difference shows in its first few thousand characters.
SCAN_CHARS = 4000
# The longest difference text kept (embedding models read a few hundred words at most).
MAX_CHARS = 1000
# Tags (`<display_weather>`), words, and single symbols (emoji, punctuation) are the units compared.
_TOKEN = re.compile(r"</?[A-Za-z_][\w.-]{0,63}>|\w+|[^\w\s]")


def difference_text(target: str | None, output: str | None) -> str:
    """`missing …`, `extra …` and `wrong … for …` for each stretch where output and target part.

    Without a target (or when the two agree) there is no span to point at: the output itself is what failed.
    """
    output = (output or "")[:SCAN_CHARS]
    if not target:
        return f"output {output}"[:MAX_CHARS]
    a, b = _TOKEN.findall(target[:SCAN_CHARS]), _TOKEN.findall(output)
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old, new = " ".join(a[a1:a2]), " ".join(b[b1:b2])
        if op == "delete":
            parts.append(f"missing {old}")
        elif op == "insert":
            parts.append(f"extra {new}")
        elif op == "replace":
            parts.append(f"wrong {new} for {old}")
    return (" ; ".join(parts) or f"output {output}")[:MAX_CHARS]
