"""`curator embed`, `curator cluster` and `curator similar` as a user runs them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from curator.cli.main import app
from curator.workspace import Workspace

pytestmark = pytest.mark.slow


@pytest.fixture
def cli(workspace, family_run, minilm):
    """Run the CLI on the family workspace (closed here so the CLI opens it as a user would)."""
    workspace.close()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--workspace", str(workspace.root), *args])

    return invoke


def test_embed_twice_reads_the_cache_the_second_time(cli):
    first = cli("embed", "families")
    second = cli("embed", "families", "--json")
    assert first.exit_code == 0, first.output
    assert "60 items, 48 distinct texts (input+output) with all-MiniLM-L6-v2: 48 embedded now" in " ".join(
        first.output.split()
    )
    report = json.loads(second.output)
    assert (report["computed"], report["cached"], report["model"]) == (0, 48, "all-MiniLM-L6-v2")


def test_cluster_prints_suggestions_and_accept_labels_the_items(cli, workspace):
    shown = cli("cluster", "families", "--json")
    suggestions = json.loads(shown.output)
    assert [s["size"] for s in suggestions] == [20, 20, 20]
    assert all(len(s["representatives"]) == 3 for s in suggestions)
    table = cli("cluster", "families", "--show")
    assert suggestions[0]["name"][:10] in table.output and "weather_tag (20)" in table.output
    accepted = cli("cluster", "families", "--accept", "2", "--name", "missing tag")
    assert "Created bucket 'missing tag': 20 items labelled." in accepted.output
    with Workspace.open(workspace.root) as ws:
        labelled = ws.db.fetchone(
            "SELECT count(*) FROM labels JOIN buckets USING (bucket_id) WHERE name = 'missing tag'"
        )
    assert labelled[0] == 20
    again = json.loads(cli("cluster", "families", "--json").output)
    assert len(again) == 2


def test_similar_lists_the_nearest_failures(cli):
    found = json.loads(cli("similar", "families", "ex-0", "-k", "3", "--json").output)
    assert len(found) == 3 and "ex-0" not in [f["item_id"] for f in found]
    assert found[0]["similarity"] >= found[-1]["similarity"]
    missing = cli("similar", "families", "nope")
    assert missing.exit_code != 0 and "no item with id 'nope'" in str(missing.exception)
