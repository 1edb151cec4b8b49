"""The whole bad-input corpus through `curator import`: exit non-zero with at most two lines and no traceback, the
workspace unchanged; or, for the files that are fine, a correct import."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from curator.cli.main import main
from curator.importers import import_file
from curator.storage.runs import table_counts
from curator.workspace import Workspace

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
CORPUS = sorted(p for p in BAD.iterdir() if p.is_file() and p.suffix != ".md")

# Command-line options a file is imported with (the mapping it is meant to break).
OPTIONS = {
    "bad_split_value.jsonl": ["--split-field", "split"],
    "mapped_output_typo.jsonl": ["--output", "outptu"],
    "mapped_column_missing.csv": ["--output", "answer"],
    "mapped_nested_typo.jsonl": ["--output", "model.solutoin"],
    "missing_id.jsonl": ["--id", "id"],
}
# Files that are fine despite looking hostile, and the items they hold.
IMPORTED = {
    "blank_lines.jsonl": 3,
    "bom.jsonl": 3,
    "crlf.jsonl": 3,
    "control_chars_key.jsonl": 1,
    "csv_multiline_field.csv": 3,
    "duplicate_keys.jsonl": 2,
    "inspect_status_object.json": 1,
}


@pytest.fixture(scope="module")
def used_root(tmp_path_factory, real_logs=Path(__file__).resolve().parents[1] / "data" / "logs"):
    """A workspace that already holds a run, so 'unchanged' is checked against tables with rows in them."""
    root = tmp_path_factory.mktemp("corpus") / "ws"
    with Workspace.open(root) as ws:
        import_file(ws, real_logs / "lm-eval" / "samples_gsm8k_2025-04-30T18-24-41.082644.jsonl")
    return root


def _counts(root: Path) -> dict:
    with Workspace.open(root) as ws:
        return table_counts(ws.db)


def _run_cli(monkeypatch, capsys, *args: str) -> tuple[int, list[str]]:
    """`curator ARGS` in this process, through the real entry point: (exit code, lines printed)."""
    monkeypatch.setattr(sys, "argv", ["curator", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    captured = capsys.readouterr()
    printed = [line for line in (captured.out + captured.err).splitlines() if line.strip()]
    return exited.value.code or 0, printed


def test_the_corpus_holds_the_hostile_shapes():
    assert len(CORPUS) >= 75
    assert set(IMPORTED) | set(OPTIONS) <= {p.name for p in CORPUS}


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_every_bad_file_gives_one_line_or_a_correct_import(used_root, monkeypatch, capsys, path):
    before = _counts(used_root)
    code, printed = _run_cli(
        monkeypatch, capsys, "--workspace", str(used_root), "import", str(path), *OPTIONS.get(path.name, [])
    )
    assert not any("Traceback" in line for line in printed), printed
    assert not any("\x1b" in line or "\x07" in line for line in printed), printed  # escapes shown, never sent
    assert len(printed) <= 2, printed
    if path.name in IMPORTED:
        assert code == 0, printed
        assert printed[-1].startswith(f"Imported {IMPORTED[path.name]} items into run"), printed
        after = _counts(used_root)
        assert after["runs"] == before["runs"] + 1
        assert after["items"] == before["items"] + IMPORTED[path.name]
    else:
        assert code != 0, printed
        assert printed == [printed[0]] and printed[0].startswith(f"error: {path}: "), printed
        assert _counts(used_root) == before
