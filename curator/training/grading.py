"""Grading generated outputs with the run's checks inside a child process (pure Python, no database)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from curator.checks.graders import grade
from curator.checks.spec import CheckSpec


def specs_from_dicts(checks: list[dict]) -> list[CheckSpec]:
    """Check specs as the domain serialised them into a job file."""
    return [CheckSpec.from_json(json.dumps(c)) for c in checks]


@dataclass
class GradeTally:
    """Dev-eval results: how many items pass every check that applies to them (the rate early stopping keeps the
    best checkpoint by), and pass counts per check (shown beside it)."""

    per_check: dict[str, list[int]] = field(default_factory=dict)  # name -> [passed, applicable]
    items_passing: int = 0
    items_graded: int = 0  # items at least one check applies to

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


def tally(specs: list[CheckSpec], items: list[dict], outputs: list[str]) -> GradeTally:
    """Grade each output against its item (input, target) with every spec."""
    result = GradeTally({spec.name: [0, 0] for spec in specs})
    for item, output in zip(items, outputs, strict=True):
        verdicts = [
            (spec, grade(spec, input=item.get("input"), target=item.get("target"), output=output)) for spec in specs
        ]
        applied = [(spec, g) for spec, g in verdicts if g.applicable]
        for spec, g in applied:
            counts = result.per_check[spec.name]
            counts[0] += int(g.passed)
            counts[1] += 1
        if applied:
            result.items_graded += 1
            result.items_passing += int(all(g.passed for _, g in applied))
    return result
