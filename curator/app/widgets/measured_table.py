"""A DataTable that is drawn again once its columns are measured.

Textual 8 measures auto-width columns when the table is next idle, after rows are added. On a busy machine the
screen can be painted in between, with each column only as wide as its header; Textual caches those cells (the
cache does not know the widths) and the table kept showing "fixe" for "fixes", its last column dropped, until
something else changed. Here, after an idle that follows new rows, a measurement that widened a column drops the
table's caches (through a public reactive whose watcher does so) and repaints it.
"""

from __future__ import annotations

from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class MeasuredTable(DataTable):
    """Repaints after an (idle-time) column measurement that widened a column; otherwise a DataTable."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows_to_measure = False

    def add_row(self, *cells, **kwargs) -> RowKey:
        self.rows_to_measure = True
        return super().add_row(*cells, **kwargs)

    def on_idle(self) -> None:
        """Runs before DataTable's own idle handler measures the new rows: compare the widths after it."""
        if self.rows_to_measure:
            self.rows_to_measure = False
            self.call_later(self.repaint_if_wider, self.widths())

    def widths(self) -> list[int]:
        return [column.content_width for column in self.columns.values()]

    def repaint_if_wider(self, before: list[int]) -> None:
        if self.widths() != before:
            self.mutate_reactive(DataTable.zebra_stripes)  # its watcher drops the cells painted at the old widths
            self.refresh()
