"""How a check graded by a model (a judge, a learned grader) is marked wherever checks are listed: the mark,
its not-graded count and its calibration (the corrected pass rate, or "uncalibrated")."""

from __future__ import annotations

from rich.text import Text

from curator.app.widgets.literal import one_line
from curator.checks.spec import MODEL_GRADED_KINDS
from curator.review.label_views import CheckStanding

MODEL_MARK = "≈"
"""Before a model-graded check's name in the browser's columns (its verdict is a model's, not a rule's)."""


def model_graded(kind: str | None) -> bool:
    return kind in MODEL_GRADED_KINDS


def calibration_text(standing: CheckStanding | None) -> str:
    """The corrected pass rate of the check's latest calibration, "uncalibrated", or "" for a rule never scored
    (a model-graded check with no labels is uncalibrated)."""
    if standing is None:
        return ""
    text = standing.calibration_text()
    return text or ("uncalibrated" if model_graded(standing.kind) else "")


def not_graded_text(standing: CheckStanding | None) -> str:
    """`3 of 40` items the check looked at and could not grade; "" for checks that grade every item."""
    if standing is None or standing.not_graded is None:
        return ""
    return f"{standing.not_graded:,} of {standing.looked_at:,}"


def model_graded_summary(standings: dict[str, CheckStanding], names: list[str]) -> Text:
    """`  ·  ≈ model-graded: polite (3 of 40 not graded, uncalibrated)` for the browser's title."""
    parts = []
    for name in names:
        standing = standings.get(name)
        if standing is None or not model_graded(standing.kind):
            continue
        figures = [f"{not_graded_text(standing)} not graded"] if not_graded_text(standing) else []
        figures += [calibration_text(standing)]
        parts.append(f"{one_line(name)} ({', '.join(figures)})")
    if not parts:
        return Text()
    return Text.assemble(("  ·  ", ""), (f"{MODEL_MARK} model-graded: ", "bold"), "; ".join(parts))
