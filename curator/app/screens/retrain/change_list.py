"""The compare screen's fixed and regressed lists, a page at a time: a thousand changed items mount as one page
of rows, and the cursor moving past either end of a page shows the next (or previous) one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from curator.app.widgets.literal import literal_text
from curator.app.widgets.measured_table import MeasuredTable
from curator.compare.comparison import ItemChange

PAGE_ROWS = 100


class ChangeList(MeasuredTable):
    """Items fixed or regressed, `PAGE_ROWS` at a time: which checks moved and the item's buckets in the earlier
    run. Row keys are positions in the whole list, so enter opens the right item on any page."""

    BINDINGS = [
        Binding("right_square_bracket", "page(1)", "Next page", show=False, id="compare.next_page"),
        Binding("left_square_bracket", "page(-1)", "Previous page", show=False, id="compare.previous_page"),
    ]

    @dataclass
    class PageShown(Message):
        """Rows `first` to `last` (counted from 1) of `total` are shown."""

        change_list: ChangeList
        first: int
        last: int
        total: int

    def __init__(self, changes: list[ItemChange], kind: str, *, id: str) -> None:
        super().__init__(id=id, cursor_type="row")
        self.changes, self.kind, self.page = changes, kind, 0

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.changes) // PAGE_ROWS))

    def on_mount(self) -> None:
        self.add_columns("item", "split", f"checks {self.kind}", "buckets")
        self.show_page(0)

    def show_page(self, page: int, cursor_row: int = 0) -> None:
        """Mount the rows of one page (the others are not mounted) and say which are shown."""
        self.page = max(0, min(page, self.page_count - 1))
        start = self.page * PAGE_ROWS
        shown = self.changes[start : start + PAGE_ROWS]
        self.clear()
        for index, change in enumerate(shown, start=start):
            checks = change.regressed_checks if self.kind == "regressed" else change.fixed_checks
            self.add_row(
                literal_text(change.item_id),
                Text(change.split),
                literal_text(", ".join(checks)),
                literal_text(", ".join(change.buckets)),
                key=str(index),
            )
        if shown:
            self.move_cursor(row=max(0, min(cursor_row, len(shown) - 1)))
        self.post_message(self.PageShown(self, start + 1 if shown else 0, start + len(shown), len(self.changes)))

    def action_page(self, step: int) -> None:
        if 0 <= self.page + step < self.page_count:
            self.show_page(self.page + step)

    def action_cursor_down(self) -> None:
        if self.cursor_row >= self.row_count - 1 and self.page + 1 < self.page_count:
            self.show_page(self.page + 1)
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0 and self.page > 0:
            self.show_page(self.page - 1, cursor_row=PAGE_ROWS - 1)
            return
        super().action_cursor_up()


def heading_text(kind: str, first: int, last: int, total: int) -> str:
    """`fixed: 250 items (1–100 shown, ] and [ page)`; the whole list when it fits one page."""
    what = f"{kind}: {total:,} items" + (" (a check that passed now fails)" if kind == "regressed" else "")
    if total <= PAGE_ROWS:
        return what
    return f"{what} ({first:,}–{last:,} shown, ] and [ page)"
