"""Revisions of failing outputs as data: the analyst's own smallest fix, and a reviser model's critique then
revision. Every revision is graded by the run's checks (as the run grades its outputs, against the item's
target). A passing one is kept: it proposes an SFT example (target = the revision) and is a preference pair
(chosen = the revision, rejected = the original output) with lineage to the item, the run and the bucket; its
review status is its example's, so accepting either accepts both. A failing edit stays a draft naming the check
that still fails; a model revision that fails or changes too much is dropped with why.

Held-out items are never revised: an edit of one is refused, the model's plan leaves them out, and every read
of pairs leaves them out again; kept revisions also pass the contamination guard and the duplicate search.
"""

from __future__ import annotations

from dataclasses import dataclass

from curator.checks import Case, grade_outputs, stored_checks, stored_results
from curator.errors import CuratorError, NotFoundError
from curator.fix.generation import vetter_for
from curator.fix.revision_prompts import change_share
from curator.review import browse
from curator.review import buckets as bucket_domain
from curator.review.runs import resolve_run
from curator.storage import examples as example_queries
from curator.storage import revisions as revision_queries
from curator.storage.revisions import RevisionRow
from curator.workspace import Workspace


@dataclass(frozen=True)
class GradedRevision:
    """A revision's check results ({name: [passed, reason]}) and the first failing check's line (None: passed)."""

    check_results: dict
    failure: str | None


def graded_specs(ws: Workspace, run) -> list:
    """The run's stored checks; refused when it has none (nothing could say a revision fixes anything)."""
    specs = stored_checks(ws, run.run_id)
    if not specs:
        raise CuratorError(f"run '{run.name}' has no stored checks to grade revisions with (see `curator check`)")
    return specs


def grade_revision(specs: list, item: dict, text: str) -> GradedRevision:
    """Grade `text` as the item's output with every check of the run (the one grading path: a judge is recorded as
    not graded, a learned check grades from its fit)."""
    grades = grade_outputs(specs, [Case(item["input"], item["target"], text)])[0]
    results = stored_results(grades)
    failure = next(
        (f"check '{name}' still fails: {g.reason}" for name, g in grades.items() if g.graded and not g.passed), None
    )
    if failure is None and not any(r[0] is not None for r in results.values()):
        failure = "no check applies to this item, so nothing says the revision fixes it"
    return GradedRevision(results, failure)


def item_bucket_id(ws: Workspace, run_id: int, item_key: int, bucket_id: int | None = None) -> int | None:
    """The bucket a revision belongs to: the one it was asked for, else the item's only (or latest used) bucket."""
    if bucket_id is not None:
        return bucket_id
    name = browse.template_bucket(ws, run_id, item_key)
    return bucket_domain.get_bucket(ws, name).bucket_id if name else None


def item_record(item, reasons: dict[str, str]) -> dict:
    """What grading, prompting and storing need of one item."""
    return {
        "item_key": item.item_key,
        "item_id": item.item_id,
        "input": item.input,
        "target": item.target,
        "output": item.output,
        "reasons": reasons,
    }


def propose_edit(ws: Workspace, run_ref: str | int, item_ref: str | int, edited_text: str) -> RevisionRow:
    """The analyst's edit of a failing output: graded, stored as a draft when a check still fails, else kept
    (a proposed SFT example and a preference pair). A new edit of the same item replaces its earlier draft."""
    run = resolve_run(ws, run_ref)
    item = browse.item_by_ref(ws, run, item_ref)
    if item.split == "held_out":
        raise CuratorError(f"item '{item.item_id}' is held out: its outputs are never edited into training data")
    if item.output is None:
        raise CuratorError(f"item '{item.item_id}' has no output to edit")
    if not edited_text.strip():
        raise CuratorError(f"the edit of item '{item.item_id}' is empty")
    if edited_text == item.output:
        raise CuratorError(f"the edit of item '{item.item_id}' is the original output unchanged")
    specs = graded_specs(ws, run)
    reasons = revision_queries.failing_reasons(ws.db, run.run_id, [item.item_key]).get(item.item_key, {})
    if not reasons:
        raise CuratorError(f"item '{item.item_id}' fails no check of run '{run.name}': there is nothing to fix")
    record = item_record(item, reasons)
    graded = grade_revision(specs, record, edited_text)
    row = {
        "run_id": run.run_id,
        "item_key": item.item_key,
        "input": item.input,
        "bucket_id": item_bucket_id(ws, run.run_id, item.item_key),
        "author": "analyst",
        "original": item.output,
        "revised": edited_text,
        "check_results": graded.check_results,
        "change": change_share(item.output, edited_text),
        "status": "draft" if graded.failure else "kept",
        "reason": graded.failure,
    }
    with ws.db.transaction() as cur:
        revision_queries.delete_drafts(cur, run.run_id, item.item_key)
        (revision_id,) = store_revisions(ws, cur, run.run_id, [row], variant="edit", model=None)
    return get_revision(ws, revision_id)


