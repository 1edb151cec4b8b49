"""The demo's analyst: what a user does with `t` in the app, done by code.

It starts a template from a failing dev item's own text (its input and corrected target), selects spans of
that text and turns them into slots, writes the result of the sum as an expression over the number slots, and
fills the slots from its own short lists (not the eval generator's tables: held-out forms stay unseen).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from curator.demo.task import CLOUD, RAIN, SUN, WEATHER_CLASS
from curator.errors import CuratorError
from curator.fix.templates.authoring import add_variant, make_expression, make_slot, make_zipped
from curator.fix.templates.library import draft_from_item
from curator.fix.templates.spec import TemplateSpec
from curator.storage.items import ItemRow
from curator.workspace import Workspace

# The analyst's own words, not copied from either split: names, objects, and weather phrasings a user would type
# (synonyms carrying the check's group words, so each maps to its emoji), four per emoji so none dominates.
# Tests keep every list disjoint from the dev and held-out families: dev figures then measure what the fixes
# taught, not a copy of the dev table. Each template's first row is still its failing item's own text.
NAMES = ["Ben", "Tess", "Kai", "Iris"]
THINGS = ["plums", "stones", "buttons"]
WEATHER_ROWS = [  # (phrase, the class the <think> names, emoji)
    ["sunny spells", "sunny", SUN],
    ["Sunshine today", "sunny", SUN],
    ["clear, bright day", "sunny", SUN],
    ["SUNNY and warm", "sunny", SUN],
    ["Cloudy morning", "cloudy", CLOUD],
    ["grey and overcast", "cloudy", CLOUD],
    ["low clouds", "cloudy", CLOUD],
    ["CLOUDY again", "cloudy", CLOUD],
    ["rain later", "rainy", RAIN],
    ["Rainy and cold", "rainy", RAIN],
    ["scattered showers", "rainy", RAIN],
    ["RAIN expected", "rainy", RAIN],
]
WEATHER_PERTURB = ["case"]  # "rain later" -> "RAIN LATER", "Rain later"
NEIGHBOUR_PERTURB = ["punctuation", "case"]  # near neighbours of one phrase: "Clear skies." -> "clear skies!"
# Its own numbers: 20-29, above the dev range (10-19) and the held-out one (2-9); a - b stays positive with a
# from the upper half and b from the lower half.
ADD_NUMBERS = list(range(20, 30))
SUBTRACT_A, SUBTRACT_B = list(range(25, 30)), list(range(20, 25))

_QUESTION = re.compile(
    r"^(?P<name>\w+) has (?P<a>\d+) (?P<thing>\w+) and (?:gets (?P<b>\d+) more|gives away (?P<c>\d+))"
)
_WEATHER = re.compile(r"<api>weather: (?P<phrase>.*?)</api>")
_THINK_CLASS = re.compile(r"<think>Weather is (?P<kind>\w+)\.")
_EMOJI = re.compile(r"<display_weather>(?P<emoji>.*?)</display_weather>")


@dataclass(frozen=True)
class Spans:
    """The spans of one item's text the analyst selects."""

    name: str
    thing: str
    a: str
    b: str
    op: str
    result: str
    phrase: str | None
    kind: str | None
    emoji: str | None


def read_spans(item: ItemRow) -> Spans | None:
    """The spans of a demo item's input and target, or None when its text is not a word problem of this task."""
    question = _QUESTION.search(item.input or "")
    if question is None:
        return None
    op = "+" if question.group("b") else "-"
    a, b = int(question.group("a")), int(question.group("b") or question.group("c"))
    result = str(a + b if op == "+" else a - b)
    if f"<answer>{result}</answer>" not in (item.target or ""):
        return None
    weather, kind, emoji = (
        _WEATHER.search(item.input or ""),
        _THINK_CLASS.search(item.target or ""),
        _EMOJI.search(item.target or ""),
    )
    return Spans(
        question.group("name"),
        question.group("thing"),
        str(a),
        str(b),
        op,
        result,
        weather.group("phrase") if weather else None,
        kind.group("kind") if kind else None,
        emoji.group("emoji") if emoji else None,
    )


def usable(spans: Spans | None) -> bool:
    """Spans the analyst can slot cleanly: distinct numbers that do not occur inside each other, and a weather
    phrase that is not the class word itself (else the phrase and the `<think>` class would be one slot)."""
    if spans is None or spans.phrase is None or spans.emoji not in WEATHER_CLASS:
        return False
    numbers = [spans.a, spans.b, spans.result]
    if any(x in y for x in numbers for y in numbers if x is not y):
        return False
    return spans.kind is not None and spans.kind.lower() not in spans.phrase.lower()


def template_from_item(
    ws: Workspace, run_id: int, item: ItemRow, name: str, weather_rows: list[list] | None, perturb: list[str]
) -> TemplateSpec:
    """The failing item's own input and corrected target, with its spans made slots: name, object, the two
    numbers (the result computed from them), and the weather phrase with its class and emoji (zipped, its
    first row the item's own; `weather_rows` None keeps only that row, varied by `perturb`)."""
    spans = read_spans(item)
    if not usable(spans):
        raise CuratorError(f"item {item.item_id}: the analyst cannot read its spans to make a template")
    spec = draft_from_item(ws, run_id, item.item_key, name)
    spec = make_slot(spec, spans.name, "name", NAMES)
    spec = make_slot(spec, spans.thing, "thing", THINGS)
    if spans.op == "+":
        spec = make_slot(spec, spans.a, "a", ADD_NUMBERS)
        spec = make_slot(spec, spans.b, "b", ADD_NUMBERS)
    else:
        spec = make_slot(spec, spans.a, "a", SUBTRACT_A)
        spec = make_slot(spec, spans.b, "b", SUBTRACT_B)
    spec = make_expression(spec, spans.result, f"a {spans.op} b")
    spec = make_zipped(spec, {"weather": spans.phrase, "kind": spans.kind, "emoji": spans.emoji}, weather_rows)
    group = dataclasses.replace(spec.zipped[-1], perturb={"weather": list(perturb)})
    spec = dataclasses.replace(spec, zipped=[*spec.zipped[:-1], group])
    return add_variant(spec, "no_tag")
