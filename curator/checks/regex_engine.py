"""User regular expressions in Python run on RE2 (the `google-re2` binding), the engine DuckDB runs in SQL.

RE2 never backtracks: `(a+)+$` on any text takes time linear in the text, so grading cannot hang and Ctrl-C
(checked by Python between items) keeps working. Its classes are ASCII, as in DuckDB: `\\w` is `[0-9A-Za-z_]`,
`\\d` is `[0-9]`, `\\s` is `[\\t\\n\\f\\r ]` and `\\b` sits between an ASCII word character and anything else.
Patterns RE2 rejects (look-around, back-references, `\\Z`) are refused when a spec is loaded.
"""

from __future__ import annotations

from functools import lru_cache

import re2


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every rejected pattern to stderr; the caller says it in one line
    return options


@lru_cache(maxsize=512)
def compiled(pattern: str):
    """The pattern compiled by RE2; re2.error when RE2 rejects it (callers validate specs first)."""
    return re2.compile(pattern, _options())


def rejection(pattern: str) -> str | None:
    """RE2's complaint about `pattern` in words, or None when it compiles (RE2 caps each at 8 MiB of memory)."""
    try:
        compiled(pattern)
    except re2.error as error:
        reason = error.args[0] if error.args else "rejected"
        return printable(reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason))
    return None


def printable(message: str, limit: int = 100) -> str:
    """An engine's complaint for a one-line message: control characters escaped, cut to `limit` characters (RE2
    and DuckDB quote the pattern back, newlines and all)."""
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in message)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(pattern: str, limit: int = 80) -> str:
    """A pattern quoted for a one-line message: repr, cut to about `limit` characters."""
    return repr(pattern) if len(pattern) <= limit else repr(pattern[: limit - 1]) + "…"


def search(pattern: str, text: str):
    """The leftmost match of `pattern` in `text` (offsets in characters), or None."""
    try:
        return compiled(pattern).search(text)
    except UnicodeEncodeError:  # a lone surrogate (JSON "\\ud800") cannot be UTF-8: one replacement character each
        return compiled(pattern).search(_without_surrogates(text))


def findall(pattern: str, text: str) -> list:
    """Every non-overlapping match of `pattern` in `text`, as Python's `re.findall` gives them."""
    try:
        return compiled(pattern).findall(text)
    except UnicodeEncodeError:
        return compiled(pattern).findall(_without_surrogates(text))


def _without_surrogates(text: str) -> str:
    return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)
