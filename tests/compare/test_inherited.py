"""The parent's buckets shown on a re-eval run's items (matched by item_id), in the comparison and for the
browser's bucket filter."""

from runpairs import make_pair, make_run

from curator.compare.comparison import compare_runs
from curator.compare.inherited import inherited_bucket_keys, inherited_buckets
from curator.review import buckets as bucket_domain
from curator.storage import items as item_queries


def _label(ws, run, name, item_ids):
    bucket = bucket_domain.create_bucket(ws, name)
    keys = [item_queries.find_item_key(ws.db, run.run_id, i) for i in item_ids]
    bucket_domain.label_items(ws, run.run_id, keys, bucket)
    return bucket


def test_a_reeval_run_shows_the_buckets_of_its_ancestors_by_item_id(workspace):
    base, job1 = make_pair(workspace)
    job2 = make_run(workspace, "base@job2", {}, parent=job1, adapter="adapters/job-2/adapter")
    bright = _label(workspace, base, "bright", ["dev-bright-0", "held_out-bright-0"])
    cloudy = _label(workspace, job1, "cloudy", ["dev-cloudy-0"])
    key = {i: item_queries.find_item_key(workspace.db, job2.run_id, i) for i in ("dev-bright-0", "dev-cloudy-0")}
    shown = inherited_buckets(workspace, job2.run_id)
    assert shown[key["dev-bright-0"]] == ["bright"] and shown[key["dev-cloudy-0"]] == ["cloudy"]
    assert len(shown) == 3
    assert inherited_bucket_keys(workspace, job2.run_id, bright.bucket_id) == tuple(
        sorted(item_queries.find_item_key(workspace.db, job2.run_id, i) for i in ("dev-bright-0", "held_out-bright-0"))
    )
    assert inherited_bucket_keys(workspace, base.run_id, cloudy.bucket_id) == ()  # labels flow down, never up


def test_the_comparison_with_the_parent_keeps_the_base_runs_buckets(workspace):
    base, job1 = make_pair(workspace)
    job2 = make_run(workspace, "base@job2", {"dev-bright-0": "notag"}, parent=job1, adapter="adapters/job-2/adapter")
    _label(workspace, base, "bright", ["dev-bright-0", "dev-bright-1"])
    result = compare_runs(workspace, job2.name, against="parent")  # job1's run has no labels of its own
    row = next(r for r in result.buckets if r.name == "bright")
    # dev-bright-0 failed tag and answer in job1's run, only the tag now; dev-bright-1 passes in both.
    assert (row.before["dev"].passed, row.after["dev"].passed, row.after["dev"].total) == (1, 1, 2)
    fixed = {c.item_id: c for c in result.fixed}
    assert fixed["dev-bright-0"].buckets == ["bright"] and fixed["dev-bright-0"].fixed_checks == ["answer"]
