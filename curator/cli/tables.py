"""CLI tables a person can read at any width (80 columns when piped): names and paths wrap instead of being cut,
numbers and p-values are never cut, and when even the narrowest form does not fit, whole columns are left out by
priority (as the item browser does) and the table says which."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from curator.app.widgets.literal import one_line
from curator.review import runs as run_domain


@dataclass(frozen=True)
class Col:
    """One column: `drop` 0 is always shown, higher values are left out first when the table does not fit;
    `wrap` columns (names, paths, text) may fold onto several lines down to `min_width`, the others never narrow."""

    header: str
    drop: int = 0
    justify: str = "left"
    wrap: bool = False
    min_width: int = 16
    short: str = ""
    """A shorter header used when the table does not fit with the full ones (`regr.` for `regressed`)."""

    def shortened(self) -> Col:
        return replace(self, header=self.short) if self.short else self


GAP = 3  # between two columns of the SIMPLE_HEAD box: a space of padding each side and the blank rule


def _plain(cell) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


MAX_WORD = 24  # a longer word (a path, a long name) folds onto the next line inside its column


def _widest(col: Col, cells: list) -> int:
    return max(cell_len(line) for t in [col.header, *map(_plain, cells)] for line in t.splitlines() or [""])


def _needed(col: Col, cells: list) -> int:
    """The narrowest this column may get: all of a number; for wrapping text its longest word (up to MAX_WORD),
    and at least `min_width` unless the whole text is shorter."""
    widest = _widest(col, cells)
    if not col.wrap:
        return widest
    words = [cell_len(word) for t in [col.header, *map(_plain, cells)] for word in t.split()] or [0]
    return max(min(max(words), MAX_WORD), min(col.min_width, widest))


def fit_columns(cols: Sequence[Col], rows: Sequence[Sequence], width: int) -> tuple[list[Col], list[int]]:
    """The columns as shown at `width` (short headers when the full ones do not fit) and the indexes kept: the
    droppable ones go, highest `drop` (then rightmost) first, until the rest fit; `drop` 0 columns always stay."""

    def total(shown: Sequence[Col], kept: list[int]) -> int:
        return sum(_needed(shown[i], [row[i] for row in rows]) + GAP for i in kept) - GAP

    kept = list(range(len(cols)))
    shown = list(cols)
    if total(shown, kept) > width:
        shown = [col.shortened() for col in cols]
    order = sorted((i for i, col in enumerate(cols) if col.drop), key=lambda i: (-cols[i].drop, -i))
    for index in order:
        if total(shown, kept) <= width:
            break
        kept.remove(index)
    return shown, kept


def fitted_table(cols: Sequence[Col], rows: Sequence[Sequence], width: int, title: str | None = None) -> Table:
    """A table of `rows` (str or Text cells, one per column) that fits `width`; a caption names any column left
    out. Cells are shown as given: callers pass user text through `one_line`."""
    shown, kept = fit_columns(cols, rows, width)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for i, col_width in zip(kept, _widths(shown, kept, rows, width), strict=True):
        col = shown[i]
        table.add_column(col.header, justify=col.justify, overflow="fold", no_wrap=not col.wrap, width=col_width)
    for row in rows:
        table.add_row(*(row[i] for i in kept))
    left_out = [" ".join(cols[i].header.split()) for i in range(len(cols)) if i not in kept]
    if left_out:
        table.caption = f"left out at {width} columns: {', '.join(left_out)}"
        table.caption_justify = "left"
    return table


def _widths(shown: Sequence[Col], kept: list[int], rows: Sequence[Sequence], width: int) -> list[int]:
    """Each kept column's width: what it needs, then the room left given to the wrapping columns, left first,
    up to their widest cell (so Rich never has to squeeze a number)."""
    cells = {i: [row[i] for row in rows] for i in kept}
    widths = [_needed(shown[i], cells[i]) for i in kept]
    spare = width - sum(widths) - GAP * (len(kept) - 1)
    if spare < 0:
        return _squeezed([shown[i].wrap for i in kept], widths, -spare)
    for n, i in enumerate(kept):
        if shown[i].wrap and spare > 0:
            extra = min(spare, _widest(shown[i], cells[i]) - widths[n])
            widths[n], spare = widths[n] + extra, spare - extra
    return widths


SQUEEZED_MIN = 6
"""The narrowest a wrapping column gets when the columns that always stay do not fit otherwise."""


def _squeezed(wraps: list[bool], widths: list[int], excess: int) -> list[int]:
    """Narrow the wrapping columns (the widest first, down to SQUEEZED_MIN) by `excess` cells in all, so that
    Rich never has to cut a number to make the table fit."""
    widths = list(widths)
    while excess > 0:
        narrowable = [n for n, wraps_text in enumerate(wraps) if wraps_text and widths[n] > SQUEEZED_MIN]
        if not narrowable:
            break
        widest = max(narrowable, key=lambda n: widths[n])
        widths[widest] -= 1
        excess -= 1
    return widths


def model_label(model: str | None, adapter: str | None) -> str:
    """`…/smollm2-135m-instruct + …/job-3/adapter` (review.runs.model_label), control characters shown as escapes."""
    return one_line(run_domain.model_label(model, adapter))
