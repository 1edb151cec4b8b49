"""Queries over the embedding cache: which texts still need a vector, storing vectors, reading them as numpy."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from curator.storage.database import Database

# What is embedded for an item, as SQL over `items i`; the domain mirrors these in Python (curator.patterns.embeddings).
TEXT_EXPRESSIONS = {
    "input": "coalesce(i.input, '')",
    "output": "coalesce(i.output, '')",
    "input+output": "coalesce(i.input, '') || chr(10) || chr(10) || coalesce(i.output, '')",
}

# Which items of a run: every item, those failing at least one check, or failing and in no bucket yet.
_FAILED = (
    "EXISTS (SELECT 1 FROM check_results r WHERE r.run_id = i.run_id AND r.item_key = i.item_key AND NOT r.passed)"
)
_UNBUCKETED = "NOT EXISTS (SELECT 1 FROM labels l WHERE l.run_id = i.run_id AND l.item_key = i.item_key)"
SCOPES = {
    "all": "TRUE",
    "failures": _FAILED,
    "unbucketed": f"{_FAILED} AND {_UNBUCKETED}",
}


def arrow_table(db: Database, sql: str, params: list) -> pa.Table:
    """A query's result as an Arrow table (columns, no Python row objects).

    A short-lived child cursor runs it: DuckDB's relational API (the copy-free Arrow path) refuses to run on a
    connection that still holds an unfinished result, and a child cursor holds none.
    """
    cursor = db.cursor().cursor()
    try:
        return cursor.sql(sql, params=params).to_arrow_table()
    finally:
        cursor.close()


def _scoped_items(field: str, scope: str, item_keys: list[int] | None) -> str:
    """A SELECT of (item_key, text) for the run `?` (and the item keys `?` when given)."""
    keys = " AND i.item_key IN (SELECT unnest(?::BIGINT[]))" if item_keys is not None else ""
    return f"SELECT i.item_key, {TEXT_EXPRESSIONS[field]} AS text FROM items i WHERE i.run_id = ? AND {SCOPES[scope]}{keys}"


def _params(run_id: int, item_keys: list[int] | None) -> list:
    return [run_id] + ([list(item_keys)] if item_keys is not None else [])


def scope_counts(
    db: Database, run_id: int, field: str, scope: str, item_keys: list[int] | None = None
) -> tuple[int, int]:
    """(items, distinct texts) in the scope."""
    sql = _scoped_items(field, scope, item_keys)
    return db.fetchone(f"SELECT count(*), count(DISTINCT text) FROM ({sql})", _params(run_id, item_keys))


def missing_texts(
    db: Database, run_id: int, model: str, field: str, scope: str, item_keys: list[int] | None = None
) -> tuple[list[str], list[str]]:
    """(hashes, texts) of the scope's distinct texts with no cached vector for `model`, shortest first."""
    sql = _scoped_items(field, scope, item_keys)
    table = arrow_table(
        db,
        f"""SELECT sha256(text) AS text_hash, text FROM (SELECT DISTINCT text FROM ({sql})) t
            WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ? AND e.text_hash = sha256(t.text))
            ORDER BY length(text), text_hash""",
        _params(run_id, item_keys) + [model],
    )
    return table.column("text_hash").to_pylist(), table.column("text").to_pylist()


def scoped_item_texts(
    db: Database, run_id: int, scope: str, item_keys: list[int] | None = None, chars: int = 4000
) -> pa.Table:
    """(item_key, target, output) of the scope's items, each text cut to its first `chars` characters."""
    keys = " AND i.item_key IN (SELECT unnest(?::BIGINT[]))" if item_keys is not None else ""
    return arrow_table(
        db,
        f"""SELECT i.item_key, substr(i.target, 1, {int(chars)}) AS target,
                   substr(coalesce(i.output, ''), 1, {int(chars)}) AS output
            FROM items i WHERE i.run_id = ? AND {SCOPES[scope]}{keys} ORDER BY i.item_key""",
        _params(run_id, item_keys),
    )


def has_targets(db: Database, run_id: int) -> bool:
    """Whether any item of the run has a target to compare its output with."""
    return db.fetchone("SELECT count(*) FROM items WHERE run_id = ? AND target IS NOT NULL", [run_id])[0] > 0


