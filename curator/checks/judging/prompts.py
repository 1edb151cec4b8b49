"""A judge's prompt for one output: its rubric rendered in the fix templates' sandbox (time and size limits, no
attribute tricks) over the item and the other checks' reasons, then the answer instruction. `curator check` and
`grade_outputs` render through here, so the same output gets the same prompt (and the same cache key) in both."""

from __future__ import annotations

from curator.checks.judging.rubric import RUBRIC_NAMES, judge_prompt, rubric_values
from curator.checks.spec import CheckSpec
from curator.sandbox.engine import CompiledText, compile_text
from curator.sandbox.errors import TemplateError

__all__ = ["CompiledText", "TemplateError", "compile_rubric", "render_prompt"]


def compile_rubric(spec: CheckSpec) -> CompiledText:
    """The judge's rubric compiled once (a TemplateError naming the judge when it cannot be)."""
    return compile_text(f"judge {spec.name}", "rubric", spec.options["rubric"], list(RUBRIC_NAMES))


def render_prompt(
    rubric: CompiledText,
    options: dict,
    *,
    input: str | None,
    output: str | None,
    target: str | None,
    reasons: dict[str, tuple[bool | None, str]],
) -> str:
    """The prompt the judge model gets for one output (a TemplateError when the rubric fails on it)."""
    values = rubric_values(input=input, output=output, target=target, reasons=reasons)
    return judge_prompt(rubric.render(values), options["scale"], options.get("score_range"))
