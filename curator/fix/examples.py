"""Reviewing generated examples: accept, reject, edit (re-checked), accept all; refused examples stay refused."""

from __future__ import annotations

from curator.errors import CuratorError, NotFoundError
from curator.fix.generation import vetter_for
from curator.fix.templates import library as template_domain
from curator.sandbox.errors import TemplateError
from curator.storage import examples as example_queries
from curator.storage import items as item_queries
from curator.storage.examples import ExampleRow
from curator.workspace import Workspace


def list_examples(
    ws: Workspace,
    *,
    template_id: int | None = None,
    batch_id: int | None = None,
    statuses: tuple[str, ...] | None = None,
) -> list[ExampleRow]:
    return example_queries.list_examples(ws.db, template_id=template_id, batch_id=batch_id, statuses=statuses)


def get_example(ws: Workspace, example_id: int) -> ExampleRow:
    row = example_queries.get_example(ws.db, example_id)
    if row is None:
        raise NotFoundError(f"no generated example {example_id}")
    return row


def accept(ws: Workspace, example_ids: list[int]) -> int:
    """Accept examples under review; returns how many changed status or were already accepted."""
    return example_queries.set_status(ws.db, example_ids, "accepted")


def reject(ws: Workspace, example_ids: list[int]) -> int:
    return example_queries.set_status(ws.db, example_ids, "rejected")


def accept_all(ws: Workspace, *, batch_id: int | None = None, template_id: int | None = None) -> int:
    """Accept every proposed example of a batch or template (refused ones are never accepted)."""
    proposed = example_queries.list_examples(ws.db, batch_id=batch_id, template_id=template_id, statuses=("proposed",))
    return accept(ws, [e.example_id for e in proposed]) if proposed else 0


def edit(ws: Workspace, example_id: int, input_text: str, target: str) -> ExampleRow:
    """Change an example's text; the new text must pass the same checks and guard, or nothing changes."""
    row = get_example(ws, example_id)
    if row.status not in example_queries.REVIEWABLE:
        raise CuratorError(f"example {example_id} was refused ({row.reason}); it cannot be edited")
    if not input_text.strip() or not target.strip():
        raise TemplateError(
            row.template_name or "?",
            "an example needs a non-empty input and target",
            field="input" if not input_text.strip() else "target",
        )
    vetter = vetter_for(ws, row.source_run_id)
    results, failure = vetter.grade(input_text, target, _reference(ws, row))
    if failure:
        raise CuratorError(f"example {example_id}: the edit fails {failure}")
    refusal = vetter.guard.check_one(input_text) if vetter.guard else None
    if refusal is not None:
        raise CuratorError(f"example {example_id}: the edit is {refusal.reason()}")
    example_queries.update_text(ws.db, example_id, input_text, target, results)
    return get_example(ws, example_id)


def _reference(ws: Workspace, row: ExampleRow) -> str | None:
    """An answer independent of the example's own target: its source item's target, for an example sampled from
    the model (a template's example has none: its target is the only answer)."""
    if row.rollout_id is None or row.source_run_id is None or row.source_item_key is None:
        return None
    item = item_queries.get_item(ws.db, row.source_run_id, row.source_item_key)
    return item.target if item is not None else None


def status_counts(ws: Workspace, batch_id: int | None = None) -> dict[str, int]:
    return example_queries.status_counts(ws.db, batch_id)


def newest_batch(ws: Workspace, run_id: int | None = None) -> int | None:
    """The newest batch of generated examples from templates started on `run_id` (any run's if it has none)."""
    templates = template_domain.list_templates(ws)
    own = [t for t in templates if run_id is not None and t.source_run_id == run_id]
    batches = [e.batch_id for t in (own or templates) for e in list_examples(ws, template_id=t.template_id)]
    return max(batches, default=None)
