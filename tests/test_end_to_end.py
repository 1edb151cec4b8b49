"""The whole loop on the CPU: demo workspace -> eval -> bucket -> generate -> dataset -> train -> re-eval -> compare."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "training"))
from loopwork import SHORT_LORA, SHORT_TRAINER, build_test_model  # noqa: E402

from curator.compare.comparison import SPLITS  # noqa: E402
from curator.demo.script import run_script, summary  # noqa: E402
from curator.demo.setup import DemoState, ensure_base_run, ensure_eval_set  # noqa: E402
from curator.jobs import training as job_domain  # noqa: E402
from curator.recipes.library import get_version, parse_version_ref  # noqa: E402
from curator.review.runs import summarise_run  # noqa: E402
from curator.storage import items as item_queries  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def demo_model_dir(tmp_path_factory):
    return build_test_model(tmp_path_factory.getbasetemp())


def test_the_loop_links_runs_compares_stored_results_and_keeps_held_out_items_out(workspace, demo_model_dir):
    eval_set = ensure_eval_set(workspace)
    base = ensure_base_run(workspace, demo_model_dir, eval_set)
    assert base.parent_run_id == eval_set.run_id and base.settings["backend"] == "transformers"
    assert base.settings["generation"]["temperature"] == 0.0

    state = DemoState(demo_model_dir, eval_set, base)
    first, second = run_script(workspace, state, lora=SHORT_LORA, trainer=SHORT_TRAINER)
    result = first

    # The re-eval run is linked to its parent and made with the job's adapter.
    job = job_domain.get_job(workspace, result.job.job_id)
    assert job.status == "succeeded" and job.produced_run_id == result.run.run_id
    assert result.run.parent_run_id == base.run_id
    assert workspace.resolve_path(result.run.adapter) == workspace.resolve_path(job.adapter_path)
    assert job.metrics["steps"] == SHORT_TRAINER.max_steps

    # Every figure of the comparison equals the check results stored for both runs.
    for side, run in (("before", base), ("after", result.run)):
        stored = {c.name: c.by_split for c in summarise_run(workspace, run.run_id).checks}
        for row in result.comparison.checks:
            for split in SPLITS:
                rate = getattr(row, side)[split]
                assert (rate.passed, rate.total) == stored[row.name].get(split, (0, 0))

    # Held-out items never entered the training file.
    version = get_version(workspace, *parse_version_ref(result.dataset))
    prompts = {json.loads(line)["prompt"] for line in Path(version.path).read_text().splitlines()}
    held_out = {i.input for i in item_queries.iter_items(workspace.db, base.run_id, split="held_out")}
    assert prompts and not prompts & held_out
    dev_inputs = {d["input"] for d in json.loads((Path(job.job_dir) / "job.json").read_text())["dev_items"]}
    assert dev_inputs and not dev_inputs & held_out

    # Loop 2 retrains from the base on the grown dataset (loop 1's fixes and its own) and compares with the base.
    assert second.comparison.before_run.run_id == base.run_id and second.run.parent_run_id == base.run_id
    assert job_domain.get_job(workspace, second.job.job_id).parent_adapter is None
    grown = get_version(workspace, *parse_version_ref(second.dataset))
    grown_prompts = {json.loads(line)["prompt"] for line in Path(grown.path).read_text().splitlines()}
    assert len(grown_prompts) > len(prompts) and not grown_prompts & held_out

    # The JSON of `curator demo --script --json`: per loop and per check {"dev", "held_out"}, and the totals.
    report = summary(state, [first, second], total_s=1.0)
    assert [loop["loop"] for loop in report["loops"]] == [1, 2]
    emoji = report["loops"][1]["checks"]["emoji"]
    assert set(emoji) == {"before", "after", "fixed", "regressed", "p_value", "p_adjusted", "verdict"}
    assert all(set(emoji[key]) == {"dev", "held_out"} for key in ("before", "after", "fixed", "regressed"))
    assert all(set(emoji[key]) == {"held_out"} for key in ("p_value", "p_adjusted", "verdict"))
    assert report["generated_examples"] == first.generated_examples + second.generated_examples <= 50
    assert report["dtype"] == base.settings["dtype"] and report["model"] == demo_model_dir.name
    assert {"train_s", "eval_s", "total_s"} <= set(report)
