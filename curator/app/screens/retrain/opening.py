"""Opening the retrain form and the compare screen: what they need is read in app workers, never on the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.message import Message

from curator.app.screens.retrain import CompareScreen, RetrainForm
from curator.errors import CuratorError
from curator.inference.engine_settings import EngineSettings
from curator.jobs import training as job_domain
from curator.jobs.run_settings import default_engine
from curator.review import runs as run_domain
from curator.training.job import LoraSettings, TrainerSettings


@dataclass
class RetrainDefaultsRead(Message):
    """The retrain form's defaults for a dataset (by model and device), or the one line saying why there are none."""

    dataset: str
    source_run: str | None = None
    base_model: str | None = None
    lora: LoraSettings | None = None
    trainer: TrainerSettings | None = None
    engine: EngineSettings | None = None
    error: str | None = None


@dataclass
class ParentRunRead(Message):
    """A run's name and parent, read to open the compare screen (`error` when the run cannot be found)."""

    run_id: int
    run_name: str = ""
    parent_run_id: int | None = None
    error: str | None = None


class RetrainOpening:
    """Opens the retrain form and the compare screen once what they need is read (the app supplies `workspace`,
    `run_worker`, `notify`, `push_screen` and `_follow_new_job`)."""

    def open_retrain(self, dataset: str, run_id: int | None) -> None:
        """The retrain form with the one set of defaults (by model and device), the run for early stopping."""
        self.run_worker(
            partial(self._read_retrain_defaults, dataset, run_id),
            name="read the retrain defaults",
            group="retrain-defaults",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _read_retrain_defaults(self, dataset: str, run_id: int | None) -> None:
        try:
            run = run_domain.resolve_run(self.workspace, run_id) if run_id is not None else None
            base_model = job_domain.default_base_model(self.workspace, run_id)
        except CuratorError as error:
            self.post_message(RetrainDefaultsRead(dataset, error=str(error)))
            return
        lora, trainer = job_domain.default_settings(self.workspace, base_model)
        engine = default_engine(self.workspace, run.run_id if run else None)
        source_run = run.name if run else None
        self.post_message(RetrainDefaultsRead(dataset, source_run, base_model, lora, trainer, engine))

    def on_retrain_defaults_read(self, message: RetrainDefaultsRead) -> None:
        """(Named, not `@on`: decorators on a mixin are not collected by Textual.)"""
        if message.error is not None:
            self.notify(message.error, severity="error", markup=False)
            return
        form = RetrainForm(
            self.workspace,
            message.dataset,
            base_model=message.base_model,
            source_run=message.source_run,
            lora=message.lora,
            trainer=message.trainer,
            engine=message.engine,
        )
        self.push_screen(form, callback=self._follow_new_job)

    def compare_with_parent(self, run_id: int) -> None:
        """The compare screen of the run against its parent run."""
        self.run_worker(
            partial(self._read_parent_run, run_id),
            name="read the run's parent",
            group="parent-run",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _read_parent_run(self, run_id: int) -> None:
        try:
            run = run_domain.resolve_run(self.workspace, run_id)
        except CuratorError as error:
            self.post_message(ParentRunRead(run_id, error=str(error)))
            return
        self.post_message(ParentRunRead(run.run_id, run.name, run.parent_run_id))

    def on_parent_run_read(self, message: ParentRunRead) -> None:
        if message.error is not None:
            self.notify(message.error, severity="error", markup=False)
        elif message.parent_run_id is None:
            self.notify(f"run '{message.run_name}' has no parent run to compare with", severity="warning", markup=False)
        else:
            self.push_screen(CompareScreen(self.workspace, message.run_id))
