"""A virtual table over the items of a filter: renders only visible lines (Line API), pages come from DuckDB."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from curator.app.widgets.check_marks import model_graded
from curator.app.widgets.item_columns import (
    PLACEHOLDER,
    Column,
    RowPainter,
    header_strip,
    layout,
    row_styles,
)
from curator.app.widgets.item_table_keys import ItemTableKeys
from curator.app.worker_errors import ReportsWorkerFailures
from curator.review.browse import FilteredItems, PageRow


class ItemTable(ItemTableKeys, ReportsWorkerFailures, Widget, can_focus=True):
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
        self.model_graded: frozenset[str] = frozenset()
        self._styles: dict[str, Style] | None = None
        self.top_row = 0
        self.ticked: set[int] = set()
        """Item keys shown with a tick (the browser's choice for labelling)."""
        self.inherited: dict[int, list[str]] = {}
        """item_key -> buckets its item has in a parent run (a re-evaluated run's items carry no labels)."""
        self._fetch_pending = False

    def show(
        self, items: FilteredItems, check_names: list[str], cursor_row: int = 0, standings: dict | None = None
    ) -> None:
        """Show a new filter's items, with the cursor on `cursor_row`; checks a model grades (per `standings`)
        are marked in the header."""
        self.items = items
        self.check_names = check_names
        self.model_graded = frozenset(n for n, s in (standings or {}).items() if model_graded(s.kind))
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

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _row_styles(self) -> dict[str, Style]:
        if self._styles is None:
            self._styles = row_styles(self)
        return self._styles

    def columns(self) -> list[Column]:
        """The columns shown at the widget's current width."""
        return layout(self.content_region.width, self.check_names, self.input_share, self.model_graded)

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        columns = self.columns()
        styles = self._row_styles()
        count = self.items.count if self.items else 0
        if y == 0:
            return header_strip(columns, width, styles["header"], self.cursor_row, count)
        index = self.top_row + y - 1
        if self.items is None or index >= count:
            return Strip.blank(width, styles["base"])
        prefix = "cursor-" if index == self.cursor_row else ""
        row = self.items.cached_row(index)
        if row is None:
            if not self._fetch_pending:
                self._fetch_pending = True
                self.call_after_refresh(self._prefetch_around)
            return Strip([Segment(set_cell_size(f" {PLACEHOLDER}", width), styles[prefix + "muted"])], width)
        return RowPainter(self.check_names, self.ticked, self.inherited, styles).strip(row, columns, width, prefix)
