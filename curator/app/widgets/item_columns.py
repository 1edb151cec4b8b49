"""The item table's columns and lines: which columns fit a width, and one item drawn as a strip of segments."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from curator.app.widgets.check_marks import MODEL_MARK
from curator.app.widgets.literal import one_line
from curator.review.browse import PageRow

TICK_MARK, TICK_WIDTH = "●", 1
ID_WIDTHS = (14, 22)  # narrow and wide terminals; longer ids are shortened in the middle
WIDE = 120
BUCKETS_WIDTHS = (12, 20)
MIN_TEXT = 20  # below this an input or output column says nothing: drop it instead
COMFORTABLE_TEXT = 24  # the buckets column shows only while both text columns keep this much
PLACEHOLDER = "…"
INPUT_SHARES = (0.2, 0.35, 0.5, 0.65, 0.8)


@dataclass(frozen=True)
class Column:
    """One column of the table: what it shows (`id`, `check`, `checks`, `buckets`, `input`, `output`), its width,
    and its header."""

    kind: str
    width: int
    header: str
    check: str | None = None


def shorten_middle(text: str, width: int) -> str:
    """`text` in `width` cells, cut in the middle (`dev-sun…punct-07`) so both ends stay readable."""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    head = width // 2
    tail = width - 1 - head
    return text[:head] + "…" + (text[-tail:] if tail else "")


def around_focus(text: str, focus: int, width: int) -> str:
    """`text` cut to show position `focus` (the first difference) a third of the way into `width` cells, or
    its tail when the difference is that the output stops short."""
    keep = width - 2 if focus >= len(text) else width // 3
    if focus <= width - keep or focus <= keep:
        return text
    start = focus - keep
    return "…" + text[start + 1 :]


def layout(
    width: int, check_names: list[str], input_share: float = 0.5, marked: frozenset[str] = frozenset()
) -> list[Column]:
    """The columns that fit `width`, by priority: tick, id, checks, output, input, buckets.

    Check columns carry their full names (a `marked` one, graded by a model, behind MODEL_MARK); when they do not
    fit beside a readable output they fold into one `checks` column of marks (one per check, in the title's
    order). Buckets and then the input go first.
    """
    id_width = ID_WIDTHS[width >= WIDE]
    columns = [Column("tick", TICK_WIDTH, ""), Column("id", id_width, "id")]
    room = width - sum(c.width + 1 for c in columns)
    headers = {name: f"{MODEL_MARK}{name}" if name in marked else name for name in check_names}
    full = [Column("check", max(3, len(headers[name])), headers[name], name) for name in check_names]
    if sum(c.width + 1 for c in full) <= room - 2 * MIN_TEXT - 2:
        columns += full
    elif check_names:
        columns.append(Column("checks", max(6, len(check_names)), "checks"))
    room = width - sum(c.width + 1 for c in columns)
    buckets = BUCKETS_WIDTHS[width >= WIDE]
    if room - buckets - 1 >= 2 * COMFORTABLE_TEXT + 2:
        columns.append(Column("buckets", buckets, "buckets"))
        room -= buckets + 1
    if room >= 2 * MIN_TEXT + 2:
        input_width = max(MIN_TEXT, min(room - MIN_TEXT - 2, round((room - 2) * input_share)))
        columns += [Column("input", input_width, "input"), Column("output", room - input_width - 2, "output")]
    elif room > 1:
        columns.append(Column("output", room - 1, "output"))
    return columns


def header_strip(columns: list[Column], width: int, style: Style, cursor_row: int, count: int) -> Strip:
    """Column names, and the cursor's position in the filter at the right end."""
    position = f" {cursor_row + 1:,}/{count:,} " if count else " 0/0 "
    text = " ".join(set_cell_size(one_line(c.header), c.width) for c in columns)
    text = set_cell_size(text, max(0, width - len(position))) + position
    return Strip([Segment(set_cell_size(text, width), style)], width)


@dataclass
class RowPainter:
    """Draws one item as a line: the check names in title order, the ticked keys, a re-evaluated run's inherited
    buckets, and the styles worked out once per style change."""

    check_names: list[str]
    ticked: set[int]
    inherited: dict[int, list[str]]
    styles: dict[str, Style] = field(default_factory=dict)

    def mark(self, row: PageRow, name: str, prefix: str) -> tuple[str, Style]:
        result = row.checks.get(name)
        mark, kind = ("✓", "pass") if result else ("✗", "fail") if result is False else ("·", "muted")
        return mark, self.styles[prefix + kind]

    def cell(self, row: PageRow, column: Column, prefix: str) -> list[Segment]:
        styles, w = self.styles, column.width
        base = styles[prefix.rstrip("-") or "base"]
        if column.kind == "tick":
            ticked = row.item_key in self.ticked
            return [Segment(TICK_MARK if ticked else " ", styles[prefix + "pass"] if ticked else base)]
        if column.kind == "id":
            return [Segment(set_cell_size(shorten_middle(one_line(row.item_id), w), w), base)]
        if column.kind == "check":
            mark, style = self.mark(row, column.check or "", prefix)
            return [Segment(mark.center(w), style)]
        if column.kind == "checks":
            marks = [self.mark(row, name, prefix) for name in self.check_names]
            return [*(Segment(mark, style) for mark, style in marks), Segment(" " * max(0, w - len(marks)), base)]
        if column.kind == "buckets":
            names = [*row.buckets, *(f"↑{n}" for n in self.inherited.get(row.item_key, ()) if n not in row.buckets)]
            return [Segment(set_cell_size(one_line(", ".join(names)), w), base)]
        if column.kind == "input":
            return [Segment(set_cell_size(one_line(row.input_snippet), w), base)]
        output = one_line(row.output_snippet)
        value = around_focus(output, len(one_line(row.output_snippet[: row.output_focus])), w)
        return [Segment(set_cell_size(one_line(value), w), styles[prefix + "muted"])]

    def strip(self, row: PageRow, columns: list[Column], width: int, prefix: str) -> Strip:
        base = self.styles[prefix.rstrip("-") or "base"]
        segments: list[Segment] = []
        for column in columns:
            segments += self.cell(row, column, prefix)
            segments.append(Segment(" ", base))
        used = sum(c.width + 1 for c in columns)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop(0, width) if used > width else Strip(segments, width)


def row_styles(widget) -> dict[str, Style]:
    """Rich styles for the item table's rows from its component classes (worked out once per style change)."""
    base = widget.rich_style
    cursor = base + widget.get_component_rich_style("item-table--cursor")
    marks = {n: widget.get_component_rich_style(f"item-table--{n}") for n in ("pass", "fail", "muted")}
    return {
        "header": widget.get_component_rich_style("item-table--header"),
        "base": base,
        "cursor": cursor,
        **{n: base + m for n, m in marks.items()},
        **{f"cursor-{n}": cursor + m for n, m in marks.items()},
    }
