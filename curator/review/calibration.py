"""How good a check is against the analyst's labels: the calibration report of one check version on a run.

The report reads only the locked test part. Every scoring is recorded with the check's version (a hash of its
spec); once one version was scored, a figure for any other version of the same check on the same run's test
part is marked as no longer a clean test (the check may have been tuned on what the test showed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from curator.errors import CuratorError
from curator.review import calibration_stats as stats
from curator.review.calibration_stats import Confusion, Correlation, Interval
from curator.review.labels import known_check
from curator.review.runs import resolve_run
from curator.storage import labels as label_queries
from curator.workspace import Workspace

MIN_PER_CLASS = 20
"""Under this many test labels of either verdict a check is 'uncalibrated'."""

# What of a spec names its version, per kind; other kinds: the whole spec but its name. A judge kind adds
# its own here (rubric hash + model), so editing the rubric or changing the model makes a new version.
VERSION_PARTS: dict[str, Callable[[dict], object]] = {}


def check_version(kind: str, spec_json: str) -> str:
    """A short stable hash of what a check does (its spec as canonical JSON, the name left out)."""
    spec = json.loads(spec_json)
    part = VERSION_PARTS[kind](spec) if kind in VERSION_PARTS else {k: v for k, v in spec.items() if k != "name"}
    canonical = json.dumps(part, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class LengthBias:
    """Spearman's rho of verdict and output length (whitespace-separated words) on the labelled items the check
    graded: for the check, for the analyst's labels, and for the check over the whole run."""

    check: Correlation
    labels: Correlation
    check_on_run: Correlation

    @property
    def warning(self) -> str | None:
        if not self.check.significant or self.labels.significant:
            return None
        return (
            f"the check's verdicts follow output length (rho {self.check.rho:+.2f}, p {self.check.p_value:.3g}) "
            f"where the labels' do not ({_labels_rho(self.labels.rho)}): it may reward length, not quality"
        )


@dataclass(frozen=True)
class CalibrationReport:
    run_name: str
    check_name: str
    check_kind: str
    check_version: str
    test_labels: int
    """Test labels on items the check graded (the ones the figures use)."""
    test_not_graded: int
    """Test labels on items the check did not grade (not applicable, or a judge's unreadable answer)."""
    calibration_labels: int
    confusion: Confusion
    tpr: float | None
    tpr_interval: Interval | None
    tnr: float | None
    tnr_interval: Interval | None
    accuracy: float | None
    majority_baseline: float | None
    kappa: float | None
    raw_pass_rate: float | None
    graded_items: int
    corrected_pass_rate: float | None
    corrected_interval: Interval | None
    uncalibrated: bool
    clean_test: bool
    earlier_versions: list[str]
    """Other versions of this check scored on this run's test part before this scoring."""
    length_bias: LengthBias
    scored_at: datetime

    @property
    def problems(self) -> list[str]:
        """One line per reason to distrust the figures."""
        lines = []
        if self.uncalibrated:
            counts = f"{self.confusion.label_passes} pass, {self.confusion.label_fails} fail"
            lines.append(f"uncalibrated: under {MIN_PER_CLASS} test labels per verdict ({counts})")
        if not self.clean_test:
            versions = ", ".join(self.earlier_versions)
            lines.append(f"no longer a clean test: the test part was scored before for version {versions}")
        if self.length_bias.warning:
            lines.append(self.length_bias.warning)
        return lines

    def to_json(self) -> dict:
        payload = asdict(self)
        payload["scored_at"] = self.scored_at.isoformat(timespec="seconds")
        payload["problems"] = self.problems
        payload["length_bias"]["warning"] = self.length_bias.warning
        payload["length_bias"]["words"] = "whitespace-separated words of the output"
        return payload


def calibrate(ws: Workspace, run_ref: str | int, check_name: str, record: bool = True) -> CalibrationReport:
    """Score a check's current version on the run's locked test labels (and record that scoring, if there were any)."""
    run = resolve_run(ws, run_ref)
    known_check(ws, run.run_id, run.name, check_name)
    kind, spec_json = label_queries.check_spec(ws.db, run.run_id, check_name)
    version = check_version(kind, spec_json)
    rows = label_queries.labelled_verdicts(ws.db, run.run_id, check_name)
    test = [r for r in rows if r.part == "test" and r.check_passed is not None]
    if not rows:
        raise CuratorError(f"no labels for check {check_name!r} on run '{run.name}' yet: `curator label` adds them")
    labels, verdicts = [r.label_passed for r in test], [r.check_passed for r in test]
    cells = stats.confusion(labels, verdicts)
    passed, graded = label_queries.check_pass_count(ws.db, run.run_id, check_name)
    tpr, tnr = stats.rate(cells.true_pass, cells.label_passes), stats.rate(cells.true_fail, cells.label_fails)
    raw = stats.rate(passed, graded)
    earlier = sorted({s.check_version for s in label_queries.scorings(ws.db, run.run_id, check_name)} - {version})
    report = CalibrationReport(
        run_name=run.name,
        check_name=check_name,
        check_kind=kind,
        check_version=version,
        test_labels=len(test),
        test_not_graded=sum(1 for r in rows if r.part == "test" and r.check_passed is None),
        calibration_labels=sum(1 for r in rows if r.part != "test"),
        confusion=cells,
        tpr=tpr,
        tpr_interval=stats.wilson_interval(cells.true_pass, cells.label_passes),
        tnr=tnr,
        tnr_interval=stats.wilson_interval(cells.true_fail, cells.label_fails),
        accuracy=stats.rate(cells.true_pass + cells.true_fail, cells.total),
        majority_baseline=stats.rate(max(cells.label_passes, cells.label_fails), cells.total),
        kappa=stats.cohens_kappa(labels, verdicts),
        raw_pass_rate=raw,
        graded_items=graded,
        corrected_pass_rate=None if None in (raw, tpr, tnr) else stats.corrected_pass_rate(raw, tpr, tnr),
        corrected_interval=stats.bootstrap_corrected(cells, passed, graded),
        uncalibrated=min(cells.label_passes, cells.label_fails) < MIN_PER_CLASS,
        clean_test=not earlier,
        earlier_versions=earlier,
        length_bias=_length_bias(ws, run.run_id, check_name, rows),
        scored_at=datetime.now().replace(microsecond=0),
    )
    if record and report.test_labels:  # nothing of the test part was seen: it stays clean
        with ws.db.transaction() as cur:
            label_queries.record_scoring(
                cur, run.run_id, check_name, version, report.clean_test, report.test_labels, report.to_json()
            )
    return report


def latest_calibration(ws: Workspace, run_id: int, check_name: str) -> dict | None:
    """The JSON of the latest recorded report of a check on a run (for the places its figures appear)."""
    return label_queries.latest_report(ws.db, run_id, check_name)


def _length_bias(ws: Workspace, run_id: int, check_name: str, rows) -> LengthBias:
    graded = [r for r in rows if r.check_passed is not None]
    lengths = [r.output_words for r in graded]
    on_run = label_queries.graded_words(ws.db, run_id, check_name)
    return LengthBias(
        check=stats.spearman([float(r.check_passed) for r in graded], lengths),
        labels=stats.spearman([float(r.label_passed) for r in graded], lengths),
        check_on_run=stats.spearman([float(p) for p, _ in on_run], [w for _, w in on_run]),
    )


def _labels_rho(value: float | None) -> str:
    return "the labels are all alike" if value is None else f"rho {value:+.2f}"
