"""Reviewing a run: filters, a paged view over the items they match, one item in detail, a word diff."""

from __future__ import annotations

import difflib
import re
from collections import OrderedDict
from dataclasses import dataclass, replace

from curator.errors import NotFoundError
from curator.review.buckets import bucket_impact, item_buckets, item_notes, list_buckets, recent_buckets
from curator.review.runs import CheckSummary, summarise_run
from curator.storage import browse as browse_queries
from curator.storage import items as item_queries
from curator.storage.browse import CheckResult, ItemFilter, PageRow
from curator.storage.buckets import BucketImpact, BucketRow, NoteRow
from curator.storage.items import ItemRow
from curator.storage.runs import RunRow
from curator.workspace import Workspace

__all__ = ["ItemFilter", "PageRow", "FilteredItems", "ItemDetail", "RunOverview", "describe_filter", "word_diff"]

PAGE_SIZE = 500


def item_by_ref(ws: Workspace, run: RunRow, ref: str | int) -> ItemRow:
    """An item named the way the user sees it: its id (`dev-act-28`), or its number in the run."""
    item = item_queries.find_item_by_ref(ws.db, run.run_id, ref)
    if item is None:
        raise NotFoundError(f"run '{run.name}' has no item with id '{ref}' (the id the app shows, or its number)")
    return item


def describe_filter(f: ItemFilter, bucket_names: dict[int, str] | None = None) -> str:
    """A one-line human description of a filter, e.g. `failing answer · bucket emoji · /sunny/`."""
    parts = []
    if f.failing_check:
        parts.append(f"failing {f.failing_check}")
    if f.failing_any:
        parts.append("failing any check")
    if f.passing:
        parts.append("passing")
    if f.bucket_id is not None:
        parts.append(f"bucket {(bucket_names or {}).get(f.bucket_id, f.bucket_id)}")
    if f.unbucketed:
        parts.append("unbucketed")
    if f.split:
        parts.append(f"split {f.split}")
    if f.search:
        parts.append(f"/{f.search}/" if f.regex else f'"{f.search}"')
    if f.item_keys is not None:
        count = len(f.item_keys)
        named = f"{count} like {f.similar_to}" if f.similar_to else f.keys_label or f"{count} chosen items"
        parts.insert(0, named)
    return " · ".join(parts) or "all items"


def with_changes(f: ItemFilter, **changes) -> ItemFilter:
    """A copy of the filter with some fields changed (failing and passing exclude each other)."""
    if changes.get("failing_check") or changes.get("failing_any"):
        changes.setdefault("passing", False)
    if changes.get("failing_check"):
        changes.setdefault("failing_any", False)
    if changes.get("passing"):
        changes.setdefault("failing_check", None)
        changes.setdefault("failing_any", False)
    if changes.get("bucket_id") is not None:
        changes.setdefault("unbucketed", False)
    if changes.get("unbucketed"):
        changes.setdefault("bucket_id", None)
    return replace(f, **changes)


