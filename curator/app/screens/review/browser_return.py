"""Back from the detail screen, the browser's cursor goes to the item left on: its row in the filter is a query,
read in a worker."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.message import Message

from curator.app.widgets.item_table import ItemTable
from curator.review.browse import FilteredItems


@dataclass
class RowFound(Message):
    """Where an item stands in the filter shown (for the cursor)."""

    items: FilteredItems
    row: int


class ReturnsToItem:
    """For the browser (which supplies `items`): the cursor back on an item (handler named, not `@on`:
    decorators on a mixin are not collected by Textual)."""

    def _back_from_item(self, item_key: int | None) -> None:
        if item_key is not None and self.items is not None:
            self._find_row(self.items, item_key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="find-row")
    def _find_row(self, items: FilteredItems, item_key: int) -> None:
        self.post_message(RowFound(items, items.index_of(item_key)))

    def on_row_found(self, message: RowFound) -> None:
        if message.items is self.items:
            self.query_one(ItemTable).cursor_row = message.row
