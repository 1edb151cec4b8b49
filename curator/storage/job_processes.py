"""Queries over the child processes of eval, sampling and revise jobs (`child_jobs`), and the job-row changes that
reconciling and cancelling need for training jobs too (a queued job that never started, a cancel by id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from curator.storage.database import Database

KINDS = ("eval", "sample", "revise")
FINAL_STATUSES = ("succeeded", "failed", "cancelled")


@dataclass(frozen=True)
class ChildJobRow:
    """One eval, sampling or revise job as stored; `result_id` is the run (eval), sample set (sample) or revise
    set (revise) it produced."""

    job_id: int
    kind: str
    label: str
    status: str
    error: str | None
    job_dir: str
    progress_path: str
    pid: int | None
    result_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


_SELECT = """SELECT job_id, kind, label, status, error, job_dir, progress_path, pid, result_id, created_at,
                    started_at, finished_at
             FROM child_jobs"""


def insert_child_job(db: Database, kind: str, label: str) -> int:
    if kind not in KINDS:
        raise ValueError(f"not a child job kind: {kind}")
    with db.transaction() as cur:
        return cur.execute(
            "INSERT INTO child_jobs (kind, label) VALUES (?, ?) RETURNING job_id", [kind, label]
        ).fetchone()[0]


def set_child_paths(db: Database, job_id: int, job_dir: str, progress_path: str) -> None:
    with db.transaction() as cur:
        cur.execute(
            "UPDATE child_jobs SET job_dir = ?, progress_path = ? WHERE job_id = ?", [job_dir, progress_path, job_id]
        )


def mark_child_running(db: Database, job_id: int, pid: int) -> None:
    with db.transaction() as cur:
        cur.execute(
            "UPDATE child_jobs SET status = 'running', started_at = current_timestamp, pid = ? WHERE job_id = ?",
            [pid, job_id],
        )


def finish_child_job(
    db: Database, job_id: int, status: str, *, error: str | None = None, result_id: int | None = None
) -> bool:
    """Record how a child job ended, once: False when it had already ended (another process recorded it)."""
    if status not in FINAL_STATUSES:
        raise ValueError(f"not a final status: {status}")
    with db.transaction() as cur:
        changed = cur.execute(
            """UPDATE child_jobs SET status = ?, error = ?, result_id = ?, finished_at = current_timestamp
               WHERE job_id = ? AND status IN ('queued', 'running') RETURNING job_id""",
            [status, error, result_id, job_id],
        ).fetchall()
    return bool(changed)


def get_child_job(db: Database, job_id: int) -> ChildJobRow | None:
    row = db.fetchone(_SELECT + " WHERE job_id = ?", [job_id])
    return ChildJobRow(*row) if row else None


def active_child_jobs(db: Database) -> list[ChildJobRow]:
    """Child jobs recorded as queued or running (their process may have ended while no one watched)."""
    return [ChildJobRow(*r) for r in db.fetchall(_SELECT + " WHERE status IN ('queued', 'running') ORDER BY job_id")]


def list_child_jobs(db: Database) -> list[ChildJobRow]:
    return [ChildJobRow(*r) for r in db.fetchall(_SELECT + " ORDER BY job_id")]


def stale_queued_training_jobs(db: Database, grace_s: int) -> list[int]:
    """Training jobs still `queued` more than `grace_s` seconds after they were recorded."""
    rows = db.fetchall(
        "SELECT job_id FROM training_jobs WHERE status = 'queued' "
        "AND created_at < current_timestamp::TIMESTAMP - to_seconds(?) ORDER BY job_id",
        [grace_s],
    )
    return [r[0] for r in rows]


def stale_queued_child_jobs(db: Database, grace_s: int) -> list[int]:
    """Child jobs still `queued` more than `grace_s` seconds after they were recorded."""
    rows = db.fetchall(
        "SELECT job_id FROM child_jobs WHERE status = 'queued' "
        "AND created_at < current_timestamp::TIMESTAMP - to_seconds(?) ORDER BY job_id",
        [grace_s],
    )
    return [r[0] for r in rows]


def finish_queued_training_job(db: Database, job_id: int, status: str, error: str) -> bool:
    """End a training job that never started (or was cancelled before it did), only while it is still queued."""
    if status not in FINAL_STATUSES[1:]:
        raise ValueError(f"a queued job can only fail or be cancelled, not {status}")
    with db.transaction() as cur:
        changed = cur.execute(
            """UPDATE training_jobs SET status = ?, error = ?, finished_at = current_timestamp
               WHERE job_id = ? AND status = 'queued' RETURNING job_id""",
            [status, error, job_id],
        ).fetchall()
    return bool(changed)
