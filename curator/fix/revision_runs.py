"""A reviser model's revisions of a run's failing dev outputs: which items to revise, and grading and storing
what the model wrote (kept when it passes every check and changes at most a set share of the original)."""

from __future__ import annotations

from dataclasses import dataclass, field

from curator.errors import CuratorError, NotFoundError
from curator.fix.revision_prompts import change_share
from curator.fix.revisions import grade_revision, graded_specs, item_bucket_id, store_revisions
from curator.review import buckets as bucket_domain
from curator.review.runs import resolve_run
from curator.storage import revisions as revision_queries
from curator.storage.browse import ItemFilter
from curator.workspace import Workspace

DEFAULT_MAX_CHANGE = 0.5


@dataclass(frozen=True)
class RevisionPlan:
    """The failing dev items a revise call will revise (each with its failing checks' reasons), and how many
    held-out items the filter also matched (never revised)."""

    run_id: int
    run_name: str
    item_filter: dict
    items: list[dict]
    skipped_held_out: int
    bucket_id: int | None = None


@dataclass(frozen=True)
class ReviseReport:
    """What one revise call stored: its revise set and how many revisions ended in each status."""

    revise_set_id: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def kept(self) -> int:
        return sum(n for status, n in self.counts.items() if status not in ("dropped", "draft"))


def check_max_change(max_change: float) -> None:
    if not 0 < max_change <= 1:
        raise CuratorError(f"max change must be a share above 0 and at most 1, not {max_change}")


def plan_revisions(
    ws: Workspace, run_ref: str | int, bucket: str | None = None, failing: str | None = None
) -> RevisionPlan:
    """The failing dev outputs to revise (a bucket's, one check's, or every failing one); refused when none."""
    if bucket and failing:
        raise CuratorError("give a bucket or a failing check, not both")
    run = resolve_run(ws, run_ref)
    names = [spec.name for spec in graded_specs(ws, run)]
    if failing is not None and failing not in names:
        raise NotFoundError(f"run '{run.name}' has no check '{failing}' (its checks: {', '.join(names)})")
    bucket_id = bucket_domain.get_bucket(ws, bucket).bucket_id if bucket else None
    item_filter = ItemFilter(run.run_id, failing_check=failing, failing_any=failing is None, bucket_id=bucket_id)
    rows = revision_queries.filtered_items(ws.db, item_filter)
    dev = [row for row in rows if row["split"] != "held_out" and row["output"] is not None]
    if not dev:
        held = sum(1 for row in rows if row["split"] == "held_out")
        raise CuratorError(
            f"no failing dev outputs of run '{run.name}' match"
            + (f" (the {held} held-out item(s) that do are never revised into training data)" if held else "")
        )
    reasons = revision_queries.failing_reasons(ws.db, run.run_id, [row["item_key"] for row in dev])
    items = [row | {"reasons": reasons.get(row["item_key"], {})} for row in dev]
    if failing is not None:  # the named check first: it is the one this call fixes
        for item in items:
            item["reasons"] = {failing: item["reasons"].pop(failing, ""), **item["reasons"]}
    chosen = {"bucket": bucket, "failing_check": failing}
    held = sum(1 for row in rows if row["split"] == "held_out")
    return RevisionPlan(run.run_id, run.name, chosen, items, held, bucket_id)


def judge_revision(specs: list, item: dict, critique: str, text: str | None, max_change: float) -> dict:
    """One model revision graded and decided: kept, or dropped with why (`text` None: no revision written)."""
    revised = (text or "").strip()
    original = item["output"]
    row = {
        "item_key": item["item_key"],
        "input": item["input"],
        "original": original,
        "revised": revised,
        "critique": critique.strip(),
        "check_results": {},
        "change": change_share(original, revised) if revised else 1.0,
        "status": "dropped",
    }
    if not revised:
        return row | {"reason": item.get("failure") or "the reviser wrote no revision"}
    if revised == original.strip():
        return row | {"reason": "the revision is the original unchanged"}
    graded = grade_revision(specs, item, revised)
    row["check_results"] = graded.check_results
    if graded.failure:
        return row | {"reason": graded.failure}
    if row["change"] > max_change:
        return row | {
            "reason": f"changes {row['change']:.0%} of the original (at most {max_change:.0%}): a rewrite, "
            "not a revision"
        }
    return row | {"status": "kept", "reason": None}


def store_model_revisions(
    ws: Workspace,
    plan: RevisionPlan,
    model: str,
    settings: dict,
    written: dict[int, tuple[str, str | None]],
    max_change: float = DEFAULT_MAX_CHANGE,
    failures: dict[int, str] | None = None,
) -> ReviseReport:
    """Grade what the reviser wrote ({item_key: (critique, revision or None)}) and store the revise set, every
    revision (kept or dropped with why) and the examples of the kept ones in one transaction. `failures` names
    why an item got no revision (its revision prompt could not be rendered)."""
    check_max_change(max_change)
    run = resolve_run(ws, plan.run_id)
    specs = graded_specs(ws, run)
    failures = failures or {}
    rows = []
    for item in plan.items:
        critique, text = written.get(item["item_key"], ("", None))
        item = item | ({"failure": failures[item["item_key"]]} if item["item_key"] in failures else {})
        row = judge_revision(specs, item, critique, text, max_change)
        bucket_id = item_bucket_id(ws, plan.run_id, item["item_key"], plan.bucket_id)
        rows.append(row | {"run_id": plan.run_id, "bucket_id": bucket_id, "author": "model"})
    stored_settings = settings | {"max_change": max_change}
    with ws.db.transaction() as cur:
        set_id = revision_queries.insert_revise_set(cur, plan.run_id, model, None, stored_settings, plan.item_filter)
        rows = [row | {"revise_set_id": set_id} for row in rows]
        store_revisions(ws, cur, plan.run_id, rows, variant="revision", model=model)
    counts: dict[str, int] = {}
    for revision in revision_queries.list_revisions(ws.db, revise_set_id=set_id):
        counts[revision.status] = counts.get(revision.status, 0) + 1
    return ReviseReport(set_id, counts)
