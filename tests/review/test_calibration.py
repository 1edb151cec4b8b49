"""The calibration report on constructed labels: figures equal hand-computed values; clean test; length bias."""

from __future__ import annotations

import pytest

from curator.errors import CuratorError
from curator.review import calibration, labels
from curator.review.calibration import calibrate
from curator.review.runs import create_run_from_records
from curator.storage.browse import store_check_results
from curator.storage.runs import table_counts

ITEMS = 200


def designed_run(ws) -> None:
    """200 items; on the first 45 whose label falls in the test part: 25 labelled pass (the check passes 20) and
    20 labelled fail (the check passes 4). 10 calibration-part labels the report must ignore. 124 passes in all."""
    ids = [f"it-{k}" for k in range(ITEMS)]
    test_ids = [i for i in ids if labels.label_part(i, "answer") == "test"][:45]
    calibration_ids = [i for i in ids if labels.label_part(i, "answer") == "calibration"][:10]
    design = {}
    for n, item_id in enumerate(test_ids):
        label = n < 25
        design[item_id] = (label, n < 20 if label else n < 29)
    others = [i for i in ids if i not in design]
    for n, item_id in enumerate(others):
        design[item_id] = (None, n < 100)
    records = [{"item_id": i, "input": "q", "output": "x"} for i in ids]
    run_id = create_run_from_records(ws, "r", records).run_id
    with ws.db.transaction() as cur:
        store_check_results(cur, run_id, "answer", "exact", {k: (design[i][1], "") for k, i in enumerate(ids)})
    for item_id in test_ids:
        labels.set_label(ws, "r", item_id, "answer", design[item_id][0])
    for n, item_id in enumerate(calibration_ids):
        labels.set_label(ws, "r", item_id, "answer", n % 2 == 0)


def test_report_figures_equal_hand_computed_values(workspace):
    designed_run(workspace)
    report = calibrate(workspace, "r", "answer")
    cells = report.confusion
    assert (cells.true_pass, cells.false_fail, cells.false_pass, cells.true_fail) == (20, 5, 4, 16)
    assert (report.test_labels, report.calibration_labels, report.test_not_graded) == (45, 10, 0)
    assert report.tpr == pytest.approx(0.8) and report.tnr == pytest.approx(0.8)
    # Wilson 20/25: centre (0.8 + 1.96²/50) / (1 + 1.96²/25), half 1.96 sqrt(0.16/25 + 1.96²/2500) / (1 + 1.96²/25)
    assert (report.tpr_interval.low, report.tpr_interval.high) == (
        pytest.approx(0.6087, abs=1e-4),
        pytest.approx(0.9114, abs=1e-4),
    )
    assert report.accuracy == pytest.approx(36 / 45) and report.majority_baseline == pytest.approx(25 / 45)
    # chance agreement: 24/45 * 25/45 + 21/45 * 20/45 = 1020/2025; kappa = (1620 - 1020) / (2025 - 1020)
    assert report.kappa == pytest.approx(600 / 1005)
    # raw 124/200 = 0.62; corrected (0.62 + 0.8 - 1) / (0.8 + 0.8 - 1) = 0.7
    assert report.raw_pass_rate == pytest.approx(0.62) and report.graded_items == ITEMS
    assert report.corrected_pass_rate == pytest.approx(0.7)
    assert report.corrected_interval.low < 0.7 < report.corrected_interval.high
    assert report.uncalibrated is False and report.clean_test is True and report.problems == []
    payload = report.to_json()
    assert payload["confusion"]["false_pass"] == 4 and payload["check_version"] == report.check_version


def test_under_twenty_labels_of_a_verdict_is_uncalibrated(workspace):
    designed_run(workspace)
    fails = [x for x in labels.labels_of(workspace, "r", "answer") if x.part == "test" and not x.passed]
    labels.clear_label(workspace, "r", fails[0].item_id, "answer")
    report = calibrate(workspace, "r", "answer")
    assert report.uncalibrated is True
    assert report.problems == ["uncalibrated: under 20 test labels per verdict (25 pass, 19 fail)"]


def test_scoring_again_after_the_check_changed_is_no_longer_a_clean_test(workspace):
    designed_run(workspace)
    first = calibrate(workspace, "r", "answer")
    assert calibrate(workspace, "r", "answer").clean_test is True  # the same version again: still clean
    run_id = workspace.db.fetchone("SELECT run_id FROM runs")[0]
    results = dict(workspace.db.fetchall("SELECT item_key, passed FROM check_results"))
    with workspace.db.transaction() as cur:  # the check edited: another spec, the same verdicts
        store_check_results(cur, run_id, "answer", "regex", {k: (v, "") for k, v in results.items()})
    edited = calibrate(workspace, "r", "answer")
    assert edited.check_version != first.check_version
    assert edited.clean_test is False and edited.earlier_versions == [first.check_version]
    assert f"no longer a clean test: the test part was scored before for version {first.check_version}" in (
        edited.problems
    )
    stored = workspace.db.fetchall("SELECT check_version, clean FROM calibration_scores ORDER BY score_id")
    assert stored == [(first.check_version, True)] * 2 + [(edited.check_version, False)]
    assert calibration.latest_calibration(workspace, run_id, "answer")["clean_test"] is False


