"""The app's ways to verdict labels: the calibration screen of a check, its disagreement queue in the browser, and
"label next" (the unlabelled item whose verdict is least sure, in the detail). Queues are read in workers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.message import Message

from curator.app.screens.review.browser import BrowserScreen
from curator.app.screens.review.calibration import CalibrationScreen
from curator.app.screens.review.detail import DetailScreen
from curator.errors import CuratorError
from curator.review.browse import ItemFilter
from curator.review.label_queues import disagreement_filter, label_next
from curator.review.label_views import grader_uncertainty

LABEL_NEXT_LIMIT = 50
"""How many of the least sure items "label next" puts in the detail's filter (j/k move through them)."""


@dataclass
class QueueFound(Message):
    """A disagreement queue (or the items to label next) was read: `item_filter` holds them, `first` opens first."""

    check: str
    item_filter: ItemFilter | None
    first: int | None
    empty: str
    """What to say when the queue is empty (or the domain refused it)."""
    to_detail: bool


class LabelFlowsMixin:
    """Opens the calibration screen and the label queues for the app (which supplies `workspace`)."""

    def open_calibration(self, run_id: int, check_name: str | None = None) -> None:
        self.push_screen(CalibrationScreen(run_id, check_name))

    def open_disagreements(self, run_id: int, check: str, kind: str | None = None) -> None:
        """The check's false passes, false fails (or both) in the browser, its verdict keys on that check."""
        self._run_queue(partial(self._read_disagreements, run_id, check, kind))

    def open_label_next(self, run_id: int, check: str) -> None:
        """The least sure unlabelled item in the detail; j/k move through the next least sure ones."""
        self._run_queue(partial(self._read_label_next, run_id, check))

    def _run_queue(self, work) -> None:
        self.run_worker(work, name="read a label queue", group="label-queue", thread=True, exit_on_error=False)

    def _read_disagreements(self, run_id: int, check: str, kind: str | None) -> None:
        what = {"false_pass": "false passes", "false_fail": "false fails"}.get(kind or "", "disagreements")
        try:
            found = disagreement_filter(self.workspace, run_id, check, kind)
        except CuratorError as error:
            self.post_message(QueueFound(check, None, None, str(error), False))
            return
        empty = f"no {what} of {check} among your labels"
        self.post_message(QueueFound(check, found if found.item_keys else None, None, empty, False))

    def _read_label_next(self, run_id: int, check: str) -> None:
        try:
            uncertainty = grader_uncertainty(self.workspace, run_id, check)
            candidates = label_next(self.workspace, run_id, check, LABEL_NEXT_LIMIT, uncertainty)
        except CuratorError as error:
            self.post_message(QueueFound(check, None, None, str(error), True))
            return
        if not candidates:
            empty = f"every item {check} graded is labelled"
            self.post_message(QueueFound(check, None, None, empty, True))
            return
        keys = tuple(c.item_key for c in candidates)
        found = ItemFilter(run_id, item_keys=keys, keys_label=f"least sure unlabelled items of {check}")
        self.post_message(QueueFound(check, found, candidates[0].item_key, "", True))

    def on_queue_found(self, message: QueueFound) -> None:
        if message.item_filter is None:
            self.notify(message.empty, timeout=4, markup=False)
        elif message.to_detail:
            found = message.item_filter
            self.push_screen(DetailScreen(found.run_id, message.first, found, verdict_check=message.check))
        else:
            self.push_screen(BrowserScreen(message.item_filter, verdict_check=message.check))
