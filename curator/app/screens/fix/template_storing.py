"""The template editor's store and leave keys: save, ask how many examples to generate, ask before losing edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from curator.app.screens.fix.template_text import DEFAULT_GENERATE, generate_count
from curator.app.widgets.dialogs import ConfirmDialog, TextPrompt
from curator.errors import CuratorError
from curator.fix.templates import library as template_domain
from curator.fix.templates.spec import TemplateSpec
from curator.workspace import Workspace

STILL_SAVING = "still saving the template: one moment"


def store(
    ws: Workspace, spec: TemplateSpec, stored: bool, bucket: str | None, source: tuple[int | None, int | None]
) -> None:
    """Save a stored template, or create it from its source item (DuckDB: call it off the UI thread)."""
    if stored:
        template_domain.save_template(ws, spec, bucket=bucket)
        return
    run_id, item_key = source
    template_domain.create_template(ws, spec, bucket=bucket, source_run_id=run_id, source_item_key=item_key)


class StoringKeys:
    """Storing the template being edited (the editor supplies `workspace`, `spec`, `saved_spec`, `stored`,
    `source`, `bucket`, `current_spec`, `_show_error` and the `_generate` worker). Saving runs in a worker, one
    save at a time."""

    saving = False
    """True from a save's start until its outcome is shown: another save is refused meanwhile."""
    leave_when_saved = False
    """Escape was pressed while saving: it is answered once the save is done (a refused save cancels it)."""

    @dataclass
    class TemplateSaved(Message):
        """The spec was stored (in a worker); `then` is what the key does next."""

        spec: TemplateSpec
        then: Callable[[], None]

    @dataclass
    class SaveRefused(Message):
        """The template was not stored (one line saying why)."""

        problem: str

    def save_then(self, then: Callable[[], None]) -> None:
        """Store the template as shown in a worker, then `then()`; a template that does not compile is not stored
        and the error is shown."""
        if self.saving:
            self.notify(STILL_SAVING, timeout=2, markup=False)
            return
        self.saving = True
        self._store(self.current_spec(), self.stored, then)

    @work(thread=True, exit_on_error=False, group="fix-save")
    def _store(self, spec: TemplateSpec, stored: bool, then: Callable[[], None]) -> None:
        try:
            store(self.workspace, spec, stored, self.bucket, self.source)
        except CuratorError as problem:
            self.post_message(self.SaveRefused(str(problem)))
            return
        self.post_message(self.TemplateSaved(spec, then))

    def on_storing_keys_template_saved(self, message: TemplateSaved) -> None:
        """What is stored now counts as saved; slots changed while it was stored stay (and stay unsaved)."""
        self.saving, self.stored, self.saved_spec = False, True, message.spec
        self.spec = replace(self.spec, input=message.spec.input, target=message.spec.target)
        message.then()
        if self.leave_when_saved:
            self.leave_when_saved = False
            self.action_back()

    def on_storing_keys_save_refused(self, message: SaveRefused) -> None:
        self.saving = self.leave_when_saved = False
        self._show_error(message.problem)

    def action_save(self) -> None:
        self.save_then(lambda: self.notify(f"template '{self.spec.name}' saved", timeout=2, markup=False))

    def action_generate(self) -> None:
        """Ask how many examples to make, then save and generate them."""
        self.app.push_screen(
            TextPrompt("How many examples to generate?", str(DEFAULT_GENERATE), placeholder="a whole number"),
            callback=self._generate_answered,
        )

    def _generate_answered(self, answer: str | None) -> None:
        if answer is None:
            return
        try:
            count = generate_count(answer)
        except CuratorError as problem:
            self._show_error(problem)
            return
        self.save_then(lambda: self._start_generating(count))

    def _start_generating(self, count: int) -> None:
        self._show_error("")
        self.query_one("#template-preview", Static).update(Text(f"generating {count:,} examples…", style="dim"))
        self._generate(self.spec.name, count)

    @property
    def unsaved(self) -> bool:
        """True when the text or slots differ from what is stored."""
        return self.current_spec() != self.saved_spec

    def action_back(self) -> None:
        """Drop spans waiting to be paired; else leave, with unsaved edits only after asking."""
        if self.drop_pairing():
            return
        if self.saving:  # leave (or ask) once the save's outcome is known
            self.leave_when_saved = True
            return
        if not self.unsaved:
            self.dismiss(self.spec.name if self.stored else None)
            return
        self.app.push_screen(
            ConfirmDialog(f"Template '{self.spec.name}' has unsaved edits. Leave and lose them?", "Discard and leave"),
            callback=lambda yes: yes and self.dismiss(self.spec.name if self.stored else None),
        )
