"""The item table's keys and mouse: move the cursor by a line, a page or to an end, widen a text column."""

from __future__ import annotations

from textual import events

from curator.app.widgets.item_columns import INPUT_SHARES


class ItemTableKeys:
    """Cursor moves of the item table (the table supplies `items`, `cursor_row`, `top_row` and `body_height`)."""

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
