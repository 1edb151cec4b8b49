"""Where labels go next: the items where a check and the analyst disagree, and the unlabelled items whose
verdict is least sure, so that few labels go far."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from curator.errors import CuratorError
from curator.review.labels import LOCKED_TEST_SEED, known_check
from curator.review.runs import resolve_run
from curator.storage import labels as label_queries
from curator.storage.browse import ItemFilter
from curator.workspace import Workspace

DISAGREEMENT_KINDS = ("false_pass", "false_fail")


@dataclass(frozen=True)
class Disagreement:
    """A labelled item the check got wrong: it passed what the analyst failed, or failed what they passed."""

    item_key: int
    item_id: str
    kind: str
    note: str | None
    part: str


def disagreements(ws: Workspace, run_ref: str | int, check_name: str, kind: str | None = None) -> list[Disagreement]:
    """The check's false passes and false fails against the labels (or only one `kind`), in item order."""
    if kind is not None and kind not in DISAGREEMENT_KINDS:
        raise CuratorError(f"a disagreement is one of {', '.join(DISAGREEMENT_KINDS)}, not {kind!r}")
    run = resolve_run(ws, run_ref)
    known_check(ws, run.run_id, run.name, check_name)
    found = [
        Disagreement(key, item_id, "false_pass" if check_passed else "false_fail", note, part)
        for key, item_id, _label, check_passed, note, part in label_queries.disagreements(ws.db, run.run_id, check_name)
    ]
    return [d for d in found if kind is None or d.kind == kind]


def disagreement_filter(ws: Workspace, run_ref: str | int, check_name: str, kind: str | None = None) -> ItemFilter:
    """The disagreement queue as a browser filter, named for what it holds."""
    run = resolve_run(ws, run_ref)
    found = disagreements(ws, run.run_id, check_name, kind)
    what = {"false_pass": "false passes", "false_fail": "false fails"}.get(kind or "", "disagreements")
    return ItemFilter(run.run_id, item_keys=tuple(d.item_key for d in found), keys_label=f"{what} of {check_name}")


@dataclass(frozen=True)
class LabelCandidate:
    """An unlabelled item offered for labelling, and how unsure its verdict is (0 sure .. 1 a coin toss)."""

    item_key: int
    item_id: str
    check_passed: bool
    uncertainty: float
    reason: str


def uncertainty_from_probability(probability: float) -> float:
    """A grader's pass probability as uncertainty: 1 at 0.5, 0 at 0 or 1 (a learned grader plugs in here)."""
    return 1.0 - abs(2.0 * probability - 1.0)


def uncertainty_from_agreement(agreement: float) -> float:
    """A majority vote's agreement rate (0.5..1 of k samples) as uncertainty: 1 at a split vote, 0 unanimous."""
    return max(0.0, min(1.0, 2.0 * (1.0 - agreement)))


def label_next(
    ws: Workspace,
    run_ref: str | int,
    check_name: str,
    limit: int = 20,
    uncertainty: Mapping[int, float] | None = None,
) -> list[LabelCandidate]:
    """The unlabelled items the check graded, least sure verdict first.

    `uncertainty` maps item_key to 0..1 (a judge's vote agreement or a learned grader's probability, through the
    helpers above). Without it, a deterministic check is as unsure on an item as the share of the item's other
    checks that gave the other verdict. Ties are broken by the seeded hash that picks the test part, so the
    offer spreads over the run instead of starting at its first items.
    """
    run = resolve_run(ws, run_ref)
    known_check(ws, run.run_id, run.name, check_name)
    candidates = []
    for key, item_id, passed, others, against in label_queries.unlabelled_candidates(ws.db, run.run_id, check_name):
        if uncertainty is not None:
            score = float(uncertainty.get(key, 0.0))
            reason = f"uncertainty {score:.2f}"
        else:
            score = against / others if others else 0.0
            reason = f"{against} of {others} other checks disagree" if others else "no other check grades it"
        candidates.append(LabelCandidate(key, item_id, passed, score, reason))
    candidates.sort(key=lambda c: (-c.uncertainty, _spread(c.item_id, check_name)))
    return candidates[:limit]


def _spread(item_id: str, check_name: str) -> str:
    return hashlib.md5(f"label-next\x1f{LOCKED_TEST_SEED}\x1f{item_id}\x1f{check_name}".encode()).hexdigest()
