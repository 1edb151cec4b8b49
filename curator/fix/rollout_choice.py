"""Which samples of an input count: passing, the best passing one (rejection sampling) and the preference pairs,
decided over stored rollouts alone (no workspace), so a proposal and a pair are the same wherever they are made."""

from __future__ import annotations

from dataclasses import dataclass, field

from curator.errors import CuratorError
from curator.storage.rollouts import RolloutRow

DEFAULT_MAX_PAIRS = 2


@dataclass(frozen=True)
class ProposalReport:
    """What rejection sampling stored: the batch (None when no input had a passing sample) and counts per status."""

    batch_id: int | None
    counts: dict[str, int] = field(default_factory=dict)
    without_pass: int = 0

    @property
    def proposed(self) -> int:
        return self.counts.get("proposed", 0)


@dataclass(frozen=True)
class FollowUp:
    """What to make from a sample set: the best passing sample of each input proposed as an example (`propose`)
    and up to `pairs` preference pairs per input; `require` names the checks that make a sample passing."""

    propose: bool = False
    pairs: int = 0
    require: list[str] | None = None

    def __post_init__(self) -> None:
        if self.pairs < 0:
            raise CuratorError(f"pairs per input must be 0 (none) or more, not {self.pairs}")

    def __bool__(self) -> bool:
        return self.propose or self.pairs > 0


@dataclass(frozen=True)
class FollowUpReport:
    """What a follow-up stored: the proposals (None when not asked for) and how many pairs are new."""

    proposals: ProposalReport | None
    pairs: int


def passes(sample: RolloutRow, require: list[str] | None = None) -> bool:
    """Whether a sample passes: every check that applied, or only the `require`d ones (a check that did not
    apply to its input does not hold it back)."""
    if not require:
        return sample.passed
    return all(bool(sample.check_results[name][0]) for name in require if name in sample.check_results)


def best_passing(samples: list[RolloutRow], require: list[str] | None = None) -> RolloutRow | None:
    """The passing sample with the highest reward (the lowest sample index among equals)."""
    passing = [s for s in samples if passes(s, require)]
    return min(passing, key=lambda s: (-s.reward, s.sample_index)) if passing else None


def choose_pairs(
    samples: list[RolloutRow], max_pairs: int = DEFAULT_MAX_PAIRS, require: list[str] | None = None
) -> list[tuple[RolloutRow, RolloutRow]]:
    """(chosen, rejected) pairs of one input, up to `max_pairs`: the best passing against the worst failing first,
    then outward (next best or next worst); a pair is kept only when chosen's reward is above rejected's and the
    same two texts were not paired already."""
    passing = sorted((s for s in samples if passes(s, require)), key=lambda s: (-s.reward, s.sample_index))
    failing = sorted((s for s in samples if not passes(s, require)), key=lambda s: (s.reward, s.sample_index))
    order = sorted(
        ((c, r) for c in range(len(passing)) for r in range(len(failing))), key=lambda cr: (cr[0] + cr[1], cr[0])
    )
    pairs, texts = [], set()
    for c, r in order:
        chosen, rejected = passing[c], failing[r]
        if len(pairs) >= max_pairs:
            break
        if chosen.reward > rejected.reward and (chosen.output, rejected.output) not in texts:
            pairs.append((chosen, rejected))
            texts.add((chosen.output, rejected.output))
    return pairs


def by_input(samples: list[RolloutRow]) -> dict[int, list[RolloutRow]]:
    """The samples grouped by input (item key), in the order they come."""
    grouped: dict[int, list[RolloutRow]] = {}
    for sample in samples:
        grouped.setdefault(sample.item_key, []).append(sample)
    return grouped


def proposal_row(input_text: str, best: RolloutRow, guard, kept: set) -> dict:
    """The example row proposed from an input's best sample: contaminated when the held-out `guard` refuses its
    input, duplicate when (input, output) is already in `kept` (which it joins otherwise)."""
    row = {
        "source_item_key": best.item_key,
        "rollout_id": best.rollout_id,
        "input": input_text,
        "target": best.output,
        "check_results": best.check_results,
        "status": "proposed",
        "reason": None,
    }
    refusal = guard.check_one(input_text) if guard else None
    if refusal is not None:
        return row | {"status": "contaminated", "reason": refusal.reason()}
    if (input_text, best.output) in kept:
        return row | {"status": "duplicate", "reason": "exact duplicate of an existing example"}
    kept.add((input_text, best.output))
    return row


def status_counts(rows: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts
