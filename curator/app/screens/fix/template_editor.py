"""The template editor: input and target text, slots made from selected text, a live preview of rendered examples."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Input, Label, Static, TextArea
from textual.worker import get_current_worker

from curator.app import registry
from curator.app.screens.fix import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.screens.fix.slot_editing import SlotEditing, hint_text
from curator.app.screens.fix.slot_expanding import SlotExpanding
from curator.app.screens.fix.template_loading import READING, TemplateLoading
from curator.app.screens.fix.template_storing import StoringKeys
from curator.app.screens.fix.template_text import (
    DEFAULT_GENERATE,
    PREVIEW_DELAY_S,
    PREVIEW_LIMIT_S,
    SlotTextArea,
    preview_text,
)
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import literal, one_line
from curator.app.widgets.measured_table import MeasuredTable
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.errors import CuratorError
from curator.fix.generation import GenerationReport, generate
from curator.fix.templates.spec import TemplateSpec
from curator.sandbox.deadline import render_deadline
from curator.workspace import Workspace


class TemplateEditorScreen(SlotEditing, SlotExpanding, StoringKeys, TemplateLoading, ReportsWorkerFailures, Screen):
    """Edit a template (stored, or started from a failing item, read in a worker); the preview follows every
    keystroke."""

    CSS_PATH = "fix.tcss"
    BINDINGS = registry.bindings("fix.template")

    @dataclass
    class ExamplesGenerated(Message):
        report: GenerationReport

    @dataclass
    class GenerationFailed(Message):
        problem: str

    @dataclass
    class PreviewRendered(Message):
        """A preview rendered off the UI thread (`problem` when the template does not render)."""

        preview: Text | None
        problem: str | None = None

    def __init__(
        self,
        workspace: Workspace,
        template_name: str | None = None,
        *,
        run_id: int | None = None,
        item_key: int | None = None,
        bucket: str | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.bucket = bucket
        self._preview_error = False  # the error line is about the template's text (the next good preview clears it)
        self.source = (run_id, item_key)
        self.stored = template_name is not None
        self.template_name = template_name
        if template_name is None and (run_id is None or item_key is None):
            raise CuratorError("the template editor needs a template name or a source item")
        self.spec = self.placeholder_spec()
        self.controls_written_out = False
        self.saved_spec: TemplateSpec = self.spec
        """The spec as stored (or as drafted): leaving with other text asks first."""
        self._preview_timer: Timer | None = None
        self._last_text_area = "template-input"
        self._selection: tuple[str, str] = ("template-input", "")
        """The last non-empty selection (box id, text): moving to the other box or a field keeps it."""
        self.pairing: dict[str, str] = {}
        """Spans waiting to become paired slots (name -> span), in the order z added them."""

    def compose(self) -> ComposeResult:
        yield Static(Text(f"template {one_line(self.spec.name)} ({READING})"), id="editor-title", classes="fix-title")
        with Horizontal(id="editor-body"):
            with Vertical(id="editor-texts"):
                yield Label("Input", classes="field-label")
                yield SlotTextArea("", id="template-input", soft_wrap=True, read_only=True)
                yield Label("Target", classes="field-label")
                yield SlotTextArea("", id="template-target", soft_wrap=True, read_only=True)
            with Vertical(id="editor-side"):
                yield MeasuredTable(id="slot-table", cursor_type="row")
                with Horizontal(id="slot-form"):
                    yield Input(placeholder="slot name", id="slot-name")
                    yield Input(placeholder="more values, a, b", id="slot-values")
                with Horizontal(id="slot-options"):
                    yield Input(placeholder="perturb: punctuation, case, whitespace, markup", id="slot-perturb")
                    yield Checkbox("replace", id="slot-replace", tooltip="replace the slot's values instead of adding")
                yield Static("", id="template-error", classes="inline-error")
                yield Static("", id="template-preview")
        yield Static(hint_text({}), id="editor-hint")
        yield FittingFooter()

    def on_mount(self) -> None:
        for field_id, title in (
            ("#slot-name", "slot name"),
            ("#slot-values", "more values"),
            ("#slot-perturb", "perturbations"),
        ):
            self.query_one(field_id, Input).border_title = title
        self.query_one("#slot-table", DataTable).add_columns("slot", "values", "perturb")
        self.query_one("#template-input", SlotTextArea).focus()  # where the hint says to select
        self._read_spec()

    def current_spec(self) -> TemplateSpec:
        """The spec as the analyst sees it now: stored slots with the text areas' current text."""
        return dataclasses.replace(
            self.spec,
            input=self.query_one("#template-input", TextArea).text,
            target=self.query_one("#template-target", TextArea).text,
        )

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        self._last_text_area = event.text_area.id or self._last_text_area
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY_S, self.refresh_preview)

    @on(TextArea.SelectionChanged)
    def _selection_changed(self, event: TextArea.SelectionChanged) -> None:
        self._last_text_area = event.text_area.id or self._last_text_area
        if event.text_area.selected_text:
            self._selection = (self._last_text_area, event.text_area.selected_text)

    @on(SlotTextArea.SlotRequested)
    def _slot_requested(self, message: SlotTextArea.SlotRequested) -> None:
        if not self.loaded:
            return
        self._selection = (message.text_area.id or self._last_text_area, message.span)
        if message.paired:
            self.action_pair_span()
        else:
            self.action_make_slot()

    def refresh_preview(self) -> None:
        """Render a few examples in a worker; a newer keystroke abandons an older render."""
        self._render_preview(self.current_spec())

    @work(thread=True, exclusive=True, exit_on_error=False, group="fix-preview")
    def _render_preview(self, spec: TemplateSpec) -> None:
        worker = get_current_worker()
        try:
            with render_deadline(PREVIEW_LIMIT_S, should_stop=lambda: worker.is_cancelled):
                shown = preview_text(spec)
        except CuratorError as problem:
            if not worker.is_cancelled:
                self.post_message(self.PreviewRendered(None, str(problem)))
            return
        if not worker.is_cancelled:
            self.post_message(self.PreviewRendered(shown))

    @on(PreviewRendered)
    def _show_preview(self, message: PreviewRendered) -> None:
        """Any template error is shown inline and the app carries on."""
        error, preview = self.query_one("#template-error", Static), self.query_one("#template-preview", Static)
        if message.preview is None:
            error.update(Text(literal(message.problem)))
            self._preview_error = True
            preview.update(Text("(no preview until the template renders)", style="dim"))
            return
        if self._preview_error:  # never a key's refusal (kept until the next key)
            error.update("")
            self._preview_error = False
        preview.update(message.preview)

    def _show_error(self, problem: CuratorError | str, keep: bool = False) -> None:
        """The error line; `keep`: a key's refusal that the next good preview must not wipe (it is not about the
        template's text)."""
        self.query_one("#template-error", Static).update(Text(literal(str(problem))))
        self._preview_error = not keep

    @on(DataTable.RowSelected, "#slot-table")
    def _slot_chosen(self, event: DataTable.RowSelected) -> None:
        self.slot_chosen(event.cursor_row)

    @work(thread=True, exclusive=True, exit_on_error=False, group="fix-generate")
    def _generate(self, name: str, count: int = DEFAULT_GENERATE) -> None:
        try:
            self.post_message(self.ExamplesGenerated(generate(self.workspace, name, n=count)))
        except CuratorError as problem:
            self.post_message(self.GenerationFailed(str(problem)))

    @on(GenerationFailed)
    def _generation_failed(self, message: GenerationFailed) -> None:
        self._show_error(message.problem)
        self.refresh_preview()

    @on(WorkFailed)
    def _work_failed(self, message: WorkFailed) -> None:
        """A worker crashed (the app showed and logged it): say so here instead of "generating…" (a save that
        crashed stored nothing: the preview stays and saving may be tried again)."""
        self._show_error(f"{message.group.removeprefix('fix-')} failed: {message.error}")
        if message.group == "fix-save":
            self.saving = self.leave_when_saved = False
            return
        self.query_one("#template-preview", Static).update(Text("(no preview)", style="dim"))

    @on(ExamplesGenerated)
    def _examples_generated(self, message: ExamplesGenerated) -> None:
        from curator.app.screens.fix.example_review import ExampleReviewScreen

        self.app.push_screen(ExampleReviewScreen(self.workspace, batch_id=message.report.batch_id))


registry.register_screen("template_editor", "Template editor", TemplateEditorScreen)
