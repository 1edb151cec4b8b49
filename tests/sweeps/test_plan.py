"""Plans: rows and shares axes give the counts the build will take (within one row), TOML mixes and settings,
refusals in one line."""

import pytest

from curator.errors import BadInputError, CuratorError
from curator.recipes.allocation import allocate
from curator.recipes.spec import spec_from_dict
from curator.sweeps import plan as plans
from curator.sweeps.plan import SweepPlan, data_points, training_points, variants
from curator.sweeps.settings import parse_fixed, parse_setting
from curator.training.job import LoraSettings, TrainerSettings

RECIPE = spec_from_dict(
    {
        "name": "fix",
        "total": 40,
        "sources": [
            {"name": "fixes", "kind": "fixes", "share": 50, "buckets": ["b"]},
            {"name": "replay", "kind": "replay", "share": 30, "run": "base"},
            {"name": "general", "kind": "seed", "share": 20, "rows": [{"prompt": "p", "completion": "c"}]},
        ],
    }
)
BASE = (LoraSettings(), TrainerSettings())


def counts(spec: dict) -> dict[str, int]:
    """The rows per source the recipes' build takes from this spec."""
    built = spec_from_dict(spec)
    return dict(
        zip([s.name for s in built.sources], allocate([s.share for s in built.sources], built.total), strict=True)
    )


def test_a_rows_sweep_changes_only_the_named_source():
    plan = SweepPlan(rows=plans.parse_rows(["fixes=10,20,40,7"]))
    points = data_points(RECIPE, plan)
    assert [label for label, _ in points] == ["fixes=10", "fixes=20", "fixes=40", "fixes=7"]
    for (_label, spec), fixes in zip(points, (10, 20, 40, 7), strict=True):
        assert counts(spec) == {"fixes": fixes, "replay": 12, "general": 8}
        assert spec["total"] == fixes + 20


def test_a_shares_sweep_keeps_the_total_and_scales_the_others():
    plan = SweepPlan(shares=plans.parse_shares(["fixes=30,50,70"]))
    for (label, spec), share in zip(data_points(RECIPE, plan), (0.3, 0.5, 0.7), strict=True):
        got = counts(spec)
        assert label == f"fixes={share:.0%}" and sum(got.values()) == 40
        assert abs(got["fixes"] - share * 40) <= 1
        assert abs(got["replay"] - (1 - share) * 40 * 0.6) <= 1 and abs(got["general"] - (1 - share) * 40 * 0.4) <= 1


def test_a_toml_plan_holds_mixes_a_setting_seeds_and_shared_settings(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(
        """recipe = "fix"
base_run = "base"
seeds = [3, 9]
[[mix]]
name = "mostly fixes"
shares = { fixes = 80, replay = 20 }
[[mix]]
rows = { fixes = 6, general = 2 }
[setting]
lora_r = [4, 16]
[train]
max_steps = 5
""",
        encoding="utf-8",
    )
    top, plan = plans.load_plan(path)
    assert top == {"recipe": "fix", "base_run": "base"} and plan.seeds == [3, 9] and plan.kind == "mixes"
    made = variants(RECIPE, plan, BASE, lambda method: BASE)
    assert [v.label for v in made] == [
        "mostly fixes lora_r=4", "mostly fixes lora_r=16", "fixes=6 general=2 lora_r=4", "fixes=6 general=2 lora_r=16"
    ]  # fmt: skip
    assert counts(made[0].spec) == {"fixes": 32, "replay": 8, "general": 0}
    assert counts(made[2].spec) == {"fixes": 6, "replay": 0, "general": 2}
    assert [v.lora.r for v in made] == [4, 16, 4, 16] and {v.trainer.max_steps for v in made} == {5}


def test_a_method_or_setting_axis_gives_one_training_point_per_value():
    plan = SweepPlan(methods=plans.parse_methods("sft,dpo"), training=parse_fixed(["epochs=2"]))
    defaults = {"sft": BASE, "dpo": (LoraSettings(), TrainerSettings(method="dpo", learning_rate=5e-5))}
    points = training_points(BASE, plan, lambda m: defaults[m])
    assert [(label, t.method, t.learning_rate, t.epochs) for label, _l, t in points] == [
        ("method=sft", "sft", 1e-3, 2.0),
        ("method=dpo", "dpo", 5e-5, 2.0),
    ]
    assert parse_setting("epochs=1,3") == ("epochs", [1.0, 3.0]) and parse_setting("r=4,8") == ("r", [4, 8])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plans.parse_rows(["fixes"]), "--rows 'fixes': expected NAME=V1,V2"),
        (lambda: plans.parse_rows(["fixes=a,b"]), "--rows 'fixes=a,b'"),
        (lambda: plans.parse_shares(["fixes=30,150"]), "shares are from 0 to 100"),
        (lambda: plans.seed_list(1), "2 to 20 different seeds"),
        (lambda: plans.seed_list([1, 1]), "2 to 20 different seeds"),
        (lambda: plans.parse_methods("sft,ppo"), "--method 'ppo'"),
        (lambda: parse_fixed(["rank=4"]), "no training setting 'rank'"),
        (lambda: parse_setting("epochs=x"), "'x' is not a float"),
        (lambda: data_points(RECIPE, SweepPlan(rows={"fix": [1]})), "recipe 'fix' has no source 'fix'"),
        (lambda: variants(RECIPE, SweepPlan(rows={"fixes": [5, 5]}), BASE, None), "two variants of the plan"),
    ],
)
def test_bad_axes_are_refused_in_one_line(call, message):
    with pytest.raises(CuratorError, match=message.replace("[", r"\[").replace("(", r"\(")):
        call()


def test_a_bad_toml_plan_names_the_file_and_the_problem(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[[mix]]\nshares = { fixes = 50 }\nrows = { fixes = 3 }\n", encoding="utf-8")
    with pytest.raises(BadInputError, match=r"bad.toml.*mix 1: give either shares or rows"):
        plans.load_plan(path)
    path.write_text("seeds = [", encoding="utf-8")
    with pytest.raises(BadInputError, match="not valid TOML"):
        plans.load_plan(path)
