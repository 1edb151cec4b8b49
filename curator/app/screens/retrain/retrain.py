"""The retrain form: every LoRA, trainer and vLLM engine setting, built from the settings dataclasses; submitting
creates the job.

The fields, their order and their labels come from `LoraSettings`, `TrainerSettings` and `EngineSettings` (a field's
`metadata["help"]` is its label's tooltip), so a setting added there shows up here with no change to this file.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from curator.app import registry
from curator.app.screens.retrain import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.widgets.literal import literal
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.errors import CuratorError
from curator.inference.engine_settings import EngineSettings
from curator.jobs import training as job_domain
from curator.training.defaults import METHOD_RATE_SCALE, learning_rate_for
from curator.training.job import LoraSettings, TrainerSettings
from curator.workspace import Workspace

SECTIONS = (("lora", LoraSettings), ("trainer", TrainerSettings), ("engine", EngineSettings))
# A section's words on its labels and tooltips, where its name alone would not say what it is for.
SECTION_LABELS = {"engine": "vLLM"}
SECTION_NOTES = {"engine": "Used when the re-eval after training (and GRPO with use_vllm) runs on vLLM."}
TRUE_WORDS, FALSE_WORDS = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


def type_name(field: dataclasses.Field) -> str:
    """The field's declared type as text (`int`, `float`, `bool`, `str | list[str]`...)."""
    return field.type if isinstance(field.type, str) else getattr(field.type, "__name__", str(field.type))


def parse_value(field: dataclasses.Field, raw: str, section: str) -> Any:
    """A form string as the setting's type; a clear error naming the field (`ture` is not a boolean)."""
    raw, kind, where = raw.strip(), type_name(field), f"{section}.{field.name}"
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise CuratorError(f"{where}: '{raw}' is not a number") from None
    if kind == "bool":
        if raw.lower() in TRUE_WORDS:
            return True
        if raw.lower() in FALSE_WORDS:
            return False
        raise CuratorError(f"{where}: '{raw}' is not true or false")
    if "list" in kind:
        return raw if raw == "all-linear" else [p.strip() for p in raw.split(",") if p.strip()]
    return raw


def shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return ",".join(value) if isinstance(value, list) else str(value)


def label_for(field: dataclasses.Field) -> str:
    """The field's name in words, with its type where the type says how to write it."""
    words = field.name.replace("_", " ")
    kind = type_name(field)
    return f"{words} (true/false)" if kind == "bool" else words


