"""Which tool wrote a file, told from its content (the file name is only a hint for CSV)."""

from __future__ import annotations

import json
from pathlib import Path

from curator.importers.bad_file import BadFileError
from curator.importers.eval_zip import open_archive
from curator.importers.lines import MAX_DEPTH, nesting_depth

FORMATS = ("lm_eval", "inspect", "promptfoo", "jsonl", "csv", "parquet")
HARNESS_FORMATS = ("lm_eval", "inspect", "promptfoo")
INSPECT_MEMBERS = ("header.json", "_journal/start.json")
PEEK_BYTES = 1 << 16


def check_readable(path: Path) -> None:
    """A clear error for a path that is not a readable, non-empty regular file."""
    try:
        if not path.exists():
            raise BadFileError(path, "no such file")
        if path.is_dir():
            raise BadFileError(path, "is a directory, not a file: name one log file inside it")
        if not path.is_file():
            raise BadFileError(path, "not a regular file (a pipe, socket or device): copy the log to a file first")
        if path.stat().st_size == 0:
            raise BadFileError(path, "the file is empty")
        with path.open("rb") as f:
            f.read(1)
    except OSError as error:
        raise BadFileError(path, f"cannot read the file ({error.strerror or error})") from None


def check_format_name(name: str, path: Path) -> str:
    wanted = name.replace("-", "_").lower()
    if wanted not in FORMATS:
        raise BadFileError(path, f"unknown format '{name}' (choose one of {', '.join(FORMATS)})")
    return wanted


def detect_format(path: Path) -> str:
    """One of FORMATS, from the file's first bytes; a BadInputError when it is none of them."""
    with path.open("rb") as f:
        head = f.read(PEEK_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"{", b"[")):
        return _json_format(path)
    if path.suffix.lower() in (".csv", ".tsv") or _looks_like_csv(head):
        return "csv"
    raise BadFileError(
        path,
        "cannot tell the format: not JSON, JSON lines, CSV, Parquet or an Inspect .eval log "
        f"(name it with --format, one of {', '.join(FORMATS)})",
    )


def _zip_format(path: Path) -> str:
    with open_archive(path) as archive:
        names = set(archive.namelist())
    if names & set(INSPECT_MEMBERS):
        return "inspect"
    raise BadFileError(
        path, "a zip file that is not an Inspect .eval log (it has no header.json or _journal/start.json)"
    )


def _json_format(path: Path) -> str:
    first = _first_json_value(path)
    if isinstance(first, dict):
        if _is_lm_eval_summary(first):
            raise BadFileError(path, _lm_eval_summary_problem(path))
        if "eval" in first and ("samples" in first or "status" in first):
            return "inspect"
        if isinstance(first.get("results"), dict) and "results" in first["results"] or "evalId" in first:
            return "promptfoo"
        if "doc_id" in first and "arguments" in first and ("resps" in first or "filtered_resps" in first):
            return "lm_eval"
    return "jsonl"


def _is_lm_eval_summary(document: dict) -> bool:
    """An lm-evaluation-harness results_*.json: aggregate metrics per task, no per-item samples."""
    return isinstance(document.get("results"), dict) and "configs" in document and "versions" in document


def _lm_eval_summary_problem(path: Path) -> str:
    samples = sorted(p.name for p in path.parent.glob("samples_*.json*"))
    hint = f" (beside it: {', '.join(samples[:3])}{', ...' if len(samples) > 3 else ''})" if samples else ""
    return (
        "an lm-evaluation-harness results summary (aggregate metrics, no items): import the "
        f"samples_<task>_*.jsonl file that --log_samples writes{hint}"
    )


def _first_json_value(path: Path):
    """The first line parsed as JSON; the whole file when the first line is only part of a document."""
    with path.open("rb") as f:
        line = f.readline().removeprefix(b"\xef\xbb\xbf")
    try:
        return json.loads(line)
    except RecursionError:
        return None  # one record nested too deep: the JSON-lines reader names its line
    except ValueError:
        pass
    with path.open("rb") as f:
        whole = f.read().removeprefix(b"\xef\xbb\xbf")
    try:
        return json.loads(whole)
    except RecursionError:
        raise BadFileError(path, f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:
        if nesting_depth(whole.decode("utf-8", errors="replace")) > MAX_DEPTH:
            raise BadFileError(path, f"nested more than {MAX_DEPTH} levels deep") from None
        return None  # a JSON-lines file with a bad first line: the JSON-lines reader names the line


def _looks_like_csv(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0]
    return b"," in first and b"\x00" not in head
