"""What the sweep screen's workers tell it: sweeps listed, a report read, progress of the queue run here, its end."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from curator.sweeps.report import SweepReport


@dataclass
class SweepsListed(Message):
    """The sweeps were read: each with its done and planned trials."""

    rows: list[tuple]


@dataclass
class ReportLoaded(Message):
    """A sweep's figures were read."""

    report: SweepReport


@dataclass
class SweepProgressed(Message):
    """The sweep running here reported progress (only the newest line matters)."""

    line: str
    trial_done: bool = False

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SweepProgressed) and not message.trial_done


@dataclass
class SweepStopped(Message):
    """A cancel, or the queue run here, ended (`line` says how)."""

    line: str


def progress_line(name: str, stage: str, event: dict) -> str | None:
    """A queue event of the sweep running here as a status line (None for events not worth one)."""
    kind = event.get("event")
    if stage == "build":
        return f"sweep {name}: variant {event['variant']} built as {event['dataset']}"
    if stage == "train" and kind == "step":
        return f"sweep {name}: job {event['job_id']} training, step {event['step']}/{event['total_steps']}"
    if stage == "eval" and kind == "generated":
        return f"sweep {name}: job {event['job_id']} re-evaluating, {event['done']}/{event.get('total', '?')} outputs"
    if stage == "trial":
        return f"sweep {name}: variant {event['variant']} seed {event['seed']} done (run {event['run']})"
    if stage == "failed":
        return f"sweep {name}: variant {event['variant']} seed {event['seed']} failed: {event['error']}"
    return None
