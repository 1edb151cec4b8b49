import os
import subprocess
import sys
from pathlib import Path

import duckdb

from curator.storage import migrations
from curator.workspace import Workspace, resolve_workspace_path


def test_workspace_is_created_on_first_use_with_its_folders(tmp_path):
    ws = Workspace.open(tmp_path / "new")
    ws.close()
    assert (tmp_path / "new" / "curator.duckdb").is_file()
    assert (tmp_path / "new" / "models").is_dir()
    assert (tmp_path / "new" / "exports").is_dir()


def test_workspace_path_comes_from_option_then_env_then_cwd(tmp_path, monkeypatch):
    assert resolve_workspace_path(None, cwd=tmp_path) == tmp_path / ".curator"
    monkeypatch.setenv("CURATOR_WORKSPACE", str(tmp_path / "env"))
    assert resolve_workspace_path(None) == tmp_path / "env"
    assert resolve_workspace_path(tmp_path / "opt") == tmp_path / "opt"


def test_a_v1_file_migrates_forward_and_keeps_its_data(tmp_path):
    path = tmp_path / "old" / "curator.duckdb"
    path.parent.mkdir()
    conn = duckdb.connect(str(path))
    assert migrations.migrate(conn, target=1) == 1
    conn.execute("INSERT INTO runs (name, model) VALUES ('legacy', 'm')")
    conn.execute("INSERT INTO items (run_id, item_key, item_id, input) VALUES (1, 0, 'a', 'hello')")
    conn.close()

    with Workspace.open(tmp_path / "old") as ws:
        assert migrations.current_version(ws.db.cursor()) == migrations.latest_version()
        assert ws.db.fetchone("SELECT name, model FROM runs") == ("legacy", "m")
        assert ws.db.fetchone("SELECT input FROM items WHERE item_id = 'a'") == ("hello",)
        tables = {r[0] for r in ws.db.fetchall("SELECT table_name FROM information_schema.tables")}
    assert "runs" in tables and "meta" in tables


def test_a_second_writer_waits_then_gets_one_line_not_a_traceback(tmp_path):
    ws = Workspace.open(tmp_path / "busy")
    env = {**os.environ, "CURATOR_LOCK_WAIT_S": "1"}
    try:
        with ws.db.held():  # this process uses the file (a long write) while the others try
            code = (
                "import sys\n"
                "from curator.workspace import Workspace\n"
                "from curator.errors import WorkspaceLockedError\n"
                f"try:\n    Workspace.open({str(tmp_path / 'busy')!r})\n"
                "except WorkspaceLockedError as e:\n    print(e); sys.exit(3)\n"
            )
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
            assert done.returncode == 3
            assert "open for writing in another Curator process (waited 1 s)" in done.stdout
            assert len(done.stdout.strip().splitlines()) == 1

            cli = subprocess.run(
                [sys.executable, "-m", "curator.cli.main", "--workspace", str(tmp_path / "busy"), "runs"],
                capture_output=True,
                text=True,
                timeout=60,
                env=env,
            )
        assert cli.returncode != 0
        assert "Traceback" not in cli.stderr
        assert "open for writing in another Curator process" in cli.stderr
        assert cli.stderr.count("waiting for") == 1  # the wait was said once, in one line
    finally:
        ws.close()


def test_a_nested_transaction_joins_the_outer_one_and_rolls_back_with_it(workspace):
    import pytest as _pytest

    with _pytest.raises(RuntimeError):
        with workspace.db.transaction() as cur:
            cur.execute("INSERT INTO runs (name) VALUES ('outer')")
            with workspace.db.transaction() as inner:
                inner.execute("INSERT INTO runs (name) VALUES ('inner')")
            raise RuntimeError("boom")
    assert workspace.db.fetchone("SELECT count(*) FROM runs") == (0,)
    with workspace.db.transaction() as cur:
        cur.execute("INSERT INTO runs (name) VALUES ('after')")
    assert workspace.db.fetchone("SELECT name FROM runs") == ("after",)


def test_a_printed_workspace_relative_model_path_is_found_from_any_folder(tmp_path, monkeypatch):
    with Workspace.open(tmp_path / "ws") as ws:
        model = ws.models_dir / "smollm2-135m-instruct"
        model.mkdir()
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        monkeypatch.chdir(elsewhere)
        assert ws.local_folder("models/smollm2-135m-instruct") == model  # as `curator jobs` prints it
        (elsewhere / "models" / "smollm2-135m-instruct").mkdir(parents=True)
        assert ws.local_folder("models/smollm2-135m-instruct").resolve() == (elsewhere / "models/smollm2-135m-instruct")
        assert ws.local_folder("nowhere/model") == Path("nowhere/model")  # the caller's error names what was typed
        assert ws.local_folder(model) == model
