"""The template editor's read of its spec: the stored template or a draft from an item, read in a worker."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from curator.app.screens.fix.template_text import SlotTextArea, with_controls_written_out
from curator.app.widgets.literal import one_line
from curator.errors import CuratorError
from curator.fix.templates import library as template_domain
from curator.fix.templates.spec import TemplateSpec

READING = "reading the template…"
KEYS_WHILE_READING = {"back"}
"""The editor's only key before its spec is read: nothing is there yet to edit, save or generate."""


class TemplateLoading:
    """Reads the editor's spec off the UI thread (the editor supplies `workspace`, `template_name`, `source`,
    `spec`, `saved_spec`, `_fill_slot_table`, `refresh_preview`)."""

    loaded = False
    """True once the spec is read and shown; until then the text is read-only and only `back` answers."""

    @dataclass
    class SpecRead(Message):
        """The spec to edit, read in a worker."""

        spec: TemplateSpec

    @dataclass
    class SpecRefused(Message):
        """The template or draft could not be made (one line saying why)."""

        problem: str

    def placeholder_spec(self) -> TemplateSpec:
        """What the editor shows while it reads: an empty template with the name it will have."""
        return TemplateSpec(name=self.template_name or "draft", input="", target="")

    @work(thread=True, exclusive=True, exit_on_error=False, group="fix-read")
    def _read_spec(self) -> None:
        try:
            if self.template_name is not None:
                spec = template_domain.get_template(self.workspace, self.template_name).spec
            else:
                spec = template_domain.draft_from_item(self.workspace, *self.source)
        except CuratorError as problem:
            self.post_message(self.SpecRefused(str(problem)))
            return
        self.post_message(self.SpecRead(spec))

    def on_template_loading_spec_read(self, message: SpecRead) -> None:
        self.spec, self.controls_written_out = with_controls_written_out(message.spec)
        self.saved_spec = self.spec
        self.query_one("#editor-title", Static).update(Text(f"template {one_line(self.spec.name)}"))
        for area_id, text in (("#template-input", self.spec.input), ("#template-target", self.spec.target)):
            area = self.query_one(area_id, SlotTextArea)
            area.load_text(text)
            area.read_only = False
        self.loaded = True
        self._fill_slot_table()
        self.refresh_preview()
        self.refresh_bindings()
        if self.controls_written_out:
            self.notify("control characters in the template are shown written out (\\x1b…); saving keeps them so")

    def on_template_loading_spec_refused(self, message: SpecRefused) -> None:
        self.notify(message.problem, severity="error", markup=False)
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return True if self.loaded or action in KEYS_WHILE_READING else None
