"""The demo's per-loop figures: per check and split the items that flipped that check; on held-out only, the
exact McNemar p-value of those counts (equal to scipy's), its Holm adjustment (equal to statsmodels') and the
verdict; no p-value on dev items, which training and the analyst saw."""

import json

import pytest
from scipy.stats import binomtest
from statsmodels.stats.multitest import multipletests

from curator.checks import run_checks
from curator.compare.comparison import compare_runs
from curator.demo.script import check_changes
from curator.demo.setup import demo_checks
from curator.demo.task import eval_records
from curator.review.runs import create_run_from_records


def run_of(ws, name, output_of, parent=None):
    records = [r | {"output": output_of(r)} for r in eval_records(per_case=3)]
    run = create_run_from_records(ws, name, records, parent_run_id=parent)
    run_checks(ws, run.run_id, demo_checks())
    return run


def test_flips_per_check_and_their_p_values_come_from_the_paired_items(workspace):
    def before(r):  # no tag anywhere; right answers
        return r["target"].split("<display_weather>")[0]

    def after(r):  # tags fixed on held-out tricky items; answers broken on 7 dev items
        if r["split"] == "held_out" and r["metadata"]["case"] not in ("no_api", "plain"):
            return r["target"]
        if r["split"] == "dev" and r["metadata"]["case"] in ("cloudy", "rainy") or r["item_id"] == "dev-clear-0":
            return before(r).replace("</answer>", "1</answer>")
        return before(r)

    base = run_of(workspace, "before", before)
    later = run_of(workspace, "after", after, parent=base.run_id)
    changes = {c.name: c for c in check_changes(compare_runs(workspace, later.run_id, base.run_id))}
    tag, answer = changes["weather_tag"], changes["answer"]
    assert (tag.fixed, tag.regressed) == ({"dev": 0, "held_out": 18}, {"dev": 0, "held_out": 0})
    assert (answer.fixed, answer.regressed) == ({"dev": 0, "held_out": 0}, {"dev": 0 + 7, "held_out": 0})
    assert tag.p_value == {"held_out": pytest.approx(binomtest(18, 18, 0.5).pvalue)}
    assert answer.p_value == {"held_out": None}  # no held-out item moved: no test; dev gets none at all
    moved = [c for c in changes.values() if c.p_value["held_out"] is not None]
    adjusted = multipletests([c.p_value["held_out"] for c in moved], method="holm")[1]
    assert [c.p_adjusted["held_out"] for c in moved] == pytest.approx(list(adjusted))
    assert tag.verdict == {"held_out": "improved"}
    assert tag.before["held_out"] == 0.0 and tag.after["held_out"] == pytest.approx(18 / 21)
    shown = json.dumps([c.as_dict() for c in changes.values()])
    assert '"dev"' in shown and all(set(c.as_dict()["p_value"]) == {"held_out"} for c in changes.values())
