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
from curator.review.browse import FilteredItems, PageRow

TICK_MARK, TICK_WIDTH = "●", 1
ID_WIDTH = 14
BUCKETS_WIDTH = 20


class ItemTable(Widget, can_focus=True):
    """One line per item of a FilteredItems; the current page and one page either side are kept in memory.

    The widget never scrolls in Textual's sense: it keeps its own top row and draws the lines from there
    (Line API), so a page move touches no scroll state or scrollbar, only this widget's lines. The header
    shows the cursor's position in the filter.
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
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)
    """Index (in the filtered table) of the highlighted item."""

    @dataclass
    class PagesFetched(Message):
        """Pages read ahead by the prefetch worker."""

        items: FilteredItems
        pages: dict[int, list[PageRow]]

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

    def show(self, items: FilteredItems, check_names: list[str], cursor_row: int = 0) -> None:
        """Show a new filter's items, with the cursor on `cursor_row`."""
        self.items = items
        self.check_names = check_names
        self.top_row = 0
        self.cursor_row = max(0, min(cursor_row, items.count - 1))
        self.refresh()
        self._fetch_ends(items)

    def reload(self) -> None:
        """Re-read the pages on screen (labels changed)."""
        if self.items is not None:
            self.items.forget_pages()
            self._fetch_ends(self.items)
            self.refresh()
            self._announce()

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

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.current_row))

    def action_move(self, step: int) -> None:
        if self.items and self.items.count:
            self.cursor_row = max(0, min(self.items.count - 1, self.cursor_row + step))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * self.body_height)

    def action_jump(self, where: int) -> None:
        if self.items and self.items.count:
            self.cursor_row = 0 if where == 0 else self.items.count - 1

    def _prefetch_around(self) -> None:
        """Read the pages just above and below the visible window in a worker, if not cached."""
        if self.items is None:
            return
        size, top = self.items.page_size, self.top_row
        last = min(self.items.page_count - 1, (top + self.body_height + size) // size)
        wanted = range(max(0, (top - size) // size), last + 1)
        missing = [p for p in wanted if self.items.cached_page(p) is None]
        if missing:
            self._fetch_pages(self.items, missing)

    @work(thread=True, exclusive=True, exit_on_error=False, group="item-pages")
    def _fetch_pages(self, items: FilteredItems, page_numbers: list[int]) -> None:
        self.post_message(self.PagesFetched(items, {p: items.fetch_page(p) for p in page_numbers}))

    @work(thread=True, exclusive=True, exit_on_error=False, group="item-ends")
    def _fetch_ends(self, items: FilteredItems) -> None:
        """Read the first and last page ahead, so home and end need no query."""
        ends = {p: items.fetch_page(p) for p in {0, items.page_count - 1} if p >= 0}
        self.post_message(self.PagesFetched(items, ends))

    def on_item_table_pages_fetched(self, message: ItemTable.PagesFetched) -> None:
        if message.items is self.items:
            for page_no, rows in message.pages.items():
                if self.items.cached_page(page_no) is None:
                    self.items.keep_page(page_no, rows)

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

    def _columns(self, width: int) -> list[tuple[str, int]]:
        checks = [(name, max(3, min(len(name), 8))) for name in self.check_names]
        fixed = TICK_WIDTH + ID_WIDTH + sum(w + 1 for _, w in checks) + BUCKETS_WIDTH + 5
        text_width = max(10, (width - fixed) // 2)
        return [
            ("", TICK_WIDTH),
            ("id", ID_WIDTH),
            *checks,
            ("buckets", BUCKETS_WIDTH),
            ("input", text_width),
            ("output", text_width),
        ]

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        columns = self._columns(width)
        styles = self._row_styles()
        if y == 0:
            return self._header_strip(columns, width, styles["header"])
        index = self.top_row + y - 1
        row = self.items.row(index) if self.items else None
        if row is None:
            return Strip.blank(width, styles["base"])
        return self._row_strip(row, columns, width, styles, "cursor-" if index == self.cursor_row else "")

    def _header_strip(self, columns: list[tuple[str, int]], width: int, style: Style) -> Strip:
        """Column names, and the cursor's position in the filter at the right end."""
        count = self.items.count if self.items else 0
        position = f" {self.cursor_row + 1:,}/{count:,} " if count else " 0/0 "
        text = " ".join(set_cell_size(name, w) for name, w in columns)
        text = set_cell_size(text, max(0, width - len(position))) + position
        return Strip([Segment(set_cell_size(text, width), style)], width)

    def _row_strip(
        self, row: PageRow, columns: list[tuple[str, int]], width: int, styles: dict[str, Style], prefix: str
    ) -> Strip:
        base = styles[prefix.rstrip("-") or "base"]
        ticked = row.item_key in self.ticked
        cells = [
            (TICK_MARK if ticked else "", TICK_WIDTH, styles[prefix + "pass"] if ticked else base),
            (row.item_id, ID_WIDTH, base),
        ]
        for name, w in columns[2:-3]:
            result = row.checks.get(name)
            mark, kind = ("✓", "pass") if result else ("✗", "fail") if result is False else ("·", "muted")
            cells.append((mark.center(w), w, styles[prefix + kind]))
        text_width = columns[-1][1]
        cells += [
            (", ".join(row.buckets), BUCKETS_WIDTH, base),
            (row.input_snippet, text_width, base),
            (row.output_snippet, text_width, styles[prefix + "muted"]),
        ]
        segments = [Segment(set_cell_size(one_line(value), w) + " ", style) for value, w, style in cells]
        used = sum(w + 1 for _, w, _ in cells)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop(0, width) if used > width else Strip(segments, width)
