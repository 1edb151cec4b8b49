"""What the training screen's workers bring back: the job as stored, the re-evaluation's progress and its run."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from curator.storage.runs import RunRow


@dataclass
class Reevaluated(Message):
    """The re-eval run is stored."""

    run: RunRow | None
    error: str | None = None


@dataclass
class JobRead(Message):
    """The job's stored status and error, read in a worker."""

    status: str
    error: str | None


@dataclass
class ReevalProgressed(Message):
    """The re-eval child reported progress (only the newest line matters)."""

    line: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ReevalProgressed)
