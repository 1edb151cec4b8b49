"""The help screen: every key binding, read from the one registry."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from curator.app import registry


def bindings_table() -> Table:
    """A table of key, what it does, and where it works."""
    table = Table(box=None, expand=True, show_header=True, header_style="bold")
    table.add_column("key", no_wrap=True, min_width=7)
    table.add_column("does", ratio=3)
    table.add_column("where", style="dim", ratio=1)
    for spec in registry.actions():
        keys = ", ".join(k.replace("question_mark", "?").replace("slash", "/") for k in spec.keys.split(","))
        table.add_row(
            Text(keys, style="bold"),
            Text(spec.tooltip or spec.description),
            Text(registry.SCOPE_TITLES.get(spec.scope, spec.scope)),
        )
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the bindings of every screen; escape closes it."""

    CSS_PATH = "../styles/app.tcss"
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close", id="help.close", tooltip="Close help")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("Keys (ctrl+p opens the command palette)", style="bold"), id="help-title")
            yield Static(bindings_table(), id="help-table")
