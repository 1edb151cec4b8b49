"""Constructed pairs of runs on the demo task: each item's output chosen per run, the demo checks applied."""

from __future__ import annotations

import re

from curator.checks import run_checks
from curator.demo.setup import demo_checks
from curator.demo.task import eval_records
from curator.review.runs import create_run_from_records


def _without_tag(target: str) -> str:
    return target.split("<display_weather>")[0]


def _wrong_answer(text: str) -> str:
    return re.sub(r"<answer>[^<]*</answer>", "<answer>999</answer>", text)


OUTPUTS = {
    "full": lambda t: t,  # passes every check that applies
    "notag": _without_tag,  # fails weather_tag and emoji
    "wrong": _wrong_answer,  # fails answer
    "notag_wrong": lambda t: _wrong_answer(_without_tag(t)),
}


def make_run(
    ws,
    name: str,
    outputs: dict[str, str],
    *,
    per_case: int = 2,
    parent=None,
    generation=None,
    dtype=None,
    adapter=None,
    backend=None,
    engine=None,
):
    """A run of the demo items: output kind `outputs[item_id]` (default "full"), its settings and adapter (a
    re-eval run has one; the base run does not)."""
    records = eval_records(per_case=per_case)
    for record in records:
        record["output"] = OUTPUTS[outputs.get(record["item_id"], "full")](record["target"])
    settings = {"generation": generation} if generation else None
    if settings and dtype:
        settings["dtype"] = dtype
    if settings and backend:
        settings["backend"] = backend
    if settings and engine:
        settings["engine"] = engine
    parent_id = parent.run_id if parent else None
    run = create_run_from_records(ws, name, records, parent_run_id=parent_id, settings=settings, adapter=adapter)
    run_checks(ws, run.run_id, demo_checks())
    return run


# The pair used by the tests: before -> after per item (every other item passes everything in both runs).
PAIR = {
    "dev-bright-0": ("notag", "notag_wrong"),  # tag still failing, answer regressed: the item regressed
    "dev-clear-0": ("notag", "full"),  # tag and emoji fixed
    "dev-cloudy-0": ("full", "notag"),  # tag and emoji regressed
    "held_out-clear-0": ("notag", "full"),
    "held_out-no_api-0": ("wrong", "wrong"),  # answer still failing
    **{
        f"held_out-{case}": ("full", "wrong")  # seven answers broken on held-out
        for case in ("plain-0", "plain-1", "sunny_punct-0", "sunny_punct-1", "bright-0", "bright-1", "caps_tag-0")
    },
}


def make_pair(ws, generation_before=None, generation_after=None):
    before = make_run(ws, "base", {k: v[0] for k, v in PAIR.items()}, generation=generation_before)
    after = make_run(
        ws,
        "base@job1",
        {k: v[1] for k, v in PAIR.items()},
        parent=before,
        generation=generation_after,
        adapter="adapters/job-1/adapter",
    )
    return before, after
