"""The rule kinds (regex, tags, exact, numeric, keyword map, JSON schema): one item by one check in pure Python,
the reference the SQL runner must agree with.

Many outputs against a list of checks, model-graded kinds included, go through curator.checks.graders."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache, partial

from curator.checks import regex_engine, regex_rules
from curator.checks.spec import CheckSpec


@dataclass(frozen=True)
class Grade:
    """Whether a check applies to an item, whether it graded it and the item passed, and a short concrete reason.

    A model-graded check that applies but gave no verdict (no model at hand, too few labels, an answer Curator
    cannot read) is `graded=False`: never a pass. `score` is a model's score where it has one (a learned
    grader's probability of pass)."""

    applicable: bool
    passed: bool
    reason: str
    graded: bool = True
    score: float | None = None


NOT_APPLICABLE = Grade(applicable=False, passed=False, reason="not applicable")


def not_graded(reason: str) -> Grade:
    """A check that applies but gave no verdict, with why."""
    return Grade(applicable=True, passed=False, reason=reason, graded=False)


def applies(spec: CheckSpec, input_text: str | None) -> bool:
    """Whether an item meets the spec's input conditions (`when_input`, `unless_input`)."""
    input_text = input_text or ""
    if spec.when_input is not None and not regex_engine.search(spec.when_input, input_text):
        return False
    return spec.unless_input is None or not regex_engine.search(spec.unless_input, input_text)


def grade_rule(spec: CheckSpec, *, input: str | None, target: str | None, output: str | None) -> Grade:
    """Grade an item already known to meet the spec's input conditions, by a rule kind (no model)."""
    text = {"output": output, "target": target, "input": input}[spec.field] or ""
    return _GRADERS[spec.kind](spec.options, text, target, spec.field, input or "")


def grade_search(options: dict, text: str, target, field: str, input_text: str, *, kind: str) -> Grade:
    """regex, regex_absent, tag_present, tag_absent: one leftmost search decides (RE2, as in SQL)."""
    rule = regex_rules.search_rule(kind, options)
    match = regex_engine.search(rule.pattern, text)
    if match is None:
        return Grade(True, not rule.pass_when_found, rule.missing_reason)
    if rule.pass_when_found:
        return Grade(True, True, rule.passed_reason)
    return Grade(True, False, regex_rules.found_reason(match.group(0), match.start()))


# --- exact -------------------------------------------------------------------------------------


def exact_words(text: str, ignore_case: bool) -> list[str]:
    """The words of `text` (split on ASCII whitespace), lowered when case is ignored."""
    text = text.lower() if ignore_case else text
    stripped = text.strip(regex_rules.WHITESPACE_CHARS)
    return re.split(f"[{regex_rules.WHITESPACE_CHARS}]+", stripped) if stripped else []


def grade_exact(options: dict, text: str, target: str | None, field: str, input_text: str) -> Grade:
    if target is None:
        return NOT_APPLICABLE
    ignore_case, normalize = options.get("ignore_case", True), options.get("normalize_whitespace", True)
    found, expected = exact_words(text, ignore_case), exact_words(target, ignore_case)
    if normalize:
        same = found == expected
    else:
        same = (text.lower() if ignore_case else text) == (target.lower() if ignore_case else target)
    if same:
        return Grade(True, True, "matches the target")
    for index in range(max(len(found), len(expected))):
        got = found[index] if index < len(found) else None
        want = expected[index] if index < len(expected) else None
        if got != want:
            return Grade(True, False, f"differs at word {index + 1}: found {_word(got)}, expected {_word(want)}")
    return Grade(True, False, "differs in whitespace")


def _word(word: str | None) -> str:
    return "nothing" if word is None else f"'{regex_rules.clip(word)}'"


# --- numeric -----------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|(?<![\w.])[-+]?\.\d+")
_ANSWER_TAG = r"(?s)<answer>(.*?)</answer>"  # RE2: Python's re rescans to the end after every unclosed <answer>
_GSM8K_ANSWER = re.compile(r"####\s*([-+]?[\d,]*\.?\d+)")


def extract_number(text: str) -> str | None:
    """The answer number of `text`: from its last `<answer>…</answer>`, else `#### N`, else its last number."""
    answers = regex_engine.findall(_ANSWER_TAG, text)
    if answers:
        return _last_number(answers[-1])
    marked = _GSM8K_ANSWER.search(text)
    if marked:
        return _last_number(marked.group(1))
    return _last_number(text)


def _last_number(text: str) -> str | None:
    numbers = _NUMBER.findall(text)
    return numbers[-1].replace(",", "").lstrip("+") if numbers else None


