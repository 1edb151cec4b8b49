"""The demo eval task: word problems with an `<api>` weather line; the answer ends with a weather emoji tag.

Pure Python and seeded, so the demo model's base corpus, the eval items and the fix templates agree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SUN, CLOUD, RAIN = "☀", "☁", "🌧"

# Weather phrasings a pretrained model would know, grouped by emoji. "plain" ones are what the base
# model was taught to tag; the others are the tricky cases the course material names.
PLAIN_WEATHER = {"sunny": SUN, "cloudy": CLOUD, "rainy": RAIN}
TRICKY_WEATHER = {
    "sunny_punct": (["sunny.", "sunny!", "sunny,", "sunny?", "(sunny)"], SUN),
    "bright": (["Bright sunshine!", "Bright sunshine.", "bright sunshine"], SUN),
    "caps_tag": (["<SUNNY>", "<Sunny>", "SUNNY"], SUN),
    "clear": (["Clear skies!", "Clear skies.", "clear sky"], SUN),
    "cloudy": (["Overcast.", "Grey clouds!", "Cloudy!"], CLOUD),
    "rainy": (["Light rain!", "Showers.", "Rainy!"], RAIN),
}
NAMES = ["Mia", "Leo", "Ava", "Sam", "Zoe", "Max", "Ivy", "Ben", "Eli", "Kim", "Ana", "Tom"]
THINGS = ["apples", "books", "shells", "coins", "pens", "cards", "kites", "cups"]


@dataclass(frozen=True)
class Problem:
    """One word problem: who, what, the numbers and the operation."""

    name: str
    thing: str
    a: int
    b: int
    op: str

    @property
    def result(self) -> int:
        return self.a + self.b if self.op == "+" else self.a - self.b

    def question(self) -> str:
        if self.op == "+":
            return f"{self.name} has {self.a} {self.thing} and gets {self.b} more. How many {self.thing} now?"
        return f"{self.name} has {self.a} {self.thing} and gives away {self.b}. How many {self.thing} now?"


def random_problem(rng: random.Random) -> Problem:
    op = rng.choice("+-")
    a, b = rng.randint(1, 9), rng.randint(1, 9)
    if op == "-" and b > a:
        a, b = b, a
    return Problem(rng.choice(NAMES), rng.choice(THINGS), a, b, op)


def prompt_text(problem: Problem, weather: str | None) -> str:
    """The user prompt: the question, then the `<api>` weather line when there is one."""
    if weather is None:
        return problem.question()
    return f"{problem.question()}\n<api>weather: {weather}</api>"


def response_text(problem: Problem, emoji: str | None, *, think: bool = True) -> str:
    """The expected answer: `<think>` sum `</think><answer>` n `</answer>`, then the weather tag if any."""
    body = f"<answer>{problem.result}</answer>"
    if think:
        body = f"<think>{problem.a} {problem.op} {problem.b} = {problem.result}</think>{body}"
    return body + (f"<display_weather>{emoji}</display_weather>" if emoji else "")


def eval_records(seed: int = 7, per_case: int = 6) -> list[dict]:
    """Dev and held-out eval items: every tricky case, plain cases and prompts without an `<api>` line."""
    rng = random.Random(seed)
    records: list[dict] = []
    cases = [(case, forms, emoji) for case, (forms, emoji) in TRICKY_WEATHER.items()]
    cases.append(("plain", list(PLAIN_WEATHER), None))
    cases.append(("no_api", [None], None))
    for split in ("dev", "held_out"):
        for case, forms, emoji in cases:
            for i in range(per_case):
                weather = forms[(i + (split == "held_out")) % len(forms)]
                mark = emoji if case != "plain" else PLAIN_WEATHER[weather]
                problem = random_problem(rng)
                records.append(
                    {
                        "item_id": f"{split}-{case}-{i}",
                        "input": prompt_text(problem, weather),
                        "target": response_text(problem, mark if weather else None, think=weather is not None),
                        "output": None,
                        "metadata": {"case": case, "weather": weather},
                        "split": split,
                    }
                )
    return records


def base_corpus(seed: int = 1, size: int = 600) -> list[tuple[str, str]]:
    """(prompt, completion) pairs teaching the base habits: format, arithmetic, weather words and their emoji.

    The base model tags only the plain weather words; on the tricky phrasings it answers without a tag,
    which is the failure the demo loop fixes with LoRA.
    """
    rng = random.Random(seed)
    pairs: list[tuple[str, str]] = []
    emoji_facts = [(w, e) for w, e in PLAIN_WEATHER.items()]
    emoji_facts += [(form, e) for forms, e in TRICKY_WEATHER.values() for form in forms]
    for form, emoji in emoji_facts:
        pairs += [(f"Which emoji shows the weather '{form}'?", emoji)] * 3
    while len(pairs) < size:
        problem = random_problem(rng)
        kind = rng.random()
        if kind < 0.45:
            weather = rng.choice(list(PLAIN_WEATHER))
            pairs.append((prompt_text(problem, weather), response_text(problem, PLAIN_WEATHER[weather])))
        elif kind < 0.75:
            forms, _ = rng.choice(list(TRICKY_WEATHER.values()))
            pairs.append((prompt_text(problem, rng.choice(forms)), response_text(problem, None)))
        else:
            pairs.append((prompt_text(problem, None), response_text(problem, None, think=False)))
    return pairs


def tricky_fix_examples(seed: int, count: int) -> list[tuple[str, str]]:
    """Near neighbours of tricky failures with the right tag: what the demo's fix template generates."""
    rng = random.Random(seed)
    pairs = []
    forms = [(form, emoji) for fs, emoji in TRICKY_WEATHER.values() for form in fs]
    for _ in range(count):
        form, emoji = rng.choice(forms)
        problem = random_problem(rng)
        pairs.append((prompt_text(problem, form), response_text(problem, emoji)))
    return pairs


