"""A judge's rubric: a Jinja template over the item, checked for syntax here; rendered by jobs.judging in the
fix templates' sandbox. Also what the judge is told about the answer format, and the values a rubric sees."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

RUBRIC_NAMES = ("input", "output", "target", "reasons")
_GLOBALS = ("range", "lipsum", "dict", "cycler", "joiner", "namespace")


@lru_cache(maxsize=1)
def _parser() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(autoescape=False, keep_trailing_newline=True)


def rubric_problem(source: str) -> str | None:
    """Why `source` cannot be a rubric (a syntax error with its line, a name it may not use), or None."""
    try:
        tree = _parser().parse(source)
    except TemplateSyntaxError as error:
        return f"the rubric does not compile: line {error.lineno} of the rubric: {error.message}"
    unknown = sorted(meta.find_undeclared_variables(tree) - set(RUBRIC_NAMES) - set(_GLOBALS))
    if unknown:
        return f"the rubric uses '{unknown[0]}'; a rubric sees only {', '.join(RUBRIC_NAMES)}"
    return None


def rubric_values(
    *, input: str | None, output: str | None, target: str | None, reasons: dict[str, tuple[bool, str]]
) -> dict:
    """What a rubric renders over: the item's texts ('' when missing) and the other checks' verdicts on it, as
    `reasons[name].passed` / `reasons[name].reason`."""
    return {
        "input": input or "",
        "output": output or "",
        "target": target or "",
        "reasons": {name: {"passed": passed, "reason": reason or ""} for name, (passed, reason) in reasons.items()},
    }


def answer_instruction(scale: str, score_range: list | None) -> str:
    """The line appended to every rendered rubric, so that the answer has a form Curator can read."""
    if scale == "pass_fail":
        return "\n\nEnd your answer with one line: `Verdict: PASS` or `Verdict: FAIL`."
    low, high = score_range
    return f"\n\nEnd your answer with one line: `Score: N`, where N is a number from {low:g} to {high:g}."


def judge_prompt(rendered_rubric: str, scale: str, score_range: list | None) -> str:
    """The prompt the judge model gets: the rendered rubric and the answer instruction."""
    return rendered_rubric.rstrip() + answer_instruction(scale, score_range)
