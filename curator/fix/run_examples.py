"""Every example generated for a run: all batches of the templates started on it, not only the newest."""

from __future__ import annotations

from curator.fix.examples import list_examples
from curator.fix.templates import library as template_domain
from curator.storage.examples import ExampleRow
from curator.workspace import Workspace


def run_examples(ws: Workspace, run_id: int | None) -> list[ExampleRow]:
    """The examples of every batch generated from templates started on `run_id` (any run's templates if it has
    none), in generation order."""
    templates = template_domain.list_templates(ws)
    own = [t for t in templates if run_id is not None and t.source_run_id == run_id]
    rows = [e for t in (own or templates) for e in list_examples(ws, template_id=t.template_id)]
    return sorted(rows, key=lambda e: e.example_id)
