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
from textual.widgets import DataTable, Footer, Input, Label, Static, TextArea

from curator.app import registry
from curator.app.screens.fix import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.widgets.literal import literal, one_line
from curator.errors import CuratorError
from curator.fix.generation import GenerationReport, generate
from curator.fix.templates import TemplateRenderer
from curator.fix.templates import library as template_domain
from curator.fix.templates.authoring import add_variant, make_slot, set_slot_values
from curator.fix.templates.spec import TemplateSpec
from curator.workspace import Workspace

PREVIEW_COUNT = 3
PREVIEW_DELAY_S = 0.25


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
    for example in examples:
        text.append(f"\n[{example.variant}] ", style="dim")
        text.append(one_line(example.input))
        text.append("\n  → ", style="dim")
        text.append(one_line(example.target))
    return text


class TemplateEditorScreen(Screen):
    """Edit a template (stored, or started from a failing item); the preview follows every keystroke."""

    CSS_PATH = "fix.tcss"
    BINDINGS = registry.bindings("fix.template")

    @dataclass
    class ExamplesGenerated(Message):
        report: GenerationReport

    @dataclass
    class GenerationFailed(Message):
        problem: str

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
        self._preview_timer: Timer | None = None
        self._last_text_area = "template-input"

    def compose(self) -> ComposeResult:
        yield Static(Text(f"template {one_line(self.spec.name)}"), id="editor-title", classes="fix-title")
        with Horizontal(id="editor-body"):
            with Vertical(id="editor-texts"):
                yield Label("Input", classes="field-label")
                yield TextArea(self.spec.input, id="template-input", soft_wrap=True)
                yield Label("Target", classes="field-label")
                yield TextArea(self.spec.target, id="template-target", soft_wrap=True)
            with Vertical(id="editor-side"):
                yield DataTable(id="slot-table", cursor_type="row")
                with Horizontal(id="slot-form"):
                    yield Input(placeholder="slot name", id="slot-name")
                    yield Input(placeholder="more values, a, b", id="slot-values")
                yield Input(placeholder="perturb: punctuation, case, whitespace, markup", id="slot-perturb")
                yield Static("", id="template-error", classes="inline-error")
                yield Static("", id="template-preview")
        yield Footer()

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
            table.add_row(slot.name, literal(", ".join(map(str, slot.values))), ", ".join(slot.perturb))
        for group in self.spec.zipped:
            table.add_row(" + ".join(group.names), f"{len(group.rows)} rows", "zipped")
        for variant in self.spec.variants:
            table.add_row(f"variant {variant.kind}", one_line(variant.input, 40), "")

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        self._last_text_area = event.text_area.id or self._last_text_area
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY_S, self.refresh_preview)

    @on(TextArea.SelectionChanged)
    def _selection_changed(self, event: TextArea.SelectionChanged) -> None:
        self._last_text_area = event.text_area.id or self._last_text_area

    def refresh_preview(self) -> None:
        """Render a few examples; any template error is shown inline and the app carries on."""
        error, preview = self.query_one("#template-error", Static), self.query_one("#template-preview", Static)
        try:
            shown = preview_text(self.current_spec())
        except CuratorError as problem:
            error.update(Text(literal(str(problem))))
            preview.update(Text("(no preview until the template renders)", style="dim"))
            return
        error.update("")
        preview.update(shown)

    def _show_error(self, problem: CuratorError | str) -> None:
        self.query_one("#template-error", Static).update(Text(literal(str(problem))))

    def action_make_slot(self) -> None:
        """Turn the selected text into a slot; with nothing selected, give the named slot the values in the fields."""
        span = self.query_one(f"#{self._last_text_area}", TextArea).selected_text
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
        self.notify(done, timeout=2, markup=False)

    @on(DataTable.RowSelected, "#slot-table")
    def _slot_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a slot puts its name, values and perturbations in the fields, ready to change."""
        if event.cursor_row < len(self.spec.slots):
            slot = self.spec.slots[event.cursor_row]
            self.query_one("#slot-name", Input).value = slot.name
            self.query_one("#slot-values", Input).value = ", ".join(map(str, slot.values))
            self.query_one("#slot-perturb", Input).value = ", ".join(slot.perturb)

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
        self.spec = spec
        return True

    def action_save(self) -> None:
        if self.save():
            self.notify(f"template '{self.spec.name}' saved", timeout=2, markup=False)

    def action_generate(self) -> None:
        if self.save():
            self._generate(self.spec.name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="fix-generate")
    def _generate(self, name: str) -> None:
        try:
            self.post_message(self.ExamplesGenerated(generate(self.workspace, name, n=5)))
        except CuratorError as problem:
            self.post_message(self.GenerationFailed(str(problem)))

    @on(GenerationFailed)
    def _generation_failed(self, message: GenerationFailed) -> None:
        self._show_error(message.problem)

    @on(ExamplesGenerated)
    def _examples_generated(self, message: ExamplesGenerated) -> None:
        from curator.app.screens.fix.example_review import ExampleReviewScreen

        self.app.push_screen(ExampleReviewScreen(self.workspace, batch_id=message.report.batch_id))

    def action_back(self) -> None:
        self.dismiss(self.spec.name if self.stored else None)


registry.register_screen("template_editor", "Template editor", TemplateEditorScreen)
