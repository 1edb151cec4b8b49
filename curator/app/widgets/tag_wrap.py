"""Wrapping that never breaks inside a markup tag: lines end at spaces or between tags (`</think>|<answer>`)."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text

# A tag (`<answer>`, `</display_weather>`), a run of spaces, a newline, or a run of anything else up to a tag start.
_TOKEN = re.compile(r"\n|[ \t]+|</?[A-Za-z_][\w.-]{0,63}>|[^\s<]+|<")


def tag_safe_offsets(plain: str, width: int) -> list[int]:
    """Where to break `plain` into lines of at most `width` cells: only at newlines, spaces and tag edges
    (a single token longer than the line is the one thing cut)."""
    breaks: list[int] = []
    column = 0
    for match in _TOKEN.finditer(plain):
        token, start = match.group(), match.start()
        if token == "\n":
            column = 0
            continue
        size = cell_len(token)
        if token[0] in " \t":
            column += size  # spaces may hang past the edge: the next word starts the new line
            continue
        if column and column + size > width:
            breaks.append(start)
            column = 0
        while size > width:  # a token wider than the line: fold it (nothing better exists)
            cut = _fit(token, width)
            start += cut
            token = token[cut:]
            breaks.append(start)
            size = cell_len(token)
        column += size
    return breaks


def _fit(token: str, width: int) -> int:
    """How many leading characters of `token` fit in `width` cells (at least one)."""
    total = 0
    for index, char in enumerate(token):
        total += cell_len(char)
        if total > width:
            return max(1, index)
    return len(token)


def tag_safe_wrap(text: Text, width: int) -> Text:
    """`text` with its own line breaks put where `tag_safe_offsets` says, the spaces at a break dropped; Rich is
    told not to wrap again."""
    if width <= 0:
        return text
    offsets = tag_safe_offsets(text.plain, width)
    if not offsets:
        return text
    lines = text.divide(offsets)
    for index in range(len(lines) - 1):
        lines[index].rstrip()
    wrapped = Text("\n").join(lines)
    wrapped.no_wrap = True
    wrapped.overflow = "fold"
    return wrapped
