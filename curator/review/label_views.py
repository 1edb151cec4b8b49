"""What the app shows of labels and calibration beside each check: one item's labels, and per check its
not-graded count (model-graded checks) and the figures of its latest calibration."""

from __future__ import annotations

from dataclasses import dataclass

from curator.review.label_queues import uncertainty_from_agreement, uncertainty_from_probability
from curator.storage import judge_cache
from curator.storage import labels as label_queries
from curator.storage.labels import VerdictLabel
from curator.workspace import Workspace


def item_labels(ws: Workspace, run_id: int, item_key: int) -> dict[str, VerdictLabel]:
    """check name -> the analyst's label on one item (checks without a label are absent)."""
    return {label.check_name: label for label in label_queries.list_labels(ws.db, run_id, None, item_key)}


@dataclass(frozen=True)
class CheckStanding:
    """Beside a check's pass rate: how many items it left not graded (of those it looked at; None for checks
    that grade every item they apply to) and its latest recorded calibration (None when never scored)."""

    name: str
    kind: str
    not_graded: int | None
    looked_at: int | None
    calibrated: bool | None
    """None: never scored on labels; False: scored but under the per-verdict minimum of test labels."""
    corrected_pass_rate: float | None
    corrected_interval: tuple[float, float] | None
    clean_test: bool | None

    def calibration_text(self) -> str:
        """`corrected 67.5% [59.4%, 76.8%]`, `uncalibrated`, or `` (never scored)."""
        if self.calibrated is None:
            return ""
        if not self.calibrated:
            return "uncalibrated"
        if self.corrected_pass_rate is None:
            return "corrected: none (no better than a coin)"
        text = f"corrected {self.corrected_pass_rate:.1%}"
        if self.corrected_interval is not None:
            low, high = self.corrected_interval
            text += f" [{low:.1%}, {high:.1%}]"
        return text + ("" if self.clean_test else " (not a clean test)")


def check_standings(ws: Workspace, run_id: int) -> dict[str, CheckStanding]:
    """check name -> its standing, for every check of the run."""
    not_graded = judge_cache.not_graded_counts(ws.db, run_id)
    standings = {}
    for name in label_queries.check_names(ws.db, run_id):
        kind, _spec = label_queries.check_spec(ws.db, run_id, name) or ("", "")
        report = label_queries.latest_report(ws.db, run_id, name)
        counts = not_graded.get(name)
        interval = (report or {}).get("corrected_interval")
        standings[name] = CheckStanding(
            name=name,
            kind=kind,
            not_graded=counts[0] if counts else None,
            looked_at=counts[1] if counts else None,
            calibrated=None if report is None else not report.get("uncalibrated", True),
            corrected_pass_rate=None if report is None else report.get("corrected_pass_rate"),
            corrected_interval=(interval["low"], interval["high"]) if interval else None,
            clean_test=None if report is None else report.get("clean_test"),
        )
    return standings


def grader_uncertainty(ws: Workspace, run_id: int, check_name: str) -> dict[int, float] | None:
    """item_key -> how unsure a model-graded check is of its verdict, for `label_next`: a learned grader's pass
    probability (1 at 0.5), a judge's majority-vote agreement when it sampled more than once (1 at a split vote).
    None for checks that say neither (rules, a judge of one sample): `label_next` then uses the other checks."""
    spec = label_queries.check_spec(ws.db, run_id, check_name)
    if spec is None or spec[0] not in ("judge", "learned"):
        return None
    found = {}
    for key, graded, _passed, score, agreement, samples, _reason in judge_cache.verdict_rows(ws.db, run_id, check_name):
        if not graded:
            continue
        if spec[0] == "learned" and score is not None:
            found[key] = uncertainty_from_probability(score)
        elif spec[0] == "judge" and agreement is not None and (samples or 1) > 1:
            found[key] = uncertainty_from_agreement(agreement)
    return found or None
