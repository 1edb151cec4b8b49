"""The demo eval task: word problems with an `<api>` weather line; the answer ends with a weather emoji tag.

The course task: `<think>` … `</think><answer>N</answer><display_weather>EMOJI</display_weather>` after an `<api>`
weather line; a prompt without `<api>` gets only `<answer>N</answer>`. Dev and held-out items are split by
family, not by row: held-out items use weather phrasings, names, objects, question wordings and numbers that
appear in no dev item (and the demo's analyst writes its templates from dev items only), so a held-out pass
rate measures whether a fix generalises, not whether the model memorised a surface form.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

SUN, CLOUD, RAIN = "☀", "☁", "🌧"
WEATHER_CLASS = {SUN: "sunny", CLOUD: "cloudy", RAIN: "rainy"}
CASES = ("sunny_punct", "bright", "caps_tag", "clear", "plain", "cloudy", "rainy", "no_api")


@dataclass(frozen=True)
class Family:
    """The surface forms one split draws from: weather phrasings per case, names, objects, wordings, numbers."""

    weather: dict[str, list[tuple[str, str]]]  # case -> [(phrase, emoji)]
    names: tuple[str, ...]
    things: tuple[str, ...]
    numbers: range
    add: str  # question wording for "+", with {name} {a} {thing} {b}
    subtract: str  # question wording for "-"


DEV = Family(
    weather={
        "sunny_punct": [("sunny.", SUN), ("sunny!", SUN), ("sunny,", SUN)],
        "bright": [("Bright sunshine!", SUN), ("bright sunshine", SUN)],
        "caps_tag": [("<SUNNY>", SUN), ("SUNNY", SUN)],
        "clear": [("Clear skies!", SUN), ("Clear skies.", SUN)],
        "plain": [("sunny", SUN), ("cloudy", CLOUD), ("rainy", RAIN)],
        "cloudy": [("Overcast.", CLOUD), ("Grey clouds!", CLOUD)],
        "rainy": [("Light rain!", RAIN), ("Showers.", RAIN)],
    },
    names=("Mia", "Leo", "Ava", "Sam", "Zoe", "Max"),
    things=("apples", "books", "shells", "coins"),
    numbers=range(10, 20),
    add="{name} has {a} {thing} and gets {b} more. How many {thing} now?",
    subtract="{name} has {a} {thing} and gives away {b}. How many {thing} now?",
)
HELD_OUT = Family(
    weather={
        "sunny_punct": [("(sunny)", SUN), ("sunny :)", SUN)],
        "bright": [("Bright and sunny", SUN), ("bright sun, warm", SUN)],
        "caps_tag": [("[SUNNY]", SUN), ("<<Sunny>>", SUN)],
        "clear": [("clear sky tonight", SUN), ("Clear and calm", SUN)],
        "plain": [("mostly sunny", SUN), ("partly cloudy", CLOUD), ("rain", RAIN)],
        "cloudy": [("overcast skies", CLOUD), ("Thick clouds.", CLOUD)],
        "rainy": [("Heavy rain.", RAIN), ("showers all day", RAIN)],
    },
    names=("Nora", "Omar", "Priya", "Hugo", "Lena", "Ravi"),
    things=("marbles", "stickers", "pencils", "cookies"),
    numbers=range(2, 10),
    add="{name} had {a} {thing}, then found {b} more. How many {thing} does {name} have?",
    subtract="{name} had {a} {thing} and lost {b}. How many {thing} are left?",
)
FAMILIES = {"dev": DEV, "held_out": HELD_OUT}
_WEATHER_LINE = re.compile(r"<api>weather: (.*?)</api>")


@dataclass(frozen=True)
class Problem:
    """One word problem: who, what, the numbers and the operation, in one family's wording."""

    name: str
    thing: str
    a: int
    b: int
    op: str
    family: Family = DEV

    @property
    def result(self) -> int:
        return self.a + self.b if self.op == "+" else self.a - self.b

    def question(self) -> str:
        wording = self.family.add if self.op == "+" else self.family.subtract
        return wording.format(name=self.name, a=self.a, thing=self.thing, b=self.b)


def random_problem(rng: random.Random, family: Family = DEV) -> Problem:
    op = rng.choice("+-")
    a, b = rng.sample(list(family.numbers), 2)
    if op == "-" and b > a:
        a, b = b, a
    return Problem(rng.choice(family.names), rng.choice(family.things), a, b, op, family)


def prompt_text(problem: Problem, weather: str | None) -> str:
    """The user prompt: the question, then the `<api>` weather line when there is one."""
    if weather is None:
        return problem.question()
    return f"{problem.question()}\n<api>weather: {weather}</api>"


def response_text(problem: Problem, emoji: str | None) -> str:
    """The expected answer. With a weather emoji: a `<think>` naming the weather class it read and the sum, the
    answer, the tag. The reasoning line that names the class is what made the emoji learnable: measured with
    SmolLM2-135M (LoRA r=16, lr 1e-3, 35 steps), arithmetic-only reasoning collapsed the emoji to one constant
    (13-19 of 45 held-out right). Without an `<api>` line: only `<answer>N</answer>`."""
    answer = f"<answer>{problem.result}</answer>"
    if emoji is None:
        return answer
    think = f"<think>Weather is {WEATHER_CLASS[emoji]}. {problem.a} {problem.op} {problem.b} = {problem.result}</think>"
    return f"{think}{answer}<display_weather>{emoji}</display_weather>"


def eval_records(seed: int = 7, per_case: int = 6) -> list[dict]:
    """Dev and held-out eval items: `per_case` of every case (tricky phrasings, plain words, no `<api>` line)."""
    rng = random.Random(seed)
    records: list[dict] = []
    for split, family in FAMILIES.items():
        for case in CASES:
            forms = family.weather.get(case, [(None, None)])
            for i in range(per_case):
                weather, emoji = forms[i % len(forms)]
                problem = random_problem(rng, family)
                records.append(item_record(f"{split}-{case}-{i}", split, case, problem, (weather, emoji)))
    return records


def item_record(item_id: str, split: str, case: str, problem: Problem, form: tuple[str | None, str | None]) -> dict:
    """One eval item: the problem asked with the weather line `form` = (phrase, emoji), its target, no output."""
    weather, emoji = form
    return {
        "item_id": item_id,
        "input": prompt_text(problem, weather),
        "target": response_text(problem, emoji),
        "output": None,
        "metadata": {"case": case, "weather": weather},
        "split": split,
    }


def weather_of(input_text: str) -> str | None:
    """The weather phrase of a prompt's `<api>` line, or None when it has none."""
    match = _WEATHER_LINE.search(input_text or "")
    return match.group(1) if match else None


def tricky_fix_examples(seed: int, count: int) -> list[tuple[str, str]]:
    """Dev-family prompts with their right answers (a ready-made training file for tests and benchmarks)."""
    rng = random.Random(seed)
    forms = [form for case, fs in DEV.weather.items() if case != "plain" for form in fs]
    pairs = []
    for _ in range(count):
        weather, emoji = rng.choice(forms)
        problem = random_problem(rng, DEV)
        pairs.append((prompt_text(problem, weather), response_text(problem, emoji)))
    return pairs
