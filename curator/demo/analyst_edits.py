"""The demo analyst's own fix of a failing output (`curator revise edit`, done by code): the smallest edit that
repairs what the failing checks name, taken from the item's target, the rest left as the model wrote it.

- `answer` or `emoji` fails: the `<think>` (it names the weather class and the sum) and the failing tag's content
  become the target's;
- `weather_tag` fails: the target's `<display_weather>` tag is inserted after `</answer>` (or at the end);
- `think_answer` fails: a missing `<think>` or `<answer>` is inserted from the target;
- `no_think_without_api` / `no_tag_without_api` fail: the stray `<think>` / `<display_weather>` tag is removed.
An output that fails nothing is returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _tag(tag: str) -> re.Pattern:
    return re.compile(rf"<{tag}>.*?</{tag}>", re.S)


THINK, ANSWER, WEATHER = _tag("think"), _tag("answer"), _tag("display_weather")


def _set(text: str, pattern: re.Pattern, wanted: str | None) -> str:
    """`text` with its `pattern` span replaced by `wanted` (when both exist)."""
    if wanted is None or pattern.search(text) is None:
        return text
    return pattern.sub(lambda _m: wanted, text, count=1)


def _insert(text: str, wanted: str | None, after: re.Pattern | None, before: re.Pattern | None) -> str:
    """`wanted` inserted after the `after` span, else before the `before` span, else at the end."""
    if wanted is None:
        return text
    if after is not None and (match := after.search(text)):
        return text[: match.end()] + wanted + text[match.end() :]
    if before is not None and (match := before.search(text)):
        return text[: match.start()] + wanted + text[match.start() :]
    return text + wanted


def _target_span(target: str, pattern: re.Pattern) -> str | None:
    match = pattern.search(target or "")
    return match.group(0) if match else None


def analyst_edit(output: str, target: str, failing: Iterable[str]) -> str:
    """The output with the spans the `failing` checks name repaired from `target` (see the module docstring)."""
    failing = set(failing)
    think, answer, weather = (_target_span(target, p) for p in (THINK, ANSWER, WEATHER))
    text = output
    if "no_think_without_api" in failing:
        text = THINK.sub("", text).replace("<think>", "")
    if "no_tag_without_api" in failing:
        text = WEATHER.sub("", text)
    if failing & {"answer", "emoji"}:
        text = _set(text, THINK, think)
    if "answer" in failing or "think_answer" in failing:
        text = _set(text, ANSWER, answer) if ANSWER.search(text) else _insert(text, answer, THINK, WEATHER)
    if "think_answer" in failing and not THINK.search(text):
        text = _insert(text, think, None, ANSWER)
    if "emoji" in failing:
        text = _set(text, WEATHER, weather)
    if "weather_tag" in failing and not WEATHER.search(text):
        text = _insert(text, weather, ANSWER, None)
    return text.strip() if text != output else output
