"""Killed, full or read-only exports: no visible debris, one-line errors, --force never replaces a non-file."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from fixwork import weather_run

from curator.errors import CuratorError
from curator.exports.library import export_run
from curator.review.runs import create_run_from_records
from curator.storage import files
from curator.storage.files import MARKER, clean_debris

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def run_ws(workspace):
    weather_run(workspace)
    return workspace


def _visible(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def _killed_export(ws_path, out, step: str, file_format: str = "jsonl", shape: str = "sft") -> int:
    """Run an export in a child that SIGKILLs itself at `step` (as a power cut or `kill -9` would)."""
    code = textwrap.dedent(
        f"""
        import os, signal, shutil
        from pathlib import Path
        from curator.workspace import Workspace
        from curator.exports.library import export_run
        from curator.storage import files

        def die(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)

        if {step!r} == "rename":
            files.os.replace = die          # after the temporary is fully written, before it is renamed
        elif {step!r} == "write":
            from curator.exports import writers
            real = writers.json_line
            count = [0]
            def half(row, **kw):
                count[0] += 1
                if count[0] == 2:
                    die()
                return real(row, **kw)
            writers.json_line = half        # part-way through writing the rows
        with Workspace.open(Path({str(ws_path)!r})) as ws:
            export_run(ws, "base", {shape!r}, {file_format!r}, folder=Path({str(out)!r}), name="out")
        """
    )
    env = dict(os.environ, PYTHONPATH=REPO)
    return subprocess.run([sys.executable, "-c", code], env=env, timeout=120, capture_output=True).returncode


@pytest.mark.parametrize(
    ("step", "shape", "file_format"),
    [("rename", "sft", "jsonl"), ("write", "sft", "jsonl"), ("rename", "sft", "hf"), ("rename", "raw", "jsonl")],
)
def test_a_killed_export_leaves_only_hidden_debris_that_the_next_export_removes(
    run_ws, tmp_path, step, shape, file_format
):
    out = tmp_path / "out"
    ws_path = run_ws.root
    run_ws.close()
    assert _killed_export(ws_path, out, step, file_format, shape) == -signal.SIGKILL
    leftovers = list(out.iterdir())
    assert leftovers and _visible(out) == [], "a killed export leaves hidden temporaries only"
    from curator.workspace import Workspace

    with Workspace.open(ws_path) as ws:
        result = export_run(ws, "base", shape, file_format, folder=out, name="out")  # no --force needed
    assert [p.name for p in out.iterdir()] == ["out"]
    assert result.rows == (5 if shape == "raw" else 3)


def test_debris_of_a_live_writer_is_kept(tmp_path):
    mine = tmp_path / f".x.jsonl.curator-{os.getpid()}.abc123.tmp"
    dead = tmp_path / ".x.jsonl.curator-999999999.abc123.tmp"
    duckdb_copy = tmp_path / "tmp_.x.jsonl.curator-999999999.abc123.tmp"
    user_file = tmp_path / ".notes.1234.tmp"
    for path in (mine, dead, duckdb_copy, user_file):
        path.write_text("x")
    assert sorted(p.name for p in clean_debris(tmp_path)) == sorted([dead.name, duckdb_copy.name])
    assert mine.exists() and user_file.exists()


def test_force_never_replaces_a_fifo_a_device_or_a_link(run_ws, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "fifo.jsonl")
    os.mknod(out / "null.jsonl", 0o600 | 0o020000, os.makedev(1, 3))  # a character device, as /dev/null
    (out / "link.jsonl").symlink_to(tmp_path / "elsewhere.jsonl")
    for name in ("fifo.jsonl", "null.jsonl"):
        with pytest.raises(CuratorError, match="not a regular file"):
            export_run(run_ws, "base", "sft", folder=out, name=name, force=True)
    with pytest.raises(CuratorError, match="link"):
        export_run(run_ws, "base", "sft", folder=out, name="link.jsonl", force=True)
    import stat

    assert stat.S_ISFIFO((out / "fifo.jsonl").lstat().st_mode)
    assert stat.S_ISCHR((out / "null.jsonl").lstat().st_mode)
    assert not (tmp_path / "elsewhere.jsonl").exists()


def test_force_replaces_a_folder_curator_wrote_and_no_other(run_ws, tmp_path):
    out = tmp_path / "out"
    first = export_run(run_ws, "base", "sft", "hf", folder=out, name="ds")
    assert (first.path / MARKER).is_file()
    export_run(run_ws, "base", "dpo", "hf", folder=out, name="ds", force=True)
    (out / "theirs").mkdir()
    (out / "theirs" / "dataset_info.json").write_text("{}")
    with pytest.raises(CuratorError, match="a folder Curator did not write"):
        export_run(run_ws, "base", "sft", "hf", folder=out, name="theirs", force=True)
    assert (out / "theirs" / "dataset_info.json").read_text() == "{}"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "no space left on the device"),
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "permission denied"),
    ],
)
@pytest.mark.parametrize("shape_format", ["raw/jsonl", "sft/jsonl", "sft/parquet", "sft/hf"])
def test_disk_full_and_read_only_give_one_line_and_leave_nothing(
    run_ws, tmp_path, monkeypatch, code, words, shape_format
):
    shape, file_format = shape_format.split("/")
    out = tmp_path / "out"
    out.mkdir()

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    monkeypatch.setattr(files.tempfile, "mkdtemp", refuse)
    with pytest.raises(CuratorError) as error:
        export_run(run_ws, "base", shape, file_format, folder=out, name="x")
    assert str(error.value) == f"could not write {out / 'x'}: {words}"
    assert list(out.iterdir()) == []


def test_duckdb_running_out_of_disk_is_one_line(run_ws, tmp_path, monkeypatch):
    import duckdb

    real = run_ws.db.execute

    def full(sql, *args, **kwargs):
        if sql.lstrip().startswith("COPY"):
            raise duckdb.IOException('IO Error: Could not write file "x": No space left on device\nmore detail')
        return real(sql, *args, **kwargs)

    monkeypatch.setattr(run_ws.db, "execute", full)
    with pytest.raises(CuratorError) as error:
        export_run(run_ws, "base", "raw", folder=tmp_path / "out", name="x.jsonl")
    assert str(error.value) == (
        f'could not write {tmp_path / "out" / "x.jsonl"}: IO Error: Could not write file "x": No space left on device'
    )
    assert list((tmp_path / "out").iterdir()) == []


def test_disk_full_part_way_leaves_no_file(run_ws, tmp_path, monkeypatch):
    from curator.exports import writers

    real, count = writers.json_line, [0]

    def fill_up(row, **kwargs):
        count[0] += 1
        if count[0] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(row, **kwargs)

    monkeypatch.setattr(writers, "json_line", fill_up)
    with pytest.raises(CuratorError, match="no space left on the device"):
        export_run(run_ws, "base", "sft", folder=tmp_path / "out", name="x.jsonl")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_read_only_destination_through_the_cli_is_one_line(run_ws, tmp_path, monkeypatch, capsys):
    from curator.cli.main import main

    out = tmp_path / "out"
    real_mkdir = files.Path.mkdir

    def read_only(self, *args, **kwargs):
        if str(self).startswith(str(out)):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_mkdir(self, *args, **kwargs)

    run_ws.close()
    monkeypatch.setattr(files.Path, "mkdir", read_only)
    monkeypatch.setattr(sys, "argv", ["curator", "--workspace", str(run_ws.root), "export", "base", "--dir", str(out)])
    with pytest.raises(SystemExit) as exit_:
        main()
    err = capsys.readouterr().err
    assert exit_.value.code == 1
    assert err.strip().splitlines() == [f"error: could not write {out}: the file system is read-only"]


def test_nan_and_infinity_never_leave_as_non_standard_json(workspace, tmp_path):
    records = [
        {"item_id": "a", "input": "q", "target": "t", "output": "o", "metadata": {"score": float("nan")}},
        {"item_id": "b", "input": "q2", "target": "t2", "output": "o2", "metadata": {"x": [float("inf"), 1.5]}},
    ]
    create_run_from_records(workspace, "r", records)
    out = tmp_path / "out"
    for shape, file_format in (("raw", "jsonl"), ("raw", "parquet"), ("sft", "jsonl")):
        path = export_run(workspace, "r", shape, file_format, folder=out, name=f"{shape}.{file_format}").path
        if file_format == "jsonl":
            lines = path.read_text().splitlines()
        else:
            import pyarrow.parquet as pq

            lines = [m for m in pq.read_table(path).column("metadata").to_pylist() if m]
        for line in lines:
            assert "NaN" not in line and "Infinity" not in line, line
            json.loads(line, parse_constant=lambda token: pytest.fail(f"non-standard {token}"))
    raw = [json.loads(line) for line in (out / "raw.jsonl").read_text().splitlines()]
    assert raw[0]["metadata"] == {"score": None} and raw[1]["metadata"] == {"x": [None, 1.5]}
