"""`curator import FILE` end to end: what it prints, what it stores, and the one-line error for a bad file."""

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from curator.cli.main import app
from curator.storage.items import iter_items
from curator.storage.runs import table_counts
from curator.workspace import Workspace

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def _invoke(root: Path, *args: str):
    return CliRunner().invoke(app, ["--workspace", str(root), "import", *args], catch_exceptions=True)


def test_import_prints_run_name_count_and_format(tmp_path, real_logs):
    root = tmp_path / "ws"
    result = _invoke(root, str(real_logs / "lm-eval" / "samples_asdiv_2024-08-21T03-44-09.494230.jsonl"))
    assert result.exit_code == 0, result.output
    assert " ".join(result.stdout.split()) == (
        "Imported 50 items into run 'asdiv' (format lm_eval, model meta-llama/Meta-Llama-3-8B-Instruct)."
    )


def test_import_with_mapping_split_share_and_json_output(tmp_path, real_logs):
    root = tmp_path / "ws"
    result = _invoke(
        root,
        str(real_logs / "generic" / "gsm8k_example_model_solutions.jsonl"),
        "--target",
        "ground_truth",
        "--output",
        "175b_verification.solution",
        "--name",
        "gsm8k-175b",
        "--model",
        "gpt-3-175b",
        "--held-out-share",
        "0.2",
        "--seed",
        "7",
        "--json",
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed | {"run_id": 0} == {
        "run": "gsm8k-175b",
        "run_id": 0,
        "items": 1319,
        "format": "jsonl",
        "model": "gpt-3-175b",
        "skipped": [],
    }
    with Workspace.open(root) as ws:
        splits = dict(ws.db.fetchall("SELECT split, count(*) FROM items GROUP BY split"))
        first = next(iter_items(ws.db, printed["run_id"]))
    assert 200 < splits["held_out"] < 330 and splits["dev"] + splits["held_out"] == 1319
    assert first.output.endswith("A: 18")


def test_skip_bad_lines_lists_the_bad_lines(tmp_path):
    result = _invoke(tmp_path / "ws", str(BAD / "ragged.csv"), "--skip-bad-lines")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == ["Skipped 1 bad records:", "  line 3: has 5 fields but the header has 4"]


def test_a_bad_file_prints_one_error_line_and_stores_nothing(tmp_path, real_logs):
    root = tmp_path / "ws"
    assert _invoke(root, str(real_logs / "inspect" / "log_streaming.eval")).exit_code == 0
    with Workspace.open(root) as ws:
        before = table_counts(ws.db)
    bad = BAD / "output_number.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "curator.cli.main", "--workspace", str(root), "import", str(bad), "--id", "id"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"error: {bad}: line 2, field 'output': expected text, got a number"]
    with Workspace.open(root) as ws:
        assert table_counts(ws.db) == before