class RetrainForm(ReportsWorkerFailures, ModalScreen[int | None]):
    """Start a LoRA job on a dataset version; dismisses with the new job's id (None when cancelled). Creating the
    job re-hashes the frozen dataset and builds the dev sample, so it runs in a worker."""

    CSS_PATH = "loop.tcss"
    BINDINGS = registry.bindings("loop.retrain")
    ACTION_SCOPES = ("loop.retrain",)

    @dataclass
    class JobCreated(Message):
        job_id: int

    @dataclass
    class JobRefused(Message):
        """The domain refused the job (a bad setting, a changed dataset file...): nothing was created."""

        error: str

    def __init__(
        self,
        workspace: Workspace,
        dataset: str,
        base_model: str = "",
        source_run: str | None = None,
        lora: LoraSettings | None = None,
        trainer: TrainerSettings | None = None,
        generation: dict | None = None,
        engine: EngineSettings | None = None,
    ) -> None:
        super().__init__()
        self.workspace, self.dataset, self.source_run = workspace, dataset, source_run
        self.base_model = workspace.storable_path(base_model) if base_model else ""
        """Shown relative to the workspace when the model is inside it."""
        self.settings = {
            "lora": lora or LoraSettings(),
            "trainer": trainer or TrainerSettings(),
            "engine": engine
            or EngineSettings(),  # the opener reads the source run's (in a worker), as its re-eval uses
        }
        self.generation = generation
        given = self.settings["trainer"]
        self._sft_rate = given.learning_rate / METHOD_RATE_SCALE.get(given.method, 1.0)
        self._method = given.method
        self.submitting = False
        """True while the job is being created (a second ctrl+s waits for the first)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="retrain-form"):
            title = Text.assemble("Retrain on ", (literal(self.dataset), "bold"))
            if self.source_run:
                title.append(f" (early stopping on run {literal(self.source_run)})")
            yield Static(title, id="retrain-title")
            with VerticalScroll(id="retrain-fields"):
                with Grid(id="retrain-grid"):
                    yield Label("base model")
                    yield Input(
                        self.base_model, id="base_model", placeholder="local model folder", select_on_focus=False
                    )
                    yield Label("parent adapter")
                    yield Input("", id="parent_adapter", placeholder="optional adapter folder", select_on_focus=False)
                    for section, kind in SECTIONS:
                        yield from self._section_fields(section, kind)
            yield Static("", id="retrain-error")
            with Horizontal(id="retrain-buttons"):
                yield Button("Start training (ctrl+s)", variant="primary", id="start")
                yield Button("Cancel (esc)", id="cancel")

    def _section_fields(self, section: str, kind) -> ComposeResult:
        """A label and an input per setting of `kind`, showing its current value."""
        for field in dataclasses.fields(kind):
            tooltip = " ".join(filter(None, (field.metadata.get("help"), SECTION_NOTES.get(section))))
            label = Label(f"{SECTION_LABELS.get(section, section)} {label_for(field)}")
            label.tooltip = tooltip
            yield label
            current = shown(getattr(self.settings[section], field.name))
            # Focus puts the cursor at the end: a key typed on arrival edits the value, never replaces a
            # selected value unseen.
            value = Input(current, id=f"{section}-{field.name}", select_on_focus=False)
            value.tooltip = tooltip
            yield value

    def _settings(self, section: str, kind):
        values = {
            f.name: parse_value(f, self.query_one(f"#{section}-{f.name}", Input).value, section)
            for f in dataclasses.fields(kind)
        }
        return dataclasses.replace(self.settings[section], **values)

    def _path(self, field_id: str) -> str | None:
        """A folder typed in the form; relative paths are inside the workspace."""
        typed = self.query_one(f"#{field_id}", Input).value.strip()
        return str(self.workspace.resolve_path(typed)) if typed else None

    def request(self) -> job_domain.TrainingRequest:
        """The job the form describes; raises CuratorError naming the bad field."""
        base = self._path("base_model")
        if not base:
            raise CuratorError("base model: give the folder of a local model")
        return job_domain.TrainingRequest(
            dataset=self.dataset,
            base_model=base,
            source_run=self.source_run,
            parent_adapter=self._path("parent_adapter"),
            lora=self._settings("lora", LoraSettings),
            trainer=self._settings("trainer", TrainerSettings),
            generation=self.generation,
            engine=self._settings("engine", EngineSettings),
        )

    @on(Input.Changed, "#trainer-method")
    def _method_changed(self, event: Input.Changed) -> None:
        """A new method brings its default rate, unless the rate field was edited away from the old default."""
        method = event.value.strip()
        if method not in METHOD_RATE_SCALE or method == self._method:
            return
        rate = self.query_one("#trainer-learning_rate", Input)
        if rate.value.strip() == shown(learning_rate_for(self._method, self._sft_rate)):
            rate.value = shown(learning_rate_for(method, self._sft_rate))
        self._method = method

    @on(Button.Pressed, "#start")
    def action_submit(self) -> None:
        if self.submitting:
            return
        try:
            request = self.request()
        except CuratorError as error:
            self._show_error(str(error))
            return
        self.submitting = True
        message = "checking the dataset and building the dev sample…"
        self.query_one("#retrain-error", Static).update(Text(message, style="dim"))
        self._create_job(request)

    @work(thread=True, exclusive=True, exit_on_error=False, group="create-job")
    def _create_job(self, request: job_domain.TrainingRequest) -> None:
        try:
            job = job_domain.create_job(self.workspace, request)
        except CuratorError as error:
            self.post_message(self.JobRefused(str(error)))
            return
        self.post_message(self.JobCreated(job.job_id))

    @on(JobCreated)
    def _job_created(self, message: JobCreated) -> None:
        self.dismiss(message.job_id)

    @on(JobRefused)
    def _job_refused(self, message: JobRefused) -> None:
        self._show_error(message.error)

    def on_work_failed(self, message: WorkFailed) -> None:
        """The worker crashed (shown and logged by the app): the form can be submitted again."""
        self._show_error(message.error)

    def _show_error(self, error: str) -> None:
        self.submitting = False
        self.query_one("#retrain-error", Static).update(Text(literal(error), style="red"))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
