"""Holm's correction across the checks of one comparison: adjusted p-values equal statsmodels', and the verdict
rests on the adjusted one."""

from __future__ import annotations

import pytest
from runpairs import make_run
from statsmodels.stats.multitest import multipletests

from curator.compare.comparison import compare_runs
from curator.compare.stats import McNemar, holm, mcnemar_exact

# (fixed, regressed) per check: raw p-values from 0.0039 (9 vs 0) to 1.0 (3 vs 3)
COUNTS = [(0, 9), (1, 9), (9, 1), (0, 5), (3, 3), (2, 0), (12, 1)]


def test_holm_adjusted_p_values_equal_statsmodels():
    tests = [mcnemar_exact(f, r) for f, r in COUNTS]
    expected = multipletests([t.p_value for t in tests], alpha=0.05, method="holm")[1]
    adjusted = holm(tests)
    assert [t.p_adjusted for t in adjusted] == pytest.approx(list(expected), rel=1e-12)
    assert [t.p_value for t in adjusted] == [t.p_value for t in tests]  # the raw p-values are kept
    assert all(a.p_adjusted >= a.p_value for a in adjusted)


def test_the_verdict_is_decided_on_the_adjusted_p_value():
    raw = mcnemar_exact(1, 9)  # p = 0.0215: significant alone
    assert raw.verdict == "regressed" and raw.p_adjusted is None
    first, *_ = holm([raw, mcnemar_exact(0, 9), mcnemar_exact(3, 3), mcnemar_exact(2, 2)])
    assert first.p_adjusted == pytest.approx(3 * raw.p_value)  # the second smallest of four: times 3
    assert first.verdict == "no significant change"
    improved = holm([mcnemar_exact(12, 1), mcnemar_exact(0, 1)])[0]
    assert improved.p_adjusted < 0.05 and improved.verdict == "improved"


def test_one_test_is_its_own_family_and_an_empty_family_is_empty():
    alone = holm([McNemar(0, 7, 2 / 2**7)])
    assert alone[0].p_adjusted == alone[0].p_value
    assert holm([]) == []


def test_a_comparison_adjusts_across_the_checks_whose_held_out_items_moved(workspace):
    # held-out: answer breaks on 9 items; the tag (and with it the emoji) breaks on 2 and is fixed on 1
    outputs = {f"held_out-{case}-{i}": "wrong" for case in ("plain", "sunny_punct", "bright", "clear") for i in (0, 1)}
    outputs |= {"held_out-caps_tag-0": "wrong", "held_out-rainy-0": "notag", "held_out-cloudy-0": "notag"}
    base = make_run(workspace, "base", {"held_out-rainy-1": "notag"})
    after = make_run(workspace, "base@job", outputs, parent=base, adapter="adapters/job-1/adapter")
    result = compare_runs(workspace, after.name)
    moved = [c for c in result.checks if c.test.fixed + c.test.regressed]
    assert sorted(c.name for c in moved) == ["answer", "emoji", "weather_tag"]
    expected = multipletests([c.test.p_value for c in moved], method="holm")[1]
    assert [c.test.p_adjusted for c in moved] == pytest.approx(list(expected))
    answer = next(c for c in moved if c.name == "answer")
    assert (answer.test.fixed, answer.test.regressed) == (0, 9)
    assert answer.verdict == "regressed" and answer.test.p_adjusted == pytest.approx(3 * 2 / 2**9)
    assert all(c.test.p_adjusted is None for c in result.checks if c not in moved)
    held = result.as_dict()["checks"]["answer"]["splits"]["held_out"]["mcnemar"]
    assert (held["p_value"], held["p_adjusted"]) == (answer.test.p_value, answer.test.p_adjusted)
