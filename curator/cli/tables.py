"""CLI tables a person can read at any width (80 columns when piped): names and paths wrap instead of being cut,
numbers and p-values are never cut, and when even the narrowest form does not fit, whole columns are left out by
priority (as the item browser does) and the table says which."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from curator.app.widgets.literal import one_line


@dataclass(frozen=True)
class Col:
    """One column: `drop` 0 is always shown, higher values are left out first when the table does not fit;
    `wrap` columns (names, paths, text) may fold onto several lines down to `min_width`, the others never narrow."""

    header: str
    drop: int = 0
    justify: str = "left"
    wrap: bool = False
    min_width: int = 16


GAP = 3  # between two columns of the SIMPLE_HEAD box: a space of padding each side and the blank rule


def _plain(cell) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


MAX_WORD = 40  # a longer word (a path, an id) may fold inside its column


def _needed(col: Col, cells: list) -> int:
    """The narrowest this column may get: all of a number; for wrapping text its longest word (up to MAX_WORD),
    and at least `min_width` unless the whole text is shorter."""
    texts = [_plain(c) for c in cells]
    widest = max([cell_len(col.header), *(cell_len(line) for t in texts for line in t.splitlines() or [""])])
    if not col.wrap:
        return widest
    words = [cell_len(word) for t in [col.header, *texts] for word in t.split()] or [0]
    return max(min(max(words), MAX_WORD), min(col.min_width, widest))


def kept_columns(cols: Sequence[Col], rows: Sequence[Sequence], width: int) -> list[int]:
    """Indexes of the columns shown at `width`: the droppable ones go, highest `drop` (then rightmost) first,
    until the rest fit; columns with `drop` 0 always stay."""
    needs = [_needed(col, [row[i] for row in rows]) for i, col in enumerate(cols)]
    kept = list(range(len(cols)))
    order = sorted((i for i, col in enumerate(cols) if col.drop), key=lambda i: (-cols[i].drop, -i))
    for index in order:
        if sum(needs[i] + GAP for i in kept) <= width:
            break
        kept.remove(index)
    return kept


def fitted_table(cols: Sequence[Col], rows: Sequence[Sequence], width: int, title: str | None = None) -> Table:
    """A table of `rows` (str or Text cells, one per column) that fits `width`; a caption names any column left
    out. Text cells are shown as given (callers pass user text through `one_line`)."""
    kept = kept_columns(cols, rows, width)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for i in kept:
        col = cols[i]
        if col.wrap:
            needed = _needed(col, [row[i] for row in rows])
            table.add_column(col.header, justify=col.justify, overflow="fold", min_width=needed)
        else:
            table.add_column(col.header, justify=col.justify, no_wrap=True, min_width=_needed(col, []))
    for row in rows:
        table.add_row(*(row[i] for i in kept))
    left_out = [cols[i].header for i in range(len(cols)) if i not in kept]
    if left_out:
        table.caption = f"left out at {width} columns: {', '.join(left_out)} (--json has every field)"
        table.caption_justify = "left"
    return table


def path_end(path: str | None, parts: int = 2) -> str:
    """The distinguishing end of a model or adapter path, never a cut start: the last `parts` folders
    (`…/jobs/job-3/adapter` → `job-3/adapter`, `…/models/smollm2-135m` → `models/smollm2-135m`), shown literally."""
    if not path:
        return ""
    pieces = [p for p in PurePath(path).parts if p not in ("/", "\\")]
    tail = "/".join(pieces[-parts:])
    return one_line(tail if len(pieces) <= parts else f"…/{tail}")