def store_revisions(ws: Workspace, cur, run_id: int, rows: list[dict], variant: str, model: str | None) -> list[int]:
    """Store revisions inside the caller's transaction; each kept one first proposes its example (refused as
    contaminated when its input is too close to a held-out item, or as a duplicate of an example in play)."""
    kept = [row for row in rows if row["status"] == "kept"]
    batch_id = example_queries.next_batch_id(cur) if kept else None
    guard = vetter_for(ws, run_id).guard if kept else None
    in_play = set(example_queries.kept_pairs(ws.db)) if kept else set()
    ids = []
    for row in rows:
        if row["status"] == "kept":
            status, reason = _example_status(row, guard, in_play)
            example = row | {"variant": variant, "model": model, "example_status": status, "example_reason": reason}
            row = row | {"example_id": revision_queries.insert_example(cur, batch_id, example)}
        ids.append(revision_queries.insert_revision(cur, row))
    return ids


def _example_status(row: dict, guard, in_play: set) -> tuple[str, str | None]:
    refusal = guard.check_one(row["input"] or "") if guard else None
    if refusal is not None:
        return "contaminated", refusal.reason()
    pair = (row["input"], row["revised"])
    if pair in in_play:
        return "duplicate", "exact duplicate of an existing example"
    in_play.add(pair)
    return "proposed", None


def get_revision(ws: Workspace, revision_id: int) -> RevisionRow:
    found = revision_queries.list_revisions(ws.db, revision_ids=[revision_id])
    if not found:
        raise NotFoundError(f"no revision {revision_id} (see `curator revise list RUN`)")
    return found[0]


def list_revisions(
    ws: Workspace,
    run_ref: str | int | None = None,
    *,
    statuses: tuple[str, ...] | None = None,
    revise_set_id: int | None = None,
    item_ref: str | int | None = None,
) -> list[RevisionRow]:
    """Revisions (of a run, one revise set, one item), with the given review statuses, oldest first."""
    run = resolve_run(ws, run_ref) if run_ref is not None else None
    item_key = browse.item_by_ref(ws, run, item_ref).item_key if run is not None and item_ref is not None else None
    rows = revision_queries.list_revisions(
        ws.db, run_id=run.run_id if run else None, revise_set_id=revise_set_id, item_key=item_key
    )
    return [r for r in rows if statuses is None or r.status in statuses]


def revision_of_example(ws: Workspace, example_id: int) -> RevisionRow | None:
    """The revision an example was proposed from (None for a template's or a sampled example): its critique,
    original and diff, for the example review list."""
    found = revision_queries.list_revisions(ws.db, example_id=example_id)
    return found[0] if found else None


def draft_for(ws: Workspace, run_id: int, item_key: int) -> RevisionRow | None:
    """The analyst's draft of one item, to reopen in the editor (None when there is none)."""
    drafts = [
        r
        for r in revision_queries.list_revisions(ws.db, run_id=run_id, item_key=item_key)
        if r.author == "analyst" and r.status == "draft"
    ]
    return drafts[-1] if drafts else None


def set_review_status(ws: Workspace, revision_ids: list[int], status: str) -> int:
    """Accept or reject kept revisions (their examples); drafts, dropped and refused ones are left alone.
    Refused with one line when an id does not exist. Returns how many changed or already had `status`."""
    if status not in ("accepted", "rejected"):
        raise CuratorError(f"a revision is accepted or rejected, not {status}")
    found = {r.revision_id: r for r in revision_queries.list_revisions(ws.db, revision_ids=revision_ids)}
    missing = [i for i in revision_ids if i not in found]
    if missing:
        raise NotFoundError(f"no revision {missing[0]} (see `curator revise list RUN`)")
    examples = [r.example_id for r in found.values() if r.example_id is not None]
    return example_queries.set_status(ws.db, examples, status) if examples else 0


def review_all(ws: Workspace, run_ref: str | int, status: str, revise_set_id: int | None = None) -> int:
    """Accept or reject every proposed revision of a run (or of one revise set)."""
    proposed = list_revisions(ws, run_ref, statuses=("proposed",), revise_set_id=revise_set_id)
    return set_review_status(ws, [r.revision_id for r in proposed], status) if proposed else 0


def revision_pairs(
    ws: Workspace,
    run_ref: str | int | None = None,
    buckets: list[str] | None = None,
    statuses: tuple[str, ...] = ("accepted",),
) -> list[dict]:
    """Accepted revisions as DPO rows (prompt, chosen = revision, rejected = original output) with lineage
    (revision_id, author, model, bucket, source_run_id, source_item_key, example_id); never a held-out item."""
    run_id = resolve_run(ws, run_ref).run_id if run_ref is not None else None
    bucket_ids = [bucket_domain.get_bucket(ws, name).bucket_id for name in buckets] if buckets is not None else None
    return revision_queries.revision_pairs(ws.db, run_id=run_id, statuses=statuses, bucket_ids=bucket_ids)
