"""Perturbations: generators that turn one slot value into its near neighbours."""

from __future__ import annotations

import re
from collections.abc import Callable

from curator.sandbox.errors import TemplateError

PUNCTUATION_MARKS = (".", "!", ",", "?", "...")


def punctuation(value: str, synonyms: dict) -> list[str]:
    """`sunny` -> `sunny.`, `sunny!`, `sunny,` ... (a trailing mark is replaced, not doubled)."""
    bare = value.rstrip(".!,?;: ")
    return [bare + mark for mark in PUNCTUATION_MARKS]


def capitalisation(value: str, synonyms: dict) -> list[str]:
    """`sunny` -> `sunny`, `Sunny`, `SUNNY`."""
    return [value.lower(), value[:1].upper() + value[1:].lower(), value.upper()]


def whitespace(value: str, synonyms: dict) -> list[str]:
    """Stray spaces around and inside the value."""
    return [f" {value}", f"{value} ", re.sub(r" ", "  ", value), f"\t{value}"]


def markup(value: str, synonyms: dict) -> list[str]:
    """The value as a pseudo-tag or with emphasis markers: `<SUNNY>`, `<sunny>`, `*sunny*`."""
    return [f"<{value.upper()}>", f"<{value.lower()}>", f"*{value}*"]


def synonym_variants(value: str, synonyms: dict) -> list[str]:
    """Each word or phrase of the user's synonym table found in the value, replaced by each of its synonyms."""
    found = []
    for word, alternatives in synonyms.items():
        pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
        if pattern.search(value):
            found += [pattern.sub(lambda _m, alt=alt: alt, value) for alt in alternatives]
    return found


GENERATORS: dict[str, Callable[[str, dict], list[str]]] = {
    "punctuation": punctuation,
    "case": capitalisation,
    "whitespace": whitespace,
    "markup": markup,
    "synonyms": synonym_variants,
}


def expand_value(value, names: list[str], synonyms: dict, template_name: str = "?") -> list:
    """The value followed by its perturbations (no repeats, original first); non-text values are kept as they are."""
    for name in names:
        if name not in GENERATORS:
            raise TemplateError(
                template_name, f"unknown perturbation '{name}' (one of {', '.join(GENERATORS)})", field="perturb"
            )
    if not isinstance(value, str) or not names:
        return [value]
    out = [value]
    frontier = [value]
    for name in names:
        # Generators compose: `case` after `synonyms` also varies the synonyms' capitalisation.
        frontier = frontier + [v for base in frontier for v in GENERATORS[name](base, synonyms)]
    for candidate in frontier:
        if candidate not in out:
            out.append(candidate)
    return out
