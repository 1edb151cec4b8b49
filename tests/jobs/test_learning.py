"""Learned checks over a run: fitted on the calibration part of the analyst's labels only, kept as a file and a
row, reused while the labels stay and refitted when they change; too few labels leave every item not graded; the
stored fit grades the same outside the database (the training child's path)."""

import numpy as np
import pytest

from curator.checks import CheckSpec, grade_outputs, run_checks, stored_checks
from curator.checks.graders import Case
from curator.jobs import judging
from curator.jobs.learning import run_learned
from curator.review.label_queues import label_next
from curator.review.label_views import grader_uncertainty
from curator.review.labels import label_part, set_label
from curator.review.runs import create_run_from_records
from curator.storage import judge_cache
from curator.storage import learned as learned_sql

PRODUCTS = [
    "kettle", "toaster", "laptop", "phone", "blender", "lamp", "printer", "router", "camera", "heater",
    "fridge", "oven", "radio", "speaker", "monitor", "keyboard", "mouse", "charger", "tablet", "watch",
]  # fmt: skip


def records() -> list[dict]:
    rows = []
    for index, product in enumerate(PRODUCTS):
        question = f"My {product} stopped working after two days. What can you do?"
        rows.append(
            {
                "item_id": f"kind-{index}",
                "input": question,
                "output": f"I am sorry about your {product}. I have arranged a free replacement for you.",
            }
        )
        rows.append(
            {
                "item_id": f"rude-{index}",
                "input": question,
                "output": f"Not my problem. Read the {product} manual and stop bothering us.",
            }
        )
    return rows  # fmt: skip


LEARNED = CheckSpec("tone", "learned")


@pytest.fixture
def run(workspace):
    made = create_run_from_records(workspace, "service", records())
    run_checks(workspace, made.run_id, [CheckSpec("answered", "regex", {"pattern": r"\w"})])
    return made


def label_all(ws, run_id, check="tone", only=None):
    for row in records():
        if only is None or label_part(row["item_id"], check) == only:
            set_label(ws, run_id, row["item_id"], check, row["item_id"].startswith("kind"))


def test_too_few_labels_leave_every_item_not_graded_with_the_reason(workspace, run):
    [outcome] = judging.run_all_checks(
        workspace, run.run_id, [CheckSpec("answered", "regex", {"pattern": r"\w"}), LEARNED]
    )
    assert outcome.error is None and outcome.items == 40 and outcome.graded == 0
    assert (
        outcome.reason
        == "0 calibration label(s) of 'tone' (0 pass, 0 fail); a learned grader needs at least 10, with both verdicts"
    )
    rows = judge_cache.verdict_rows(workspace.db, run.run_id, "tone")
    assert len(rows) == 40 and all(
        not graded and reason == f"not graded: {outcome.reason}" for _, graded, *_, reason in rows
    )
    for row in records()[:14:2]:  # 7 labels, all pass: one verdict only
        set_label(workspace, run.run_id, row["item_id"], "tone", True)
    [outcome] = run_learned(workspace, run.run_id, [LEARNED])
    assert outcome.graded == 0 and "(" in outcome.reason and ", 0 fail)" in outcome.reason
    assert workspace.db.fetchone("SELECT count(*) FROM check_results WHERE check_name = 'tone'")[0] == 0


def test_a_fit_on_calibration_labels_grades_the_run_and_is_reused_until_they_change(workspace, run):
    run_learned(workspace, run.run_id, [LEARNED])  # stores the check so that it can be labelled
    label_all(workspace, run.run_id)
    [first] = run_learned(workspace, run.run_id, [LEARNED])
    calibration = [r for r in records() if label_part(r["item_id"], "tone") == "calibration"]
    assert first.error is None and first.refitted and first.labels == len(calibration) < 40
    assert first.graded == 40 and first.passed == 20  # the two tones are far apart in embedding space
    [spec] = [s for s in stored_checks(workspace, run.run_id) if s.name == "tone"]
    assert spec.options["fitted"]["file"] == first.model_file and spec.options["fitted"]["labels"] == len(calibration)
    rows = judge_cache.verdict_rows(workspace.db, run.run_id, "tone")
    assert all(
        graded and 0 <= score <= 1 and reason == f"learned: p(pass) {score:.2f}"
        for _, graded, _, score, *_, reason in rows
    )
    # the child's path (no database): the stored fit grades the same outputs to the same probabilities
    by_key = {key: score for key, _, _, score, *_ in rows}
    keys = [
        k
        for (k,) in workspace.db.fetchall("SELECT item_key FROM items WHERE run_id = ? ORDER BY item_key", [run.run_id])
    ]
    cases = [Case(r["input"], None, r["output"]) for r in records()]
    pure = [g["tone"].score for g in grade_outputs([spec], cases)]
    assert np.allclose(pure, [by_key[k] for k in keys], atol=1e-4)

    [again] = run_learned(workspace, run.run_id, [LEARNED])
    assert not again.refitted and again.model_file == first.model_file
    test_row = next(r for r in records() if label_part(r["item_id"], "tone") == "test")
    set_label(workspace, run.run_id, test_row["item_id"], "tone", not test_row["item_id"].startswith("kind"))
    [after_test_label] = run_learned(workspace, run.run_id, [LEARNED])
    assert not after_test_label.refitted  # the locked test part never reaches the fit
    set_label(
        workspace, run.run_id, calibration[0]["item_id"], "tone", not calibration[0]["item_id"].startswith("kind")
    )
    [refit] = run_learned(workspace, run.run_id, [LEARNED])
    assert refit.refitted and refit.model_file != first.model_file
    assert workspace.db.fetchone("SELECT count(*) FROM learned_fits")[0] == 2
    uncertainty = grader_uncertainty(workspace, run.run_id, "tone")
    assert len(uncertainty) == 40 and all(0 <= u <= 1 for u in uncertainty.values())


