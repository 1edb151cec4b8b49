"""A DataTable that is drawn again once its columns are measured.

Textual 8 measures auto-width columns when the table is next idle, after rows are added. On a busy machine the
screen can be painted in between, with each column only as wide as its header; Textual caches those cells (the
cache does not know the widths) and the table kept showing "fixe" for "fixes", its last column dropped, until
something else changed. Here the caches are dropped and the table repainted whenever a measurement widens a
column (private DataTable methods, Textual 8.2; tests/app/widgets/test_measured_table.py says when they change).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, RowKey


class MeasuredTable(DataTable):
    """Repaints after an (idle-time) column measurement that changed a width; otherwise a DataTable."""

    def _widths(self) -> list[int]:
        return [column.content_width for column in self.columns.values()]

    def _repaint_if_wider(self, before: list[int]) -> None:
        if self._widths() != before:
            self._clear_caches()
            self.refresh()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = self._widths()
        super()._update_dimensions(new_rows)
        self._repaint_if_wider(before)

    def _update_column_widths(self, updated_cells: set[CellKey]) -> None:
        before = self._widths()
        super()._update_column_widths(updated_cells)
        self._repaint_if_wider(before)
