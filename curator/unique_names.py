"""Names that must be unique: `wanted`, else `wanted-2`, `wanted-3`, ..."""

from __future__ import annotations

from collections.abc import Callable


def first_free_name(wanted: str, is_taken: Callable[[str], bool]) -> str:
    """`wanted` if it is free, else the first of `wanted-2`, `wanted-3`, ... that is."""
    name, n = wanted, 1
    while is_taken(name):
        n += 1
        name = f"{wanted}-{n}"
    return name
