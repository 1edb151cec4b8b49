"""Reading a judge's answers: one verdict per sample, then a majority vote over the samples with its agreement.

An answer Curator cannot read is never a pass: the item is left not graded, with the reason.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

_LABELLED_VERDICT = re.compile(r"\b(?:verdict|answer|decision|grade|result)\s*[:=\-]?\s*\**\s*(pass|fail)", re.I)
_VERDICT_WORD = re.compile(r"\b(pass|fail)(?:ed|es|ing)?\b", re.I)
_NUMBER = r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)"
_LABELLED_SCORE = re.compile(rf"\b(?:score|rating|grade)\s*(?:is|of)?\s*[:=]?\s*\**\s*({_NUMBER})", re.I)
_BARE_SCORE = re.compile(rf"\s*\**({_NUMBER})\**\s*\.?\s*\Z")  # an answer that is only a number
_OUT_OF = re.compile(rf"({_NUMBER})\s*(?:/|out of)\s*{_NUMBER}")
CLIP = 60


@dataclass(frozen=True)
class Reading:
    """One sample's answer as read: a verdict (and a score on the score scale), or the problem with it."""

    passed: bool | None
    score: float | None = None
    problem: str | None = None

    @property
    def readable(self) -> bool:
        return self.passed is not None


@dataclass(frozen=True)
class Verdict:
    """A judge's verdict on one item: graded or not, passed, the score, how many samples agreed, a short reason."""

    graded: bool
    passed: bool
    score: float | None
    agreement: float | None
    reason: str


def clip(text: str, limit: int = CLIP) -> str:
    """An answer, shortened and on one line, with control characters escaped, for a reason."""
    flat = " ".join(text.split())
    flat = "".join(c if c.isprintable() else repr(c)[1:-1] for c in flat)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def read_answer(answer: str, scale: str, score_range: list | None = None, threshold: float | None = None) -> Reading:
    """The verdict in one answer: `Verdict: PASS`/`FAIL` (or PASS or FAIL words that agree), or `Score: N` (or one
    `N/5`, or an answer that is only a number) within the score range; anything else is a problem, never a pass.
    A number inside a sentence is not a score: "the answer tag is 4" must not read as 4 out of 5."""
    if scale == "pass_fail":
        return _read_pass_fail(answer)
    return _read_score(answer, score_range, threshold)


def _read_pass_fail(answer: str) -> Reading:
    labelled = _LABELLED_VERDICT.findall(answer)
    words = labelled or _VERDICT_WORD.findall(answer)
    found = {word.upper() for word in words}
    if len(found) == 1:
        return Reading(passed=found == {"PASS"})
    if not found:
        return Reading(None, problem=f"no PASS or FAIL in the answer '{clip(answer)}'")
    if labelled:  # several labelled verdicts that disagree: the last one is the conclusion
        return Reading(passed=labelled[-1].upper() == "PASS")
    return Reading(None, problem=f"both PASS and FAIL in the answer '{clip(answer)}'")


def _read_score(answer: str, score_range: list | None, threshold: float | None) -> Reading:
    low, high = score_range or (1, 5)
    labelled = _LABELLED_SCORE.findall(answer)
    out_of = _OUT_OF.findall(answer)
    bare = _BARE_SCORE.match(answer)
    if labelled:
        text = labelled[-1]
    elif len(out_of) == 1:
        text = out_of[0]
    elif bare:
        text = bare.group(1)
    else:
        return Reading(None, problem=f"no 'Score: N' in the answer '{clip(answer)}'")
    score = float(text)
    if not low <= score <= high:
        return Reading(None, problem=f"score {score:g} outside {low:g}..{high:g} in the answer '{clip(answer)}'")
    return Reading(passed=threshold is not None and score >= threshold, score=score)


def vote(readings: list[Reading], scale: str, threshold: float | None = None) -> Verdict:
    """The majority verdict of the samples of one item and the share of samples that gave it.

    Unreadable samples count against the agreement; no readable sample, or a tie, leaves the item not graded."""
    total = len(readings)
    readable = [r for r in readings if r.readable]
    if not readable:
        problem = readings[0].problem if readings else "no answer"
        more = f" (all {total} samples)" if total > 1 else ""
        return Verdict(False, False, None, None, f"not graded: {problem}{more}")
    passes = sum(r.passed for r in readable)
    fails = len(readable) - passes
    score = statistics.median(r.score for r in readable) if scale == "score" else None
    if passes == fails:
        return Verdict(
            False, False, score, passes / total, f"not graded: the samples split {passes} PASS / {fails} FAIL"
        )
    passed = passes > fails
    agreement = max(passes, fails) / total
    return Verdict(True, passed, score, agreement, _reason(passed, score, threshold, agreement, total))


def verdict_of(answers: list[str], options: dict) -> Verdict:
    """The verdict of one prompt's sampled answers under a judge's options (scale, score range, threshold)."""
    scale, score_range, threshold = options["scale"], options.get("score_range"), options.get("threshold")
    return vote([read_answer(answer, scale, score_range, threshold) for answer in answers], scale, threshold)


def _reason(passed: bool, score: float | None, threshold: float | None, agreement: float, total: int) -> str:
    word = "PASS" if passed else "FAIL"
    text = f"judge: {word}" if score is None else f"judge: score {score:g} ({'>=' if passed else '<'} {threshold:g})"
    if total > 1:
        text += f", {round(agreement * total)}/{total} samples agree"
    return text


def parse_failure_rate(not_graded: int, total: int) -> float | None:
    """The share of items a judge left not graded (None when it graded nothing)."""
    return not_graded / total if total else None
