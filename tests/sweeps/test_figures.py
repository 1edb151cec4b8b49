"""Wilson intervals, the Pareto front across checks and the recommendation, on constructed results."""

import pytest

from curator.sweeps.chart import curve_lines, moves
from curator.sweeps.figures import NO_WINNER, CheckFigures, SeedCheck, VariantFigures, mark_front, recommend, wilson


def test_wilson_interval_matches_the_textbook_figures():
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    low, high = wilson(0, 20)
    assert low == pytest.approx(0.0, abs=1e-12) and high == pytest.approx(0.1611, abs=1e-4)
    assert wilson(0, 0) is None


def variant(position, rows, per_check, base=(5, 10), seeds=2, label=None) -> VariantFigures:
    """per_check: check -> list per seed of (passed of 10, verdict)."""
    figures = VariantFigures(position, label or f"v{position}", rows, seeds)
    for name, results in per_check.items():
        figures.checks[name] = CheckFigures(
            name, *base, [SeedCheck(s, passed, 10, verdict=verdict) for s, (passed, verdict) in enumerate(results)]
        )
    return figures


SAME = "no significant change"


def test_the_front_keeps_variants_no_other_beats_on_every_check():
    a = variant(1, 10, {"emoji": [(9, SAME), (9, SAME)], "answer": [(5, SAME), (5, SAME)]})
    b = variant(2, 20, {"emoji": [(5, SAME), (5, SAME)], "answer": [(9, SAME), (9, SAME)]})
    c = variant(3, 30, {"emoji": [(4, SAME), (4, SAME)], "answer": [(4, SAME), (5, SAME)]})  # beaten by a and b
    d = variant(4, 40, {"emoji": [(9, SAME), (9, SAME)], "answer": [(5, SAME), (4, SAME)]})  # as a on emoji, worse
    e = variant(5, 50, {"emoji": [(9, SAME), (9, SAME)], "answer": [(5, SAME), (5, SAME)]})  # ties a: both stay
    not_run = VariantFigures(6, "queued", 60, 2)
    mark_front([a, b, c, d, e, not_run])
    assert [v.label for v in (a, b, c, d, e, not_run) if v.on_front] == ["v1", "v2", "v5"]


def test_the_recommendation_is_the_smallest_variant_whose_gain_holds_on_every_seed_without_regressions():
    gains_both = [(9, "improved"), (8, "improved")]
    one_seed = variant(1, 5, {"emoji": [(9, "improved"), (6, SAME)], "answer": [(5, SAME), (5, SAME)]})
    regresses = variant(2, 8, {"emoji": gains_both, "answer": [(5, SAME), (1, "regressed")]})
    half_done = variant(3, 9, {"emoji": [(9, "improved")], "answer": [(5, SAME)]})
    bigger = variant(4, 40, {"emoji": gains_both, "answer": [(5, SAME), (6, SAME)]})
    smaller = variant(5, 20, {"emoji": gains_both, "answer": [(5, SAME), (5, SAME)]})
    chosen, line = recommend([one_seed, regresses, half_done, bigger, smaller])
    assert chosen is smaller
    assert line == (
        "v5 (20 training rows): emoji 50% -> 85% on held-out, improved on all 2 seeds; no check regressed significantly"
    )
    assert recommend([one_seed, regresses, half_done]) == (None, NO_WINNER)
    assert NO_WINNER == "no variant is clearly better than the base"


def test_the_spread_over_seeds_and_the_change_against_the_base():
    figures = variant(1, 10, {"emoji": [(6, SAME), (9, SAME)]}).checks["emoji"]
    assert (figures.passed, figures.total, figures.mean, figures.spread) == (15, 20, 0.75, (0.6, 0.9))
    assert figures.delta == pytest.approx(0.25) and figures.sd == pytest.approx(0.2121, abs=1e-4)
    as_json = figures.as_dict(planned=2)
    assert as_json["wilson_95"] == list(wilson(15, 20)) and as_json["spread"]["min"] == 0.6
    assert [s["rate"] for s in as_json["seeds"]] == [0.6, 0.9]


def test_the_text_learning_curve_starts_from_the_base():
    points = [{"rows": 10, "rate": 0.5, "min": 0.4, "max": 0.6}, {"rows": 40, "rate": 1.0, "min": 1.0, "max": 1.0}]
    lines = curve_lines("emoji", points, base=0.25, width=8)
    assert lines[1:] == [
        "     base  ██░░░░░░   25%",
        "  10 rows  ████░░░░   50%  seeds 40%-60%",
        "  40 rows  ████████  100%  seeds 100%-100%",
    ]
    assert moves(points, 0.25) and not moves(points[1:], 1.0)
