"""Queries over training jobs: insert, status changes, look up, list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from curator.storage.database import Database

STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")


@dataclass(frozen=True)
class JobRow:
    """One training job as stored."""

    job_id: int
    dataset_recipe_id: int | None
    dataset_version: int | None
    dataset_path: str
    source_run_id: int | None
    base_model: str
    parent_adapter: str | None
    config: dict
    status: str
    error: str | None
    metrics: dict
    adapter_path: str | None
    produced_run_id: int | None
    job_dir: str
    progress_path: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    pid: int | None = None  # the child's process id while it runs (None for jobs started before v007)


_SELECT = """SELECT job_id, dataset_recipe_id, dataset_version, dataset_path, source_run_id, base_model,
                    parent_adapter, config, status, error, metrics, adapter_path, produced_run_id, job_dir,
                    progress_path, created_at, started_at, finished_at, pid
             FROM training_jobs"""


def _row(values: tuple) -> JobRow:
    values = list(values)
    values[7] = json.loads(values[7]) if values[7] else {}
    values[10] = json.loads(values[10]) if values[10] else {}
    return JobRow(*values)


def insert_job(
    db: Database,
    *,
    dataset_path: str,
    base_model: str,
    config: dict,
    dataset_recipe_id: int | None = None,
    dataset_version: int | None = None,
    source_run_id: int | None = None,
    parent_adapter: str | None = None,
) -> int:
    with db.transaction() as cur:
        return cur.execute(
            """INSERT INTO training_jobs (dataset_recipe_id, dataset_version, dataset_path, source_run_id, base_model,
                                          parent_adapter, config)
               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING job_id""",
            [
                dataset_recipe_id,
                dataset_version,
                dataset_path,
                source_run_id,
                base_model,
                parent_adapter,
                json.dumps(config),
            ],
        ).fetchone()[0]


def set_paths(db: Database, job_id: int, job_dir: str, progress_path: str) -> None:
    with db.transaction() as cur:
        cur.execute(
            "UPDATE training_jobs SET job_dir = ?, progress_path = ? WHERE job_id = ?", [job_dir, progress_path, job_id]
        )


def mark_running(db: Database, job_id: int, pid: int | None = None) -> None:
    with db.transaction() as cur:
        cur.execute(
            "UPDATE training_jobs SET status = 'running', started_at = current_timestamp, pid = ? WHERE job_id = ?",
            [pid, job_id],
        )


def mark_finished(
    db: Database,
    job_id: int,
    status: str,
    *,
    error: str | None = None,
    metrics: dict | None = None,
    adapter_path: str | None = None,
) -> None:
    """Record how a job ended; only a succeeded job gets an adapter path (the others leave none usable)."""
    _finish(db, job_id, status, error, metrics, adapter_path, only_running=False)


def _finish(db, job_id, status, error, metrics, adapter_path, only_running: bool) -> bool:
    if status not in STATUSES[2:]:
        raise ValueError(f"not a final status: {status}")
    still_running = " AND status = 'running'" if only_running else ""
    with db.transaction() as cur:
        changed = cur.execute(
            f"""UPDATE training_jobs SET status = ?, error = ?, metrics = ?, adapter_path = ?,
                       finished_at = current_timestamp WHERE job_id = ?{still_running} RETURNING job_id""",
            [status, error, json.dumps(metrics or {}), adapter_path if status == "succeeded" else None, job_id],
        ).fetchall()
    return bool(changed)


def set_produced_run(db: Database, job_id: int, run_id: int) -> None:
    with db.transaction() as cur:
        cur.execute("UPDATE training_jobs SET produced_run_id = ? WHERE job_id = ?", [run_id, job_id])


def get_job(db: Database, job_id: int) -> JobRow | None:
    row = db.fetchone(_SELECT + " WHERE job_id = ?", [job_id])
    return _row(row) if row else None


def running_jobs(db: Database) -> list[JobRow]:
    """Jobs recorded as running (their child may have ended while no Curator process was watching)."""
    return [_row(r) for r in db.fetchall(_SELECT + " WHERE status = 'running' ORDER BY job_id")]


def finish_if_running(
    db: Database,
    job_id: int,
    status: str,
    *,
    error: str | None = None,
    metrics: dict | None = None,
    adapter_path: str | None = None,
) -> bool:
    """mark_finished, but only while the job is still `running` (two processes reconciling record it once)."""
    return _finish(db, job_id, status, error, metrics, adapter_path, only_running=True)


def list_jobs(db: Database) -> list[JobRow]:
    return [_row(r) for r in db.fetchall(_SELECT + " ORDER BY job_id")]
