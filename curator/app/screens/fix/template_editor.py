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
from textual.widgets import DataTable, Input, Label, Static, TextArea
from textual.worker import get_current_worker

from curator.app import registry
from curator.app.screens.fix import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.widgets.dialogs import ConfirmDialog, TextPrompt
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import literal, one_line
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.errors import CuratorError
from curator.fix.generation import GenerationReport, generate
from curator.fix.templates import TemplateRenderer
from curator.fix.templates import library as template_domain
from curator.fix.templates.authoring import add_variant, fixed_span_warnings, make_slot, set_slot_values
from curator.fix.templates.deadline import render_deadline
from curator.fix.templates.spec import TemplateSpec
from curator.workspace import Workspace

PREVIEW_COUNT = 3
PREVIEW_DELAY_S = 0.25
PREVIEW_LIMIT_S = 5.0  # all preview renders together; a newer keystroke abandons them sooner
DEFAULT_GENERATE = 5
MAX_GENERATE = 10_000


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def slot_name_for(span: str) -> str:
    """A slot name suggested by the selected text: `Sunny!` -> `sunny`."""
    cleaned = "".join(c if c.isalnum() else "_" for c in span.strip().lower()).strip("_") or "slot"
    return cleaned if cleaned.isidentifier() else f"slot_{cleaned}"


def preview_text(spec: TemplateSpec) -> Text:
    """A few rendered examples and the size of the slot product (raises on any template error)."""
    renderer = TemplateRenderer(spec)
    examples, _ = renderer.sample(PREVIEW_COUNT, seed=0)
    text = Text(f"{renderer.total:,} distinct examples possible\n", style="bold")
    for warning in fixed_span_warnings(spec):
        text.append(f"! {one_line(warning)}\n", style="yellow")
    for example in examples:
        text.append(f"\n[{example.variant}] ", style="dim")
        text.append(one_line(example.input))
        text.append("\n  → ", style="dim")
        text.append(one_line(example.target))
    return text


def with_controls_written_out(spec: TemplateSpec) -> tuple[TemplateSpec, bool]:
    """The spec with control characters in its texts written out (`\\x1b`): a text box would send them to the
    terminal raw, and invisible escapes do not belong in training data. Second value: whether any were."""
    shown = dataclasses.replace(spec, input=literal(spec.input), target=literal(spec.target))
    return shown, (shown.input, shown.target) != (spec.input, spec.target)


def generate_count(answer: str) -> int:
    """How many examples the analyst asked for; a clear error when it is not a whole number in range."""
    try:
        count = int(answer.strip())
    except ValueError:
        raise CuratorError(f"'{answer.strip()}' is not a whole number of examples") from None
    if not 1 <= count <= MAX_GENERATE:
        raise CuratorError(f"generate between 1 and {MAX_GENERATE:,} examples (got {count})")
    return count


class SlotTextArea(TextArea):
    """A text box where `s` over a selection makes a slot of it instead of typing over it."""

    @dataclass
    class SlotRequested(Message):
        text_area: SlotTextArea
        span: str

    async def _on_key(self, event) -> None:
        if event.character == "s" and self.selected_text:
            event.stop()
            event.prevent_default()
            self.post_message(self.SlotRequested(self, self.selected_text))
            return
        await super()._on_key(event)