def test_a_scoring_without_test_labels_is_not_recorded(workspace):
    records = [{"item_id": f"c{k}", "input": "q", "output": "x"} for k in range(30)]
    run_id = create_run_from_records(workspace, "r", records).run_id
    with workspace.db.transaction() as cur:
        store_check_results(cur, run_id, "answer", "exact", {k: (True, "") for k in range(30)})
    item_id = next(f"c{k}" for k in range(30) if labels.label_part(f"c{k}", "answer") == "calibration")
    labels.set_label(workspace, "r", item_id, "answer", "pass")
    report = calibrate(workspace, "r", "answer")
    assert (report.test_labels, report.calibration_labels, report.tpr) == (0, 1, None)
    assert workspace.db.fetchone("SELECT count(*) FROM calibration_scores")[0] == 0


def bias_run(ws, check_prefers_long: bool) -> None:
    """60 items of 1..60 words, labels alternating pass/fail (no tie to length); the check either passes the
    long half or agrees with the labels on all but a few."""
    records = [{"item_id": f"b{k}", "input": "q", "output": " ".join(["w"] * (k + 1))} for k in range(60)]
    run_id = create_run_from_records(ws, "bias", records).run_id
    truth = {k: k % 2 == 0 for k in range(60)}
    verdicts = {k: k >= 30 if check_prefers_long else truth[k] != (k % 7 == 0) for k in range(60)}
    with ws.db.transaction() as cur:
        store_check_results(cur, run_id, "judge", "exact", {k: (v, "") for k, v in verdicts.items()})
    for k in range(60):
        labels.set_label(ws, "bias", f"b{k}", "judge", truth[k])


def test_length_bias_warns_on_a_check_that_passes_long_outputs(workspace):
    bias_run(workspace, check_prefers_long=True)
    bias = calibrate(workspace, "bias", "judge").length_bias
    assert bias.check.significant and bias.check.rho > 0.8 and not bias.labels.significant
    assert bias.warning.startswith("the check's verdicts follow output length (rho +0.87")


def test_length_bias_stays_quiet_on_a_check_that_does_not(workspace):
    bias_run(workspace, check_prefers_long=False)
    report = calibrate(workspace, "bias", "judge")
    assert not report.length_bias.check.significant and report.length_bias.warning is None
    assert all("length" not in line for line in report.problems)


def test_bad_input_is_one_line_and_records_nothing(workspace):
    designed_run(workspace)
    records = [{"item_id": "a", "input": "q", "output": "x"}]
    bare = create_run_from_records(workspace, "bare", records).run_id
    with workspace.db.transaction() as cur:
        store_check_results(cur, bare, "answer", "exact", {0: (True, "")})
    before = table_counts(workspace.db)
    for run, check, message in [
        ("nope", "answer", "no run named 'nope'"),
        ("r", "tone", "has no check 'tone'"),
        ("bare", "answer", "no labels for check 'answer' on run 'bare' yet"),
    ]:
        with pytest.raises(CuratorError, match=message):
            calibrate(workspace, run, check)
    assert table_counts(workspace.db) == before


def test_editing_a_real_check_makes_a_new_version_and_keeps_the_labels(workspace):
    from curator.checks import CheckSpec, run_checks

    records = [{"item_id": f"w{k}", "input": "q", "output": "sunny ☀" if k % 2 else "cloudy"} for k in range(40)]
    create_run_from_records(workspace, "w", records)
    run_checks(workspace, "w", [CheckSpec("emoji", "regex", {"pattern": "☀"})])
    for k in range(40):
        labels.set_label(workspace, "w", f"w{k}", "emoji", k % 2 == 1)
    first = calibrate(workspace, "w", "emoji")
    run_checks(workspace, "w", [CheckSpec("emoji", "regex", {"pattern": "☀"})])  # the same spec again
    assert calibrate(workspace, "w", "emoji").check_version == first.check_version
    run_checks(workspace, "w", [CheckSpec("emoji", "regex", {"pattern": "[☀]"})])
    edited = calibrate(workspace, "w", "emoji")
    assert edited.check_version != first.check_version and not edited.clean_test
    assert edited.test_labels == first.test_labels > 0 and edited.tpr == edited.tnr == 1.0
