"""Verdict labels: the analyst's pass or fail per item and check, set one at a time or over a browser filter.

About a third of the labels fall in a locked test part, chosen by a seeded hash of the item id and the check
name: the same item and check always land in the same part, however many labels are added around it.
"""

from __future__ import annotations

import hashlib
import shlex
from dataclasses import replace

from curator.errors import CuratorError, NotFoundError
from curator.review.runs import resolve_run
from curator.storage import buckets as bucket_queries
from curator.storage import labels as label_queries
from curator.storage.browse import ItemFilter
from curator.storage.labels import VerdictLabel
from curator.storage.runs import RunRow
from curator.workspace import Workspace

__all__ = ["VerdictLabel", "label_part", "parse_verdict", "set_label", "clear_label", "label_filter"]

LOCKED_TEST_SEED = "curator-locked-test-1"
TEST_EVERY = 3
"""One hash value in TEST_EVERY puts a label in the test part (about a third)."""
VERDICTS = {"pass": True, "fail": False}
FILTER_TERMS = "all, failing, failing:CHECK, passing, split:NAME, bucket:NAME, unbucketed, text:WORDS, regex:PATTERN"


def label_part(item_id: str, check_name: str, seed: str = LOCKED_TEST_SEED, every: int = TEST_EVERY) -> str:
    """'test' or 'calibration' for one item and check (the Python twin of the SQL that stores the part)."""
    digest = hashlib.md5(f"{seed}\x1f{item_id}\x1f{check_name}".encode()).hexdigest()
    return "test" if int(digest[:8], 16) % every == 0 else "calibration"


def parse_verdict(text: str) -> bool:
    """True for 'pass', False for 'fail'; anything else is one clear error."""
    verdict = VERDICTS.get(text.strip().lower())
    if verdict is None:
        raise CuratorError(f"a verdict is pass or fail, not {text!r}")
    return verdict


def known_check(ws: Workspace, run_id: int, run_name: str, check_name: str) -> str:
    """`check_name` if the run has that check; otherwise an error that lists the run's checks."""
    if label_queries.check_spec(ws.db, run_id, check_name) is None:
        names = ", ".join(label_queries.check_names(ws.db, run_id)) or "none yet: `curator check RUN --spec ...`"
        raise NotFoundError(f"run '{run_name}' has no check {check_name!r} (its checks: {names})")
    return check_name


def item_key_of(ws: Workspace, run_id: int, run_name: str, item_id: str) -> int:
    """The key of the item the user calls `item_id`; an error naming the run when there is none."""
    key = label_queries.find_item_key(ws.db, run_id, item_id)
    if key is None:
        raise NotFoundError(f"run '{run_name}' has no item {item_id!r}")
    return key


def _clean_note(note: str | None) -> str | None:
    """The note without surrounding blanks; None for no note or a blank one."""
    if note is None:
        return None
    return note.strip() or None


def set_label(
    ws: Workspace, run_ref: str | int, item_id: str, check_name: str, verdict: str | bool, note: str | None = None
) -> VerdictLabel:
    """Set or change the analyst's verdict on one item for one check; returns the stored label."""
    run = resolve_run(ws, run_ref)
    passed = parse_verdict(verdict) if isinstance(verdict, str) else verdict
    known_check(ws, run.run_id, run.name, check_name)
    key = item_key_of(ws, run.run_id, run.name, item_id)
    with ws.db.transaction() as cur:
        label_queries.set_labels(
            cur, run.run_id, [key], check_name, passed, _clean_note(note), LOCKED_TEST_SEED, TEST_EVERY
        )
    return label_queries.list_labels(ws.db, run.run_id, check_name, key)[0]


def clear_label(ws: Workspace, run_ref: str | int, item_id: str, check_name: str) -> bool:
    """Remove the verdict on one item for one check; False when there was none."""
    run = resolve_run(ws, run_ref)
    known_check(ws, run.run_id, run.name, check_name)
    key = item_key_of(ws, run.run_id, run.name, item_id)
    with ws.db.transaction() as cur:
        return label_queries.clear_labels(cur, run.run_id, [key], check_name) > 0


def label_filter(
    ws: Workspace, item_filter: ItemFilter, check_name: str, verdict: str | bool | None, note: str | None = None
) -> int:
    """Set one verdict (None: clear it) on every item a browser filter matches, in one write; returns how many."""
    run = resolve_run(ws, item_filter.run_id)
    passed = parse_verdict(verdict) if isinstance(verdict, str) else verdict
    known_check(ws, run.run_id, run.name, check_name)
    keys = label_queries.filter_keys(ws.db, item_filter)
    with ws.db.transaction() as cur:
        if passed is None:
            return label_queries.clear_labels(cur, run.run_id, keys, check_name)
        return label_queries.set_labels(
            cur, run.run_id, keys, check_name, passed, _clean_note(note), LOCKED_TEST_SEED, TEST_EVERY
        )


def labels_of(
    ws: Workspace, run_ref: str | int, check_name: str | None = None, part: str | None = None
) -> list[VerdictLabel]:
    """A run's verdict labels (of one check, or all; of one part, or both), in item order.

    A grader fitted on labels takes `part="calibration"` only, so the test part stays a clean test.
    """
    if part not in (None, "test", "calibration"):
        raise CuratorError(f"a label part is test or calibration, not {part!r}")
    run = resolve_run(ws, run_ref)
    if check_name is not None:
        known_check(ws, run.run_id, run.name, check_name)
    found = label_queries.list_labels(ws.db, run.run_id, check_name)
    return [label for label in found if part is None or label.part == part]


def parse_filter(ws: Workspace, run_id: int, text: str) -> ItemFilter:
    """A browser filter from words such as `failing:answer split:dev text:"sunny day"`; a bad word is one error."""
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise CuratorError(f"filter {text!r}: {error}") from None
    if not words:
        raise CuratorError(f"an empty filter: use one or more of {FILTER_TERMS}")
    run = resolve_run(ws, run_id)
    fields: dict = {}
    for word in words:
        name, _, value = word.partition(":")
        fields.update(_filter_term(ws, run, name.lower(), value, word))
    return replace(ItemFilter(run.run_id), **fields)


def _filter_term(ws: Workspace, run: RunRow, name: str, value: str, word: str) -> dict:
    if name == "all" and not value:
        return {}
    if name == "failing":
        return {"failing_check": known_check(ws, run.run_id, run.name, value)} if value else {"failing_any": True}
    if name in ("passing", "unbucketed") and not value:
        return {name: True}
    if name == "split" and value:
        return {"split": value}
    if name == "bucket" and value:
        bucket = bucket_queries.find_bucket(ws.db, value)
        if bucket is None:
            raise NotFoundError(f"filter: no bucket named {value!r}")
        return {"bucket_id": bucket.bucket_id}
    if name in ("text", "regex") and value:
        return {"search": value, "regex": name == "regex"}
    raise CuratorError(f"filter: cannot read {word!r} (use {FILTER_TERMS})")