def test_labels_from_another_check_and_only_its_calibration_part(workspace, run):
    label_all(workspace, run.run_id, check="answered")
    spec = CheckSpec("tone", "learned", {"labels_from": "answered", "C": 2.0, "class_weight": "balanced"})
    [outcome] = run_learned(workspace, run.run_id, [spec])
    assert outcome.error is None and outcome.graded == 40
    examples = learned_sql.calibration_examples(workspace.db, run.run_id, "answered")
    assert examples and all(label_part(item_id, "answered") == "calibration" for item_id, *_ in examples)
    uncertainty = grader_uncertainty(workspace, run.run_id, "tone")
    offered = label_next(workspace, run.run_id, "tone", 5, uncertainty)  # tone itself has no labels yet
    assert [c.uncertainty for c in offered] == sorted(uncertainty.values(), reverse=True)[:5]


def test_a_learned_check_naming_no_check_is_one_line_and_stores_nothing(workspace, run):
    spec = CheckSpec("tone", "learned", {"labels_from": "politeness"})
    outcomes = judging.run_all_checks(workspace, run.run_id, [spec])
    assert outcomes[0].error == "labels_from names no check 'politeness' of this run (its checks: answered, tone)"
    assert "tone" not in [s.name for s in stored_checks(workspace, run.run_id)]
    with pytest.raises(judging.JudgeFailed, match=r"^learned 'tone': labels_from names no check 'politeness'"):
        judging.raise_failures(outcomes)


def test_a_missing_fit_file_leaves_items_not_graded_outside_the_database(workspace, run, tmp_path):
    options = {"fitted": {"file": str(tmp_path / "gone.npz"), "labels_hash": "x", "labels": 12}}
    [grades] = grade_outputs([CheckSpec("tone", "learned", options)], [Case("q", None, "a")])
    assert not grades["tone"].graded and grades["tone"].reason.startswith(
        "not graded: cannot read the fitted model file"
    )


def test_curator_check_prints_the_learned_checks_line_and_json(workspace, run, tmp_path):
    import json

    from typer.testing import CliRunner

    from curator.cli.main import app

    spec = tmp_path / "checks.toml"
    rule = '[[check]]\nname = "answered"\nkind = "regex"\npattern = "\\\\w"\n'
    spec.write_text(rule + '\n[[check]]\nname = "tone"\nkind = "learned"\n')
    workspace.close()
    base = ["-w", str(workspace.root), "check", "service", "--spec", str(spec)]
    shown = CliRunner().invoke(app, base)
    assert shown.exit_code == 0, shown.output
    assert "learned 'tone': 40 items not graded: 0 calibration label(s) of 'tone'" in " ".join(shown.output.split())
    data = json.loads(CliRunner().invoke(app, [*base, "--json"]).stdout)
    [tone] = [c for c in data["checks"] if c["name"] == "tone"]
    assert (tone["kind"], tone["total"], tone["not_graded"], tone["labels"], tone["model_file"]) == (
        "learned",
        0,
        40,
        0,
        None,
    )
    assert tone["not_graded_reason"].startswith("0 calibration label(s)")


def test_a_re_evaluation_run_is_graded_by_the_fit_its_checks_bring_but_a_run_never_by_its_own_stale_fit(workspace, run):
    run_learned(workspace, run.run_id, [LEARNED])
    label_all(workspace, run.run_id)
    [first] = run_learned(workspace, run.run_id, [LEARNED])
    again = create_run_from_records(workspace, "service-again", records())
    outcomes = judging.run_all_checks(workspace, again.run_id, stored_checks(workspace, run.run_id))
    [carried] = outcomes
    assert carried.error is None and carried.carried and not carried.refitted
    assert carried.graded == 40 and carried.model_file == first.model_file
    assert "graded by the fit of another run" in carried.describe()
    [spec] = [s for s in stored_checks(workspace, again.run_id) if s.kind == "learned"]
    assert spec.options["fitted"]["file"] == first.model_file
    from curator.review.labels import clear_label

    for row in records():
        clear_label(workspace, run.run_id, row["item_id"], "tone")
    [stale] = run_learned(workspace, run.run_id, stored_checks(workspace, run.run_id)[1:])
    assert stale.graded == 0 and not stale.carried and stale.reason.startswith("0 calibration label(s)")
