"""Queries over sweeps: the sweep, its variants (a recipe and a frozen version each) and their trials (one seed:
a training job and a re-eval run)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from curator.storage.database import Database

SWEEP_STATUSES = ("queued", "running", "cancelled", "finished", "failed")
TRIAL_STATUSES = ("queued", "training", "evaluating", "done", "failed", "cancelled")


@dataclass(frozen=True)
class SweepRow:
    sweep_id: int
    name: str
    recipe_name: str
    base_run_id: int
    base_model: str
    plan: dict
    status: str
    error: str | None
    runner_pid: int | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class VariantRow:
    sweep_id: int
    position: int
    label: str
    recipe_name: str
    spec: dict
    settings: dict
    dataset_recipe_id: int | None
    dataset_version: int | None


@dataclass(frozen=True)
class TrialRow:
    sweep_id: int
    position: int
    seed: int
    job_id: int | None
    run_id: int | None
    status: str
    error: str | None


_SWEEPS = """SELECT sweep_id, name, recipe_name, base_run_id, base_model, plan, status, error, runner_pid, created_at,
                    finished_at FROM sweeps"""
_VARIANTS = """SELECT sweep_id, position, label, recipe_name, spec, settings, dataset_recipe_id, dataset_version
               FROM sweep_variants"""
_TRIALS = "SELECT sweep_id, position, seed, job_id, reeval_run_id, status, error FROM sweep_trials"


def _sweep(row: tuple) -> SweepRow:
    values = list(row)
    values[5] = json.loads(values[5])
    return SweepRow(*values)


def _variant(row: tuple) -> VariantRow:
    values = list(row)
    values[4], values[5] = json.loads(values[4]), json.loads(values[5])
    return VariantRow(*values)


def insert_sweep(
    db: Database,
    name: str,
    recipe_name: str,
    base_run_id: int,
    base_model: str,
    plan: dict,
    variants: list[tuple[str, str, dict, dict]],
    seeds: list[int],
) -> int:
    """The sweep, its variants (label, recipe name, recipe spec, training settings) and one queued trial per
    variant and seed, in one transaction."""
    with db.transaction() as cur:
        sweep_id = cur.execute(
            """INSERT INTO sweeps (name, recipe_name, base_run_id, base_model, plan) VALUES (?, ?, ?, ?, ?)
               RETURNING sweep_id""",
            [name, recipe_name, base_run_id, base_model, json.dumps(plan)],
        ).fetchone()[0]
        for position, (label, variant_recipe, spec, settings) in enumerate(variants, start=1):
            cur.execute(
                "INSERT INTO sweep_variants (sweep_id, position, label, recipe_name, spec, settings) VALUES (?, ?, ?, ?, ?, ?)",
                [sweep_id, position, label, variant_recipe, json.dumps(spec), json.dumps(settings)],
            )
            for seed in seeds:
                cur.execute(
                    "INSERT INTO sweep_trials (sweep_id, position, seed) VALUES (?, ?, ?)", [sweep_id, position, seed]
                )
    return sweep_id


def find_sweep(db: Database, name: str) -> SweepRow | None:
    row = db.fetchone(_SWEEPS + " WHERE name = ?", [name])
    return _sweep(row) if row else None


def list_sweeps(db: Database) -> list[SweepRow]:
    return [_sweep(r) for r in db.fetchall(_SWEEPS + " ORDER BY sweep_id")]


def sweep_name_taken(db: Database, name: str) -> bool:
    return db.fetchone("SELECT count(*) FROM sweeps WHERE name = ?", [name])[0] > 0


def variants(db: Database, sweep_id: int) -> list[VariantRow]:
    return [_variant(r) for r in db.fetchall(_VARIANTS + " WHERE sweep_id = ? ORDER BY position", [sweep_id])]


def trials(db: Database, sweep_id: int) -> list[TrialRow]:
    rows = db.fetchall(_TRIALS + " WHERE sweep_id = ? ORDER BY position, seed", [sweep_id])
    return [TrialRow(*r) for r in rows]


def set_status(
    db: Database, sweep_id: int, status: str, *, error: str | None = None, runner_pid: int | None = None
) -> None:
    """The sweep's status; a final one stamps finished_at, `running` records the runner's process id."""
    if status not in SWEEP_STATUSES:
        raise ValueError(f"not a sweep status: {status}")
    finished = "current_timestamp" if status in ("cancelled", "finished", "failed") else "NULL"
    with db.transaction() as cur:
        cur.execute(
            f"UPDATE sweeps SET status = ?, error = ?, runner_pid = ?, finished_at = {finished} WHERE sweep_id = ?",
            [status, error, runner_pid, sweep_id],
        )


def set_version(db: Database, sweep_id: int, position: int, recipe_id: int, version: int) -> None:
    with db.transaction() as cur:
        cur.execute(
            "UPDATE sweep_variants SET dataset_recipe_id = ?, dataset_version = ? WHERE sweep_id = ? AND position = ?",
            [recipe_id, version, sweep_id, position],
        )


def set_trial(
    db: Database,
    sweep_id: int,
    position: int,
    seed: int,
    status: str,
    *,
    job_id: int | None = None,
    run_id: int | None = None,
    error: str | None = None,
) -> None:
    """A trial's status; a job or run id given is recorded, one left out keeps what was stored."""
    if status not in TRIAL_STATUSES:
        raise ValueError(f"not a trial status: {status}")
    with db.transaction() as cur:
        cur.execute(
            """UPDATE sweep_trials SET status = ?, error = ?, job_id = coalesce(?, job_id), reeval_run_id = coalesce(?, reeval_run_id)
               WHERE sweep_id = ? AND position = ? AND seed = ?""",
            [status, error, job_id, run_id, sweep_id, position, seed],
        )


def forget_job(db: Database, sweep_id: int, position: int, seed: int) -> None:
    """A trial whose job failed or was cancelled starts over with a new job (the old one stays in `curator jobs`)."""
    with db.transaction() as cur:
        cur.execute(
            "UPDATE sweep_trials SET job_id = NULL, reeval_run_id = NULL WHERE sweep_id = ? AND position = ? AND seed = ?",
            [sweep_id, position, seed],
        )
