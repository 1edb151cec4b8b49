"""Asking how to stop a training job: keep the best adapter so far, discard everything, or go on training."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

KEEP, DISCARD = "keep", "discard"


class StopJobDialog(ModalScreen[str | None]):
    """Dismisses with "keep", "discard", or None (go on training)."""

    DEFAULT_CSS = """
    StopJobDialog { align: center middle; }
    StopJobDialog > Vertical { width: 72; max-width: 100%; height: auto; border: thick $warning;
        background: $surface; padding: 1 2; }
    StopJobDialog Horizontal { height: auto; margin-top: 1; }
    StopJobDialog Button { margin-right: 1; }
    """
    BINDINGS = [
        Binding("k", "answer('keep')", "Keep best", id="stop.keep", tooltip="Stop and keep the best adapter so far"),
        Binding("d", "answer('discard')", "Discard", id="stop.discard", tooltip="Stop; no adapter is kept"),
        Binding("n,escape", "answer(None)", "Go on", id="stop.no", tooltip="Leave the job training"),
    ]

    def __init__(self, job_id: int, then: str = "") -> None:
        super().__init__()
        self.job_id, self.then = job_id, then

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Stop training job {self.job_id}{self.then}?"), id="stop-message")
            with Horizontal():
                yield Button("Keep best adapter (k)", variant="primary", id=KEEP)
                yield Button("Discard (d)", variant="warning", id=DISCARD)
                yield Button("Go on (n)", id="no")

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id in (KEEP, DISCARD) else None)
