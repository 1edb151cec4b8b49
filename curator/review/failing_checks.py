"""Which checks the `f` key can show: failure counts of a filter's items, whatever check it narrows to now."""

from __future__ import annotations

from curator.review.browse import ItemFilter, with_changes
from curator.storage import browse as browse_queries
from curator.workspace import Workspace


def failures_per_check(ws: Workspace, item_filter: ItemFilter) -> dict[str, int]:
    """How many items of the filter, without its failing-check and passing parts, fail each check (0 absent)."""
    wider = with_changes(item_filter, failing_check=None, failing_any=False, passing=False)
    return browse_queries.failing_counts(ws.db, wider)


def next_failing_check(check_names: list[str], failures: dict[str, int], current: str | None) -> str | None:
    """The check after `current` (spec order, wrapping through None = no check) that some item fails."""
    names = [None, *(n for n in check_names if failures.get(n, 0) > 0 or n == current)]
    position = names.index(current) if current in names else 0
    return names[(position + 1) % len(names)]
