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
    """Pass counts per check over a set of outputs; the pass rate is over every applicable (item, check)."""

    per_check: dict[str, list[int]] = field(default_factory=dict)  # name -> [passed, applicable]

    @property
    def passed(self) -> int:
        return sum(p for p, _ in self.per_check.values())

    @property
    def applicable(self) -> int:
        return sum(n for _, n in self.per_check.values())

    @property
    def pass_rate(self) -> float:
        return self.passed / self.applicable if self.applicable else 0.0

    def as_dict(self) -> dict:
        return {
            "pass_rate": round(self.pass_rate, 4),
            "per_check": {name: round(p / n, 4) if n else None for name, (p, n) in self.per_check.items()},
        }


def tally(specs: list[CheckSpec], items: list[dict], outputs: list[str]) -> GradeTally:
    """Grade each output against its item (input, target) with every spec."""
    result = GradeTally({spec.name: [0, 0] for spec in specs})
    for item, output in zip(items, outputs, strict=True):
        for spec in specs:
            g = grade(spec, input=item.get("input"), target=item.get("target"), output=output)
            if g.applicable:
                counts = result.per_check[spec.name]
                counts[0] += int(g.passed)
                counts[1] += 1
    return result
