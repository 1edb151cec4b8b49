"""The training screen: progress bar with eta, live loss and pass-rate plot, log tail; stop; re-evaluate.

The app follows the job (see follower.py): this screen only shows it, so it can be left and reopened while the
job trains; reopened, it replays the events so far.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Log, ProgressBar, Static
from textual_plotext import PlotextPlot

from curator.app import registry
from curator.app.screens.retrain import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.screens.retrain.stop_dialog import KEEP, StopJobDialog
from curator.app.screens.retrain.training_messages import JobRead, ReevalProgressed, Reevaluated
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import literal
from curator.app.worker_errors import ReportsWorkerFailures, WorkFailed
from curator.jobs import training as job_domain
from curator.storage.runs import RunRow
from curator.workspace import Workspace

ACTIVE = ("queued", "running")


def eval_progress_line(event: dict) -> str | None:
    """The re-evaluation child's event as a status line (None for events not worth a line)."""
    kind = event.get("event")
    if kind == "loaded":
        return (
            f"re-evaluating: model loaded ({event.get('backend', '?')}), generating {event.get('total', '?')} outputs…"
        )
    if kind == "generated":
        return f"re-evaluating: {event.get('done', 0)}/{event.get('total', '?')} outputs generated…"
    if kind == "succeeded":
        return "re-evaluating: outputs generated, running the checks…"
    return None


