"""Rewards from check results: a weighted mean of the checks that apply, with optional partial credit.

The `[rewards]` table of a checks TOML file weights each check and may give a failing check partial credit:

    [rewards]
    weights = { helpfulness = 0.4, safety = 0.4, truthfulness = 0.2 }
    partial = { truthfulness = 0.5 }   # a failing truthfulness check still earns half its weight

Without a `[rewards]` table every check weighs the same (the mean of the checks). Checks that do not apply to an
item are left out and the weights of the others renormalised. Pure Python: the training child imports it for GRPO.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from curator.checks.graders import grade
from curator.checks.spec import CheckSpec, CheckSpecError

# A check result as stored with a rollout or example: {name: [passed, reason]}, or a bare bool per name.
CheckResults = Mapping[str, object]


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
        """The weighted mean credit over the checks that applied (0.0 when none applied or none carries weight)."""
        total_weight = earned = 0.0
        for name, result in results.items():
            weight = self.weight(name)
            total_weight += weight
            earned += weight * self.credit(name, _passed(result))
        return earned / total_weight if total_weight > 0 else 0.0

    def to_json(self) -> str:
        return json.dumps({"weights": self.weights, "partial": self.partial}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> RewardSpec:
        data = json.loads(text) if text else {}
        return cls(weights=data.get("weights"), partial=data.get("partial") or {})


MEAN_OF_CHECKS = RewardSpec()


def _passed(result) -> bool:
    if isinstance(result, bool):
        return result
    if isinstance(result, Mapping):
        return bool(result.get("passed"))
    return bool(result[0])


def all_passed(results: CheckResults) -> bool:
    """True when every check that applied passed (and at least one applied)."""
    return bool(results) and all(_passed(r) for r in results.values())


def grade_output(specs: list[CheckSpec], *, input: str | None, target: str | None, output: str) -> dict[str, list]:
    """{name: [passed, reason]} for every check that applies to this output (the shape rollouts store)."""
    results = {}
    for spec in specs:
        verdict = grade(spec, input=input, target=target, output=output)
        if verdict.applicable:
            results[spec.name] = [verdict.passed, verdict.reason]
    return results


def load_rewards(path: Path | str, check_names: list[str] | None = None) -> RewardSpec:
    """The `[rewards]` table of a checks TOML file (the mean of the checks when it has none)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise CheckSpecError(path, f"cannot read the check spec: {reason}") from None
    return load_rewards_text(text, path, check_names)


def load_rewards_text(text: str, origin: Path | str = "<checks>", check_names: list[str] | None = None) -> RewardSpec:
    """Parse `[rewards]`; CheckSpecError names the line and field of a bad weight or credit."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column \d+\)", str(error))
        raise CheckSpecError(
            origin, f"not valid TOML: {str(error).split(' (at line')[0]}", line=int(found.group(1)) if found else None
        ) from None
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
    weights = _numbers(table.get("weights"), "weights", fail, check_names, upper=None)
    partial = _numbers(table.get("partial"), "partial", fail, check_names, upper=1.0) or {}
    if weights is not None and sum(weights.values()) <= 0:
        fail("weights", "at least one check needs a weight above 0")
    return RewardSpec(weights=weights, partial=partial)


def _numbers(value, key: str, fail, check_names: list[str] | None, upper: float | None) -> dict[str, float] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        fail(key, f"must be a table of check names to numbers, e.g. {key} = {{ answer = 0.5 }}")
    out = {}
    for name, number in value.items():
        if check_names is not None and name not in check_names:
            fail(key, f"names no check '{name}'; the checks are: {', '.join(check_names)}")
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0:
            fail(key, f"'{name}' must be a number >= 0, not {number!r}")
        if upper is not None and number > upper:
            fail(key, f"'{name}' must be at most {upper:g} (a share of the check's weight), not {number!r}")
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
