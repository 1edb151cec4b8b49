"""The rollouts migration on a database that already holds template examples: they keep their lineage."""

from __future__ import annotations

import duckdb

from curator.storage.database import Database
from curator.storage.examples import list_examples
from curator.storage.migrations import migrate


def test_examples_made_before_rollouts_keep_their_template_and_gain_empty_rollout_lineage():
    conn = duckdb.connect()
    migrate(conn, target=5)
    conn.execute(
        """INSERT INTO templates (name, spec) VALUES ('t', '{}');
           INSERT INTO examples (batch_id, template_id, seed, position, slot_values, input, target, status)
           VALUES (1, 1, 7, 0, '{}', 'in', 'out', 'accepted')"""
    )
    migrate(conn)
    (example,) = list_examples(Database(conn, None))
    assert (example.template_id, example.template_name, example.seed, example.status) == (1, "t", 7, "accepted")
    assert example.rollout_id is None and example.model is None
    conn.execute(
        """INSERT INTO examples (batch_id, seed, position, slot_values, input, target, status, rollout_id, model)
           VALUES (2, 0, 0, '{}', 'in2', 'out2', 'proposed', 11, 'm')"""
    )
    sampled = list_examples(Database(conn, None), batch_id=2)[0]
    assert (sampled.template_id, sampled.rollout_id, sampled.model) == (None, 11, "m")
