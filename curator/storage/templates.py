"""Queries over templates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from curator.storage.database import Database


@dataclass(frozen=True)
class TemplateRow:
    template_id: int
    name: str
    bucket_id: int | None
    bucket_name: str | None
    source_run_id: int | None
    source_item_key: int | None
    spec: dict
    created_at: datetime
    updated_at: datetime


_SELECT = """SELECT t.template_id, t.name, t.bucket_id, b.name, t.source_run_id, t.source_item_key, t.spec,
                    t.created_at, t.updated_at
             FROM templates t LEFT JOIN buckets b ON b.bucket_id = t.bucket_id"""


def _row(values: tuple) -> TemplateRow:
    values = list(values)
    values[6] = json.loads(values[6])
    return TemplateRow(*values)


def insert_template(
    db: Database, name: str, spec: dict, bucket_id: int | None, source_run_id: int | None, source_item_key: int | None
) -> int:
    with db.transaction() as cur:
        return cur.execute(
            """INSERT INTO templates (name, bucket_id, source_run_id, source_item_key, spec)
               VALUES (?, ?, ?, ?, ?) RETURNING template_id""",
            [name, bucket_id, source_run_id, source_item_key, json.dumps(spec)],
        ).fetchall()[0][0]


def update_template(db: Database, template_id: int, spec: dict, bucket_id: int | None) -> None:
    with db.transaction() as cur:
        cur.execute(
            "UPDATE templates SET spec = ?, bucket_id = ?, updated_at = current_timestamp WHERE template_id = ?",
            [json.dumps(spec), bucket_id, template_id],
        )


def find_template(db: Database, ref: str) -> TemplateRow | None:
    """The template named `ref`, or whose id is `ref`."""
    row = db.fetchone(_SELECT + " WHERE t.name = ?", [ref])
    if row is None and str(ref).isdigit():
        row = db.fetchone(_SELECT + " WHERE t.template_id = ?", [int(ref)])
    return _row(row) if row else None


def list_templates(db: Database) -> list[TemplateRow]:
    return [_row(r) for r in db.fetchall(_SELECT + " ORDER BY t.name")]


def template_name_taken(db: Database, name: str) -> bool:
    return db.fetchone("SELECT 1 FROM templates WHERE name = ?", [name]) is not None
