"""The rollout view's reads and writes, each in a worker: the sample set's inputs, the highlighted input's samples
(a later cursor move wins over an earlier slow read), `a` and `p` on the highlighted input (a second press while
one writes is ignored), and `A` on the whole set (its best passing sample of every input proposed as an example
and its passing samples paired against failing ones, in one transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from curator.app.screens.fix.rollout_view import agreement_text, fill_inputs, fill_samples
from curator.app.widgets.literal import literal
from curator.errors import CuratorError
from curator.fix import rollouts as rollout_domain
from curator.fix.rollout_choice import FollowUp, FollowUpReport
from curator.storage.rollouts import InputSummary, RolloutRow

PAIRS_PER_INPUT = 2
"""Preference pairs made per input, by `p` on one input and by `A` on the whole set."""


@dataclass
class SetFollowedUp(Message):
    """The whole set was proposed and paired (or refused: nothing stored); `text` says what happened."""

    text: str


@dataclass
class SetRead(Message):
    """A sample set's inputs were read (`error` instead when the read was refused)."""

    sample_set_id: int
    inputs: list[InputSummary]
    error: str | None = None


@dataclass
class InputRead(Message):
    """One input's samples were read (`error` instead when the read was refused)."""

    sample_set_id: int
    summary: InputSummary
    samples: list[RolloutRow]
    error: str | None = None


@dataclass
class InputWritten(Message):
    """`a` or `p` stored (or was refused); `text` is the status line."""

    text: str


def follow_up_text(report: FollowUpReport) -> str:
    """`whole set: 3 proposed as examples, 1 input without a passing sample; 4 new preference pair(s)`."""
    proposals = report.proposals
    parts = []
    if proposals is not None:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(proposals.counts.items())) or "none proposed"
        parts.append(counts + (" as examples (review them with G)" if proposals.proposed else ""))
        if proposals.without_pass:
            parts.append(f"{proposals.without_pass} input(s) without a passing sample")
    parts.append(f"{report.pairs} new preference pair(s)")
    return "whole set: " + "; ".join(parts)


class SampleSetView:
    """Shows a sample set input by input (the screen supplies `workspace`, `sample_set_id`, `inputs`, `samples`,
    `highlighted_input` and `_status`)."""

    def _show_set(self, sample_set_id: int) -> None:
        self.sample_set_id = sample_set_id
        self._status(f"Reading sample set {sample_set_id}…")
        self._read_set(sample_set_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rollouts-set")
    def _read_set(self, sample_set_id: int) -> None:
        try:
            self.post_message(SetRead(sample_set_id, rollout_domain.summaries(self.workspace, sample_set_id)))
        except CuratorError as error:
            self.post_message(SetRead(sample_set_id, [], str(error)))

    def on_set_read(self, message: SetRead) -> None:
        if message.sample_set_id != self.sample_set_id:
            return
        if message.error is not None:
            self._status(f"Sample set {message.sample_set_id}: {message.error}")
            return
        self.inputs = message.inputs
        table = self.query_one("#rollout-inputs", DataTable)
        fill_inputs(table, self.inputs)
        mixed = sum(s.signal == "mixed" for s in self.inputs)
        self._status(f"Sample set {message.sample_set_id}: {len(self.inputs)} inputs, {mixed} with signal.")
        if self.inputs:
            table.focus()  # its first row's RowHighlighted reads that input's samples

    def _show_input(self, summary: InputSummary) -> None:
        self._read_input(self.sample_set_id, summary)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rollouts-input")
    def _read_input(self, sample_set_id: int, summary: InputSummary) -> None:
        try:
            samples, error = rollout_domain.rollouts(self.workspace, sample_set_id, summary.item_key), None
        except CuratorError as problem:
            samples, error = [], str(problem)
        if not get_current_worker().is_cancelled:
            self.post_message(InputRead(sample_set_id, summary, samples, error))

    def on_input_read(self, message: InputRead) -> None:
        current = self.highlighted_input()
        if message.sample_set_id != self.sample_set_id or current is None:
            return
        if current.item_key != message.summary.item_key:
            return  # the cursor moved on: that input's read shows its samples
        if message.error is not None:
            self._status(f"{message.summary.item_id}: {message.error}")
            return
        self.samples = message.samples
        fill_samples(self.query_one("#rollout-samples", DataTable), self.samples)
        summary = message.summary
        target = Text.assemble(("input: ", "dim"), literal(summary.input), "\n\n", ("target: ", "dim"))
        target.append(literal(summary.target) if summary.target is not None else "—")
        self.query_one("#rollout-target", Static).update(target)
        self.query_one("#rollout-agreement", Static).update(agreement_text(self.samples))


class InputKeys:
    """`a` and `p` on the highlighted input, in a worker; one write at a time (the screen supplies `workspace`,
    `sample_set_id`, `highlighted_input` and `_status`)."""

    writing = False
    """True while `a` or `p` stores: another press meanwhile is ignored, so nothing is written twice."""

    def _start_writing(self, doing: str) -> InputSummary | None:
        current = self.highlighted_input()
        if current is None or self.writing:
            return None
        self.writing = True
        self._status(f"{current.item_id}: {doing}…")
        return current

    def action_accept_best(self) -> None:
        current = self._start_writing("accepting the best sample")
        if current is not None:
            self._accept_best(self.sample_set_id, current)

    def action_make_pairs(self) -> None:
        current = self._start_writing("making preference pairs")
        if current is not None:
            self._make_pairs(self.sample_set_id, current)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rollouts-write")
    def _accept_best(self, sample_set_id: int, current: InputSummary) -> None:
        try:
            status, reason = rollout_domain.accept_best(self.workspace, sample_set_id, current.item_key)
        except CuratorError as error:
            self.post_message(InputWritten(f"{current.item_id}: {error}"))
            return
        self.post_message(InputWritten(f"{current.item_id}: best sample {status}" + (f" ({reason})" if reason else "")))

    @work(thread=True, exclusive=True, exit_on_error=False, group="rollouts-write")
    def _make_pairs(self, sample_set_id: int, current: InputSummary) -> None:
        try:
            made = rollout_domain.make_pairs(self.workspace, sample_set_id, PAIRS_PER_INPUT, [current.item_key])
        except CuratorError as error:
            self.post_message(InputWritten(f"{current.item_id}: {error}"))
            return
        self.post_message(InputWritten(f"{current.item_id}: {made} new preference pair(s)"))

    def on_input_written(self, message: InputWritten) -> None:
        self.writing = False
        self._status(message.text)


class WholeSetKeys:
    """The whole-set key of the rollout view (the screen supplies `workspace`, `sample_set_id` and `_status`)."""

    def action_follow_up_set(self) -> None:
        if self.sample_set_id is None:
            self._status("no sample set yet: ctrl+r samples k outputs per input first")
            return
        self._status("proposing the best sample of every input and pairing the whole set…")
        self._follow_up_set(self.sample_set_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rollouts-follow-up")
    def _follow_up_set(self, sample_set_id: int) -> None:
        wanted = FollowUp(propose=True, pairs=PAIRS_PER_INPUT)
        try:
            report = rollout_domain.follow_up(self.workspace, sample_set_id, wanted)
        except CuratorError as error:
            self.post_message(SetFollowedUp(f"whole set: nothing stored: {error}"))
            return
        self.post_message(SetFollowedUp(follow_up_text(report)))

    def on_set_followed_up(self, message: SetFollowedUp) -> None:
        self._status(message.text)
