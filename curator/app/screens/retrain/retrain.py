"""The retrain form: every LoRA and trainer setting, filled with defaults; submitting creates the job."""

from __future__ import annotations

from dataclasses import fields

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from curator.app import registry
from curator.app.screens.retrain import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.errors import CuratorError
from curator.jobs import training as job_domain
from curator.training.job import LoraSettings, TrainerSettings
from curator.workspace import Workspace

# (field, label) in the order the form shows them; values are parsed with the dataclass field's type.
LORA_FIELDS = [
    ("r", "LoRA rank r"),
    ("alpha", "LoRA alpha"),
    ("dropout", "LoRA dropout"),
    ("target_modules", "target modules"),
]
TRAINER_FIELDS = [
    ("learning_rate", "learning rate"),
    ("epochs", "epochs"),
    ("batch_size", "batch size"),
    ("max_length", "max length"),
    ("seed", "seed"),
    ("max_steps", "max steps (-1: epochs)"),
    ("warmup_ratio", "warmup (share of steps)"),
    ("eval_every", "eval every N steps"),
    ("patience", "patience (evals)"),
    ("device", "device (auto, cpu, cuda)"),
    ("bf16", "bf16 (true/false)"),
    ("cpu_threads", "CPU threads (0: default)"),
]


def parse_value(kind, raw: str, name: str):
    """A form string as the setting's type; a clear error naming the field."""
    raw = raw.strip()
    try:
        if kind in ("int", int):
            return int(raw)
        if kind in ("float", float):
            return float(raw)
        if kind in ("bool", bool):
            return raw.lower() in ("1", "true", "yes", "on")
    except ValueError:
        raise CuratorError(f"{name}: '{raw}' is not a number") from None
    if name == "target_modules":
        return raw if raw == "all-linear" else [p.strip() for p in raw.split(",") if p.strip()]
    return raw


class RetrainForm(ModalScreen[int | None]):
    """Start a LoRA job on a dataset version; dismisses with the new job's id (None when cancelled)."""

    CSS_PATH = "loop.tcss"
    BINDINGS = registry.bindings("loop.retrain")
    ACTION_SCOPES = ("loop.retrain",)

    def __init__(
        self,
        workspace: Workspace,
        dataset: str,
        base_model: str = "",
        source_run: str | None = None,
        lora: LoraSettings | None = None,
        trainer: TrainerSettings | None = None,
        generation: dict | None = None,
    ) -> None:
        super().__init__()
        self.workspace, self.dataset, self.base_model, self.source_run = workspace, dataset, base_model, source_run
        self.lora, self.trainer = lora or LoraSettings(), trainer or TrainerSettings()
        self.generation = generation

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="retrain-form"):
            yield Static(
                f"Retrain on [b]{self.dataset}[/]"
                + (f" (early stopping on run {self.source_run})" if self.source_run else ""),
                id="retrain-title",
            )
            with Grid(id="retrain-grid"):
                yield Label("base model")
                yield Input(self.base_model, id="base_model", placeholder="local model folder")
                yield Label("parent adapter")
                yield Input("", id="parent_adapter", placeholder="optional adapter folder")
                for name, label in LORA_FIELDS:
                    yield Label(label)
                    yield Input(self._shown(getattr(self.lora, name)), id=f"lora-{name}")
                for name, label in TRAINER_FIELDS:
                    yield Label(label)
                    yield Input(self._shown(getattr(self.trainer, name)), id=f"trainer-{name}")
            yield Static("", id="retrain-error")
            with Horizontal(id="retrain-buttons"):
                yield Button("Start training (ctrl+s)", variant="primary", id="start")
                yield Button("Cancel (esc)", id="cancel")

    @staticmethod
    def _shown(value) -> str:
        return ",".join(value) if isinstance(value, list) else str(value)

    def _settings(self, kind, defaults, names: list[tuple[str, str]], prefix: str):
        types = {f.name: f.type for f in fields(kind)}
        values = {
            name: parse_value(types[name], self.query_one(f"#{prefix}-{name}", Input).value, name) for name, _ in names
        }
        return kind(**{**defaults.__dict__, **values})

    def request(self) -> job_domain.TrainingRequest:
        """The job the form describes; raises CuratorError naming the bad field."""
        base = self.query_one("#base_model", Input).value.strip()
        if not base:
            raise CuratorError("base model: give the folder of a local model")
        parent = self.query_one("#parent_adapter", Input).value.strip() or None
        return job_domain.TrainingRequest(
            dataset=self.dataset,
            base_model=base,
            source_run=self.source_run,
            parent_adapter=parent,
            lora=self._settings(LoraSettings, self.lora, LORA_FIELDS, "lora"),
            trainer=self._settings(TrainerSettings, self.trainer, TRAINER_FIELDS, "trainer"),
            generation=self.generation,
        )

    @on(Button.Pressed, "#start")
    def action_submit(self) -> None:
        try:
            job = job_domain.create_job(self.workspace, self.request())
        except CuratorError as error:
            self.query_one("#retrain-error", Static).update(Text(str(error), style="red"))
            return
        self.dismiss(job.job_id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
