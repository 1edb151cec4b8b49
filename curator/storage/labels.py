"""SQL for verdict labels (the analyst's pass/fail per item and check) and the scorings of their test part."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from curator.storage.browse import ItemFilter, filter_sql
from curator.storage.database import Database

# The locked test part: md5(seed, item id, check name) read as a number; every `test_every`-th value is test.
# review.labels.label_part is the Python twin of this expression (a test holds the two equal).
_PART_SQL = (
    "CASE WHEN ('0x' || left(md5($seed || chr(31) || i.item_id || chr(31) || $check), 8))::UBIGINT % $every = 0 "
    "THEN 'test' ELSE 'calibration' END"
)
# Output length in whitespace-separated words (RE2's \s: space, tab, newline, carriage return, form feed).
_WORDS_SQL = (
    "CASE WHEN trim(coalesce(i.output, '')) = '' THEN 0 ELSE len(regexp_split_to_array(trim(i.output), '\\s+')) END"
)


@dataclass(frozen=True)
class VerdictLabel:
    """One label: the analyst's verdict on one item for one check, and what the check said (None: not graded)."""

    item_key: int
    item_id: str
    check_name: str
    passed: bool
    note: str | None
    part: str
    check_passed: bool | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class LabelledVerdict:
    """A label beside the check's verdict and the output's length, for calibration and bias figures."""

    item_key: int
    label_passed: bool
    check_passed: bool | None
    part: str
    output_words: int


@dataclass(frozen=True)
class ScoringRow:
    score_id: int
    check_version: str
    clean: bool
    test_labels: int
    scored_at: datetime


def check_spec(db: Database, run_id: int, check_name: str) -> tuple[str, str] | None:
    """(kind, spec JSON) of a check stored with a run; None when the run has no such check."""
    row = db.fetchone("SELECT kind, spec FROM checks WHERE run_id = ? AND name = ?", [run_id, check_name])
    return (row[0], row[1]) if row else None


def check_names(db: Database, run_id: int) -> list[str]:
    return [r[0] for r in db.fetchall("SELECT name FROM checks WHERE run_id = ? ORDER BY position, name", [run_id])]


def find_item_key(db: Database, run_id: int, item_id: str) -> int | None:
    """The key of the item the user calls `item_id` (the first one, should ids repeat)."""
    row = db.fetchone("SELECT min(item_key) FROM items WHERE run_id = ? AND item_id = ?", [run_id, item_id])
    return row[0] if row else None


_UPSERT = f"""
INSERT INTO verdict_labels (run_id, item_key, check_name, passed, note, part)
SELECT i.run_id, i.item_key, $check, $passed, $note, {_PART_SQL}
FROM items i WHERE i.run_id = $run AND i.item_key IN (SELECT unnest($keys::BIGINT[]))
ON CONFLICT (run_id, item_key, check_name) DO UPDATE
SET passed = excluded.passed, note = excluded.note, updated_at = now()::TIMESTAMP
"""


def set_labels(
    cur, run_id: int, item_keys: list[int], check_name: str, passed: bool, note: str | None, seed: str, every: int
) -> int:
    """Set (or change) the verdict of these items for a check, inside the caller's transaction; returns how many."""
    params = {"run": run_id, "keys": item_keys, "check": check_name, "passed": passed, "note": note}
    return cur.execute(_UPSERT, params | {"seed": seed, "every": every}).fetchone()[0]


def filter_keys(db: Database, item_filter: ItemFilter) -> list[int]:
    """The item keys a browser filter matches, in order."""
    sql, params = filter_sql(item_filter)
    return [r[0] for r in db.fetchall(sql + " ORDER BY i.item_key", params)]


def clear_labels(cur, run_id: int, item_keys: list[int], check_name: str) -> int:
    """Remove the verdicts of these items for a check; returns how many there were."""
    return cur.execute(
        """DELETE FROM verdict_labels WHERE run_id = ? AND check_name = ?
           AND item_key IN (SELECT unnest(?::BIGINT[]))""",
        [run_id, check_name, item_keys],
    ).fetchone()[0]


def list_labels(
    db: Database, run_id: int, check_name: str | None = None, item_key: int | None = None
) -> list[VerdictLabel]:
    """A run's labels (of one check and/or item, or all), in item order, with the check's verdict on each item."""
    rows = db.fetchall(
        """SELECT v.item_key, i.item_id, v.check_name, v.passed, v.note, v.part, r.passed, v.created_at, v.updated_at
           FROM verdict_labels v
           JOIN items i ON i.run_id = v.run_id AND i.item_key = v.item_key
           LEFT JOIN check_results r ON r.run_id = v.run_id AND r.item_key = v.item_key AND r.check_name = v.check_name
           WHERE v.run_id = $run AND ($check IS NULL OR v.check_name = $check) AND ($key IS NULL OR v.item_key = $key)
           ORDER BY v.item_key, v.check_name""",
        {"run": run_id, "check": check_name, "key": item_key},
    )
    return [VerdictLabel(*r) for r in rows]


