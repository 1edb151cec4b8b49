"""The database file is held only while used: released after an idle moment, opened again on the next use, never
released inside a transaction, a running call or a streamed read; another process waits for it instead of failing."""

import json
import os
import subprocess
import sys
import textwrap
import threading
import time

from curator.review.runs import create_run_from_records
from curator.storage.database import Database
from curator.storage.items import iter_items
from curator.workspace import DB_FILENAME, Workspace

IDLE = 0.2


def _until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _other_process_can_open(path) -> bool:
    code = f"import duckdb; duckdb.connect({str(path)!r}).close()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60).returncode == 0


def _db(tmp_path) -> Database:
    db = Database.open(tmp_path / "c.duckdb", idle_release_s=IDLE)
    db.execute("CREATE TABLE t (x INTEGER)")
    return db


def test_the_file_is_let_go_when_idle_and_opened_again_on_use(tmp_path):
    db = _db(tmp_path)
    try:
        assert _until(lambda: not db.is_held)
        assert _other_process_can_open(tmp_path / "c.duckdb")
        with db.transaction() as cur:
            cur.execute("INSERT INTO t VALUES (1), (2)")
        assert db.fetchone("SELECT sum(x) FROM t") == (3,)
        assert db.is_held
    finally:
        db.close()


def test_a_worker_threads_cursor_keeps_working_across_a_release(tmp_path):
    db = _db(tmp_path)
    results, errors = [], []

    def worker():
        try:
            cur = db.cursor()
            results.append(cur.execute("SELECT count(*) FROM t").fetchone()[0])
            assert _until(lambda: not db.is_held)
            cur.execute("INSERT INTO t VALUES (5)")  # the same cursor object, on the reopened file
            results.append(db.fetchone("SELECT sum(x) FROM t")[0])
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    try:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(30)
        assert not errors and results == [0, 5]
    finally:
        db.close()


def test_nothing_is_released_inside_a_transaction_or_while_a_child_cursor_streams(tmp_path):
    db = _db(tmp_path)
    try:
        with db.transaction() as cur:
            cur.execute("INSERT INTO t SELECT range FROM range(100)")
            time.sleep(IDLE * 3)
            assert db.is_held
            cur.execute("INSERT INTO t VALUES (1000)")
        assert db.fetchone("SELECT count(*), max(x) FROM t") == (101, 1000)

        child = db.cursor().cursor()
        reader = child.sql("SELECT x FROM t ORDER BY x").to_arrow_reader(10)
        first = reader.read_next_batch()
        time.sleep(IDLE * 3)
        assert db.is_held  # a streamed read keeps the file
        rest = sum(batch.num_rows for batch in reader)
        assert first.num_rows + rest == 101
        child.close()
        assert _until(lambda: not db.is_held)
    finally:
        db.close()


def test_a_holder_lets_go_at_once_when_another_process_asks_even_long_before_its_idle_time(tmp_path):
    db = Database.open(tmp_path / "c.duckdb", idle_release_s=600)
    try:
        db.execute("CREATE TABLE t AS SELECT 41 AS x")
        code = (
            "import time; from curator.storage.connect import connect; started = time.monotonic(); "
            f"c = connect(__import__('pathlib').Path({str(tmp_path / 'c.duckdb')!r}), wait_s=20); "
            "c.execute('UPDATE t SET x = x + 1'); c.close(); print(round(time.monotonic() - started, 2))"
        )
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert other.returncode == 0, other.stderr
        assert float(other.stdout) < 5
        assert db.fetchone("SELECT x FROM t") == (42,)  # opened again, seeing the other process's write
        assert not list(tmp_path.glob("*.wanted-by-*"))  # the request is gone with the wait
    finally:
        db.close()


def test_a_slow_reader_of_a_runs_items_gets_them_all(tmp_path):
    with Workspace.open(tmp_path / "ws") as ws:
        ws.db.idle_release_s = IDLE
        records = [{"item_id": f"i{k}", "input": f"q{k}"} for k in range(30)]
        run = create_run_from_records(ws, "r", records)
        seen = []
        for item in iter_items(ws.db, run.run_id, batch=10):
            if len(seen) in (5, 15):
                time.sleep(1.5)  # longer than the idle release
            seen.append(item.item_id)
        assert seen == [r["item_id"] for r in records]


APP_LIKE = """
import sys, threading, time
from curator.review.runs import create_run_from_records, list_runs
from curator.workspace import Workspace

ws = Workspace.open(sys.argv[1])
create_run_from_records(ws, "mine", [{"item_id": "a", "input": "hello"}])
print("ready", flush=True)
done = []
def work():  # the app reads in worker threads, now and then, all day
    for _ in range(6):
        done.append(len(list_runs(ws)))
        time.sleep(0.7)
thread = threading.Thread(target=work)
thread.start()
thread.join()
print("app ok", done, flush=True)
ws.close()
"""


def test_a_cli_read_command_works_while_an_app_like_process_stays_open(tmp_path):
    root = tmp_path / "ws"
    app = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(APP_LIKE), str(root)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert app.stdout.readline().strip() == "ready"
        cli = [sys.executable, "-m", "curator.cli.main", "--workspace", str(root)]
        runs = subprocess.run([*cli, "runs", "--json"], capture_output=True, text=True, timeout=120)
        assert runs.returncode == 0, runs.stderr
        assert [r["name"] for r in json.loads(runs.stdout)] == ["mine"]
        templates = subprocess.run([*cli, "template", "list"], capture_output=True, text=True, timeout=120)
        assert templates.returncode == 0 and "No templates yet" in templates.stdout, templates.stderr
        out, _ = app.communicate(timeout=120)
    finally:
        if app.poll() is None:
            app.kill()
    assert app.returncode == 0 and "app ok [1, 1, 1, 1, 1, 1]" in out


def test_a_write_command_that_must_wait_says_so_in_one_line_then_writes(tmp_path):
    root = tmp_path / "ws"
    data = tmp_path / "evals.jsonl"
    data.write_text(json.dumps({"id": "q1", "input": "2+2?", "target": "4"}) + "\n", encoding="utf-8")
    ws = Workspace.open(root)
    try:
        with ws.db.held():  # a long write in this process (like the app storing a big run)
            cli = subprocess.Popen(
                [sys.executable, "-m", "curator.cli.main", "-w", str(root), "import", str(data), "--name", "mine"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "CURATOR_LOCK_WAIT_S": "60"},
            )
            time.sleep(4)
            assert cli.poll() is None  # still waiting
        out, err = cli.communicate(timeout=120)
        assert cli.returncode == 0, err
        waits = [line for line in err.splitlines() if "waiting for" in line]
        assert waits == [f"waiting for {root / DB_FILENAME}: another Curator process is using it…"]
        assert ws.db.fetchone("SELECT name FROM runs") == ("mine",)
    finally:
        ws.close()
