"""Eval and sampling children as jobs: one row, one folder (`jobs/<kind>-<id>/`), one child tied to the process
that waits on it, one recorded outcome. `curator jobs` lists them, `curator jobs --cancel ID` stops them, and a
job whose watcher died is reconciled on the next open (`reconcile.py`). Revise jobs (two children in turn) use
the same row and outcome (`revising.py`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from curator.errors import CuratorError
from curator.inference.eval_child import EvalJob
from curator.jobs.process import ChildProcess
from curator.storage import job_processes as queries
from curator.workspace import Workspace

MODULES = {"eval": "curator.inference.eval_child", "sample": "curator.inference.sample_child"}
JOB_FILE = "job.json"


@dataclass
class ChildJob:
    """A started eval or sampling child and its job row."""

    job_id: int
    job_dir: Path
    child: ChildProcess


def jobs_root(ws: Workspace) -> Path:
    return ws.root / "jobs"


def _write_items(path: Path, items: Iterable[dict]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for item in items:
            record = {"item_key": item["item_key"], "input": item["input"], "input_messages": item["input_messages"]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def start_child_job(ws: Workspace, kind: str, label: str, items: Iterable[dict], job: EvalJob) -> ChildJob:
    """Record the job, write its folder (items, job file) and start its child; a job that cannot start is failed."""
    job_id = queries.insert_child_job(ws.db, kind, label)
    try:
        job_dir = jobs_root(ws) / f"{kind}-{job_id}"
        job_dir.mkdir(parents=True, exist_ok=True)
        for stale in ("progress.jsonl", "outputs.jsonl", "cancel"):  # a folder left by a workspace reset
            (job_dir / stale).unlink(missing_ok=True)
        _write_items(job_dir / "items.jsonl", items)
        job.items_file, job.outputs_file = str(job_dir / "items.jsonl"), str(job_dir / "outputs.jsonl")
        job.progress_file, job.cancel_file = str(job_dir / "progress.jsonl"), str(job_dir / "cancel")
        job_file = job.save(job_dir / JOB_FILE)
        queries.set_child_paths(ws.db, job_id, str(job_dir), job.progress_file)
        child = ChildProcess.module(
            MODULES[kind],
            [job_file],
            Path(job.progress_file),
            job_dir / "child.log",
            cancel_file=Path(job.cancel_file),
            tied_to_parent=True,
        ).start()
    except BaseException as error:
        queries.finish_child_job(ws.db, job_id, "failed", error=str(error) or type(error).__name__)
        raise
    queries.mark_child_running(ws.db, job_id, child.process.pid)
    return ChildJob(job_id, job_dir, child)


def outcome_error(kind: str, final: dict) -> CuratorError | None:
    """The error to raise for a child that did not succeed (None when it did)."""
    what = {"eval": "eval", "sample": "sampling", "revise": "revising"}[kind]
    if final.get("event") == "cancelled":
        return CuratorError(f"{what} cancelled: nothing was stored")
    if final.get("event") != "succeeded":
        return CuratorError(f"{what} failed: {final.get('error', final.get('event'))}")
    return None


def record_outcome(ws: Workspace, job_id: int, final: dict, error: BaseException | None, result_id: int | None):
    """Store how the job ended: succeeded with what it produced, else cancelled or failed with the error."""
    if error is None:
        queries.finish_child_job(ws.db, job_id, "succeeded", result_id=result_id)
        return
    status = "cancelled" if final.get("event") == "cancelled" else "failed"
    queries.finish_child_job(ws.db, job_id, status, error=str(error) or type(error).__name__)


def read_outputs(job_dir: Path) -> list[dict]:
    """The child's output records, in the order it wrote them."""
    with (job_dir / "outputs.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def list_child_jobs(ws: Workspace) -> list[queries.ChildJobRow]:
    """Every eval, sampling and revise job, oldest first."""
    return queries.list_child_jobs(ws.db)
