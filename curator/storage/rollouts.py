"""Queries over sample sets, their rollouts (k graded samples per input) and the preference pairs made from them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from curator.storage.browse import ItemFilter, filter_sql
from curator.storage.database import Database


@dataclass(frozen=True)
class SampleSetRow:
    """One `curator sample` call: the run sampled, the model (+ adapter), settings, reward spec, item filter."""

    sample_set_id: int
    run_id: int
    run_name: str
    model: str
    adapter: str | None
    settings: dict
    reward_spec: str
    item_filter: dict
    created_at: datetime
    rollout_count: int


@dataclass(frozen=True)
class RolloutRow:
    """One sampled output of one input, with its check results ({name: [passed, reason]}) and reward."""

    rollout_id: int
    sample_set_id: int
    run_id: int
    item_key: int
    sample_index: int
    output: str
    check_results: dict
    passed: bool
    reward: float


@dataclass(frozen=True)
class InputSummary:
    """How the k samples of one input fared: passes out of k and the reward range."""

    item_key: int
    item_id: str
    input: str
    target: str | None
    samples: int
    passed: int
    mean_reward: float
    best_reward: float
    worst_reward: float

    @property
    def signal(self) -> str:
        """'all pass' or 'none pass' (no signal for pairs or GRPO), else 'mixed'."""
        if self.passed == self.samples:
            return "all pass"
        return "none pass" if self.passed == 0 else "mixed"


@dataclass(frozen=True)
class PairRow:
    """A stored preference pair with the texts and rewards of both sides and the item they answer."""

    pair_id: int
    sample_set_id: int
    run_id: int
    item_key: int
    prompt: str
    chosen_rollout_id: int
    chosen: str
    chosen_reward: float
    rejected_rollout_id: int
    rejected: str
    rejected_reward: float
    model: str


_SETS = """SELECT s.sample_set_id, s.run_id, r.name, s.model, s.adapter, s.settings, s.reward_spec, s.item_filter,
                  s.created_at, (SELECT count(*) FROM rollouts o WHERE o.sample_set_id = s.sample_set_id)
           FROM sample_sets s JOIN runs r ON r.run_id = s.run_id"""
_ROLLOUTS = """SELECT rollout_id, sample_set_id, run_id, item_key, sample_index, output, check_results, passed, reward
               FROM rollouts"""


def _set(row: tuple) -> SampleSetRow:
    values = list(row)
    values[5], values[7] = json.loads(values[5]), json.loads(values[7])
    return SampleSetRow(*values)


def _rollout(row: tuple) -> RolloutRow:
    values = list(row)
    values[6] = json.loads(values[6]) if values[6] else {}
    return RolloutRow(*values)


def sampling_items(db: Database, item_filter: ItemFilter) -> list[dict]:
    """item_key, item_id, input, input_messages, target and split of the items a filter selects, in item order."""
    columns = ("item_key", "item_id", "input", "input_messages", "target", "split")
    sql, params = filter_sql(item_filter, columns=", ".join(f"i.{c}" for c in columns))
    rows = [dict(zip(columns, r, strict=True)) for r in db.fetchall(sql + " ORDER BY i.item_key", params)]
    for row in rows:
        row["input_messages"] = json.loads(row["input_messages"]) if row["input_messages"] else None
    return rows


def insert_sample_set(
    cur, run_id: int, model: str, adapter: str | None, settings: dict, reward_spec: str, item_filter: dict
) -> int:
    return cur.execute(
        """INSERT INTO sample_sets (run_id, model, adapter, settings, reward_spec, item_filter)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING sample_set_id""",
        [run_id, model, adapter, json.dumps(settings), reward_spec, json.dumps(item_filter)],
    ).fetchall()[0][0]


def insert_rollouts(cur, sample_set_id: int, run_id: int, rows: list[dict]) -> int:
    """Insert graded samples (item_key, sample_index, output, check_results, passed, reward) in one statement."""
    table = pa.table(
        {
            "item_key": pa.array([r["item_key"] for r in rows], pa.int64()),
            "sample_index": pa.array([r["sample_index"] for r in rows], pa.int32()),
            "output": pa.array([r["output"] for r in rows], pa.string()),
            "check_results": pa.array([json.dumps(r["check_results"], ensure_ascii=False) for r in rows], pa.string()),
            "passed": pa.array([r["passed"] for r in rows], pa.bool_()),
            "reward": pa.array([r["reward"] for r in rows], pa.float64()),
        }
    )
    cur.register("_curator_new_rollouts", table)
    try:
        cur.execute(
            """INSERT INTO rollouts (sample_set_id, run_id, item_key, sample_index, output, check_results, passed, reward)
               SELECT ?, ?, item_key, sample_index, output, check_results::JSON, passed, reward
               FROM _curator_new_rollouts""",
            [sample_set_id, run_id],
        )
    finally:
        cur.unregister("_curator_new_rollouts")
    return len(rows)


def get_sample_set(db: Database, sample_set_id: int) -> SampleSetRow | None:
    row = db.fetchone(_SETS + " WHERE s.sample_set_id = ?", [sample_set_id])
    return _set(row) if row else None


def list_sample_sets(db: Database, run_id: int | None = None) -> list[SampleSetRow]:
    if run_id is None:
        return [_set(r) for r in db.fetchall(_SETS + " ORDER BY s.sample_set_id")]
    return [_set(r) for r in db.fetchall(_SETS + " WHERE s.run_id = ? ORDER BY s.sample_set_id", [run_id])]


def list_rollouts(db: Database, sample_set_id: int, item_key: int | None = None) -> list[RolloutRow]:
    """The rollouts of a sample set (of one input), by input then sample index."""
    where, params = " WHERE sample_set_id = ?", [sample_set_id]
    if item_key is not None:
        where, params = where + " AND item_key = ?", [*params, item_key]
    return [_rollout(r) for r in db.fetchall(_ROLLOUTS + where + " ORDER BY item_key, sample_index", params)]


def input_summaries(db: Database, sample_set_id: int) -> list[InputSummary]:
    """One summary per sampled input, in item order."""
    rows = db.fetchall(
        """SELECT o.item_key, i.item_id, i.input, i.target, count(*), count(*) FILTER (WHERE o.passed),
                  avg(o.reward), max(o.reward), min(o.reward)
           FROM rollouts o JOIN items i ON i.run_id = o.run_id AND i.item_key = o.item_key
           WHERE o.sample_set_id = ?
           GROUP BY o.item_key, i.item_id, i.input, i.target ORDER BY o.item_key""",
        [sample_set_id],
    )
    return [InputSummary(*r) for r in rows]


def insert_pairs(cur, sample_set_id: int, pairs: list[tuple[int, int, int]]) -> int:
    """Store (item_key, chosen_rollout_id, rejected_rollout_id) pairs in one statement, inside the caller's
    transaction; pairs already stored are skipped. Returns how many are new."""
    if not pairs:
        return 0
    table = pa.table(
        {
            "item_key": pa.array([p[0] for p in pairs], pa.int64()),
            "chosen": pa.array([p[1] for p in pairs], pa.int64()),
            "rejected": pa.array([p[2] for p in pairs], pa.int64()),
        }
    )
    cur.register("_curator_new_pairs", table)
    try:
        added = cur.execute(
            """INSERT INTO rollout_pairs (sample_set_id, item_key, chosen_rollout_id, rejected_rollout_id)
               SELECT DISTINCT ?, item_key, chosen, rejected FROM _curator_new_pairs
               ON CONFLICT DO NOTHING RETURNING pair_id""",
            [sample_set_id],
        ).fetchall()
    finally:
        cur.unregister("_curator_new_pairs")
    return len(added)


def made_from_sets(db: Database) -> dict[int, tuple[int, int]]:
    """Per sample set with any: (examples proposed from its rollouts, preference pairs made from it)."""
    rows = db.fetchall(
        """SELECT s.sample_set_id,
                  (SELECT count(*) FROM examples e JOIN rollouts o ON o.rollout_id = e.rollout_id
                   WHERE o.sample_set_id = s.sample_set_id),
                  (SELECT count(*) FROM rollout_pairs p WHERE p.sample_set_id = s.sample_set_id)
           FROM sample_sets s"""
    )
    return {set_id: (examples, pairs) for set_id, examples, pairs in rows}


def list_pairs(db: Database, *, sample_set_id: int | None = None, run_id: int | None = None) -> list[PairRow]:
    """Stored pairs of a sample set or of every sample set of a run, never of a held-out item, in pair order."""
    where, params = ["i.split <> 'held_out'"], []
    if sample_set_id is not None:
        where.append("p.sample_set_id = ?")
        params.append(sample_set_id)
    if run_id is not None:
        where.append("s.run_id = ?")
        params.append(run_id)
    rows = db.fetchall(
        """SELECT p.pair_id, p.sample_set_id, s.run_id, p.item_key, i.input,
                  c.rollout_id, c.output, c.reward, x.rollout_id, x.output, x.reward,
                  s.model || coalesce('+' || s.adapter, '')
           FROM rollout_pairs p
           JOIN sample_sets s ON s.sample_set_id = p.sample_set_id
           JOIN rollouts c ON c.rollout_id = p.chosen_rollout_id
           JOIN rollouts x ON x.rollout_id = p.rejected_rollout_id
           JOIN items i ON i.run_id = s.run_id AND i.item_key = p.item_key
           WHERE """
        + " AND ".join(where)
        + " ORDER BY p.pair_id",
        params,
    )
    return [PairRow(*r) for r in rows]
