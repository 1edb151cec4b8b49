"""The Curator review app: opens on the runs of a workspace; navigation helpers other screens use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import App
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from curator.app import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app import palette_sources as _palette_sources  # noqa: F401  (registers palette commands)
from curator.app import registry
from curator.app.commands import CuratorCommands
from curator.app.screens.fix.flows import FixFlowsMixin
from curator.app.screens.help import HelpScreen
from curator.app.screens.patterns.flows import PatternFlowsMixin
from curator.app.screens.retrain.flows import RetrainFlowsMixin
from curator.app.screens.retrain.follower import settled_note, watch_for_lost_jobs
from curator.app.screens.review.browser import BrowserScreen
from curator.app.screens.review.buckets import BucketsScreen
from curator.app.screens.review.detail import DetailScreen
from curator.app.screens.review.label_flows import LabelFlowsMixin
from curator.app.screens.review.overview import OverviewScreen
from curator.app.screens.review.runs import RunsScreen
from curator.app.widgets.dialogs import ConfirmDialog
from curator.app.worker_errors import LOG_FILENAME, report_failure
from curator.errors import CuratorError
from curator.jobs.reconcile import reconcile_jobs
from curator.patterns.embeddings import Embedder
from curator.review import runs as run_domain
from curator.review.browse import ItemFilter
from curator.workspace import Workspace

DARK_THEME, LIGHT_THEME = "textual-dark", "textual-light"


class CuratorApp(FixFlowsMixin, PatternFlowsMixin, RetrainFlowsMixin, LabelFlowsMixin, App):
    """Review a workspace: runs, their overview, the item browser, item detail and buckets; from there, the fix,
    patterns and retrain loop screens (see flows.py and loop_flows.py)."""

    TITLE = "Curator"
    CSS_PATH = "styles/app.tcss"
    BINDINGS = registry.bindings("app")
    COMMANDS = App.COMMANDS | {CuratorCommands}

    @dataclass
    class RunExported(Message):
        path: str
        rows: int
        shape: str

    @dataclass
    class ExportFailed(Message):
        error: str

    def __init__(
        self,
        workspace: Workspace,
        theme: str = DARK_THEME,
        embedder: Embedder | None = None,
        start_run_id: int | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.embedder = embedder
        self.reeval_options: dict = {}
        """Extra options of the re-evaluation after training (tests make it fast)."""
        self._start_theme = theme
        self._start_run_id = start_run_id

    @property
    def log_file(self):
        """The workspace log: tracebacks of failed workers go here, the screen shows one line."""
        return self.workspace.root / LOG_FILENAME

    def on_mount(self) -> None:
        self.theme = self._start_theme
        self.screen_change_signal.subscribe(self, lambda _screen: self.call_after_refresh(self._show_job_status))
        self.reconcile_jobs()
        self.push_screen(RunsScreen())
        if self._start_run_id is not None:
            self.open_run(self._start_run_id)  # escape goes back to the runs screen

    def reconcile_jobs(self) -> None:
        """Settle jobs whose process died while no one watched (a closed app, a killed CLI) and say so; then keep
        sweeping for such jobs while the app is open."""
        try:
            settled = reconcile_jobs(self.workspace)
        except CuratorError as error:
            self.notify(f"could not check old jobs: {error}", severity="warning", markup=False)
            return
        for done in settled:
            message, severity = settled_note(done)
            self.notify(message, severity=severity, timeout=10, markup=False)
        watch_for_lost_jobs(self)

    @on(Worker.StateChanged)
    def _worker_state_changed(self, message: Worker.StateChanged) -> None:
        """The app's own failed workers (screens and widgets hand theirs over: see worker_errors.py)."""
        if message.state == WorkerState.ERROR:
            report_failure(self, message.worker)

    async def action_quit(self) -> None:
        """Quit; while a job trains, only after asking (quitting stops it)."""
        running = self.running_jobs()
        if not running:
            self.exit()
            return
        names = ", ".join(str(w.job_id) for w in running)
        question = f"Training job {names} is still running; quitting stops it (no adapter is kept). Quit?"

        def answered(yes: bool | None) -> None:
            if yes:
                for watch in running:
                    self.stop_training(watch.job_id, keep=False)
                self.exit()

        self.push_screen(ConfirmDialog(question, yes_label="Stop the job and quit"), callback=answered)

    @property
    def current_run_id(self) -> int | None:
        """The run of the topmost screen that has one (overview, browser, detail, or a later screen)."""
        for screen in reversed(self.screen_stack):
            run_id = getattr(screen, "run_id", None)
            if run_id is not None:
                return run_id
        return None

    @property
    def current_filter(self) -> ItemFilter | None:
        """The item filter of the topmost browser or detail screen."""
        for screen in reversed(self.screen_stack):
            item_filter = getattr(screen, "item_filter", None)
            if item_filter is not None:
                return item_filter
        return None

    def open_screen(self, name: str, callback: Callable | None = None, **kwargs) -> Screen:
        """Open a registered screen by name (see registry.register_screen)."""
        screen = registry.screen_spec(name).factory(**kwargs)
        self.push_screen(screen, callback=callback)
        return screen

    def open_run(self, run_id: int) -> None:
        self.push_screen(OverviewScreen(run_id))

    def open_browser(self, item_filter: ItemFilter) -> None:
        """Show the filter in the browser of its run (reusing the browser on top, if any)."""
        if isinstance(self.screen, BrowserScreen) and self.screen.run_id == item_filter.run_id:
            self.screen.apply_filter(item_filter)
            return
        self.push_screen(BrowserScreen(item_filter))

    def open_item(
        self, run_id: int, item_key: int, item_filter: ItemFilter, on_close: Callable[[int | None], None] | None = None
    ) -> None:
        self.push_screen(DetailScreen(run_id, item_key, item_filter), callback=on_close)

    def action_show_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_show_runs(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def action_show_buckets(self) -> None:
        if not isinstance(self.screen, BucketsScreen):
            self.push_screen(BucketsScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export_run(self, run_id: int, shape: str) -> None:
        """Write the run to the workspace's exports/ folder as JSONL in `shape` (raw, sft, chat, dpo, kto)."""
        from curator.exports.library import export_run  # pulls in the recipes package: load it only to export

        try:
            result = export_run(self.workspace, run_domain.resolve_run(self.workspace, run_id).name, shape=shape)
        except CuratorError as error:
            self.post_message(self.ExportFailed(str(error)))
            return
        self.post_message(self.RunExported(str(result.path), result.rows, result.shape))

    @on(RunExported)
    def _run_exported(self, message: RunExported) -> None:
        self.notify(f"wrote {message.rows:,} {message.shape} rows to {message.path}", timeout=6, markup=False)

    @on(ExportFailed)
    def _export_failed(self, message: ExportFailed) -> None:
        self.notify(message.error, severity="error", markup=False)
