"""Queries behind the item browser: filters as SQL, sparse keyset indexes, pages, neighbours, item checks."""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from curator.errors import CuratorError
from curator.storage.database import Database

SNIPPET_CHARS = 160
# How much of target and output is read per row to find where they first differ (the snippet is shown from there).
DIFF_SCAN_CHARS = 4000
# Characters of agreement kept before the first difference, for context.
SNIPPET_LEAD = 24


@dataclass(frozen=True)
class ItemFilter:
    """Which items of a run the browser shows; every field set narrows the set further."""

    run_id: int
    failing_check: str | None = None
    failing_any: bool = False
    """Only items that fail at least one check."""
    passing: bool = False
    bucket_id: int | None = None
    unbucketed: bool = False
    split: str | None = None
    search: str | None = None
    regex: bool = False
    item_keys: tuple[int, ...] | None = None
    """Only these items (e.g. an item's nearest neighbours); None places no limit."""
    similar_to: str | None = None
    """The item_id whose neighbours `item_keys` are, to name the filter."""
    keys_label: str | None = None
    """What `item_keys` are, to name the filter (e.g. a bucket's items here or in a parent run)."""


@dataclass(frozen=True)
class PageRow:
    """One browser row: the item, its check results (None = not applicable) and buckets."""

    item_key: int
    item_id: str
    split: str
    input_snippet: str
    output_snippet: str
    checks: dict[str, bool]
    buckets: tuple[str, ...]
    output_focus: int = 0
    """Where in `output_snippet` the output first departs from the target (0: at its start, or no target)."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    kind: str
    passed: bool | None
    reason: str | None


def filter_sql(
    f: ItemFilter, lower_key: int | None = None, upper_key: int | None = None, columns: str = "i.item_key"
) -> tuple[str, list]:
    """`SELECT i.item_key FROM items i WHERE ...` for the filter (or other `columns`), with its parameters.

    A key range (lower inclusive, upper exclusive) is pushed into every subquery too, so DuckDB's zone maps
    skip the row groups of items, check results and labels outside the page being read.
    """
    keys = ""
    key_params: list = []
    if lower_key is not None:
        keys += " AND {a}.item_key >= ?"
        key_params.append(lower_key)
    if upper_key is not None:
        keys += " AND {a}.item_key < ?"
        key_params.append(upper_key)
    where = ["i.run_id = ?" + keys.format(a="i")]
    params: list = [f.run_id, *key_params]
    result = "SELECT 1 FROM check_results c WHERE c.run_id = i.run_id AND c.item_key = i.item_key" + keys.format(a="c")
    label = "SELECT 1 FROM labels l WHERE l.run_id = i.run_id AND l.item_key = i.item_key" + keys.format(a="l")
    if f.failing_check is not None:
        where.append(f"EXISTS ({result} AND c.check_name = ? AND NOT c.passed)")
        params += [*key_params, f.failing_check]
    if f.failing_any:
        where.append(f"EXISTS ({result} AND NOT c.passed)")
        params += key_params
    if f.passing:
        where.append(f"NOT EXISTS ({result} AND NOT c.passed)")
        params += key_params
    if f.bucket_id is not None:
        where.append(f"EXISTS ({label} AND l.bucket_id = ?)")
        params += [*key_params, f.bucket_id]
    if f.unbucketed:
        where.append(f"NOT EXISTS ({label})")
        params += key_params
    if f.item_keys is not None:
        where.append("list_contains(?::BIGINT[], i.item_key)")
        params.append(list(f.item_keys))
    if f.split is not None:
        where.append("i.split = ?")
        params.append(f.split)
    if f.search:
        fields = ("i.input", "i.target", "i.output")
        if f.regex:
            where.append("(" + " OR ".join(f"regexp_matches(coalesce({x}, ''), ?)" for x in fields) + ")")
            params.extend([f.search] * 3)
        else:
            where.append("(" + " OR ".join(f"contains(lower(coalesce({x}, '')), ?)" for x in fields) + ")")
            params.extend([f.search.lower()] * 3)
    return f"SELECT {columns} FROM items i WHERE " + " AND ".join(where), params


def _run(db: Database, sql: str, params: list) -> list[tuple]:
    """Run a filter query; a bad regular expression becomes a one-line CuratorError."""
    try:
        return db.fetchall(sql, params)
    except duckdb.InvalidInputException as error:
        raise CuratorError(f"bad search pattern: {str(error).splitlines()[0]}") from None


def filter_index(db: Database, f: ItemFilter, step: int) -> tuple[int, list[int]]:
    """How many items match, and the item_key of every `step`-th match (the first key of each page)."""
    keys_sql, params = filter_sql(f)
    row = _run(
        db,
        f"""SELECT count(*), coalesce(list(item_key ORDER BY item_key) FILTER (WHERE rn % ? = 0), [])
            FROM (SELECT item_key, row_number() OVER (ORDER BY item_key) - 1 AS rn FROM ({keys_sql}))""",
        [step, *params],
    )[0]
    return row[0], list(row[1])


_ROW_COLUMNS = (
    f"i.item_key, i.item_id, i.split, substr(coalesce(i.input, ''), 1, {SNIPPET_CHARS}), "
    f"substr(coalesce(i.output, ''), 1, {DIFF_SCAN_CHARS}), substr(i.target, 1, {DIFF_SCAN_CHARS})"
)


def common_prefix_length(a: str, b: str) -> int:
    """How many leading characters `a` and `b` share (binary search over slice comparisons, done in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def diff_snippet(
    output: str, target: str | None, chars: int = SNIPPET_CHARS, lead: int = SNIPPET_LEAD
) -> tuple[str, int]:
    """(the part of `output` around where it first departs from `target`, where in it the difference starts).

    The snippet keeps up to `lead` agreeing characters before the difference (`…` for what is cut before); it
    is the output's start when there is no target or the two part early.
    """
    if not target or output == target:
        return output[:chars], 0
    same = common_prefix_length(output, target)
    if same <= lead:
        return output[:chars], same
    start = same - lead
    return "…" + output[start : start + chars - 1], lead + 1


# Check results and bucket names of a page's keys, in one round trip; BETWEEN lets zone maps skip row groups.
_PAGE_MARKS = """
SELECT item_key, check_name, passed FROM check_results
WHERE run_id = $run AND item_key BETWEEN $lo AND $hi AND list_contains($keys::BIGINT[], item_key)
UNION ALL
SELECT l.item_key, b.name, NULL FROM labels l JOIN buckets b USING (bucket_id)
WHERE l.run_id = $run AND l.item_key BETWEEN $lo AND $hi AND list_contains($keys::BIGINT[], l.item_key)
"""


def page_rows(db: Database, f: ItemFilter, first_key: int, limit: int, upper_key: int | None = None) -> list[PageRow]:
    """Up to `limit` browser rows of the filter from `first_key` on (below `upper_key`), with checks and buckets."""
    rows_sql, params = filter_sql(f, first_key, upper_key, columns=_ROW_COLUMNS)
    items = _run(db, rows_sql + " ORDER BY i.item_key LIMIT ?", [*params, limit])
    if not items:
        return []
    keys = [r[0] for r in items]
    checks: dict[int, dict[str, bool]] = {}
    buckets: dict[int, list[str]] = {}
    marks = db.fetchall(_PAGE_MARKS, {"run": f.run_id, "lo": keys[0], "hi": keys[-1], "keys": keys})
    for key, name, passed in marks:
        if passed is None:
            buckets.setdefault(key, []).append(name)
        else:
            checks.setdefault(key, {})[name] = passed
    rows = []
    for key, item_id, split, inp, out, target in items:
        snippet, focus = diff_snippet(out, target)
        bucket_names = tuple(sorted(buckets.get(key, ())))
        rows.append(PageRow(key, item_id, split, inp, snippet, checks.get(key, {}), bucket_names, focus))
    return rows


def failing_counts(db: Database, f: ItemFilter) -> dict[str, int]:
    """How many of the filter's items fail each check."""
    keys_sql, params = filter_sql(f)
    rows = _run(
        db,
        f"""SELECT c.check_name, count(*) FROM check_results c
            WHERE c.run_id = ? AND NOT c.passed AND c.item_key IN ({keys_sql}) GROUP BY c.check_name""",
        [f.run_id, *params],
    )
    return dict(rows)


def neighbour_key(db: Database, f: ItemFilter, item_key: int, forward: bool) -> int | None:
    """The next (or previous) matching item key after (before) `item_key`."""
    keys_sql, params = filter_sql(f, item_key + 1, None) if forward else filter_sql(f, None, item_key)
    order = "ASC" if forward else "DESC"
    rows = _run(db, f"{keys_sql} ORDER BY i.item_key {order} LIMIT 1", params)
    return rows[0][0] if rows else None


def position_in_filter(db: Database, f: ItemFilter, item_key: int) -> int:
    """How many matching items come before `item_key` (its row in the filtered table)."""
    keys_sql, params = filter_sql(f, None, item_key)
    return _run(db, f"SELECT count(*) FROM ({keys_sql})", params)[0][0]


def filter_count(db: Database, f: ItemFilter) -> int:
    """How many items the filter matches."""
    keys_sql, params = filter_sql(f)
    return _run(db, f"SELECT count(*) FROM ({keys_sql})", params)[0][0]


def check_names(db: Database, run_id: int) -> list[str]:
    """The checks of a run in spec order (falling back to names seen in its results)."""
    rows = db.fetchall(
        """SELECT name FROM (
               SELECT name, position FROM checks WHERE run_id = $run
               UNION SELECT DISTINCT check_name, 1000000 FROM check_results WHERE run_id = $run
           ) GROUP BY name ORDER BY min(position), name""",
        {"run": run_id},
    )
    return [r[0] for r in rows]


def item_check_results(db: Database, run_id: int, item_key: int) -> list[CheckResult]:
    """Every check of the run for one item; passed is None where the check does not apply."""
    rows = db.fetchall(
        """SELECT c.name, c.kind, r.passed, r.reason FROM checks c
           LEFT JOIN check_results r ON r.run_id = c.run_id AND r.check_name = c.name AND r.item_key = ?
           WHERE c.run_id = ? ORDER BY c.position, c.name""",
        [item_key, run_id],
    )
    return [CheckResult(*r) for r in rows]


def store_check_results(
    cur, run_id: int, name: str, kind: str, results: dict[int, tuple[bool, str]], position: int = 0
) -> None:
    """Store a check and its results ({item_key: (passed, reason)}) inside the caller's transaction."""
    cur.execute("DELETE FROM check_results WHERE run_id = ? AND check_name = ?", [run_id, name])
    cur.execute("DELETE FROM checks WHERE run_id = ? AND name = ?", [run_id, name])
    cur.execute(
        "INSERT INTO checks (run_id, name, kind, spec, position) VALUES (?, ?, ?, ?, ?)",
        [run_id, name, kind, json.dumps({"name": name, "kind": kind}), position],
    )
    keys = sorted(results)
    table = pa.table(
        {
            "item_key": pa.array(keys, pa.int64()),
            "passed": pa.array([results[k][0] for k in keys], pa.bool_()),
            "reason": pa.array([results[k][1] for k in keys], pa.string()),
        }
    )
    cur.register("_curator_new_results", table)
    try:
        cur.execute(
            "INSERT INTO check_results SELECT ?, ?, item_key, passed, reason FROM _curator_new_results", [run_id, name]
        )
    finally:
        cur.unregister("_curator_new_results")


def run_header(db: Database, run_id: int) -> tuple[str, int] | None:
    """A run's name and item count, read cheaply (no pass-rate aggregate)."""
    row = db.fetchone(
        "SELECT r.name, (SELECT count(*) FROM items i WHERE i.run_id = r.run_id) FROM runs r WHERE r.run_id = ?",
        [run_id],
    )
    return (row[0], row[1]) if row else None
