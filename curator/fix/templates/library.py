"""Templates in a workspace: create, start from a failing item, save, look up."""

from __future__ import annotations

from dataclasses import dataclass

from curator.errors import CuratorError, NotFoundError
from curator.fix.templates.authoring import spec_from_texts
from curator.fix.templates.rendering import TemplateRenderer
from curator.fix.templates.spec import TemplateSpec, spec_from_dict
from curator.review import buckets as bucket_domain
from curator.review.browse import item_by_ref
from curator.review.runs import resolve_run
from curator.sandbox.deadline import SAVE_CHECK_S, render_deadline
from curator.storage import items as item_queries
from curator.storage import templates as template_queries
from curator.unique_names import first_free_name
from curator.workspace import Workspace


@dataclass(frozen=True)
class TemplateRecord:
    """A stored template with its bucket and the failure it was started from."""

    template_id: int
    spec: TemplateSpec
    bucket_id: int | None
    bucket_name: str | None
    source_run_id: int | None
    source_item_key: int | None

    @property
    def name(self) -> str:
        return self.spec.name


def _record(row: template_queries.TemplateRow) -> TemplateRecord:
    return TemplateRecord(
        row.template_id,
        spec_from_dict(row.spec, row.name),
        row.bucket_id,
        row.bucket_name,
        row.source_run_id,
        row.source_item_key,
    )


def _bucket_id(ws: Workspace, bucket: str | None) -> int | None:
    return bucket_domain.get_bucket(ws, bucket).bucket_id if bucket else None


def _check_renders(spec: TemplateSpec) -> None:
    """Render probes within the time and size limits: a template that breaks one is refused, never stored."""
    with render_deadline(SAVE_CHECK_S):
        TemplateRenderer(spec).validate()


def create_template(
    ws: Workspace,
    spec: TemplateSpec,
    bucket: str | None = None,
    source_run_id: int | None = None,
    source_item_key: int | None = None,
) -> TemplateRecord:
    """Store a new template after proving it compiles (a broken template is never stored)."""
    if template_queries.template_name_taken(ws.db, spec.name):
        raise CuratorError(f"a template named '{spec.name}' already exists")
    _check_renders(spec)
    template_queries.insert_template(
        ws.db, spec.name, spec.to_dict(), _bucket_id(ws, bucket), source_run_id, source_item_key
    )
    return get_template(ws, spec.name)


def save_template(ws: Workspace, spec: TemplateSpec, bucket: str | None = None) -> TemplateRecord:
    """Replace a stored template's text and slots (it must still compile); keeps its bucket unless one is given."""
    current = get_template(ws, spec.name)
    _check_renders(spec)
    bucket_id = _bucket_id(ws, bucket) if bucket else current.bucket_id
    template_queries.update_template(ws.db, current.template_id, spec.to_dict(), bucket_id)
    return get_template(ws, spec.name)


def get_template(ws: Workspace, ref: str | int) -> TemplateRecord:
    row = template_queries.find_template(ws.db, str(ref))
    if row is None:
        raise NotFoundError(f"no template named '{ref}' (see `curator template list`)")
    return _record(row)


def list_templates(ws: Workspace) -> list[TemplateRecord]:
    return [_record(r) for r in template_queries.list_templates(ws.db)]


def unique_template_name(ws: Workspace, wanted: str) -> str:
    return first_free_name(wanted, lambda name: template_queries.template_name_taken(ws.db, name))


def source_item(ws: Workspace, run_ref: str | int, item_key: int):
    """The run and dev item a template or batch starts from; missing items and held-out items are refused."""
    run = resolve_run(ws, run_ref)
    item = item_queries.get_item(ws.db, run.run_id, item_key)
    if item is None:
        raise NotFoundError(f"run '{run.name}' has no item number {item_key}")
    if item.split == "held_out":
        raise CuratorError(f"item {item.item_id} of run '{run.name}' is held out: templates start from dev items only")
    return run, item


def draft_from_item(ws: Workspace, run_ref: str | int, item_key: int, name: str | None = None) -> TemplateSpec:
    """An unsaved template whose text is the item's input and (corrected) target: the start of a fix."""
    run, item = source_item(ws, run_ref, item_key)
    if not (item.target or "").strip():
        raise CuratorError(f"item {item.item_id} of run '{run.name}' has no target to start a template from")
    wanted = name or f"{run.name}-item-{item_key}"
    return spec_from_texts(unique_template_name(ws, wanted), item.input or "", item.target)


def create_from_item(
    ws: Workspace, run_ref: str | int, item: str | int, name: str | None = None, bucket: str | None = None
) -> TemplateRecord:
    """Store a template started from a failing item (its id as shown, e.g. `dev-act-28`, or its number in the
    run), keeping the item as its source."""
    run = resolve_run(ws, run_ref)
    item_key = item_by_ref(ws, run, item).item_key
    spec = draft_from_item(ws, run.run_id, item_key, name)
    return create_template(ws, spec, bucket=bucket, source_run_id=run.run_id, source_item_key=item_key)
