"""`curator model smollm2 DEST` and the conversion child's own command line: a usage line, never a traceback."""

import subprocess
import sys

from typer.testing import CliRunner

from curator.cli.main import app
from curator.demo.base_model import MARKER

runner = CliRunner()


def test_the_conversion_child_answers_a_human_with_a_usage_line():
    helped = subprocess.run(
        [sys.executable, "-m", "curator.demo.base_model", "--help"], capture_output=True, text=True, timeout=60
    )
    assert helped.returncode == 0 and helped.stdout.startswith("usage: python -m curator.demo.base_model")
    bare = subprocess.run([sys.executable, "-m", "curator.demo.base_model"], capture_output=True, text=True, timeout=60)
    assert bare.returncode == 2 and "Traceback" not in bare.stderr
    assert "usage:" in bare.stderr and "OUT_DIR PROGRESS_FILE" in bare.stderr


def test_a_folder_already_written_is_reused_without_converting_again(tmp_path):
    dest = tmp_path / "models" / "smollm2"
    dest.mkdir(parents=True)
    (dest / "model.safetensors").write_bytes(b"x" * 1000)
    (dest / MARKER).write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["model", "smollm2", str(dest)])
    assert result.exit_code == 0, result.output
    assert "already there" in result.output and str(dest) in result.output.replace("\n", "")


def test_a_folder_holding_something_else_is_refused_and_left_alone(tmp_path):
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "notes.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(app, ["model", "smollm2", str(dest)])
    assert result.exit_code != 0
    assert "is not a converted model" in str(result.exception) or "is not a converted model" in result.output
    assert (dest / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]
