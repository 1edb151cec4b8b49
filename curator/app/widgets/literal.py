"""Showing model output literally: no Rich markup, ANSI escapes or control characters ever reach the terminal."""

from __future__ import annotations

import re

from rich.text import Text

# C0/C1 controls (except newline and tab), DEL, and bidi overrides that would reorder what follows.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

DEFAULT_LIMIT = 20_000


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def literal(value: str | None) -> str:
    """The text with every control character written out as an escape (ESC becomes `\\x1b`)."""
    if value is None:
        return ""
    return _CONTROL.sub(_escape, value.replace("\t", "    "))


def one_line(value: str | None, width: int | None = None) -> str:
    """A single-line literal snippet: newlines shown as ⏎."""
    text = literal((value or "").replace("\r\n", "\n")).replace("\n", " ⏎ ")
    return text if width is None else text[:width]


def clipped(value: str | None, limit: int | None = DEFAULT_LIMIT) -> tuple[str, int]:
    """The first `limit` characters of the text and how many were left out (None: all of it)."""
    value = value or ""
    if limit is None or len(value) <= limit:
        return value, 0
    return value[:limit], len(value) - limit


def literal_text(value: str | None, style: str = "") -> Text:
    """A Rich Text that shows `value` as typed (never parsed as markup)."""
    return Text(literal(value), style=style)
