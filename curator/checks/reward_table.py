"""The `[rewards]` table of a checks TOML file: weights per check and partial credit, checked when it is read.

    [rewards]
    weights = { helpfulness = 0.4, safety = 0.4, truthfulness = 0.2 }
    partial = { truthfulness = 0.5 }   # a failing truthfulness check still earns half its weight

A weight is 0 or between MIN_WEIGHT and MAX_WEIGHT (weights are relative, so this range loses nothing, and no
weighted sum can overflow or vanish into rounding); partial credit is a share from 0 to 1. NaN and infinities are
refused. Pure Python, like the rest of the rewards: the training child reads RewardSpec for GRPO.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from curator.checks.options import finite_number
from curator.checks.toml_input import CheckSpecError

# A check result as stored with a rollout or example: {name: [passed, reason]} (passed None: applied, not graded),
# or a bare bool per name.
CheckResults = Mapping[str, object]
MIN_WEIGHT = 1e-6
MAX_WEIGHT = 1e6


@dataclass(frozen=True)
class RewardSpec:
    """Weights per check (None: every check weighs 1) and partial credit (0..1) a failing check still earns."""

    weights: dict[str, float] | None = None
    partial: dict[str, float] = field(default_factory=dict)

    def weight(self, name: str) -> float:
        return 1.0 if self.weights is None else self.weights.get(name, 0.0)

    def credit(self, name: str, passed: bool) -> float:
        """What one check earns before weighting: 1 when it passed, its partial credit (default 0) when not."""
        return 1.0 if passed else self.partial.get(name, 0.0)

    def reward(self, results: CheckResults) -> float:
        """The weighted mean credit over the checks that graded (0.0 when none graded or none carries weight)."""
        total_weight = earned = 0.0
        for name, result in results.items():
            if not result_graded(result):
                continue
            weight = self.weight(name)
            total_weight += weight
            earned += weight * self.credit(name, result_passed(result))
        return earned / total_weight if total_weight > 0 else 0.0

    def to_json(self) -> str:
        return json.dumps({"weights": self.weights, "partial": self.partial}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> RewardSpec:
        data = json.loads(text) if text else {}
        return cls(weights=data.get("weights"), partial=data.get("partial") or {})


MEAN_OF_CHECKS = RewardSpec()


def result_graded(result) -> bool:
    """Whether a stored check result holds a verdict ([None, reason]: the check applied but did not grade)."""
    if isinstance(result, bool):
        return True
    if isinstance(result, Mapping):
        return result.get("passed") is not None
    return result[0] is not None


def result_passed(result) -> bool:
    """Whether a stored check result passed: a bool, {"passed": ...} or [passed, reason]."""
    if isinstance(result, bool):
        return result
    if isinstance(result, Mapping):
        return bool(result.get("passed"))
    return bool(result[0])


def rewards_from_document(
    data: dict, text: str, origin: Path | str, check_names: list[str] | None = None
) -> RewardSpec:
    """The `[rewards]` table of a parsed checks file (the mean of the checks when it has none); CheckSpecError
    names the line and field of a bad weight or credit."""
    table = data.get("rewards")
    if table is None:
        return MEAN_OF_CHECKS
    lines = text.splitlines()

    def fail(key: str, problem: str):
        raise CheckSpecError(origin, problem, record="rewards", line=_line_of(lines, key), field=key)

    if not isinstance(table, dict):
        fail("rewards", "must be a table: [rewards] with weights = { check = number, ... }")
    for key in table:
        if key not in ("weights", "partial"):
            fail(key, "unknown key in [rewards]; it takes: weights, partial")
    weights = _numbers(table.get("weights"), "weights", fail, check_names, _weight_problem)
    partial = _numbers(table.get("partial"), "partial", fail, check_names, _credit_problem) or {}
    if weights is not None and sum(weights.values()) <= 0:
        fail("weights", "at least one check needs a weight above 0")
    return RewardSpec(weights=weights, partial=partial)


def _weight_problem(number) -> str | None:
    if not finite_number(number, at_least=0):
        return "must be a finite number >= 0"
    if number != 0 and not MIN_WEIGHT <= number <= MAX_WEIGHT:
        return f"must be 0 or between {MIN_WEIGHT:g} and {MAX_WEIGHT:g} (weights are relative)"
    return None


def _credit_problem(number) -> str | None:
    if not finite_number(number, at_least=0):
        return "must be a finite number >= 0"
    if number > 1:
        return "must be at most 1 (a share of the check's weight)"
    return None


def _numbers(value, key: str, fail, check_names: list[str] | None, problem_of) -> dict[str, float] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        fail(key, f"must be a table of check names to numbers, e.g. {key} = {{ answer = 0.5 }}")
    out = {}
    for name, number in value.items():
        if check_names is not None and name not in check_names:
            fail(key, f"names no check '{name}'; the checks are: {', '.join(check_names)}")
        problem = problem_of(number)
        if problem:
            fail(key, f"'{name}' {problem}, not {number!r}")
        out[name] = float(number)
    return out


def _line_of(lines: list[str], key: str) -> int | None:
    """The line of `key` inside the [rewards] table (or of the table's header)."""
    header = next((i for i, line in enumerate(lines) if re.match(r"^\s*\[\s*rewards\s*\]", line)), None)
    if header is None:
        return None
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(header + 1, len(lines)):
        if re.match(r"^\s*\[", lines[i]):
            break
        if pattern.match(lines[i]):
            return i + 1
    return header + 1
