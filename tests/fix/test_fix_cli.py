"""The fix-with-data commands end to end: template, generate, examples, dataset, export."""

from __future__ import annotations

import json

from fixwork import weather_run
from typer.testing import CliRunner

from curator.cli.main import app
from curator.errors import CuratorError
from curator.workspace import Workspace


def invoke(root, *args):
    return CliRunner().invoke(app, ["--workspace", str(root), *args], catch_exceptions=True)


def test_from_failure_to_exported_dataset_on_the_command_line(tmp_path):
    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        weather_run(ws)
    assert invoke(root, "template", "from-item", "base", "0", "--name", "fix", "--bucket", "weather").exit_code == 0
    done = invoke(
        root, "template", "slot", "fix", "Paris", "city", "--values", "Oslo,Bern,Nice,Kyiv,Lima2", "--perturb", "case"
    )
    assert done.exit_code == 0 and "18 distinct examples possible" in done.output
    preview = invoke(root, "template", "preview", "fix", "-n", "2")
    assert preview.output.count("input:") == 2

    generated = invoke(root, "generate", "fix", "-n", "6", "--seed", "3", "--json")
    report = json.loads(generated.output)
    assert report["seed"] == 3 and sum(report["counts"].values()) == 6
    accepted = invoke(root, "examples", "accept-all", "--batch", str(report["batch"]))
    assert f"Accepted {report['counts']['proposed']} example(s)" in accepted.output

    recipe = tmp_path / "recipe.toml"
    recipe.write_text(
        'name = "fixmix"\ntotal = 4\nseed = 1\n'
        '[[source]]\nkind = "fixes"\nbuckets = ["weather"]\nshare = 75\n'
        '[[source]]\nkind = "replay"\nrun = "base"\nshare = 25\n'
    )
    saved = invoke(root, "dataset", "recipe", str(recipe))
    assert saved.exit_code == 0 and "fixmix" in saved.output
    manifest = json.loads(invoke(root, "dataset", "build", "fixmix", "--json").output)
    assert manifest["version"] == 1 and [s["rows"] for s in manifest["sources"]] == [3, 1]

    out = tmp_path / "out"
    exported = invoke(
        root, "export", "--dataset", "fixmix@1", "--shape", "chat", "--dir", str(out), "--system-prompt", "Be brief."
    )
    assert exported.exit_code == 0 and "Wrote 4 chat rows" in exported.output
    rows = [json.loads(line) for line in (out / "fixmix-v1-chat.jsonl").read_text().splitlines()]
    assert rows[0]["messages"][0] == {"role": "system", "content": "Be brief."}
    raw = invoke(root, "export", "base", "--dir", str(out))
    assert "Wrote 5 raw rows" in raw.output
    again = invoke(root, "export", "base", "--dir", str(out))
    assert isinstance(again.exception, CuratorError) and "--force" in str(again.exception)
    assert invoke(root, "export", "base", "--dir", str(out), "--force").exit_code == 0


def test_a_bad_template_file_is_refused_and_nothing_is_stored(tmp_path):
    root = tmp_path / "ws"
    spec = tmp_path / "t.toml"
    spec.write_text('name = "bad"\ninput = "{{ city }}"\ntarget = "{{ \'\'.__class__ }}"\n[slots]\ncity = ["Oslo"]\n')
    result = invoke(root, "template", "new", str(spec))
    assert isinstance(result.exception, CuratorError)
    assert (
        str(result.exception)
        == "template 'bad', field 'target': access to attribute '__class__' of 'str' object is unsafe"
    )
    assert json.loads(invoke(root, "template", "list", "--json").output) == []