class TrainingScreen(ReportsWorkerFailures, Screen):
    """Shows one training job the app follows until it ends; `e` re-evaluates with its adapter."""

    CSS_PATH = "loop.tcss"
    BINDINGS = registry.bindings("loop.training")
    ACTION_SCOPES = ("loop.training",)

    def __init__(self, workspace: Workspace, job_id: int, reeval_options: dict | None = None) -> None:
        super().__init__()
        self.workspace, self.job_id = workspace, job_id
        self.reeval_options = reeval_options or {}
        self.status = "reading"
        """The job's status: the app's watch of it when it has one, else as stored (read in a worker on mount)."""
        self.losses: list[tuple[int, float]] = []
        self.pass_rates: list[tuple[int, float]] = []
        self.produced_run: RunRow | None = None
        self.reevaluating = False

    def compose(self) -> ComposeResult:
        with Vertical(id="training"):
            yield Static(f"Training job {self.job_id}", id="training-title")
            yield Static(Text("reading the job…"), id="training-status")
            yield ProgressBar(id="training-progress", show_eta=True)
            with Horizontal(id="training-plots"):
                yield PlotextPlot(id="loss-plot")
                yield PlotextPlot(id="pass-plot")
            yield Log(id="training-log", max_lines=200)
        yield FittingFooter()

    def on_mount(self) -> None:
        for plot_id, title in (("#loss-plot", "training loss"), ("#pass-plot", "dev pass rate")):
            self.query_one(plot_id, PlotextPlot).plt.title(title)
        watch = self._watch()
        if watch is not None:  # what the app followed so far is in memory: replayed at once
            self.status = watch.status
            self._set_status(watch.status)
            for event in watch.events:
                self.show_event(event)
        if watch is None or not watch.following:  # the stored status (no watch) or the error of an ended job
            self._read_job()

    def _watch(self):
        return getattr(self.app, "training_watches", {}).get(self.job_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="job")
    def _read_job(self) -> None:
        job = job_domain.get_job(self.workspace, self.job_id)
        self.post_message(JobRead(job.status, job.error))

    @on(JobRead)
    def _job_read(self, message: JobRead) -> None:
        watch = self._watch()
        if watch is None:
            self.status = message.status
            self._set_status(message.status)
            self.refresh_bindings()
        elif watch.following:  # followed again since the read: the app shows what comes
            return
        status = watch.status if watch is not None else message.status
        if status not in ACTIVE:
            self.show_end(status, message.error)

    @property
    def following(self) -> bool:
        """True while the app runs this job's child."""
        watch = self._watch()
        return bool(watch and watch.following)

    def show_event(self, event: dict) -> None:
        """One event of the child: a plot point, a log line, the status."""
        kind = event.get("event")
        log = self.query_one("#training-log", Log)
        if kind == "step":
            self.query_one("#training-progress", ProgressBar).update(total=event["total_steps"], progress=event["step"])
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
            self.status = "running"
            self.refresh_bindings()
            log.write_line(
                f"started: {event['examples']} examples, {event['trainable_parameters']:,} trainable parameters"
            )
        elif kind == "stopped_early":
            log.write_line(f"stopped early at step {event['step']} (best step {event['best_step']})")
        elif kind in ("failed", "cancelled", "succeeded"):
            log.write_line(literal(kind + (f": {event['error']}" if event.get("error") else "")))

    def _plot(self, plot_id: str, points: list[tuple[int, float]], title: str) -> None:
        plot = self.query_one(plot_id, PlotextPlot)
        plot.plt.clear_data()
        plot.plt.title(title)
        plot.plt.plot([p[0] for p in points], [p[1] for p in points], marker="braille")
        plot.refresh()

    def _set_status(self, text: str) -> None:
        self.query_one("#training-status", Static).update(Text(literal(text)))

    def show_end(self, status: str, error: str | None) -> None:
        self.status = status
        if status == "succeeded":
            self._set_status("succeeded: press e to re-evaluate the run with base + adapter")
        else:
            self._set_status(f"{status}: {error}" if error else status)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Stop only while the job trains; re-evaluate only once it succeeded (hidden from the footer otherwise)."""
        if action == "cancel_job":
            return self.status in ACTIVE
        if action == "reeval":
            return self.status == "succeeded" and not self.reevaluating
        return True

    def action_cancel_job(self) -> None:
        if self.status not in ACTIVE:
            return
        self.app.push_screen(StopJobDialog(self.job_id), callback=self._stop_chosen)

    def _stop_chosen(self, choice: str | None) -> None:
        if choice is None:
            return
        self.app.stop_training(self.job_id, keep=choice == KEEP)
        self._set_status("stopping: keeping the best adapter so far…" if choice == KEEP else "cancelling…")

    def action_reeval(self) -> None:
        if self.status != "succeeded":
            self.notify("The job has no adapter yet: wait for it to succeed.", severity="warning")
            return
        self.reevaluating = True
        self.refresh_bindings()
        self._set_status("re-evaluating: starting the model with the adapter…")
        self.reevaluate()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reeval")
    def reevaluate(self) -> None:
        def progressed(event: dict) -> None:
            line = eval_progress_line(event)
            if line:
                self.post_message(ReevalProgressed(line))

        try:
            run = job_domain.reeval_with_adapter(
                self.workspace, self.job_id, **self.reeval_options, on_event=progressed
            )
        except Exception as error:  # noqa: BLE001 - shown to the user as one line
            self.post_message(Reevaluated(None, str(error)))
            return
        self.post_message(Reevaluated(run))

    @on(WorkFailed)
    def _work_failed(self, message: WorkFailed) -> None:
        """A worker of this screen crashed (the app showed and logged it): take its "reading"/"re-evaluating"
        line down."""
        if message.group == "job":
            self._set_status(f"reading the job failed: {message.error}")
        if message.group == "reeval":
            self.reevaluating = False
            self.refresh_bindings()
            self._set_status(f"re-evaluation failed: {message.error}")

    @on(ReevalProgressed)
    def show_reeval_progress(self, message: ReevalProgressed) -> None:
        if self.reevaluating:
            self._set_status(message.line)

    @on(Reevaluated)
    def show_reeval(self, message: Reevaluated) -> None:
        self.reevaluating = False
        self.refresh_bindings()
        if message.run is None:
            self._set_status(f"re-evaluation failed: {message.error}")
            return
        self.produced_run = message.run
        self._set_status(f"re-evaluated: run '{message.run.name}' (parent '{message.run.parent_name}')")
        from curator.app.screens.retrain.compare import CompareScreen

        self.app.push_screen(CompareScreen(self.workspace, message.run.run_id))

    def action_close(self) -> None:
        """Leave; a running job goes on training (the status line shows it, the palette reopens this screen)."""
        self.dismiss(self.produced_run)
