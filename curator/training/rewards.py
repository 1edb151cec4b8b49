"""GRPO's reward: each sampled completion graded by the run's checks, combined by the job's reward spec.

The same pure functions score rollouts on the domain side (curator.checks.rewards), so a GRPO reward of 0.8 means
what a rollout's reward of 0.8 means.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.checks.graders import Case, grade_outputs, stored_results
from curator.checks.rewards import RewardSpec
from curator.checks.spec import CheckSpec

if TYPE_CHECKING:
    from curator.checks.judging.grading import JudgeAnswerer


def completion_text(completion) -> str:
    """A sampled completion as text: TRL passes message lists for conversational prompts, strings otherwise."""
    if isinstance(completion, str):
        return completion
    return "".join(m.get("content") or "" for m in completion if m.get("role", "assistant") == "assistant")


def checks_reward(specs: list[CheckSpec], rewards: dict | None, judges: JudgeAnswerer | None = None):
    """A TRL reward function: the weighted checks of each completion against its row's input and target (the batch
    graded in one call, so a learned grader embeds it at once from its fitted file and a judge is asked once per
    distinct prompt through `judges`)."""
    spec = RewardSpec(weights=(rewards or {}).get("weights"), partial=(rewards or {}).get("partial") or {})

    def checks(prompts, completions, input=None, target=None, **_) -> list[float]:
        inputs = input or [None] * len(completions)
        targets = target or [None] * len(completions)
        cases = [Case(i, t, completion_text(c)) for i, t, c in zip(inputs, targets, completions, strict=True)]
        return [spec.reward(stored_results(grades)) for grades in grade_outputs(specs, cases, judges)]

    return checks
