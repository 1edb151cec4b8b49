"""Asked when `t` is pressed on an item whose bucket already has templates: reopen one, or start a new one."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from curator.app.widgets.literal import one_line
from curator.fix.templates.library import TemplateRecord

NEW_TEMPLATE = "\x00new"


class TemplateChoice(ModalScreen[str | None]):
    """Dismisses with the chosen template's name, NEW_TEMPLATE for a new one, or None (escape)."""

    DEFAULT_CSS = """
    TemplateChoice { align: center middle; }
    TemplateChoice > Vertical { width: 72; max-width: 100%; height: auto; max-height: 80%;
        border: thick $accent; background: $surface; padding: 1 2; }
    TemplateChoice OptionList { height: auto; max-height: 16; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="template_choice.cancel", tooltip="Do nothing")]

    def __init__(self, bucket: str | None, templates: list[TemplateRecord]) -> None:
        super().__init__()
        self.bucket, self.templates = bucket, templates

    def compose(self) -> ComposeResult:
        where = f"bucket '{one_line(self.bucket)}'" if self.bucket else "this item"
        with Vertical():
            yield Label(Text(f"{where} already has {len(self.templates)} template(s): reopen one?"))
            options = [
                Option(Text(f"Edit template {one_line(t.name)}"), id=f"template:{t.name}") for t in self.templates
            ]
            yield OptionList(*options, Option(Text("Start a new template from this item"), id=NEW_TEMPLATE))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        self.dismiss(NEW_TEMPLATE if option_id == NEW_TEMPLATE else option_id.removeprefix("template:"))

    def action_cancel(self) -> None:
        self.dismiss(None)
