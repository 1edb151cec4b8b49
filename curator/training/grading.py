"""Grading generated outputs with the run's checks inside a child process (pure Python, no database)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from curator.checks.graders import Case, grade_outputs
from curator.checks.spec import CheckSpec


def specs_from_dicts(checks: list[dict]) -> list[CheckSpec]:
    """Check specs as the domain serialised them into a job file."""
    return [CheckSpec.from_json(json.dumps(c)) for c in checks]


@dataclass
class DevPassRates:
    """Dev-eval results: how many items pass every check that applies to them (the rate early stopping keeps the
    best checkpoint by), and pass counts per check (shown beside it)."""

    per_check: dict[str, list[int]] = field(default_factory=dict)  # name -> [passed, graded]
    items_passing: int = 0
    items_graded: int = 0  # items at least one check graded

    @property
    def pass_rate(self) -> float:
        """Share of graded items that pass every check that applies to them."""
        return self.items_passing / self.items_graded if self.items_graded else 0.0

    def as_dict(self) -> dict:
        return {
            "pass_rate": round(self.pass_rate, 4),
            "items": self.items_graded,
            "per_check": {name: round(p / n, 4) if n else None for name, (p, n) in self.per_check.items()},
        }


def dev_pass_rates(specs: list[CheckSpec], items: list[dict], outputs: list[str]) -> DevPassRates:
    """Dev-eval pass counts: each output graded against its item (input, target) by every spec, in one
    `grade_outputs` call; a check that applies but gives no verdict counts for nothing."""
    result = DevPassRates({spec.name: [0, 0] for spec in specs})
    cases = [Case(item.get("input"), item.get("target"), output) for item, output in zip(items, outputs, strict=True)]
    for grades in grade_outputs(specs, cases):
        graded = [(name, g) for name, g in grades.items() if g.graded]
        for name, g in graded:
            counts = result.per_check[name]
            counts[0] += int(g.passed)
            counts[1] += 1
        if graded:
            result.items_graded += 1
            result.items_passing += int(all(g.passed for _, g in graded))
    return result
