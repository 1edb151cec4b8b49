"""Queries over dataset recipes, frozen versions, and the rows a recipe draws from a run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from curator.storage.database import Database


@dataclass(frozen=True)
class RecipeRow:
    recipe_id: int
    name: str
    spec: dict
    version_count: int


@dataclass(frozen=True)
class VersionRow:
    recipe_id: int
    recipe_name: str
    version: int
    spec: dict
    manifest: dict
    content_hash: str
    path: str
    row_count: int
    created_at: datetime


_RECIPES = """SELECT r.recipe_id, r.name, r.spec, (SELECT count(*) FROM dataset_versions v WHERE v.recipe_id = r.recipe_id)
              FROM dataset_recipes r"""
_VERSIONS = """SELECT v.recipe_id, r.name, v.version, v.spec, v.manifest, v.content_hash, v.path, v.row_count, v.created_at
               FROM dataset_versions v JOIN dataset_recipes r ON r.recipe_id = v.recipe_id"""


def _recipe(row: tuple) -> RecipeRow:
    return RecipeRow(row[0], row[1], json.loads(row[2]), row[3])


def _version(row: tuple) -> VersionRow:
    values = list(row)
    values[3], values[4] = json.loads(values[3]), json.loads(values[4])
    return VersionRow(*values)


def save_recipe(db: Database, name: str, spec: dict) -> int:
    """Insert or replace a recipe's spec (frozen versions keep the spec they were built from)."""
    with db.transaction() as cur:
        row = cur.execute("SELECT recipe_id FROM dataset_recipes WHERE name = ?", [name]).fetchone()
        if row:
            cur.execute(
                "UPDATE dataset_recipes SET spec = ?, updated_at = current_timestamp WHERE recipe_id = ?",
                [json.dumps(spec), row[0]],
            )
            return row[0]
        return cur.execute(
            "INSERT INTO dataset_recipes (name, spec) VALUES (?, ?) RETURNING recipe_id", [name, json.dumps(spec)]
        ).fetchall()[0][0]


def find_recipe(db: Database, name: str) -> RecipeRow | None:
    row = db.fetchone(_RECIPES + " WHERE r.name = ?", [name])
    return _recipe(row) if row else None


def list_recipes(db: Database) -> list[RecipeRow]:
    return [_recipe(r) for r in db.fetchall(_RECIPES + " ORDER BY r.name")]


def next_version(db: Database, recipe_id: int) -> int:
    return db.fetchone("SELECT coalesce(max(version), 0) + 1 FROM dataset_versions WHERE recipe_id = ?", [recipe_id])[0]


def path_is_recorded(db: Database, path: str) -> bool:
    """Whether any frozen version names this file (one that none names is a killed build's leftover)."""
    return db.fetchone("SELECT count(*) FROM dataset_versions WHERE path = ?", [path])[0] > 0


def insert_version(
    db: Database, recipe_id: int, version: int, spec: dict, manifest: dict, content_hash: str, path: str, row_count: int
) -> None:
    with db.transaction() as cur:
        cur.execute(
            """INSERT INTO dataset_versions (recipe_id, version, spec, manifest, content_hash, path, row_count)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [recipe_id, version, json.dumps(spec), json.dumps(manifest), content_hash, path, row_count],
        )


def get_version(db: Database, recipe_name: str, version: int | None = None) -> VersionRow | None:
    """One frozen version of a recipe; the newest when `version` is None."""
    if version is None:
        row = db.fetchone(_VERSIONS + " WHERE r.name = ? ORDER BY v.version DESC LIMIT 1", [recipe_name])
    else:
        row = db.fetchone(_VERSIONS + " WHERE r.name = ? AND v.version = ?", [recipe_name, version])
    return _version(row) if row else None


def version_hash(db: Database, recipe_id: int, version: int) -> tuple[str, str] | None:
    """(path, content hash) of one frozen version, by recipe id and number."""
    return db.fetchone(
        "SELECT path, content_hash FROM dataset_versions WHERE recipe_id = ? AND version = ?", [recipe_id, version]
    )


def list_versions(db: Database, recipe_name: str | None = None) -> list[VersionRow]:
    if recipe_name is None:
        return [_version(r) for r in db.fetchall(_VERSIONS + " ORDER BY r.name, v.version")]
    return [_version(r) for r in db.fetchall(_VERSIONS + " WHERE r.name = ? ORDER BY v.version", [recipe_name])]


def passing_dev_items(db: Database, run_id: int, replay_from: str = "outputs") -> list[dict]:
    """Dev items that pass every check that applies to them (replay data), in item order.

    Each is {item_key, input, input_messages (the chat messages, or None), completion, output, metadata}: the
    completion is the output the model gave (`replay_from="outputs"`), or the item's target when it has one
    (`"targets"`, else the output).
    """
    completion = "i.output" if replay_from == "outputs" else "coalesce(i.target, i.output)"
    rows = db.fetchall(
        f"""SELECT i.item_key, i.input, i.input_messages, {completion}, i.output, i.metadata
           FROM items i JOIN (
               SELECT item_key FROM check_results WHERE run_id = ? GROUP BY item_key HAVING bool_and(passed)
           ) ok ON ok.item_key = i.item_key
           WHERE i.run_id = ? AND i.split = 'dev' AND i.input IS NOT NULL AND {completion} IS NOT NULL
           ORDER BY i.item_key""",
        [run_id, run_id],
    )
    names = ("item_key", "input", "input_messages", "completion", "output", "metadata")
    out = []
    for row in rows:
        item = dict(zip(names, row, strict=True))
        item["input_messages"] = json.loads(item["input_messages"]) if item["input_messages"] else None
        item["metadata"] = json.loads(item["metadata"]) if item["metadata"] else {}
        out.append(item)
    return out


def item_prompts(db: Database, run_id: int) -> dict[int, tuple[str, list[dict]]]:
    """item_key -> (input text, chat messages) of the run's items that came as chat messages."""
    rows = db.fetchall(
        "SELECT item_key, input, input_messages FROM items WHERE run_id = ? AND input_messages IS NOT NULL", [run_id]
    )
    return {key: (text, json.loads(messages)) for key, text, messages in rows}
