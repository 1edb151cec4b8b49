"""The template editor's store and leave keys: save, ask how many examples to generate, ask before losing edits."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from curator.app.screens.fix.template_text import DEFAULT_GENERATE, generate_count
from curator.app.widgets.dialogs import ConfirmDialog, TextPrompt
from curator.errors import CuratorError
from curator.fix.templates import library as template_domain


class StoringKeys:
    """Storing the template being edited (the editor supplies `workspace`, `spec`, `saved_spec`, `stored`,
    `source`, `bucket`, `current_spec`, `_show_error` and the `_generate` worker)."""

    def save(self) -> bool:
        """Store the template as shown; a template that does not compile is not stored and the error is shown."""
        spec = self.current_spec()
        try:
            if self.stored:
                template_domain.save_template(self.workspace, spec, bucket=self.bucket)
            else:
                run_id, item_key = self.source
                template_domain.create_template(
                    self.workspace, spec, bucket=self.bucket, source_run_id=run_id, source_item_key=item_key
                )
                self.stored = True
        except CuratorError as problem:
            self._show_error(problem)
            return False
        self.spec = self.saved_spec = spec
        return True

    def action_save(self) -> None:
        if self.save():
            self.notify(f"template '{self.spec.name}' saved", timeout=2, markup=False)

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
        if self.save():
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
        if not self.unsaved:
            self.dismiss(self.spec.name if self.stored else None)
            return
        self.app.push_screen(
            ConfirmDialog(f"Template '{self.spec.name}' has unsaved edits. Leave and lose them?", "Discard and leave"),
            callback=lambda yes: yes and self.dismiss(self.spec.name if self.stored else None),
        )
