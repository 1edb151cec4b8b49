"""The training screen: progress bar with eta, live loss and pass-rate plot, log tail; cancel; re-evaluate."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Log, ProgressBar, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from curator.app import registry
from curator.app.screens.retrain import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.widgets.dialogs import ConfirmDialog
from curator.errors import CuratorError
from curator.jobs import training as job_domain
from curator.storage.runs import RunRow
from curator.workspace import Workspace


class TrainingScreen(Screen):
    """Follows one training job (starting it when queued) until it ends; `e` re-evaluates with its adapter."""

    CSS_PATH = "loop.tcss"
    BINDINGS = registry.bindings("loop.training")
    ACTION_SCOPES = ("loop.training",)

    @dataclass
    class Progressed(Message):
        """The child wrote an event (step, eval, started, succeeded...).

        Not replaceable: every step is a point on the loss plot, and steps come a few a second at most.
        """

        event: dict

    @dataclass
    class Ended(Message):
        """The job reached a final status (recorded in the database)."""

        status: str
        error: str | None

    @dataclass
    class Reevaluated(Message):
        """The re-eval run is stored."""

        run: RunRow | None
        error: str | None = None

    def __init__(
        self, workspace: Workspace, job_id: int, launcher: str = "python", reeval_options: dict | None = None
    ) -> None:
        super().__init__()
        self.workspace, self.job_id, self.launcher = workspace, job_id, launcher
        self.reeval_options = reeval_options or {}
        self.handle: job_domain.TrainingHandle | None = None
        self.status = job_domain.get_job(workspace, job_id).status
        self.losses: list[tuple[int, float]] = []
        self.pass_rates: list[tuple[int, float]] = []
        self.produced_run: RunRow | None = None
        self.following = False
        """True while this screen's worker runs the job (leaving the screen would stop it)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="training"):
            yield Static(f"Training job {self.job_id}", id="training-title")
            yield Static(self.status, id="training-status")
            yield ProgressBar(id="training-progress", show_eta=True)
            with Horizontal(id="training-plots"):
                yield PlotextPlot(id="loss-plot")
                yield PlotextPlot(id="pass-plot")
            yield Log(id="training-log", max_lines=200)
        yield Footer()

    def on_mount(self) -> None:
        for plot_id, title in (("#loss-plot", "training loss"), ("#pass-plot", "dev pass rate")):
            self.query_one(plot_id, PlotextPlot).plt.title(title)
        if self.status == "queued":
            self.follow_job()

    @work(thread=True, exclusive=True, exit_on_error=False, group="training")
    def follow_job(self) -> None:
        """Start the child and pass its events on; the outcome is recorded by the domain."""
        worker = get_current_worker()
        self.following = True
        try:
            self.handle = job_domain.start_job(self.workspace, self.job_id, self.launcher)
        except CuratorError as error:  # e.g. an unknown launcher: shown on the status line, the job stays queued
            self.post_message(self.Ended(self.status, str(error)))
            return
        job = job_domain.wait_job(
            self.workspace,
            self.handle,
            on_event=lambda e: self.post_message(self.Progressed(e)),
            should_cancel=lambda: worker.is_cancelled,
        )
        self.post_message(self.Ended(job.status, job.error))

    @on(Progressed)
    def show_progress(self, message: Progressed) -> None:
        event, kind = message.event, message.event.get("event")
        log = self.query_one("#training-log", Log)
        if kind == "step":
            bar = self.query_one("#training-progress", ProgressBar)
            bar.update(total=event["total_steps"], progress=event["step"])
            self.losses.append((event["step"], event["loss"]))
            self._plot("#loss-plot", self.losses, "training loss")
            if event["step"] % 10 == 0:
                log.write_line(
                    f"step {event['step']}/{event['total_steps']} loss {event['loss']:.4f} "
                    f"lr {event['learning_rate']:.2e} {event['tokens_per_s']:.0f} tok/s eta {event['eta_s']:.0f}s"
                )
        elif kind == "eval":
            self.pass_rates.append((event["step"], event["pass_rate"]))
            self._plot("#pass-plot", self.pass_rates, "dev pass rate")
            log.write_line(
                f"eval at step {event['step']}: pass rate {event['pass_rate']:.1%}"
                + (" (best so far)" if event.get("best") else "")
            )
        elif kind == "started":
            self._set_status(f"running on {event['device']}: {event['examples']} examples")
            log.write_line(
                f"started: {event['examples']} examples, {event['trainable_parameters']:,} trainable parameters"
            )
        elif kind == "stopped_early":
            log.write_line(f"stopped early at step {event['step']} (best step {event['best_step']})")
        elif kind in ("failed", "cancelled", "succeeded"):
            log.write_line(kind + (f": {event['error']}" if event.get("error") else ""))

    def _plot(self, plot_id: str, points: list[tuple[int, float]], title: str) -> None:
        plot = self.query_one(plot_id, PlotextPlot)
        plot.plt.clear_data()
        plot.plt.title(title)
        plot.plt.plot([p[0] for p in points], [p[1] for p in points], marker="braille")
        plot.refresh()

    def _set_status(self, text: str) -> None:
        self.query_one("#training-status", Static).update(Text(text))

    @on(Ended)
    def show_end(self, message: Ended) -> None:
        self.status, self.following = message.status, False
        if message.status == "succeeded":
            self._set_status("succeeded: press e to re-evaluate the run with base + adapter")
        else:
            self._set_status(f"{message.status}: {message.error}" if message.error else message.status)

    def action_cancel_job(self) -> None:
        if self.status in ("queued", "running"):
            self._set_status("cancelling…")
            self.workers.cancel_group(self, "training")

    def action_reeval(self) -> None:
        if self.status != "succeeded":
            self.notify("The job has no adapter yet: wait for it to succeed.", severity="warning")
            return
        self._set_status("re-evaluating with base + adapter…")
        self.reevaluate()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reeval")
    def reevaluate(self) -> None:
        try:
            run = job_domain.reeval_with_adapter(self.workspace, self.job_id, **self.reeval_options)
        except Exception as error:  # noqa: BLE001 - shown to the user as one line
            self.post_message(self.Reevaluated(None, str(error)))
            return
        self.post_message(self.Reevaluated(run))

    @on(Reevaluated)
    def show_reeval(self, message: Reevaluated) -> None:
        if message.run is None:
            self._set_status(f"re-evaluation failed: {message.error}")
            return
        self.produced_run = message.run
        self._set_status(f"re-evaluated: run '{message.run.name}' (parent '{message.run.parent_name}')")
        from curator.app.screens.retrain.compare import CompareScreen

        self.app.push_screen(CompareScreen(self.workspace, message.run.run_id))

    def action_close(self) -> None:
        """Leave; while the job runs, only after a confirmation, since leaving stops it."""
        if not self.following:
            self.dismiss(self.produced_run)
            return
        question = "The job is still running and leaving this screen stops it. Cancel the job and leave?"
        self.app.push_screen(
            ConfirmDialog(question, yes_label="Cancel job and leave"),
            callback=lambda yes: yes and self.dismiss(self.produced_run),
        )
