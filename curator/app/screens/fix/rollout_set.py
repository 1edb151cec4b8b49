"""`A` on the rollout view: the whole sample set at once, its best passing sample of every input proposed as an
example and its passing samples paired against failing ones, in one transaction, in a worker."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.message import Message

from curator.errors import CuratorError
from curator.fix import rollouts as rollout_domain
from curator.fix.rollout_choice import FollowUp, FollowUpReport

PAIRS_PER_INPUT = 2
"""Preference pairs made per input, by `p` on one input and by `A` on the whole set."""


@dataclass
class SetFollowedUp(Message):
    """The whole set was proposed and paired (or refused: nothing stored); `text` says what happened."""

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
