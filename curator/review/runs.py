"""Runs as the user sees them: look up by name or id, list, summarise, delete."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from curator.errors import NotFoundError
from curator.storage import items as item_queries
from curator.storage import runs as run_queries
from curator.storage import summaries
from curator.storage.runs import RunRow
from curator.unique_names import first_free_name
from curator.workspace import Workspace

EVERY_CHECK = "passes every check"


@dataclass(frozen=True)
class CheckSummary:
    """Pass rate of one check over a run, per split."""

    name: str
    kind: str
    passed: int
    total: int
    by_split: dict[str, tuple[int, int]]

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass(frozen=True)
class RunSummary:
    """A run with its items per split, each check's pass counts and "passes every check" (per split too)."""

    run: RunRow
    splits: dict[str, int]
    checks: list[CheckSummary]
    every_check: CheckSummary | None = None


def resolve_run(ws: Workspace, ref: str | int) -> RunRow:
    """The run named (or numbered) `ref`; a clear error if there is none."""
    run_id = ref if isinstance(ref, int) else run_queries.find_run_id(ws.db, str(ref))
    run = run_queries.get_run(ws.db, run_id) if run_id is not None else None
    if run is None:
        raise NotFoundError(f"no run named '{ref}' in {ws.root} (see `curator runs`)")
    return run


def list_runs(ws: Workspace) -> list[RunRow]:
    return run_queries.list_runs(ws.db)


def summarise_run(ws: Workspace, ref: str | int) -> RunSummary:
    run = resolve_run(ws, ref)
    checks = [
        CheckSummary(name=name, kind=kind, passed=passed, total=total, by_split=by_split)
        for name, kind, passed, total, by_split in summaries.check_pass_counts(ws.db, run.run_id)
    ]
    by_split = summaries.every_check_counts(ws.db, run.run_id)
    passed, total = sum(p for p, _ in by_split.values()), sum(t for _, t in by_split.values())
    every = CheckSummary(EVERY_CHECK, "", passed, total, by_split)
    return RunSummary(run, summaries.split_counts(ws.db, run.run_id), checks, every)


def delete_run(ws: Workspace, ref: str | int) -> RunRow:
    run = resolve_run(ws, ref)
    run_queries.delete_run(ws.db, run.run_id)
    return run


def unique_run_name(ws: Workspace, wanted: str) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`... when that name is taken."""
    return first_free_name(wanted, lambda name: run_queries.name_taken(ws.db, name))


def create_run_from_records(
    ws: Workspace,
    name: str,
    records: list[dict],
    *,
    model: str | None = None,
    adapter: str | None = None,
    source_path: str | None = None,
    source_format: str = "records",
    parent_run_id: int | None = None,
    settings: dict | None = None,
) -> RunRow:
    """Store a new run from Python records (item_id, input or input_messages, target, output, metadata, split)."""
    with ws.db.transaction() as cur:
        run_id = run_queries.insert_run(
            cur,
            unique_run_name(ws, name),
            model=model,
            adapter=adapter,
            source_path=source_path,
            source_format=source_format,
            parent_run_id=parent_run_id,
            settings=settings,
        )
        item_queries.insert_records(cur, run_id, records)
    return resolve_run(ws, run_id)


def path_end(path: str | None, parts: int = 2) -> str:
    """The distinguishing end of a model or adapter path, never a cut start: its last `parts` folders
    (`…/jobs/job-3/adapter` → `…/job-3/adapter`), the whole path when it is no longer."""
    if not path:
        return ""
    pieces = [p for p in PurePath(path).parts if p not in ("/", "\\")]
    tail = "/".join(pieces[-parts:])
    return tail if len(pieces) <= parts else f"…/{tail}"


def model_label(model: str | None, adapter: str | None) -> str:
    """A run's model by its folder name and its adapter by its job (the last two folders), as lists show them:
    `…/smollm2-135m-instruct + …/job-3/adapter`; `—` without a model."""
    label = path_end(model, parts=1) or "—"
    return label + (f" + {path_end(adapter)}" if adapter else "")
