"""Rewards from check results: a weighted mean of the checks that apply, with optional partial credit.

The `[rewards]` table of a checks TOML file weights each check and may give a failing check partial credit:

    [rewards]
    weights = { helpfulness = 0.4, safety = 0.4, truthfulness = 0.2 }
    partial = { truthfulness = 0.5 }   # a failing truthfulness check still earns half its weight

Without a `[rewards]` table every check weighs the same (the mean of the checks). Checks that do not apply to an
item are left out and the weights of the others renormalised. Pure Python: the training child imports it for GRPO.
The table itself is read and checked in checks/reward_table.py.
"""

from __future__ import annotations

from pathlib import Path

from curator.checks.graders import grade
from curator.checks.reward_table import MEAN_OF_CHECKS, CheckResults, RewardSpec, result_passed, rewards_from_document
from curator.checks.spec import CheckSpec
from curator.checks.toml_input import parse_toml, read_spec_file

__all__ = [
    "MEAN_OF_CHECKS",
    "CheckResults",
    "RewardSpec",
    "all_passed",
    "grade_output",
    "load_rewards",
    "load_rewards_text",
]


def all_passed(results: CheckResults) -> bool:
    """True when every check that applied passed (and at least one applied)."""
    return bool(results) and all(result_passed(r) for r in results.values())


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
    return load_rewards_text(read_spec_file(path), Path(path), check_names)


def load_rewards_text(text: str, origin: Path | str = "<checks>", check_names: list[str] | None = None) -> RewardSpec:
    """Parse `[rewards]`; CheckSpecError names the line and field of a bad weight or credit."""
    return rewards_from_document(parse_toml(text, origin), text, origin, check_names)