def labelled_verdicts(db: Database, run_id: int, check_name: str) -> list[LabelledVerdict]:
    """Every label of a check on a run beside the check's verdict (None: not graded) and the output's word count."""
    rows = db.fetchall(
        f"""SELECT v.item_key, v.passed, r.passed, v.part, {_WORDS_SQL}
            FROM verdict_labels v
            JOIN items i ON i.run_id = v.run_id AND i.item_key = v.item_key
            LEFT JOIN check_results r ON r.run_id = v.run_id AND r.item_key = v.item_key AND r.check_name = v.check_name
            WHERE v.run_id = ? AND v.check_name = ? ORDER BY v.item_key""",
        [run_id, check_name],
    )
    return [LabelledVerdict(*r) for r in rows]


def check_pass_count(db: Database, run_id: int, check_name: str) -> tuple[int, int]:
    """(passed, graded) of a check over the whole run."""
    row = db.fetchone(
        "SELECT count(*) FILTER (WHERE passed), count(*) FROM check_results WHERE run_id = ? AND check_name = ?",
        [run_id, check_name],
    )
    return row[0], row[1]


def graded_words(db: Database, run_id: int, check_name: str) -> list[tuple[bool, int]]:
    """(passed, output word count) of every item the check graded on the run."""
    return db.fetchall(
        f"""SELECT r.passed, {_WORDS_SQL} FROM check_results r
            JOIN items i ON i.run_id = r.run_id AND i.item_key = r.item_key
            WHERE r.run_id = ? AND r.check_name = ? ORDER BY r.item_key""",
        [run_id, check_name],
    )


def disagreements(db: Database, run_id: int, check_name: str) -> list[tuple[int, str, bool, bool, str | None, str]]:
    """(item_key, item_id, label, check verdict, note, part) where the label and the check's verdict differ."""
    return db.fetchall(
        """SELECT v.item_key, i.item_id, v.passed, r.passed, v.note, v.part FROM verdict_labels v
           JOIN items i ON i.run_id = v.run_id AND i.item_key = v.item_key
           JOIN check_results r ON r.run_id = v.run_id AND r.item_key = v.item_key AND r.check_name = v.check_name
           WHERE v.run_id = ? AND v.check_name = ? AND v.passed <> r.passed ORDER BY v.item_key""",
        [run_id, check_name],
    )


def unlabelled_candidates(db: Database, run_id: int, check_name: str) -> list[tuple[int, str, bool, int, int]]:
    """Items the check graded and nobody labelled for it: (item_key, item_id, check verdict, other checks that
    graded the item, how many of those gave the other verdict)."""
    return db.fetchall(
        """SELECT r.item_key, i.item_id, r.passed,
                  count(o.passed) AS others, count(o.passed) FILTER (WHERE o.passed <> r.passed) AS against
           FROM check_results r
           JOIN items i ON i.run_id = r.run_id AND i.item_key = r.item_key
           LEFT JOIN check_results o ON o.run_id = r.run_id AND o.item_key = r.item_key AND o.check_name <> r.check_name
           WHERE r.run_id = $run AND r.check_name = $check AND NOT EXISTS (
               SELECT 1 FROM verdict_labels v
               WHERE v.run_id = r.run_id AND v.item_key = r.item_key AND v.check_name = r.check_name)
           GROUP BY r.item_key, i.item_id, r.passed ORDER BY r.item_key""",
        {"run": run_id, "check": check_name},
    )


def record_scoring(cur, run_id: int, check_name: str, version: str, clean: bool, test_labels: int, report: dict):
    cur.execute(
        """INSERT INTO calibration_scores (run_id, check_name, check_version, clean, test_labels, report)
           VALUES (?, ?, ?, ?, ?, ?)""",
        [run_id, check_name, version, clean, test_labels, json.dumps(report)],
    )


def scorings(db: Database, run_id: int, check_name: str) -> list[ScoringRow]:
    """Every earlier scoring of a check's test part on a run, oldest first."""
    rows = db.fetchall(
        """SELECT score_id, check_version, clean, test_labels, scored_at FROM calibration_scores
           WHERE run_id = ? AND check_name = ? ORDER BY score_id""",
        [run_id, check_name],
    )
    return [ScoringRow(*r) for r in rows]


def latest_report(db: Database, run_id: int, check_name: str) -> dict | None:
    """The report stored by the latest scoring of a check on a run (for screens that show its calibration)."""
    row = db.fetchone(
        "SELECT report FROM calibration_scores WHERE run_id = ? AND check_name = ? ORDER BY score_id DESC LIMIT 1",
        [run_id, check_name],
    )
    return json.loads(row[0]) if row else None
