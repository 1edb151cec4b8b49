"""A calibration report as labelled figures, in one order and one wording for the CLI table and the screen."""

from __future__ import annotations

from curator.review.calibration import CalibrationReport
from curator.review.calibration_stats import Interval


def share(value: float | None, interval: Interval | None = None) -> str:
    """A rate with one decimal, and its interval when there is one; a dash for none."""
    if value is None:
        return "—"
    return f"{value:.1%}" + (f" [{interval.low:.1%}, {interval.high:.1%}]" if interval else "")


def rho(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


def report_rows(r: CalibrationReport) -> list[tuple[str, str]]:
    """(what, figure) for every figure of the report."""
    cells, bias = r.confusion, r.length_bias
    return [
        ("test labels", f"{r.test_labels} ({cells.label_passes} pass, {cells.label_fails} fail)"),
        ("  not graded by the check", str(r.test_not_graded)),
        ("calibration labels (not scored)", str(r.calibration_labels)),
        ("check pass / label pass", f"{cells.true_pass} true passes, {cells.false_fail} false fails"),
        ("check pass / label fail", f"{cells.false_pass} false passes, {cells.true_fail} true fails"),
        ("TPR (Wilson 95%)", share(r.tpr, r.tpr_interval)),
        ("TNR (Wilson 95%)", share(r.tnr, r.tnr_interval)),
        ("accuracy / majority baseline", f"{share(r.accuracy)} / {share(r.majority_baseline)}"),
        ("Cohen's kappa", "—" if r.kappa is None else f"{r.kappa:.3f}"),
        ("raw pass rate on the run", f"{share(r.raw_pass_rate)} of {r.graded_items:,} graded"),
        ("corrected pass rate (bootstrap 95%)", share(r.corrected_pass_rate, r.corrected_interval)),
        ("length rho: check / labels", f"{rho(bias.check.rho)} / {rho(bias.labels.rho)} (words)"),
        ("clean test", "yes" if r.clean_test else "no"),
    ]