class FilteredItems:
    """The items one filter matches, read page by page: only a few pages are ever held in memory.

    The index holds the first item_key of every page (one key per PAGE_SIZE matches), so any row is one
    keyset query away (`item_key >= first AND item_key < next`), however deep in the run it lies. Memory
    holds the index, an LRU of `cached_pages` pages around the view, and the first and last page.
    """

    def __init__(self, ws: Workspace, item_filter: ItemFilter, page_size: int = PAGE_SIZE, cached_pages: int = 5):
        self.ws = ws
        self.filter = item_filter
        self.page_size = page_size
        self.count, self._page_starts = browse_queries.filter_index(ws.db, item_filter, page_size)
        self._pages: OrderedDict[int, list[PageRow]] = OrderedDict()
        self._ends: dict[int, list[PageRow]] = {}
        self._cached_pages = cached_pages

    @property
    def page_count(self) -> int:
        return len(self._page_starts)

    def cached_page(self, page_no: int) -> list[PageRow] | None:
        return self._ends.get(page_no, self._pages.get(page_no))

    def fetch_page(self, page_no: int) -> list[PageRow]:
        """Read page `page_no` from DuckDB (without caching it: safe from a worker thread)."""
        if not 0 <= page_no < self.page_count:
            return []
        upper = self._page_starts[page_no + 1] if page_no + 1 < self.page_count else None
        return browse_queries.page_rows(self.ws.db, self.filter, self._page_starts[page_no], self.page_size, upper)

    def keep_page(self, page_no: int, rows: list[PageRow]) -> None:
        """Cache a page, dropping the least recently used beyond the limit (the first and last page stay)."""
        if page_no in (0, self.page_count - 1):
            self._ends[page_no] = rows
            return
        self._pages[page_no] = rows
        self._pages.move_to_end(page_no)
        while len(self._pages) > self._cached_pages:
            self._pages.popitem(last=False)

    def page(self, page_no: int) -> list[PageRow]:
        rows = self._ends.get(page_no)
        if rows is not None:
            return rows
        rows = self._pages.get(page_no)
        if rows is None:
            rows = self.fetch_page(page_no)
            self.keep_page(page_no, rows)
        else:
            self._pages.move_to_end(page_no)
        return rows

    def row(self, index: int) -> PageRow | None:
        """The row at position `index` of the filtered table."""
        if not 0 <= index < self.count:
            return None
        rows = self.page(index // self.page_size)
        offset = index % self.page_size
        return rows[offset] if offset < len(rows) else None

    def cached_row(self, index: int) -> PageRow | None:
        """The row at `index` if its page is in memory, else None (never queries: safe while rendering)."""
        if not 0 <= index < self.count:
            return None
        rows = self.cached_page(index // self.page_size)
        offset = index % self.page_size
        return rows[offset] if rows is not None and offset < len(rows) else None

    def forget_pages(self) -> None:
        """Drop cached pages (after labels changed, so bucket names are re-read)."""
        self._pages.clear()
        self._ends.clear()

    def failing_counts(self) -> dict[str, int]:
        """How many of these items fail each check (for the counts beside the filter)."""
        return browse_queries.failing_counts(self.ws.db, self.filter)

    def index_of(self, item_key: int) -> int:
        return browse_queries.position_in_filter(self.ws.db, self.filter, item_key)


def check_names(ws: Workspace, run_id: int) -> list[str]:
    return browse_queries.check_names(ws.db, run_id)


def neighbour(ws: Workspace, item_filter: ItemFilter, item_key: int, forward: bool) -> int | None:
    """The next (previous) item of the filter after (before) `item_key`; None at the end."""
    return browse_queries.neighbour_key(ws.db, item_filter, item_key, forward)


@dataclass(frozen=True)
class ItemDetail:
    """Everything the detail screen shows about one item."""

    item: ItemRow
    checks: list[CheckResult]
    buckets: list[BucketRow]
    notes: list[NoteRow]


def item_detail(ws: Workspace, run_id: int, item_key: int) -> ItemDetail:
    item = item_queries.get_item(ws.db, run_id, item_key)
    if item is None:
        raise NotFoundError(f"run {run_id} has no item {item_key}")
    return ItemDetail(
        item=item,
        checks=browse_queries.item_check_results(ws.db, run_id, item_key),
        buckets=item_buckets(ws, run_id, item_key),
        notes=item_notes(ws, run_id, item_key),
    )


@dataclass(frozen=True)
class RunOverview:
    """A run's pass rate per check and its bucket table, worst bucket first."""

    run: RunRow
    checks: list[CheckSummary]
    buckets: list[BucketImpact]


def run_overview(ws: Workspace, run_id: int) -> RunOverview:
    summary = summarise_run(ws, run_id)
    return RunOverview(run=summary.run, checks=summary.checks, buckets=bucket_impact(ws, run_id))


_WORD = re.compile(r"\s+|[^\s]+")
# Above this many characters on a side, a changed stretch is marked as a whole (character matching is quadratic).
CHAR_DIFF_LIMIT = 2000
# Changed stretches at least this alike (difflib ratio) are compared character by character.
SIMILAR_ENOUGH = 0.5

Pieces = list[tuple[str, str]]


def word_diff(target: str, output: str) -> tuple[Pieces, Pieces]:
    """The difference of target and output: (target pieces, output pieces), each a list of (text, tag).

    Words are matched first; inside a changed stretch the characters are matched again, so a target without
    spaces (`<display_weather>☀</display_weather>` against `…☁…`) marks only the characters that differ.
    Tags: `equal`; `delete` (target only) and `insert` (output only) for what differs; `delete-same` and
    `insert-same` for the agreeing characters inside a changed word.
    """
    a, b = _WORD.findall(target), _WORD.findall(output)
    target_parts: Pieces = []
    output_parts: Pieces = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        old, new = "".join(a[a1:a2]), "".join(b[b1:b2])
        if op == "equal":
            target_parts.append((old, "equal"))
            output_parts.append((new, "equal"))
        elif op == "replace" and (refined := _char_diff(old, new)) is not None:
            target_parts += refined[0]
            output_parts += refined[1]
        else:
            if old:
                target_parts.append((old, "delete"))
            if new:
                output_parts.append((new, "insert"))
    return _merged(target_parts), _merged(output_parts)


def _char_diff(old: str, new: str) -> tuple[Pieces, Pieces] | None:
    """Character-level pieces of one changed stretch (difflib opcodes over its characters); None when the two
    sides are long or mostly different (then the whole words are marked: `sunny` against `cloudy`)."""
    if len(old) > CHAR_DIFF_LIMIT or len(new) > CHAR_DIFF_LIMIT:
        return None
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < SIMILAR_ENOUGH:
        return None
    old_parts: Pieces = []
    new_parts: Pieces = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            old_parts.append((old[a1:a2], "delete-same"))
            new_parts.append((new[b1:b2], "insert-same"))
            continue
        if a2 > a1:
            old_parts.append((old[a1:a2], "delete"))
        if b2 > b1:
            new_parts.append((new[b1:b2], "insert"))
    return old_parts, new_parts


def _merged(pieces: Pieces) -> Pieces:
    """Neighbouring pieces with the same tag joined."""
    out: Pieces = []
    for text, tag in pieces:
        if out and out[-1][1] == tag:
            out[-1] = (out[-1][0] + text, tag)
        elif text:
            out.append((text, tag))
    return out


def filter_position(ws: Workspace, item_filter: ItemFilter, item_key: int) -> tuple[int, int]:
    """(1-based position of the item among the filter's items, how many the filter has)."""
    return (
        browse_queries.position_in_filter(ws.db, item_filter, item_key) + 1,
        browse_queries.filter_count(ws.db, item_filter),
    )


def run_header(ws: Workspace, run_id: int) -> tuple[str, int]:
    """(name, item count) of a run, without the cost of its pass rates."""
    header = browse_queries.run_header(ws.db, run_id)
    if header is None:
        raise NotFoundError(f"no run with id {run_id}")
    return header


def template_bucket(ws: Workspace, run_id: int, item_key: int) -> str | None:
    """The bucket a template started from this item belongs to: its only bucket, else its most recently used one."""
    names = {b.name for b in item_buckets(ws, run_id, item_key)}
    if len(names) <= 1:
        return next(iter(names), None)
    used = recent_buckets(ws, limit=len(list_buckets(ws)))
    return next((b.name for b in used if b.name in names), None)