def balanced_weather_rows() -> list[list[str]]:
    """(phrase, emoji) rows, tricky and plain, with each emoji equally often: a fix set that is mostly sun
    would teach the model to answer ☀ to rain."""
    by_emoji: dict[str, list[list[str]]] = {}
    for forms, emoji in TRICKY_WEATHER.values():
        by_emoji.setdefault(emoji, []).extend([form, emoji] for form in forms)
    for word, emoji in PLAIN_WEATHER.items():
        by_emoji[emoji].append([word, emoji])
    most = max(len(rows) for rows in by_emoji.values())
    return [row for rows in by_emoji.values() for row in (rows * most)[:most]]


def fix_template(name: str) -> dict:
    """The demo's fix template (as `curator.fix.templates.spec_from_dict` reads it): near neighbours of a tricky
    failure with the right tag, plus a subtraction counterexample and a no-`<api>` case without any tag."""
    weather_rows = balanced_weather_rows()
    number_rows = [[a, b] for a in range(1, 10) for b in range(1, 10)]  # every pair, as in the eval
    question = "{{ name }} has {{ a }} {{ thing }} and %s. How many {{ thing }} now?"
    api = "\n<api>weather: {{ weather }}</api>"
    tag = "<display_weather>{{ emoji }}</display_weather>"
    return {
        "name": name,
        "input": question % "gets {{ b }} more" + api,
        "target": "<think>{{ a }} + {{ b }} = {{ a + b }}</think><answer>{{ a + b }}</answer>" + tag,
        "slots": {"name": NAMES, "thing": THINGS},
        "zipped": [{"names": ["weather", "emoji"], "rows": weather_rows}, {"names": ["a", "b"], "rows": number_rows}],
        "variants": [
            {
                "kind": "counterexample",
                "input": (question % "gives away {{ [a, b]|min }}").replace("has {{ a }}", "has {{ [a, b]|max }}")
                + api,
                "target": "<think>{{ [a, b]|max }} - {{ [a, b]|min }} = {{ ([a, b]|max) - ([a, b]|min) }}</think>"
                "<answer>{{ ([a, b]|max) - ([a, b]|min) }}</answer>" + tag,
            },
            {"kind": "no_tag", "input": question % "gets {{ b }} more", "target": "<answer>{{ a + b }}</answer>"},
        ],
    }
