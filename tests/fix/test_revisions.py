"""The analyst's own fix and revision pairs without a model: a passing edit becomes an SFT example and a pair
(chosen = the edit, rejected = the original) with lineage; a failing edit stays a draft; held-out items are
never edited; review moves the example and the pair together."""

from __future__ import annotations

import pytest
from fixwork import GOOD, weather_run

from curator.errors import CuratorError, NotFoundError
from curator.fix import examples as example_domain
from curator.fix import revisions
from curator.fix.revision_prompts import change_share, inline_diff
from curator.review import buckets as bucket_domain

FIXED = "<display_weather>☀</display_weather> It is sunny."
WRONG_EMOJI = "<display_weather>☁</display_weather> It is sunny."


@pytest.fixture
def run(workspace):
    return weather_run(workspace)


def test_a_passing_edit_becomes_an_sft_example_and_a_pair_with_lineage(workspace, run):
    row = revisions.propose_edit(workspace, run.name, "a", FIXED)
    assert row.status == "proposed" and row.reason is None and row.author == "analyst"
    assert (row.original, row.revised) == ("It is sunny.", FIXED)
    assert row.check_results["weather_tag"][0] is True and row.check_results["emoji"][0] is True
    assert row.change == pytest.approx(1 - 2 * 12 / (12 + 49), abs=1e-4)  # 1 - difflib ratio
    example = example_domain.get_example(workspace, row.example_id)
    assert (example.input, example.target, example.status) == (row.input, FIXED, "proposed")
    assert (example.source_run_id, example.source_item_key, example.bucket_name) == (run.run_id, 0, "weather")
    assert example.variant == "edit" and example.template_id is None and example.rollout_id is None
    assert revisions.revision_of_example(workspace, row.example_id) == row
    # proposed is not yet training data; accepted, it is a DPO pair with the edit chosen and the original rejected
    assert revisions.revision_pairs(workspace, run.name) == []
    assert revisions.set_review_status(workspace, [row.revision_id], "accepted") == 1
    (pair,) = revisions.revision_pairs(workspace, run.name)
    assert (pair["prompt"], pair["chosen"], pair["rejected"]) == (row.input, FIXED, "It is sunny.")
    assert (pair["source_run_id"], pair["source_item_key"], pair["bucket"]) == (run.run_id, 0, "weather")
    assert pair["author"] == "analyst" and pair["example_id"] == row.example_id
    assert example_domain.get_example(workspace, row.example_id).status == "accepted"
    assert revisions.revision_pairs(workspace, buckets=["weather"]) == [pair]


def test_a_failing_edit_stays_a_draft_naming_the_check_and_a_new_edit_replaces_it(workspace, run):
    draft = revisions.propose_edit(workspace, run.name, "a", WRONG_EMOJI)
    assert draft.status == "draft" and draft.example_id is None
    assert draft.reason.startswith("check 'emoji' still fails: ")
    assert revisions.draft_for(workspace, run.run_id, 0) == draft
    assert revisions.set_review_status(workspace, [draft.revision_id], "accepted") == 0
    assert revisions.revision_pairs(workspace, statuses=("proposed", "accepted")) == []
    fixed = revisions.propose_edit(workspace, run.name, "a", FIXED)
    assert [r.revision_id for r in revisions.list_revisions(workspace, run.name)] == [fixed.revision_id]
    assert revisions.draft_for(workspace, run.run_id, 0) is None


def test_a_held_out_item_cannot_be_edited_into_training_data(workspace, run):
    with pytest.raises(CuratorError, match="item 'h2' is held out") as error:
        revisions.propose_edit(workspace, run.name, "h2", "<display_weather>☁</display_weather>")
    assert "\n" not in str(error.value)
    assert revisions.list_revisions(workspace) == [] and example_domain.list_examples(workspace) == []


def test_edits_that_cannot_be_pairs_are_refused_and_store_nothing(workspace, run):
    for item, text, message in (
        ("a", "  ", "is empty"),
        ("a", "It is sunny.", "unchanged"),
        ("b", "<display_weather>☀</display_weather>", "fails no check"),
        ("zz", FIXED, "no item with id 'zz'"),
    ):
        with pytest.raises(CuratorError, match=message):
            revisions.propose_edit(workspace, run.name, item, text)
    assert revisions.list_revisions(workspace) == []


def test_the_same_edit_twice_is_a_duplicate_example(workspace, run):
    first = revisions.propose_edit(workspace, run.name, "a", FIXED)
    second = revisions.propose_edit(workspace, run.name, "a", FIXED)
    assert (first.status, second.status) == ("proposed", "duplicate")
    assert revisions.review_all(workspace, run.name, "accepted") == 1
    assert len(revisions.revision_pairs(workspace)) == 1


def test_review_status_is_the_examples_and_ids_are_checked(workspace, run):
    row = revisions.propose_edit(workspace, run.name, "a", FIXED)
    example_domain.reject(workspace, [row.example_id])
    assert revisions.get_revision(workspace, row.revision_id).status == "rejected"
    with pytest.raises(NotFoundError, match="no revision 99"):
        revisions.set_review_status(workspace, [row.revision_id, 99], "accepted")
    assert revisions.get_revision(workspace, row.revision_id).status == "rejected"


def test_an_item_in_no_bucket_keeps_no_bucket(workspace, run):
    bucket_domain.delete_bucket(workspace, bucket_domain.get_bucket(workspace, "weather"))
    row = revisions.propose_edit(workspace, run.name, "a", GOOD)
    assert row.bucket_id is None and row.status == "proposed"


def test_change_share_and_inline_diff():
    assert change_share("abc", "abc") == 0.0
    assert change_share("abcd", "abXd") == 0.25
    assert change_share("abc", "xyz") == 1.0
    assert inline_diff("It is sunny.", "It is cloudy.") == "It is [-s-]{+clo+}u[-nn-]{+d+}y."
    long = "word " * 2000
    assert 0 < change_share(long, long + "extra") < 0.01
