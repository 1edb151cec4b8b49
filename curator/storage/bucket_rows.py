"""What the bucket queries return: buckets with their counts and items, notes, an undone action, and a bucket's
row in a run's bucket table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class BucketRow:
    bucket_id: int
    name: str
    description: str


@dataclass(frozen=True)
class BucketCount:
    """A bucket with how many items (over all runs) and runs it labels."""

    bucket: BucketRow
    items: int
    runs: int


@dataclass(frozen=True)
class BucketItem:
    """One labelled item, for the list of a bucket's items."""

    run_id: int
    run_name: str
    item_key: int
    item_id: str


@dataclass(frozen=True)
class NoteRow:
    note_id: int
    text: str
    bucket_name: str | None
    created_at: datetime


@dataclass(frozen=True)
class UndoneAction:
    """What `undo_last_action` took back: a label action (with its bucket) or a note."""

    kind: str
    bucket_name: str | None
    item_count: int


@dataclass(frozen=True)
class BucketImpact:
    """One bucket's row in a run's bucket table."""

    bucket: BucketRow
    items: int
    failing_items: int
    all_failing_items: int
    check_pass_rates: dict[str, float]
    newest_note: str | None

    @property
    def failure_share(self) -> float:
        return self.failing_items / self.all_failing_items if self.all_failing_items else 0.0
