"""Freezing a build: rows refused when they could only teach nothing, each row's nearest held-out item, and the
version folder (rows and manifest together) written hidden and renamed into place once."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

from curator.errors import CuratorError
from curator.fix.contamination import normalise
from curator.storage.files import atomic_folder, json_line, safe_destination

NAMED_ROWS = 5  # rows named in a refusal; the rest are counted
NEAREST_CHUNK = 256  # rows scored against every held-out item at once (256 x 50,000 float32: 51 MB)


def _describe(number: int, row: dict) -> str:
    where = row.get("source_item_key") if row.get("source_item_key") is not None else row.get("example_id")
    return f"row {number} (source '{row.get('source')}'" + (f", item {where})" if where is not None else ")")


def check_rows(rows: list[dict]) -> None:
    """Refuse a build with rows that train nothing or the opposite of what they should: an empty (or blank)
    completion, or a preference pair whose chosen equals its rejected. One line naming the rows (1-based)."""
    problems: dict[str, list[str]] = {}
    for number, row in enumerate(rows, start=1):
        for name in ("completion", "chosen", "rejected"):
            if name in row and not str(row[name] or "").strip():
                problems.setdefault(f"an empty {name}", []).append(_describe(number, row))
        if "chosen" in row and "rejected" in row and row["chosen"] == row["rejected"]:
            problems.setdefault("chosen equal to rejected", []).append(_describe(number, row))
    if problems:
        what, named = next(iter(problems.items()))
        more = f" and {len(named) - NAMED_ROWS} more" if len(named) > NAMED_ROWS else ""
        raise CuratorError(
            f"{len(named)} row(s) have {what}: {', '.join(named[:NAMED_ROWS])}{more}; "
            "fix or reject those examples (or drop the source) and build again"
        )


def nearest_held_out(held_out: list[tuple[str, str]], rows: list[dict]) -> list[dict]:
    """Per row (its line in the file, from 1), the id of its most similar held-out item and the similarity (rapidfuzz's
    normalised Indel similarity of the normalised texts, 0 to 1); `held_out` holds (input text, item id)."""
    from rapidfuzz import fuzz, process  # ~0.1 s; only a build needs it

    if not held_out or not rows:
        return [{"row": n + 1, "held_out_id": None, "similarity": 0.0} for n in range(len(rows))]
    choices = [normalise(text) for text, _ in held_out]
    queries = [normalise(row["prompt"]) for row in rows]
    report = []
    for start in range(0, len(queries), NEAREST_CHUNK):
        scores = process.cdist(queries[start : start + NEAREST_CHUNK], choices, scorer=fuzz.ratio, workers=-1)
        best = np.argmax(scores, axis=1)
        for offset, index in enumerate(best.tolist()):
            similarity = round(float(scores[offset, index]) / 100, 3)
            report.append(
                {
                    "row": start + offset + 1,
                    "held_out_id": held_out[index][1] if similarity else None,
                    "similarity": similarity,
                }
            )
    return report


def payload_of(rows: list[dict]) -> tuple[bytes, str]:
    payload = "".join(json_line(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    return payload, hashlib.sha256(payload).hexdigest()


def write_version(folder: Path, version: int, payload: bytes, manifest: dict) -> Path:
    """`folder/vN/vN.jsonl` (read-only) and `vN.manifest.json`, written in a hidden folder renamed into place once:
    a build killed at any moment leaves both files or neither. Returns the rows file."""
    destination = safe_destination(folder, f"v{version}")
    with atomic_folder(destination) as temporary:
        (temporary / f"v{version}.manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        (temporary / f"v{version}.jsonl").write_bytes(payload)
        os.chmod(temporary / f"v{version}.jsonl", 0o444)
    return destination / f"v{version}.jsonl"


def remove_version_files(rows_file: Path) -> None:
    """Remove a version's files: its folder (this layout) or its file and manifest (the older flat layout)."""
    if rows_file.parent.name == rows_file.stem and rows_file.parent.is_dir() and not rows_file.parent.is_symlink():
        shutil.rmtree(rows_file.parent)  # a read-only file in a writable folder can be removed
        return
    for leftover in (rows_file, rows_file.with_suffix(".manifest.json")):
        if leftover.is_file() and not leftover.is_symlink():
            os.chmod(leftover, 0o644)
            leftover.unlink()


def check_hash(path: Path, content_hash: str) -> bytes:
    """The file's bytes, after proving they still have the hash the version was frozen with (one line if not)."""
    try:
        payload = path.read_bytes()
    except OSError as error:
        raise CuratorError(f"{path}: cannot read the frozen dataset file ({error.strerror or error})") from None
    if hashlib.sha256(payload).hexdigest() != content_hash:
        raise CuratorError(
            f"{path} no longer matches its content hash; the frozen version was altered after its build: "
            "build the recipe again (a new version) instead of editing the file"
        )
    return payload