def cached_hashes(db: Database, model: str, hashes: list[str]) -> set[str]:
    """Which of `hashes` already have a vector for `model`."""
    rows = db.fetchall(
        "SELECT text_hash FROM embeddings WHERE model = ? AND text_hash IN (SELECT unnest(?::VARCHAR[]))",
        [model, list(hashes)],
    )
    return {r[0] for r in rows}


def store_vectors(cur, model: str, hashes: list[str], vectors: np.ndarray) -> None:
    """Cache vectors (rows of `vectors`, aligned with `hashes`) inside the caller's transaction; known ones are kept."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = matrix.shape
    offsets = pa.array(np.arange(0, (n + 1) * dim, dim, dtype=np.int32))
    table = pa.table(
        {
            "text_hash": pa.array(hashes, pa.string()),
            "vector": pa.ListArray.from_arrays(offsets, pa.array(matrix.reshape(-1))),
        }
    )
    cur.register("_curator_new_vectors", table)
    try:
        cur.execute(
            """INSERT OR IGNORE INTO embeddings (model, text_hash, dim, vector)
               SELECT ?, text_hash, ?, vector FROM _curator_new_vectors""",
            [model, dim],
        )
    finally:
        cur.unregister("_curator_new_vectors")


def _matrix(column: pa.ChunkedArray) -> np.ndarray:
    """A list<float> column as an (n, dim) float32 matrix, without a Python loop."""
    if len(column) == 0:
        return np.zeros((0, 0), dtype=np.float32)
    values = column.combine_chunks().flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    return values.reshape(len(column), -1)


def item_vectors(
    db: Database, run_id: int, model: str, field: str, scope: str, item_keys: list[int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(item keys, vectors) of the scope's items that have a cached vector, in item_key order."""
    sql = _scoped_items(field, scope, item_keys)
    table = arrow_table(
        db,
        f"""SELECT s.item_key, e.vector FROM ({sql}) s
            JOIN embeddings e ON e.model = ? AND e.text_hash = sha256(s.text)
            ORDER BY s.item_key""",
        _params(run_id, item_keys) + [model],
    )
    keys = table.column("item_key").to_numpy().astype(np.int64, copy=False)
    return keys, _matrix(table.column("vector"))


def vectors_by_hash(db: Database, model: str, hashes: list[str]) -> tuple[list[str], np.ndarray]:
    """(hashes found, their vectors) for `model`."""
    table = arrow_table(
        db,
        """SELECT text_hash, vector FROM embeddings
           WHERE model = ? AND text_hash IN (SELECT unnest(?::VARCHAR[]))""",
        [model, list(hashes)],
    )
    return table.column("text_hash").to_pylist(), _matrix(table.column("vector"))


def item_texts(db: Database, run_id: int, field: str, item_keys: list[int]) -> dict[int, str]:
    """The embedded text of each of `item_keys`."""
    sql = _scoped_items(field, "all", item_keys)
    table = arrow_table(db, sql, _params(run_id, item_keys))
    return dict(zip(table.column("item_key").to_pylist(), table.column("text").to_pylist(), strict=False))


def cached_vector_count(db: Database, model: str | None = None) -> int:
    if model is None:
        return db.fetchone("SELECT count(*) FROM embeddings")[0]
    return db.fetchone("SELECT count(*) FROM embeddings WHERE model = ?", [model])[0]


def save_run_setting(db: Database, run_id: int, model: str, field: str) -> None:
    """Remember which model and text a run was embedded with (cluster and similar default to it)."""
    with db.transaction() as cur:
        cur.execute(
            """INSERT OR REPLACE INTO run_embedding_settings (run_id, model, text_field, embedded_at)
               VALUES (?, ?, ?, current_timestamp)""",
            [run_id, model, field],
        )


def run_setting(db: Database, run_id: int) -> tuple[str, str] | None:
    """(model, field) the run was last embedded with, if any."""
    row = db.fetchone("SELECT model, text_field FROM run_embedding_settings WHERE run_id = ?", [run_id])
    return (row[0], row[1]) if row else None
