"""Rewards from check results: a weighted mean of the checks that apply, with optional partial credit.

The `[rewards]` table of a checks TOML file weights each check and may give a failing check partial credit:

    [rewards]
    weights = { helpfulness = 0.4, safety = 0.4, truthfulness = 0.2 }
    partial = { truthfulness = 0.5 }   # a failing truthfulness check still earns half its weight

Without a `[rewards]` table every check weighs the same (the mean of the checks). Checks that do not apply to an
item, or that apply but gave no verdict (a judge outside `curator check`, a learned grader not yet fitted), are left
out and the weights of the others renormalised. Pure Python: the training child imports it for GRPO.
The table itself is read and checked in checks/reward_table.py.
"""

from __future__ import annotations

from pathlib import Path

from curator.checks.graders import Case, grade_outputs, stored_results
from curator.checks.reward_table import (
    MEAN_OF_CHECKS,
    CheckResults,
    RewardSpec,
    result_graded,
    result_passed,
    rewards_from_document,
)
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
    """True when every check that graded the output passed (and at least one graded it); a check that applied but
    gave no verdict (passed None) counts neither way."""
    graded = [r for r in results.values() if result_graded(r)]
    return bool(graded) and all(result_passed(r) for r in graded)


def grade_output(specs: list[CheckSpec], *, input: str | None, target: str | None, output: str) -> dict[str, list]:
    """One output's stored results, {name: [passed, reason]} (the shape rollouts store): `grade_outputs` for one
    case; callers with many outputs grade them in one `grade_outputs` call (a learned grader embeds them at once)."""
    return stored_results(grade_outputs(specs, [Case(input, target, output)])[0])


def load_rewards(path: Path | str, check_names: list[str] | None = None) -> RewardSpec:
    """The `[rewards]` table of a checks TOML file (the mean of the checks when it has none)."""
    return load_rewards_text(read_spec_file(path), Path(path), check_names)


def load_rewards_text(text: str, origin: Path | str = "<checks>", check_names: list[str] | None = None) -> RewardSpec:
    """Parse `[rewards]`; CheckSpecError names the line and field of a bad weight or credit."""
    return rewards_from_document(parse_toml(text, origin), text, origin, check_names)