class TemplateEditorScreen(ReportsWorkerFailures, Screen):
    """Edit a template (stored, or started from a failing item); the preview follows every keystroke."""

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
        self.source = (run_id, item_key)
        self.stored = template_name is not None
        if template_name is not None:
            self.spec = template_domain.get_template(workspace, template_name).spec
        elif run_id is not None and item_key is not None:
            self.spec = template_domain.draft_from_item(workspace, run_id, item_key)
        else:
            raise CuratorError("the template editor needs a template name or a source item")
        self.spec, self.controls_written_out = with_controls_written_out(self.spec)
        self.saved_spec: TemplateSpec = self.spec
        """The spec as stored (or as drafted): leaving with other text asks first."""
        self._preview_timer: Timer | None = None
        self._last_text_area = "template-input"
        self._selection: tuple[str, str] = ("template-input", "")
        """The last non-empty selection (box id, text): moving to the other box or a field keeps it."""

    def compose(self) -> ComposeResult:
        yield Static(Text(f"template {one_line(self.spec.name)}"), id="editor-title", classes="fix-title")
        with Horizontal(id="editor-body"):
            with Vertical(id="editor-texts"):
                yield Label("Input", classes="field-label")
                yield SlotTextArea(self.spec.input, id="template-input", soft_wrap=True)
                yield Label("Target", classes="field-label")
                yield SlotTextArea(self.spec.target, id="template-target", soft_wrap=True)
            with Vertical(id="editor-side"):
                yield DataTable(id="slot-table", cursor_type="row")
                with Horizontal(id="slot-form"):
                    yield Input(placeholder="slot name", id="slot-name")
                    yield Input(placeholder="more values, a, b", id="slot-values")
                yield Input(placeholder="perturb: punctuation, case, whitespace, markup", id="slot-perturb")
                yield Static("", id="template-error", classes="inline-error")
                yield Static("", id="template-preview")
        yield Static(
            Text("select text in input or target, press s: slot", style="dim"),
            id="editor-hint",
        )
        yield FittingFooter()

    def on_mount(self) -> None:
        for field_id, title in (
            ("#slot-name", "slot name"),
            ("#slot-values", "more values"),
            ("#slot-perturb", "perturbations"),
        ):
            self.query_one(field_id, Input).border_title = title
        self.query_one("#slot-table", DataTable).add_columns("slot", "values", "perturb")
        self._fill_slot_table()
        self.refresh_preview()
        if self.controls_written_out:
            self.notify("control characters in the template are shown written out (\\x1b…); saving keeps them so")

    def current_spec(self) -> TemplateSpec:
        """The spec as the analyst sees it now: stored slots with the text areas' current text."""
        return dataclasses.replace(
            self.spec,
            input=self.query_one("#template-input", TextArea).text,
            target=self.query_one("#template-target", TextArea).text,
        )

    def _fill_slot_table(self) -> None:
        table = self.query_one("#slot-table", DataTable)
        table.clear()
        for slot in self.spec.slots:
            table.add_row(
                Text(one_line(slot.name)),
                Text(one_line(", ".join(map(str, slot.values)))),
                Text(one_line(", ".join(slot.perturb))),
            )
        for group in self.spec.zipped:
            table.add_row(Text(one_line(" + ".join(group.names))), Text(f"{len(group.rows)} rows"), Text("zipped"))
        for variant in self.spec.variants:
            table.add_row(Text(one_line(f"variant {variant.kind}")), Text(one_line(variant.input, 40)), Text(""))

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
        self._selection = (message.text_area.id or self._last_text_area, message.span)
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
            preview.update(Text("(no preview until the template renders)", style="dim"))
            return
        error.update("")
        preview.update(message.preview)

    def _show_error(self, problem: CuratorError | str) -> None:
        self.query_one("#template-error", Static).update(Text(literal(str(problem))))

    def action_make_slot(self) -> None:
        """Turn the selected text into a slot; with nothing selected, give the named slot the values in the fields."""
        span = self.query_one(f"#{self._last_text_area}", TextArea).selected_text or self._selection[1]
        name = self.query_one("#slot-name", Input).value.strip() or slot_name_for(span)
        values = split_list(self.query_one("#slot-values", Input).value)
        perturb = split_list(self.query_one("#slot-perturb", Input).value)
        spec = self.current_spec()
        try:
            if not span and name in [slot.name for slot in spec.slots]:
                self._apply(set_slot_values(spec, name, values, perturb))
                done = f"slot '{name}' now has {len(values)} values"
            else:
                self._apply(make_slot(spec, span, name, values, perturb))
                done = f"slot '{name}' made"
        except CuratorError as problem:
            self._show_error(problem)
            return
        for field_id in ("#slot-name", "#slot-values", "#slot-perturb"):
            self.query_one(field_id, Input).value = ""
        self._selection = (self._last_text_area, "")
        self.notify(done, timeout=2, markup=False)

    @on(DataTable.RowSelected, "#slot-table")
    def _slot_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a slot puts its name, values and perturbations in the fields, ready to change."""
        if event.cursor_row < len(self.spec.slots):
            slot = self.spec.slots[event.cursor_row]
            self.query_one("#slot-name", Input).value = slot.name
            self.query_one("#slot-values", Input).value = ", ".join(map(str, slot.values))
            self.query_one("#slot-perturb", Input).value = ", ".join(slot.perturb)

    def action_delete_row(self) -> None:
        """Delete the highlighted variant of the slot table (slots go by editing the text)."""
        table = self.query_one("#slot-table", DataTable)
        index = table.cursor_row - len(self.spec.slots) - len(self.spec.zipped)
        if not self.spec.variants or not 0 <= index < len(self.spec.variants):
            self._show_error("highlight a variant in the slot table to delete it")
            return
        spec = self.current_spec()
        kind = spec.variants[index].kind
        self._apply(dataclasses.replace(spec, variants=[v for i, v in enumerate(spec.variants) if i != index]))
        self.notify(f"variant {kind} deleted (ctrl+s stores it)", timeout=2, markup=False)

    def action_add_no_tag(self) -> None:
        self._apply(add_variant(self.current_spec(), "no_tag"))
        self.notify("no-tag variant added", timeout=2)

    def _apply(self, spec: TemplateSpec) -> None:
        self.spec = spec
        self.query_one("#template-input", TextArea).load_text(spec.input)
        self.query_one("#template-target", TextArea).load_text(spec.target)
        self._fill_slot_table()
        self.refresh_preview()

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
        """A worker crashed (the app showed and logged it): say so here instead of "generating…"."""
        self._show_error(f"{message.group.removeprefix('fix-')} failed: {message.error}")
        self.query_one("#template-preview", Static).update(Text("(no preview)", style="dim"))

    @on(ExamplesGenerated)
    def _examples_generated(self, message: ExamplesGenerated) -> None:
        from curator.app.screens.fix.example_review import ExampleReviewScreen

        self.app.push_screen(ExampleReviewScreen(self.workspace, batch_id=message.report.batch_id))

    @property
    def unsaved(self) -> bool:
        """True when the text or slots differ from what is stored."""
        return self.current_spec() != self.saved_spec

    def action_back(self) -> None:
        """Leave; with unsaved edits, only after asking."""
        if not self.unsaved:
            self.dismiss(self.spec.name if self.stored else None)
            return
        self.app.push_screen(
            ConfirmDialog(f"Template '{self.spec.name}' has unsaved edits. Leave and lose them?", "Discard and leave"),
            callback=lambda yes: yes and self.dismiss(self.spec.name if self.stored else None),
        )


registry.register_screen("template_editor", "Template editor", TemplateEditorScreen)
