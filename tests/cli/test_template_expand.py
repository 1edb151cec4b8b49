"""`curator template expand`: a model (a local stand-in endpoint, or the tiny model) proposes slot values; the
held-out surface form is refused, nothing is generated from proposals, accepted ones join the slot."""

from __future__ import annotations

import json

import pytest
from chat_endpoint import chat_endpoint
from fixwork import weather_run
from typer.testing import CliRunner

from curator.cli.main import app
from curator.errors import CuratorError
from curator.fix.templates import TemplateRenderer, spec_from_dict
from curator.fix.templates import library as template_domain
from curator.workspace import Workspace

FORECAST = {
    "name": "forecast",
    "input": "<api> Weather in {{ city }}: {{ sky }}",
    "target": "<display_weather>☁</display_weather>",
    "slots": {"city": ["Oslo", "Bergen"], "sky": ["cloudy", "grey"]},
}


PROPOSALS = "1. overcast\n2. misty\n3. drizzly"


@pytest.fixture
def ws_path(tmp_path):
    path = tmp_path / "ws"
    with Workspace.open(path) as ws:
        run = weather_run(ws)  # held out: "<api> Weather in Lima: overcast"
        template_domain.create_template(ws, spec_from_dict(FORECAST), source_run_id=run.run_id, source_item_key=1)
    return path


def invoke(path, *args):
    return CliRunner().invoke(app, ["--workspace", str(path), *args], terminal_width=200)


def _inputs(path) -> list[str]:
    with Workspace.open(path) as ws:
        renderer = TemplateRenderer(template_domain.get_template(ws, "forecast").spec)
    return [renderer.render_index(i).input for i in range(renderer.total)]


def test_expand_through_an_endpoint_then_list_and_accept(ws_path):
    with chat_endpoint(PROPOSALS) as (url, prompts):  # one proposal is a held-out item's surface form
        done = invoke(ws_path, "template", "expand", "forecast", "sky", "--model", "m", "--endpoint", url, "--k", "2")
    assert done.exit_code == 0, done.output
    assert len(prompts) == 2 and "cloudy\ngrey" in prompts[0]
    listed = json.loads(invoke(ws_path, "template", "expand", "forecast", "sky", "--list", "--json").output)
    assert [(r["value"], r["status"]) for r in listed] == [
        ("overcast", "contaminated"),
        ("misty", "proposed"),
        ("drizzly", "proposed"),
    ]
    assert not any("misty" in text for text in _inputs(ws_path))  # nothing generated before acceptance
    accepted = invoke(ws_path, "template", "expand", "forecast", "sky", "--accept", "misty")
    assert accepted.exit_code == 0 and "Accepted 1 value(s) of slot 'sky'." in accepted.output
    assert any("misty" in text for text in _inputs(ws_path))
    assert not any("overcast" in text or "drizzly" in text for text in _inputs(ws_path))
    refused = invoke(ws_path, "template", "expand", "forecast", "sky", "--accept", "overcast")
    assert "'overcast' is not a proposed value of slot 'sky'" in str(refused.exception)
    rejected = invoke(ws_path, "template", "expand", "forecast", "sky", "--reject-all")
    assert "Rejected 1 value(s)" in rejected.output


def test_one_action_at_a_time(ws_path):
    both = invoke(ws_path, "template", "expand", "forecast", "sky", "--list", "--accept-all")
    assert isinstance(both.exception, CuratorError) and "give one of --model/--endpoint" in str(both.exception)
    nameless = invoke(ws_path, "template", "expand", "forecast", "sky", "--endpoint", "http://127.0.0.1:9/v1")
    assert "--endpoint needs --model NAME" in str(nameless.exception)


@pytest.mark.slow
def test_the_tiny_model_proposes_values_that_are_stored_and_guarded(ws_path, demo_model_dir):
    done = invoke(
        ws_path,
        "template",
        "expand",
        "forecast",
        "sky",
        "--model",
        str(demo_model_dir),
        "--max-new-tokens",
        "24",
        "--json",
    )
    assert done.exit_code == 0, done.output
    rows = json.loads(done.output)
    assert all(r["status"] in ("proposed", "contaminated", "duplicate") for r in rows)
    assert not any(r["value"].strip(" .").lower() == "overcast" and r["status"] == "proposed" for r in rows)
    assert _inputs(ws_path) == [f"<api> Weather in {c}: {s}" for s in ("cloudy", "grey") for c in ("Oslo", "Bergen")]
