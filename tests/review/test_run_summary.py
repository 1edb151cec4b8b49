"""A run's summary per split (each check and "passes every check") and how lists name its model and adapter."""

from __future__ import annotations

from fixwork import weather_run

from curator.review.runs import model_label, path_end, summarise_run


def test_every_check_is_counted_per_split_as_the_run_pass_rate_is(workspace):
    run = weather_run(workspace)
    summary = summarise_run(workspace, run.name)
    every = summary.every_check
    # Dev: a fails weather_tag and emoji, b and c pass; held-out: h2 fails weather_tag, h1 passes.
    assert every.by_split == {"dev": (2, 3), "held_out": (1, 2)}
    assert (every.passed, every.total) == (3, 5) and every.pass_rate == summary.run.pass_rate == 0.6
    tag = next(c for c in summary.checks if c.name == "weather_tag")
    assert tag.by_split["held_out"] == (1, 2)


def test_a_run_without_checks_has_nothing_to_count(workspace):
    from curator.review.runs import create_run_from_records

    run = create_run_from_records(workspace, "bare", [{"item_id": "a", "input": "x", "output": "y"}])
    summary = summarise_run(workspace, run.name)
    assert summary.checks == [] and summary.every_check.by_split == {} and summary.every_check.total == 0


def test_paths_are_named_by_their_end():
    assert path_end("/home/u/.curator/models/adapters/job-3/adapter") == "…/job-3/adapter"
    assert path_end("models/m") == "models/m" and path_end(None) == ""
    assert model_label("/m/smollm2-135m", "/w/models/adapters/job-3/adapter") == "…/smollm2-135m + …/job-3/adapter"
    assert model_label("tiny", None) == "tiny" and model_label(None, None) == "—"
