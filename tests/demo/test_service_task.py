"""The customer-service task: dev and held-out items with disjoint surface forms, a keyword check keyed on the
customer's words, and the hand-labelled replies the demo calibrates its graders against."""

import re
from collections import Counter

import pytest

from curator.checks import Case, grade_outputs
from curator.demo import service_task
from curator.demo.service import GRADERS, labelled_replies, reply_records, service_checks
from curator.demo.service_task import FAMILIES, ISSUE_WORDS, eval_records


def _words_in(text: str) -> set[str]:
    return {
        issue
        for issue, words in ISSUE_WORDS.items()
        if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.I) for w in words)
    }


def test_dev_and_held_out_share_no_product_name_or_phrasing():
    dev, held_out = FAMILIES["dev"], FAMILIES["held_out"]
    assert not set(dev.products) & set(held_out.products)
    assert not set(dev.names) & set(held_out.names)
    for issue in service_task.ISSUES:
        assert not set(dev.issues[issue]) & set(held_out.issues[issue])


def test_every_message_names_exactly_its_own_issue_and_the_policy_names_none():
    records = eval_records()
    assert Counter(r["split"] for r in records) == {"dev": 40, "held_out": 40}
    assert not _words_in(service_task.POLICY)
    for record in records:
        assert _words_in(record["input"]) == {record["metadata"]["issue"]}


def test_the_keyword_check_passes_the_reference_reply_and_fails_the_wrong_action(tmp_path):
    action = [s for s in service_checks(tmp_path) if s.name == "action"]
    record = eval_records()[0]
    right = grade_outputs(action, [Case(record["input"], record["target"], record["target"])])[0]
    wrong_text = record["target"].replace(record["metadata"]["action"], "refund")
    wrong = grade_outputs(action, [Case(record["input"], record["target"], wrong_text)])[0]
    assert right["action"].passed and not wrong["action"].passed


def test_the_labelled_replies_cover_both_verdicts_on_known_items_with_a_note_on_every_failure():
    replies = labelled_replies()
    known = {r["item_id"] for r in eval_records()}
    assert len(replies) >= 60 and {r["item_id"] for r in replies} <= known
    verdicts = Counter(r["verdict"] for r in replies)
    assert verdicts["pass"] >= 20 and verdicts["fail"] >= 20
    assert all(r["note"] for r in replies if r["verdict"] == "fail")
    records = reply_records(replies)
    assert len({r["item_id"] for r in records}) == len(replies) and all(r["output"] for r in records)


def test_the_demo_grades_with_a_keyword_check_a_judge_and_a_learned_grader(tmp_path):
    kinds = {s.name: s.kind for s in service_checks(tmp_path)}
    assert [kinds[name] for name in GRADERS] == ["semantic_map", "judge", "learned"]


@pytest.mark.slow
def test_the_service_demo_calibrates_each_grader_on_the_locked_test_labels(workspace, demo_model_dir, monkeypatch):
    from curator.demo import service

    monkeypatch.setattr(service, "ensure_model", lambda ws, on_event: demo_model_dir)
    demo = service.prepare_service_demo(workspace)
    assert demo.replies.item_count == len(labelled_replies())
    assert set(demo.reports) == set(GRADERS)
    keyword = demo.reports["action"]
    assert keyword.test_labels > 20 and keyword.tpr == 1.0 and keyword.tnr < 1.0  # it passes refusals naming an action
    assert demo.reports["helpful_learned"].calibration_labels > 60
    again = service.prepare_service_demo(workspace)  # reuses the runs, labels, answers and fit
    assert again.replies.run_id == demo.replies.run_id
