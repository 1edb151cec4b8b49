"""The suggested-buckets screen: clusters of a run's unbucketed failures beside the items of the highlighted one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, ProgressBar, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from curator.app import registry
from curator.app.screens.patterns import actions as _actions  # noqa: F401  (declares the bindings read below)
from curator.app.screens.patterns.suggestion_actions import SuggestionActions
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.literal import one_line
from curator.app.widgets.measured_table import MeasuredTable
from curator.app.worker_errors import ReportsWorkerFailures
from curator.errors import CuratorError
from curator.patterns import suggestions as suggestion_domain
from curator.patterns.embeddings import Embedder
from curator.patterns.grouping import ClusterSettings
from curator.patterns.suggestions import Suggestion
from curator.storage.items import ItemRow
from curator.workspace import Workspace

MEMBERS_SHOWN = 200


class PatternsScreen(SuggestionActions, ReportsWorkerFailures, Screen):
    """Suggested buckets of one run: cluster (in the background), then accept, rename, split off or dismiss."""

    CSS_PATH = "patterns.tcss"
    BINDINGS = registry.bindings("patterns")
    ACTION_SCOPES = ("patterns",)

    @dataclass
    class EmbeddingProgressed(Message):
        done: int
        total: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PatternsScreen.EmbeddingProgressed)

    @dataclass
    class PhaseStarted(Message):
        """Suggesting entered a phase (embedding, clustering, naming, saving) over `count` items or clusters."""

        phase: str
        count: int

    @dataclass
    class SuggestionsLoaded(Message):
        suggestions: list[Suggestion]
        clustered: bool

    @dataclass
    class ClusteringStopped(Message):
        reason: str

    @dataclass
    class MembersLoaded(Message):
        number: int
        members: list[ItemRow]

    @dataclass
    class SuggestionAccepted(Message):
        """A bucket was created (or reused) from a suggestion and its items labelled."""

        run_id: int
        bucket_name: str
        labelled: int

    def __init__(
        self,
        workspace: Workspace,
        run_id: int,
        embedder: Embedder | None = None,
        settings: ClusterSettings | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.run_id = run_id
        self.embedder = embedder
        self.settings = settings or ClusterSettings()
        self.suggestions: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("Suggested buckets", style="bold"), id="patterns-title")
        with Horizontal(id="patterns-body"):
            yield MeasuredTable(id="suggestion-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="suggestion-side"):
                yield Static("", id="suggestion-summary")
                yield SelectionList[int](id="suggestion-members")
        with Horizontal(id="patterns-progress-row"):
            yield ProgressBar(id="embed-progress", show_eta=False)
            yield Static("", id="patterns-status")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#suggestion-table", DataTable).add_columns("#", "name", "items", "status", "failed checks")
        self.load_suggestions()

    # Workers: each calls the domain and posts what happened.

    @work(thread=True, exclusive=True, exit_on_error=False, group="patterns-load")
    def load_suggestions(self) -> None:
        found = suggestion_domain.list_suggestions(self.workspace, self.run_id)
        self.post_message(self.SuggestionsLoaded(found, clustered=False))

    @work(thread=True, exclusive=True, exit_on_error=False, group="patterns-cluster")
    def cluster_failures(self) -> None:
        worker = get_current_worker()
        try:
            found = suggestion_domain.suggest_buckets(
                self.workspace,
                self.run_id,
                settings=self.settings,
                embedder=self.embedder,
                progress=lambda done, total: self.post_message(self.EmbeddingProgressed(done, total)),
                cancelled=lambda: worker.is_cancelled,
                phase=lambda name, count: self.post_message(self.PhaseStarted(name, count)),
            )
        except CuratorError as error:
            self.post_message(self.ClusteringStopped(str(error)))
            return
        self.post_message(self.SuggestionsLoaded(found, clustered=True))

    @work(thread=True, exclusive=True, exit_on_error=False, group="patterns-members")
    def load_members(self, number: int) -> None:
        members = suggestion_domain.suggestion_members(self.workspace, self.run_id, number, MEMBERS_SHOWN)
        self.post_message(self.MembersLoaded(number, members))

    # Handlers: the only place widgets change.

    def _status(self, text: str) -> None:
        self.query_one("#patterns-status", Static).update(Text(text))

    @on(EmbeddingProgressed)
    def _progressed(self, message: EmbeddingProgressed) -> None:
        self.query_one("#embed-progress", ProgressBar).update(total=max(message.total, 1), progress=message.done)
        self._status(f"1/{len(suggestion_domain.PHASES)} Embedding {message.done:,} / {message.total:,} new texts…")

    @on(PhaseStarted)
    def _phase_started(self, message: PhaseStarted) -> None:
        """Each phase after embedding has no steps to count: the bar pulses and the status names the phase."""
        number = suggestion_domain.PHASES.index(message.phase) + 1
        step = f"{number}/{len(suggestion_domain.PHASES)}"
        if message.phase == "embedding":
            self._status(f"{step} Embedding what each failure got wrong…")
            return
        self.query_one("#embed-progress", ProgressBar).update(total=None)
        what = {
            "clustering": f"Clustering {message.count:,} failures…",
            "naming": f"Naming {message.count:,} clusters from the terms that set them apart…",
            "saving": f"Saving {message.count:,} suggested buckets…",
        }[message.phase]
        self._status(f"{step} {what}")

    @on(ClusteringStopped)
    def _stopped(self, message: ClusteringStopped) -> None:
        self._status(message.reason)

    @on(SuggestionsLoaded)
    def _show_suggestions(self, message: SuggestionsLoaded) -> None:
        self.suggestions = message.suggestions
        table = self.query_one("#suggestion-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for s in self.suggestions:
            checks = ", ".join(f"{name} ({count})" for name, count in s.failed_checks)
            status = f"→ {s.bucket_name}" if s.bucket_name else s.status
            table.add_row(
                Text(str(s.number)),
                Text(one_line(s.name)),
                Text(f"{s.size:,}", justify="right"),
                Text(one_line(status)),
                Text(one_line(checks)),
                key=str(s.number),
            )
        open_count = sum(s.status == "open" for s in self.suggestions)
        if message.clustered:
            self.query_one("#embed-progress", ProgressBar).update(total=1, progress=1)
            self._status(f"Clustered: {open_count} suggested buckets.")
        elif not self.suggestions:
            self._status("No suggestions yet: c clusters the unbucketed failures.")
        if self.suggestions:
            table.move_cursor(row=min(max(cursor, 0), len(self.suggestions) - 1))
            self._show_summary(self.suggestions[table.cursor_row])
        else:
            self.query_one("#suggestion-summary", Static).update("")
            self.query_one("#suggestion-members", SelectionList).clear_options()

    @on(DataTable.RowHighlighted, "#suggestion-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.suggestions):
            self._show_summary(self.suggestions[event.cursor_row])

    def _show_summary(self, s: Suggestion) -> None:
        checks = ", ".join(f"{name} ({count})" for name, count in s.failed_checks) or "—"
        summary = Text.assemble(
            (f"{s.number}. {one_line(s.name)}", "bold"),
            f"  {s.size:,} items, {s.status}\n",
            ("words: ", "dim"),
            one_line(", ".join(s.keywords)),
            "\n",
            ("fails: ", "dim"),
            one_line(checks),
        )
        self.query_one("#suggestion-summary", Static).update(summary)
        self.load_members(s.number)

    @on(MembersLoaded)
    def _show_members(self, message: MembersLoaded) -> None:
        current = self.highlighted()
        if current is None or current.number != message.number:
            return
        members = self.query_one("#suggestion-members", SelectionList)
        members.clear_options()
        members.add_options(
            [Selection(Text(one_line(f"{m.item_id}: {m.input}", 300)), m.item_key) for m in message.members]
        )
