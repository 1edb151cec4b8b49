"""A virtual table over the items of a filter: renders only visible lines (Line API), pages come from DuckDB."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from curator.app.widgets.literal import one_line
from curator.app.worker_errors import ReportsWorkerFailures
from curator.review.browse import FilteredItems, PageRow

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


def layout(width: int, check_names: list[str], input_share: float = 0.5) -> list[Column]:
    """The columns that fit `width`, by priority: tick, id, checks, output, input, buckets.

    Check columns carry their full names; when they do not fit beside a readable output they fold into one
    `checks` column of marks (one per check, in the title's order). Buckets and then the input go first.
    """
    id_width = ID_WIDTHS[width >= WIDE]
    columns = [Column("tick", TICK_WIDTH, ""), Column("id", id_width, "id")]
    room = width - sum(c.width + 1 for c in columns)
    full = [Column("check", max(3, len(name)), name, name) for name in check_names]
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


class ItemTable(ReportsWorkerFailures, Widget, can_focus=True):
    """One line per item of a FilteredItems; the current page and one page either side are kept in memory.

    The widget never scrolls in Textual's sense: it keeps its own top row and draws the lines from there
    (Line API), so a page move touches no scroll state or scrollbar, only this widget's lines. `render_line`
    never queries: a row whose page is not in memory is drawn as a placeholder and its page is read in a
    worker (as toolong does). The header shows the cursor's position in the filter.
    """

    DEFAULT_CSS = """
    ItemTable { height: 1fr; }
    ItemTable > .item-table--header { text-style: bold; background: $panel; }
    ItemTable > .item-table--cursor { background: $accent 40%; }
    ItemTable > .item-table--pass { color: $success; }
    ItemTable > .item-table--fail { color: $error; text-style: bold; }
    ItemTable > .item-table--muted { color: $text-muted; }
    """
    COMPONENT_CLASSES = {
        "item-table--header",
        "item-table--cursor",
        "item-table--pass",
        "item-table--fail",
        "item-table--muted",
    }
    BINDINGS = [
        Binding("down", "move(1)", "Down", show=False, id="table.down"),
        Binding("up", "move(-1)", "Up", show=False, id="table.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.pagedown"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.pageup"),
        Binding("home", "jump(0)", "First", show=False, id="table.home"),
        Binding("end", "jump(-1)", "Last", show=False, id="table.end"),
        Binding("greater_than_sign", "resize(1)", "Wider input", show=False, id="table.wider_input"),
        Binding("less_than_sign", "resize(-1)", "Wider output", show=False, id="table.wider_output"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)
    """Index (in the filtered table) of the highlighted item."""
    input_share: reactive[float] = reactive(0.5)
    """The input column's share of the room the two text columns have (`<` and `>` change it)."""

    @dataclass
    class PagesFetched(Message):
        """Pages read ahead by the prefetch worker."""

        items: FilteredItems
        pages: dict[int, list[PageRow]]
        fresh: bool = False
        """Re-read after a change: replaces what is cached."""

    @dataclass
    class Highlighted(Message):
        table: ItemTable
        row: PageRow | None

    @dataclass
    class Selected(Message):
        """The highlighted row was double-clicked."""

        table: ItemTable
        row: PageRow | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: FilteredItems | None = None
        self.check_names: list[str] = []
        self._styles: dict[str, Style] | None = None
        self.top_row = 0
        self.ticked: set[int] = set()
        """Item keys shown with a tick (the browser's choice for labelling)."""
        self.inherited: dict[int, list[str]] = {}
        """item_key -> buckets its item has in a parent run (a re-evaluated run's items carry no labels)."""
        self._fetch_pending = False

    def show(self, items: FilteredItems, check_names: list[str], cursor_row: int = 0) -> None:
        """Show a new filter's items, with the cursor on `cursor_row`."""
        self.items = items
        self.check_names = check_names
        self.top_row = 0
        self.cursor_row = max(0, min(cursor_row, items.count - 1))
        self.refresh()
        self._fetch_ends(items)

    def reload(self) -> None:
        """Re-read the pages on screen and the ends (labels changed); what is shown stays until they arrive."""
        if self.items is not None:
            size = self.items.page_size
            visible = {p for p in (self.top_row // size, (self.top_row + self.body_height) // size)}
            ends = {0, self.items.page_count - 1}
            self._fetch_pages(self.items, sorted(p for p in visible | ends if 0 <= p < self.items.page_count), True)

    @property
    def current_row(self) -> PageRow | None:
        return self.items.row(self.cursor_row) if self.items else None

    @property
    def body_height(self) -> int:
        return max(1, self.content_region.height - 1)

    def watch_cursor_row(self, row: int) -> None:
        if row < self.top_row:
            self.top_row = row
        elif row >= self.top_row + self.body_height:
            self.top_row = row - self.body_height + 1
        self.refresh()
        self._announce()
        self.call_after_refresh(self._prefetch_around)

    def watch_input_share(self) -> None:
        self.refresh()

    def _announce(self) -> None:
        """Say which row is highlighted (None while its page is still being read: no query on the UI thread)."""
        row = self.items.cached_row(self.cursor_row) if self.items else None
        self.post_message(self.Highlighted(self, row))

    def action_move(self, step: int) -> None:
        if self.items and self.items.count:
            self.cursor_row = max(0, min(self.items.count - 1, self.cursor_row + step))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * self.body_height)

    def action_jump(self, where: int) -> None:
        if self.items and self.items.count:
            self.cursor_row = 0 if where == 0 else self.items.count - 1

    def action_resize(self, step: int) -> None:
        """Give the input column more (step 1) or less (-1) of the room it shares with the output."""
        index = min(range(len(INPUT_SHARES)), key=lambda i: abs(INPUT_SHARES[i] - self.input_share))
        self.input_share = INPUT_SHARES[max(0, min(len(INPUT_SHARES) - 1, index + step))]

    def _prefetch_around(self) -> None:
        """Read the pages on screen and just above and below it in a worker, if not cached."""
        self._fetch_pending = False
        if self.items is None:
            return
        size, top = self.items.page_size, self.top_row
        last = min(self.items.page_count - 1, (top + self.body_height + size) // size)
        wanted = range(max(0, (top - size) // size), last + 1)
        missing = [p for p in wanted if self.items.cached_page(p) is None]
        if missing:
            self._fetch_pages(self.items, missing)

    @work(thread=True, exclusive=True, exit_on_error=False, group="item-pages")
    def _fetch_pages(self, items: FilteredItems, page_numbers: list[int], fresh: bool = False) -> None:
        self.post_message(self.PagesFetched(items, {p: items.fetch_page(p) for p in page_numbers}, fresh))

    @work(thread=True, exclusive=True, exit_on_error=False, group="item-ends")
    def _fetch_ends(self, items: FilteredItems) -> None:
        """Read the first and last page ahead, so home and end need no query."""
        ends = {p: items.fetch_page(p) for p in {0, items.page_count - 1} if p >= 0}
        self.post_message(self.PagesFetched(items, ends))

    def on_item_table_pages_fetched(self, message: ItemTable.PagesFetched) -> None:
        if message.items is self.items:
            if message.fresh:  # pages read before the change are stale: keep only the re-read ones
                self.items.forget_pages()
            for page_no, rows in message.pages.items():
                if message.fresh or self.items.cached_page(page_no) is None:
                    self.items.keep_page(page_no, rows)
            self.refresh()
            if message.fresh:
                self._announce()

    def on_resize(self) -> None:
        if self.items is not None:
            self.cursor_row = self.cursor_row

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.action_move(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.action_move(-3)

    def on_click(self, event: events.Click) -> None:
        if self.items and event.y > 0:
            index = self.top_row + event.y - 1
            if index < self.items.count:
                if index == self.cursor_row and event.chain == 2:
                    self.post_message(self.Selected(self, self.current_row))
                self.cursor_row = index

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _row_styles(self) -> dict[str, Style]:
        """Rich styles for rows, worked out once per style change (not once per line)."""
        if self._styles is None:
            base = self.rich_style
            cursor = base + self.get_component_rich_style("item-table--cursor")
            marks = {n: self.get_component_rich_style(f"item-table--{n}") for n in ("pass", "fail", "muted")}
            self._styles = {
                "header": self.get_component_rich_style("item-table--header"),
                "base": base,
                "cursor": cursor,
                **{n: base + m for n, m in marks.items()},
                **{f"cursor-{n}": cursor + m for n, m in marks.items()},
            }
        return self._styles

    def columns(self) -> list[Column]:
        """The columns shown at the widget's current width."""
        return layout(self.content_region.width, self.check_names, self.input_share)

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        columns = self.columns()
        styles = self._row_styles()
        if y == 0:
            return self._header_strip(columns, width, styles["header"])
        index = self.top_row + y - 1
        if self.items is None or index >= self.items.count:
            return Strip.blank(width, styles["base"])
        prefix = "cursor-" if index == self.cursor_row else ""
        row = self.items.cached_row(index)
        if row is None:
            if not self._fetch_pending:
                self._fetch_pending = True
                self.call_after_refresh(self._prefetch_around)
            return Strip([Segment(set_cell_size(f" {PLACEHOLDER}", width), styles[prefix + "muted"])], width)
        return self._row_strip(row, columns, width, styles, prefix)

    def _header_strip(self, columns: list[Column], width: int, style: Style) -> Strip:
        """Column names, and the cursor's position in the filter at the right end."""
        count = self.items.count if self.items else 0
        position = f" {self.cursor_row + 1:,}/{count:,} " if count else " 0/0 "
        text = " ".join(set_cell_size(one_line(c.header), c.width) for c in columns)
        text = set_cell_size(text, max(0, width - len(position))) + position
        return Strip([Segment(set_cell_size(text, width), style)], width)

    def _mark(self, row: PageRow, name: str, styles: dict[str, Style], prefix: str) -> tuple[str, Style]:
        result = row.checks.get(name)
        mark, kind = ("✓", "pass") if result else ("✗", "fail") if result is False else ("·", "muted")
        return mark, styles[prefix + kind]

    def _row_strip(
        self, row: PageRow, columns: list[Column], width: int, styles: dict[str, Style], prefix: str
    ) -> Strip:
        base = styles[prefix.rstrip("-") or "base"]
        segments: list[Segment] = []
        for column in columns:
            w = column.width
            if column.kind == "tick":
                ticked = row.item_key in self.ticked
                segments.append(Segment(TICK_MARK if ticked else " ", styles[prefix + "pass"] if ticked else base))
            elif column.kind == "id":
                segments.append(Segment(set_cell_size(shorten_middle(one_line(row.item_id), w), w), base))
            elif column.kind == "check":
                mark, style = self._mark(row, column.check or "", styles, prefix)
                segments.append(Segment(mark.center(w), style))
            elif column.kind == "checks":
                marks = [self._mark(row, name, styles, prefix) for name in self.check_names]
                segments += [Segment(mark, style) for mark, style in marks]
                segments.append(Segment(" " * max(0, w - len(marks)), base))
            elif column.kind == "buckets":
                names = [*row.buckets, *(f"↑{n}" for n in self.inherited.get(row.item_key, ()) if n not in row.buckets)]
                segments.append(Segment(set_cell_size(one_line(", ".join(names)), w), base))
            else:
                value = (
                    row.input_snippet
                    if column.kind == "input"
                    else around_focus(
                        one_line(row.output_snippet), len(one_line(row.output_snippet[: row.output_focus])), w
                    )
                )
                style = base if column.kind == "input" else styles[prefix + "muted"]
                segments.append(Segment(set_cell_size(one_line(value), w), style))
            segments.append(Segment(" ", base))
        used = sum(c.width + 1 for c in columns)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop(0, width) if used > width else Strip(segments, width)
