"""SQL for judge checks: the answer cache, per-item verdicts (graded or not), and what a rubric needs to render."""

from __future__ import annotations

import json

import pyarrow as pa

from curator.storage import checks as check_sql
from curator.storage.database import Database

VERDICT_SCHEMA = pa.schema(
    [
        ("item_key", pa.int64()),
        ("graded", pa.bool_()),
        ("passed", pa.bool_()),
        ("score", pa.float64()),
        ("agreement", pa.float64()),
        ("samples", pa.int32()),
        ("reason", pa.string()),
    ]
)
RESULT_SCHEMA = pa.schema([("item_key", pa.int64()), ("passed", pa.bool_()), ("reason", pa.string())])
CACHE_SCHEMA = pa.schema(
    [
        ("cache_key", pa.string()),
        ("model_id", pa.string()),
        ("prompt_sha", pa.string()),
        ("params", pa.string()),
        ("sample_index", pa.int32()),
        ("answer", pa.string()),
    ]
)


def cached_answers(db: Database, keys: list[str]) -> dict[str, str]:
    """cache key -> raw answer, for the keys already in the cache (one join, however many keys)."""
    if not keys:
        return {}
    cur = db.cursor().cursor()  # its own cursor: the registered table stays private to this lookup
    try:
        cur.register("_curator_judge_keys", pa.table({"cache_key": pa.array(list(dict.fromkeys(keys)), pa.string())}))
        rows = cur.execute(
            "SELECT c.cache_key, c.answer FROM judge_cache c JOIN _curator_judge_keys k USING (cache_key)"
        ).fetchall()
    finally:
        cur.close()
    return dict(rows)


def insert_answers(cur, rows: list[dict]) -> None:
    """Add answers to the cache (keys already there are kept), inside the caller's transaction."""
    if not rows:
        return
    table = pa.Table.from_pylist(
        [{**row, "params": json.dumps(row["params"], sort_keys=True)} for row in rows], schema=CACHE_SCHEMA
    )
    cur.register("_curator_judge_answers", table)
    try:
        cur.execute(
            """INSERT INTO judge_cache (cache_key, model_id, prompt_sha, params, sample_index, answer)
               SELECT DISTINCT ON (cache_key) cache_key, model_id, prompt_sha, params::JSON, sample_index, answer
               FROM _curator_judge_answers ON CONFLICT (cache_key) DO NOTHING"""
        )
    finally:
        cur.unregister("_curator_judge_answers")


def replace_verdicts(cur, run_id: int, check_name: str, verdicts: pa.Table) -> None:
    """Replace a judge's per-item verdicts on a run, inside the caller's transaction."""
    cur.execute("DELETE FROM judge_verdicts WHERE run_id = ? AND check_name = ?", [run_id, check_name])
    cur.register("_curator_judge_verdicts", verdicts)
    try:
        cur.execute(
            """INSERT INTO judge_verdicts (run_id, check_name, item_key, graded, passed, score, agreement, samples, reason)
               SELECT ?, ?, item_key, graded, passed, score, agreement, samples, reason FROM _curator_judge_verdicts""",
            [run_id, check_name],
        )
    finally:
        cur.unregister("_curator_judge_verdicts")


def clear_verdicts(cur, run_id: int, names: list[str]) -> None:
    """Forget the judge verdicts of these checks on a run (when they are re-run as other kinds or removed)."""
    cur.execute("DELETE FROM judge_verdicts WHERE run_id = ? AND list_contains(?, check_name)", [run_id, names])


def other_reasons(db: Database, run_id: int, excluded: list[str]) -> dict[int, dict[str, tuple[bool, str]]]:
    """item_key -> {check name: (passed, reason)} of the run's stored check results, but for the `excluded` checks
    and judges (so that a judge's prompt never depends on another judge's answers)."""
    rows = db.fetchall(
        """SELECT r.item_key, r.check_name, r.passed, r.reason FROM check_results r
           LEFT JOIN checks c ON c.run_id = r.run_id AND c.name = r.check_name
           WHERE r.run_id = ? AND NOT list_contains(?, r.check_name) AND coalesce(c.kind, '') <> 'judge'
           ORDER BY r.item_key, coalesce(c.position, 0), r.check_name""",
        [run_id, excluded],
    )
    reasons: dict[int, dict[str, tuple[bool, str]]] = {}
    for item_key, name, passed, reason in rows:
        reasons.setdefault(item_key, {})[name] = (passed, reason)
    return reasons


def not_graded_counts(db: Database, run_id: int) -> dict[str, tuple[int, int]]:
    """check name -> (items left not graded, items the judge looked at), for every judge check of a run."""
    rows = db.fetchall(
        """SELECT check_name, count(*) FILTER (WHERE NOT graded), count(*) FROM judge_verdicts
           WHERE run_id = ? GROUP BY check_name ORDER BY check_name""",
        [run_id],
    )
    return {name: (not_graded, total) for name, not_graded, total in rows}


def verdict_rows(db: Database, run_id: int, check_name: str) -> list[tuple]:
    """(item_key, graded, passed, score, agreement, samples, reason) of one judge on a run, by item."""
    return db.fetchall(
        """SELECT item_key, graded, passed, score, agreement, samples, reason FROM judge_verdicts
           WHERE run_id = ? AND check_name = ? ORDER BY item_key""",
        [run_id, check_name],
    )


def cache_size(db: Database) -> int:
    return db.fetchone("SELECT count(*) FROM judge_cache")[0]


def store_judge(
    db: Database, run_id: int, name: str, kind: str, spec_json: str, cache_rows: list[dict], verdict_rows: list[dict]
) -> None:
    """In one transaction: a judge's new answers into the cache, its spec (keeping its place among the run's
    checks), its check results (the graded items) and its verdicts (every item it looked at)."""
    graded = [row for row in verdict_rows if row["graded"]]
    results = pa.Table.from_pylist(
        [{"item_key": r["item_key"], "passed": r["passed"], "reason": r["reason"]} for r in graded],
        schema=RESULT_SCHEMA,
    )
    verdicts = pa.Table.from_pylist(verdict_rows, schema=VERDICT_SCHEMA)
    with db.transaction() as cur:
        insert_answers(cur, cache_rows)
        positions = check_sql.check_positions(cur, run_id)
        position = positions.get(name, max(positions.values(), default=-1) + 1)
        check_sql.clear_checks(cur, run_id, [name])
        check_sql.insert_check_spec(cur, run_id, name, kind, spec_json, position)
        check_sql.insert_result_table(cur, run_id, name, results)
        replace_verdicts(cur, run_id, name, verdicts)
