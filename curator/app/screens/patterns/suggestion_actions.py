"""The suggested-buckets screen's keys: cluster or cancel, accept, rename, split off or dismiss a suggestion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.message import Message
from textual.widgets import DataTable, ProgressBar, SelectionList

from curator.app.widgets.dialogs import TextPrompt
from curator.app.widgets.literal import one_line
from curator.errors import CuratorError
from curator.patterns import suggestions as suggestion_domain
from curator.patterns.suggestions import Accepted, Suggestion

CHANGE_GROUP = "patterns-change"
"""The worker group of accept, rename, split and dismiss: one change at a time."""


class SuggestionActions:
    """Key actions of the patterns screen (which supplies `workspace`, `run_id`, `suggestions`, `_status`,
    `load_suggestions`, `cluster_failures` and the `SuggestionAccepted` message). Changes are stored in a worker;
    what they did is shown on the UI thread."""

    def highlighted(self) -> Suggestion | None:
        row = self.query_one("#suggestion-table", DataTable).cursor_row
        return self.suggestions[row] if 0 <= row < len(self.suggestions) else None

    def _open_highlighted(self) -> Suggestion | None:
        s = self.highlighted()
        if s is None or s.status != "open":
            self.notify("Highlight an open suggestion first.", severity="warning")
            return None
        return s

    def action_cluster(self) -> None:
        if any(w.group == "patterns-cluster" and w.is_running for w in self.workers):
            self.notify("Already clustering; x cancels.")
            return
        self._status("Embedding the unbucketed failures…")
        self.query_one("#embed-progress", ProgressBar).update(total=None, progress=0)
        self.cluster_failures()

    def action_cancel_embedding(self) -> None:
        if not any(w.group == "patterns-cluster" and w.is_running for w in self.workers):
            self.notify("Nothing to cancel.")
            return
        self.workers.cancel_group(self, "patterns-cluster")
        self._status("Cancelling after the current batch…")

    @dataclass
    class ChangeApplied(Message):
        """A suggestion change was stored (in a worker); `then` shows what it did."""

        result: object
        then: Callable[[object], None]

    @dataclass
    class ChangeRefused(Message):
        """The domain refused a change (one line saying why)."""

        problem: str

    def _attempt(self, change: Callable[[], object], then: Callable[[object], None] = lambda _: None) -> None:
        """Run a domain change in a worker, then reload and `then(result)`; a CuratorError is shown, not raised.
        One change at a time: a key pressed while one is stored is refused (it was chosen from the list as it
        was before that change)."""
        if any(w.group == CHANGE_GROUP and w.is_running for w in self.workers):
            self.notify("Still storing the last change: press the key again in a moment.", severity="warning")
            return
        self._apply_change(change, then)

    @work(thread=True, exit_on_error=False, group=CHANGE_GROUP)
    def _apply_change(self, change: Callable[[], object], then: Callable[[object], None]) -> None:
        try:
            result = change()
        except CuratorError as error:
            self.post_message(self.ChangeRefused(str(error)))
            return
        self.post_message(self.ChangeApplied(result, then))

    def on_suggestion_actions_change_applied(self, message: ChangeApplied) -> None:
        self.load_suggestions()
        message.then(message.result)

    def on_suggestion_actions_change_refused(self, message: ChangeRefused) -> None:
        self.notify(message.problem, severity="error", markup=False)

    def action_accept(self) -> None:
        s = self._open_highlighted()
        if s is not None:
            self._attempt(
                lambda: suggestion_domain.accept_suggestion(self.workspace, self.run_id, s.number), self._accepted
            )

    def _accepted(self, accepted: Accepted) -> None:
        self._status(f"Bucket '{one_line(accepted.bucket.name)}': {accepted.labelled:,} items labelled.")
        self.post_message(self.SuggestionAccepted(self.run_id, accepted.bucket.name, accepted.labelled))

    def action_rename(self) -> None:
        s = self._open_highlighted()
        if s is None:
            return

        def renamed(name: str | None) -> None:
            if name is not None:  # an empty name is refused by the domain, with a message
                self._attempt(lambda: suggestion_domain.rename_suggestion(self.workspace, self.run_id, s.number, name))

        self.app.push_screen(TextPrompt(f"New name for suggestion {s.number}", value=s.name), renamed)

    def action_split(self) -> None:
        s = self._open_highlighted()
        if s is None:
            return
        ticked = list(self.query_one("#suggestion-members", SelectionList).selected)
        if not ticked:
            self.notify("Tick the items to split off (space) first.", severity="warning")
            return
        self._attempt(
            lambda: suggestion_domain.split_suggestion(self.workspace, self.run_id, s.number, ticked),
            lambda number: self._status(
                f"Split {len(ticked)} item{'' if len(ticked) == 1 else 's'} off into suggestion {number}."
            ),
        )

    def action_dismiss_suggestion(self) -> None:
        s = self._open_highlighted()
        if s is not None:
            self._attempt(
                lambda: suggestion_domain.dismiss_suggestion(self.workspace, self.run_id, s.number),
                lambda _: self._status(f"Dismissed suggestion {s.number}."),
            )