def grade_numeric(options: dict, text: str, target: str | None, field: str, input_text: str) -> Grade:
    if target is None or not target.strip():
        return NOT_APPLICABLE
    want = extract_number(target)
    if want is None:
        return Grade(True, False, "no number in target")
    got = extract_number(text)
    if got is None:
        return Grade(True, False, f"no number in {field}")
    difference = abs(float(got) - float(want))
    tolerance = options.get("tolerance", 1e-6)
    relative = options.get("relative_tolerance")
    close = difference <= tolerance or (relative is not None and difference <= relative * abs(float(want)))
    return Grade(True, True, got) if close else Grade(True, False, f"expected {want}, found {got}")


# --- semantic_map ------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern:
    """Any of `words` as a whole word, case-insensitive: 'sunny,' and '<SUNNY>' match 'sunny'."""
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)


def expected_token(groups: list[dict], input_text: str) -> str | None:
    """The token of the first group with a word in the input, or None when no group's word is there."""
    for group in groups:
        if _word_pattern(tuple(group["words"])).search(input_text):
            return group["token"]
    return None


def grade_semantic_map(options: dict, text: str, target, field: str, input_text: str) -> Grade:
    """Grade one output against the token its input asks for."""
    groups = options["groups"]
    want = expected_token(groups, input_text)
    if want is None:
        return NOT_APPLICABLE
    region, missing = text, "nothing"
    tag = options.get("within_tag")
    if tag:
        inside = regex_engine.search(rf"<{re.escape(tag)}(?:\s[^>]*)?>((?s:.*?))</{re.escape(tag)}>", text)
        if inside is None:
            return Grade(True, False, f"expected {want}, found no <{tag}>")
        region = inside.group(1)
        missing = f"'{regex_rules.clip(region.strip())}'" if region.strip() else "nothing"
    if want in region:
        return Grade(True, True, want)
    others = [(region.find(g["token"]), g["token"]) for g in groups if g["token"] in region]
    found = min(others)[1] if others else missing
    return Grade(True, False, f"expected {want}, found {found}")


# --- json_schema -------------------------------------------------------------------------------


def unfenced(text: str) -> str:
    """The body of a text that is one ```` ```json ```` (or bare ```` ``` ````) fence, else the text itself.

    Written with string operations, not a regex: the lazy pattern it replaces backtracked quadratically on a long
    run of spaces after an opening fence (32,000 spaces: 2.5 s)."""
    stripped = text.strip()
    opener_end = stripped.find("\n")
    if not stripped.startswith("```") or opener_end < 0 or stripped[3:opener_end].strip(" \t") not in _FENCE_LANGS:
        return text
    if not stripped.endswith("```") or len(stripped) - 3 < opener_end + 1:
        return text
    body = stripped[opener_end + 1 : -3].rstrip(" \t")
    return body[:-1] if body.endswith("\n") else body


_FENCE_LANGS = ("", "json", "JSON")


def grade_json_schema(options: dict, text: str, target, field: str, input_text: str) -> Grade:
    body = unfenced(text)
    try:
        value = json.loads(body)
    except json.JSONDecodeError as error:
        return Grade(True, False, f"not JSON: {error.msg} at char {error.pos}")
    except RecursionError:
        return Grade(True, False, "not JSON Curator can read: nested too deeply")
    from referencing.exceptions import Unresolvable  # loaded with jsonschema, below

    try:
        error = _best_schema_error(options["schema"], value)
    except RecursionError:
        return Grade(True, False, "nested too deeply to validate")
    except Unresolvable as unresolved:  # a spec stored before references were checked at load
        return Grade(True, False, f"schema reference {_clip_message(str(unresolved.ref))} does not resolve inside it")
    if error is None:
        return Grade(True, True, "valid")
    return Grade(True, False, f"{error.json_path}: {_clip_message(error.message)}")


def _best_schema_error(schema: dict, value):
    # jsonschema pulls in referencing/rpds (~0.1 s): only json_schema checks pay for it.
    import jsonschema

    validator = _validator(json.dumps(schema, sort_keys=True))
    return jsonschema.exceptions.best_match(validator.iter_errors(value))


@lru_cache(maxsize=64)
def _validator(schema_json: str):
    from curator.checks import schema_rules

    return schema_rules.validator(json.loads(schema_json))


def _clip_message(message: str, limit: int = 100) -> str:
    message = message.replace("\n", " ")
    return message if len(message) <= limit else message[: limit - 1] + "…"


_GRADERS = {
    **{kind: partial(grade_search, kind=kind) for kind in ("regex", "regex_absent", "tag_present", "tag_absent")},
    "exact": grade_exact,
    "numeric": grade_numeric,
    "semantic_map": grade_semantic_map,
    "json_schema": grade_json_schema,
}
