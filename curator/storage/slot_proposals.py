"""Queries over the slot values a model proposed for a template (`slot_proposals`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from curator.storage.database import Database

STATUSES = ("proposed", "accepted", "rejected", "duplicate", "contaminated")


@dataclass(frozen=True)
class SlotProposalRow:
    """One proposed value of a template's slot, its review status and (for a refused one) why."""

    proposal_id: int
    template_id: int
    slot: str
    value: str
    status: str
    reason: str | None
    model: str
    settings: dict
    created_at: datetime


_SELECT = """SELECT proposal_id, template_id, slot, value, status, reason, model, settings, created_at
             FROM slot_proposals"""


def insert_proposals(db: Database, template_id: int, slot: str, model: str, settings: dict, rows: list) -> list[int]:
    """Store (value, status, reason) rows in one transaction; returns their ids in order."""
    with db.transaction() as cur:
        return [
            cur.execute(
                """INSERT INTO slot_proposals (template_id, slot, value, status, reason, model, settings)
                   VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING proposal_id""",
                [template_id, slot, value, status, reason, model, json.dumps(settings)],
            ).fetchone()[0]
            for value, status, reason in rows
        ]


def list_proposals(
    db: Database, template_id: int, slot: str | None = None, statuses: tuple[str, ...] | None = None
) -> list[SlotProposalRow]:
    """A template's proposals (of one slot, with some statuses), oldest first."""
    where, params = ["template_id = ?"], [template_id]
    if slot is not None:
        where.append("slot = ?")
        params.append(slot)
    if statuses is not None:
        where.append("list_contains(?::VARCHAR[], status)")
        params.append(list(statuses))
    rows = db.fetchall(_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY proposal_id", params)
    return [SlotProposalRow(*r[:7], json.loads(r[7]), r[8]) for r in rows]


def set_status(db: Database, proposal_ids: list[int], status: str) -> int:
    """Move proposed values to `status` (accepted or rejected); returns how many moved."""
    with db.transaction() as cur:
        moved = cur.execute(
            """UPDATE slot_proposals SET status = ? WHERE list_contains(?::BIGINT[], proposal_id)
               AND status = 'proposed' RETURNING proposal_id""",
            [status, proposal_ids],
        ).fetchall()
    return len(moved)
