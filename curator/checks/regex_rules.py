"""Regular expressions and reason texts shared by the Python graders and the SQL runner, so both agree."""

from __future__ import annotations

import re
from dataclasses import dataclass

from curator.checks import regex_engine

CLIP = 40  # longest quoted fragment in a reason, in characters
WHITESPACE_CHARS = "\t\n\f\r "  # RE2's \s: exact-match words are split on these, in SQL and in Python


def clip(text: str) -> str:
    """A fragment short enough for a reason: newlines as spaces, at most CLIP characters."""
    text = text.replace("\n", " ")
    return text if len(text) <= CLIP else text[: CLIP - 1] + "…"


def search_pattern(pattern: str, ignore_case: bool = False) -> str:
    """The pattern as both engines run it (an inline flag, which RE2 and Python accept at the start)."""
    return f"(?i){pattern}" if ignore_case else pattern


def locate_pattern(pattern: str) -> str:
    """Pattern from the leftmost match to the end of the text: deleting it leaves the text before the match.

    (A lazy-prefix capture group would say the same but keeps RE2 off its DFA: several times slower.)
    """
    return f"(?:{pattern})(?s:.*)"


def tag_pair_pattern(tag: str) -> str:
    """`<tag>…</tag>` with a closing tag; attributes allowed; the content may span lines."""
    name = re.escape(tag)
    return rf"<{name}(?:\s[^>]*)?>(?s:.*?)</{name}>"


def tag_any_pattern(tag: str) -> str:
    """Any opening, closing or self-closing `tag`."""
    name = re.escape(tag)
    return rf"</?{name}(?:\s[^>]*)?/?>"


def found_reason(fragment: str, position: int) -> str:
    return f"found '{clip(fragment)}' at {position}"


def regex_problem(pattern: str, ignore_case: bool = False) -> str | None:
    """Why `pattern` cannot be used (RE2 runs it in Python and DuckDB's RE2 in SQL: both must accept it), or None."""
    full = search_pattern(pattern, ignore_case)
    problem = regex_engine.rejection(full)
    if problem:
        return f"not a valid RE2 regular expression ({problem}): {regex_engine.shown(pattern)}"
    # DuckDB is imported here, not at module level: graders run in the training child, which has no database.
    from curator.storage import checks as check_sql

    for candidate in (full, locate_pattern(full)):
        problem = check_sql.regex_error(candidate)
        if problem:
            problem = regex_engine.printable(problem)
            return f"DuckDB cannot run this regular expression ({problem}): {regex_engine.shown(pattern)}"
    return None


@dataclass(frozen=True)
class SearchRule:
    """A search check as both engines run it: the pattern, which outcome passes, and the fixed reasons.

    A found match that fails the check is described ("found '<think>' at 12"); a found match that passes
    gets the fixed `passed_reason`, so the common case costs one regex test per item.
    """

    pattern: str
    pass_when_found: bool
    passed_reason: str
    missing_reason: str


def search_rule(kind: str, options: dict) -> SearchRule:
    """The SearchRule of a regex, regex_absent, tag_present or tag_absent check."""
    if kind in ("regex", "regex_absent"):
        shown = f"/{options['pattern']}/"
        return SearchRule(
            search_pattern(options["pattern"], options.get("ignore_case", False)),
            kind == "regex",
            f"matches {shown}",
            f"no match for {shown}",
        )
    tag = options["tag"]
    if kind == "tag_present":
        return SearchRule(tag_pair_pattern(tag), True, f"has <{tag}>…</{tag}>", f"no <{tag}>…</{tag}>")
    return SearchRule(tag_any_pattern(tag), False, "", f"no <{tag}>")
