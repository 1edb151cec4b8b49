"""Hostile check specs (tests/data/bad/specs/): `curator check` refuses each in one line, in bounded time, with the
workspace unchanged and nothing sent to a listener on 127.0.0.1 that the specs point at."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curator.checks import CheckSpec, run_checks
from curator.cli.main import app
from curator.errors import BadInputError
from curator.review.runs import create_run_from_records
from curator.workspace import Workspace

BAD_SPECS = Path(__file__).resolve().parents[1] / "data" / "bad" / "specs"
SPEC_NAMES = sorted(p.name for p in BAD_SPECS.glob("*.toml"))
RECORDS = [
    {"item_id": "a", "input": "<api> sunny", "output": '{"city": "Oslo"}', "target": "4", "split": "dev"},
    {"item_id": "b", "input": "2+2?", "output": "a" * 40 + "!", "target": "4", "split": "held_out"},
]
SECONDS = 15  # every refusal comes back well inside this, on a machine shared with other work


class Listener:
    """A TCP listener on a free port of 127.0.0.1 that counts every connection it is offered."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=5)
        self.server.close()


@pytest.fixture
def listener():
    served = Listener()
    yield served
    served.close()


@pytest.fixture
def root(tmp_path) -> Path:
    """A workspace with one run and one check stored with it, so "unchanged" has something to keep."""
    path = tmp_path / "ws"
    with Workspace.open(path) as ws:
        create_run_from_records(ws, "weather", RECORDS)
        run_checks(ws, "weather", [CheckSpec("has_answer", "regex", {"pattern": "4"})])
    return path


def _state(root: Path) -> tuple:
    with Workspace.open(root) as ws:
        checks = ws.db.fetchall("SELECT run_id, name, kind, spec, position FROM checks ORDER BY ALL")
        results = ws.db.fetchall("SELECT * FROM check_results ORDER BY ALL")
        runs = ws.db.fetchall("SELECT run_id, name FROM runs ORDER BY ALL")
    return checks, results, runs


def _spec_path(name: str, port: int, tmp_path: Path) -> Path:
    """The spec as committed; a copy with the listener's port where it names @PORT@."""
    text = (BAD_SPECS / name).read_text(encoding="utf-8")
    if "@PORT@" not in text:
        return BAD_SPECS / name
    copy = tmp_path / name
    copy.write_text(text.replace("@PORT@", str(port)), encoding="utf-8")
    return copy


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_each_hostile_spec_is_refused_in_one_line_and_changes_nothing(name, root, listener, tmp_path):
    spec = _spec_path(name, listener.port, tmp_path)
    before = _state(root)
    started = time.monotonic()
    result = CliRunner().invoke(app, ["--workspace", str(root), "check", "weather", "--spec", str(spec)])
    elapsed = time.monotonic() - started
    assert result.exit_code != 0
    assert isinstance(result.exception, BadInputError), result.exception
    message = str(result.exception)
    assert "\n" not in message and message.startswith(f"{spec}: ")
    assert elapsed < SECONDS
    assert _state(root) == before
    assert listener.connections == 0


@pytest.mark.parametrize("name", ["remote_ref.toml", "lookbehind.toml", "deep_inline.toml"])
def test_the_cli_process_prints_one_line_on_stderr(name, root, listener, tmp_path):
    spec = _spec_path(name, listener.port, tmp_path)
    command = [sys.executable, "-m", "curator.cli.main", "--workspace", str(root), "check", "weather", "--spec"]
    done = subprocess.run([*command, str(spec)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr  # RE2 logs nothing of its own
    assert done.stderr.startswith(f"error: {spec}: ")
    assert done.stdout == ""
    assert listener.connections == 0


def _schema_file_spec(folder: Path, name: str) -> Path:
    spec = folder / "checks.toml"
    spec.write_text(f'[[check]]\nname = "reply"\nkind = "json_schema"\nschema_file = "{name}"\n', encoding="utf-8")
    return spec


def _refusal(root: Path, spec: Path) -> str:
    before = _state(root)
    result = CliRunner().invoke(app, ["--workspace", str(root), "check", "weather", "--spec", str(spec)])
    assert result.exit_code != 0 and isinstance(result.exception, BadInputError), result.output
    assert _state(root) == before
    return str(result.exception)


def test_a_schema_file_symlinked_out_of_the_spec_folder_is_refused(root, tmp_path):
    folder = tmp_path / "spec"
    folder.mkdir()
    outside = tmp_path / "elsewhere.json"
    outside.write_text('{"type": "object"}', encoding="utf-8")
    (folder / "schema.json").symlink_to(outside)
    assert "'schema.json' is outside the spec's folder" in _refusal(root, _schema_file_spec(folder, "schema.json"))


def test_a_schema_file_that_is_a_fifo_is_refused_without_blocking(root, tmp_path):
    folder = tmp_path / "spec"
    folder.mkdir()
    os.mkfifo(folder / "schema.json")
    assert "'schema.json' is not a regular file" in _refusal(root, _schema_file_spec(folder, "schema.json"))


def test_a_schema_file_over_the_size_cap_is_refused_unread(root, tmp_path):
    folder = tmp_path / "spec"
    folder.mkdir()
    with (folder / "big.json").open("wb") as handle:
        handle.truncate(1_000_001)  # sparse: no megabyte written
    assert "'big.json' is larger than 1,000,000 bytes" in _refusal(root, _schema_file_spec(folder, "big.json"))


def test_a_schema_file_inside_the_folder_still_loads_and_grades(root, tmp_path):
    folder = tmp_path / "spec"
    (folder / "schemas").mkdir(parents=True)
    (folder / "schemas" / "reply.json").write_text('{"type": "object", "required": ["city"]}', encoding="utf-8")
    spec = _schema_file_spec(folder, "schemas/reply.json")
    result = CliRunner().invoke(app, ["--workspace", str(root), "check", "weather", "--spec", str(spec), "--json"])
    assert result.exit_code == 0, result.output
    assert '"passed": 1' in result.output


def test_a_remote_ref_stored_by_an_older_curator_is_never_fetched(root, listener):
    """A workspace made before references were checked may hold one: re-running it is refused, grading with it
    (sample, generate, rewards) fails the item, and neither touches the network."""
    import json

    from curator.checks import grade, stored_checks
    from curator.storage import checks as check_sql

    schema = {"$ref": f"http://127.0.0.1:{listener.port}/evil.json"}
    spec_json = json.dumps({"name": "reply", "kind": "json_schema", "options": {"schema": schema}})
    with Workspace.open(root) as ws, ws.db.transaction() as cur:
        check_sql.insert_check_spec(cur, 1, "reply", "json_schema", spec_json, 5)
    before = _state(root)
    result = CliRunner().invoke(app, ["--workspace", str(root), "check", "weather"])
    assert isinstance(result.exception, BadInputError) and "does not resolve inside the schema" in str(result.exception)
    assert _state(root) == before
    with Workspace.open(root) as ws:
        stored = next(s for s in stored_checks(ws, 1) if s.name == "reply")
    graded = grade(stored, input="q", target=None, output="{}")
    assert not graded.passed and "does not resolve inside it" in graded.reason
    assert listener.connections == 0
