"""A build killed between any two of its steps leaves a workspace the next build handles without --force, and never
a rows file without its manifest: both are written in a hidden folder renamed into place once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from fixwork import weather_run

from curator.recipes import library as recipes
from curator.recipes.spec import spec_from_dict
from curator.workspace import Workspace

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECIPE = {
    "name": "mix",
    "total": 2,
    "seed": 1,
    "sources": [
        {"name": "replay", "kind": "replay", "run": "base", "share": 50},
        {"name": "seed", "kind": "seed", "rows": [{"prompt": "hi", "completion": "hello"}], "share": 50},
    ],
}

# Where a build can be cut short: (module attribute to replace, which call of it dies).
STEPS = {
    "after the manifest, before read-only": ("curator.recipes.freezing.os.chmod", 1),
    "before the rename": ("curator.storage.files.os.replace", 1),
    "after the rename, before the version row": ("curator.storage.datasets.insert_version", 1),
}


class Killed(BaseException):
    """What a kill looks like to the code that runs before it: nothing after this point happens."""


@pytest.fixture
def recipe_ws(workspace):
    weather_run(workspace)
    recipes.save_recipe(workspace, spec_from_dict(RECIPE))
    return workspace


def _patch_to_die(monkeypatch, target: str, on_call: int, die) -> None:
    import importlib

    path, attribute = target.rsplit(".", 1)
    owner = importlib.import_module(path.removesuffix(".os"))
    owner = owner.os if path.endswith(".os") else owner
    real, calls = getattr(owner, attribute), [0]

    def dying(*args, **kwargs):
        calls[0] += 1
        if calls[0] == on_call:
            die()
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, attribute, dying)


def _files(ws) -> list[str]:
    return sorted(p.name for p in (recipes.datasets_dir(ws) / "mix").iterdir() if not p.name.startswith("."))


def _assert_whole(ws) -> None:
    """Every visible version folder holds its rows file and its manifest (a half-written one is hidden)."""
    folder = recipes.datasets_dir(ws) / "mix"
    for name in _files(ws) if folder.is_dir() else []:
        assert sorted(p.name for p in (folder / name).iterdir() if not p.name.startswith(".")) == [
            f"{name}.jsonl",
            f"{name}.manifest.json",
        ]


@pytest.mark.parametrize("step", STEPS, ids=STEPS)
def test_a_build_cut_short_at_any_step_is_recovered_by_the_next_build(recipe_ws, monkeypatch, step):
    target, on_call = STEPS[step]

    def die():
        raise Killed

    with monkeypatch.context() as patch:
        _patch_to_die(patch, target, on_call, die)
        with pytest.raises(Killed):
            recipes.build(recipe_ws, "mix")
    _assert_whole(recipe_ws)
    version = recipes.build(recipe_ws, "mix")  # no --force, no "already exists"
    numbers = [v.version for v in recipes.list_versions(recipe_ws)]
    assert version.version == numbers[-1] and numbers == list(range(1, len(numbers) + 1))
    rows = recipes.read_version_rows(version)  # the file matches the hash its row recorded
    assert len(rows) == 2
    assert f"v{version.version}" in _files(recipe_ws)
    _assert_whole(recipe_ws)
    for v in recipes.list_versions(recipe_ws):
        assert os.stat(v.path).st_mode & 0o222 == 0 or v.version < version.version


def test_an_orphan_file_that_no_version_names_is_replaced(recipe_ws):
    folder = recipes.datasets_dir(recipe_ws) / "mix"
    folder.mkdir(parents=True)
    (folder / "v1.jsonl").write_text('{"prompt": "stale", "completion": "left by a killed build"}\n')
    os.chmod(folder / "v1.jsonl", 0o444)
    version = recipes.build(recipe_ws, "mix")
    assert version.version == 1 and "stale" not in open(version.path).read()
    assert not (folder / "v1.jsonl").exists()
    assert json.loads((folder / "v1" / "v1.manifest.json").read_text())["content_hash"] == version.content_hash


def test_an_orphan_version_folder_that_no_version_names_is_replaced(recipe_ws):
    folder = recipes.datasets_dir(recipe_ws) / "mix" / "v1"
    folder.mkdir(parents=True)
    (folder / "v1.jsonl").write_text('{"prompt": "stale", "completion": "left by a killed build"}\n')
    os.chmod(folder / "v1.jsonl", 0o444)
    version = recipes.build(recipe_ws, "mix")
    assert version.version == 1 and "stale" not in open(version.path).read()


def test_a_real_kill_between_rename_and_record_is_recovered(recipe_ws):
    root = recipe_ws.root
    recipe_ws.close()
    code = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from curator.storage import datasets
        from curator.recipes import library
        from curator.workspace import Workspace

        datasets.insert_version = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
        with Workspace.open(Path({str(root)!r})) as ws:
            library.build(ws, "mix")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=REPO), timeout=120)
    assert done.returncode == -signal.SIGKILL
    with Workspace.open(root) as ws:
        assert _files(ws) == ["v1"] and recipes.list_versions(ws) == []
        _assert_whole(ws)
        version = recipes.build(ws, "mix")
        assert version.version == 1 and len(recipes.read_version_rows(version)) == 2
