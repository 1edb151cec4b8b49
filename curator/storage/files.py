"""Safe file writing: paths kept inside the chosen folder, atomic replace, no silent overwrite, no debris.

Temporary files and folders are hidden (`.NAME.curator-PID.XXXX.tmp`, beside the destination) and name the process that
made them, so the next write to the same folder removes those whose process is gone (a killed export's leftovers)
and never one still being written. `force` replaces only a regular file or a folder Curator wrote (it holds
MARKER); never a link, device node, FIFO or socket. Disk full, read-only and permission errors become one line.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from curator.errors import CuratorError
from curator.pids import pid_alive

MARKER = ".curator-export"  # inside every folder Curator writes; only such a folder may be replaced
_DEBRIS = re.compile(r"(?:tmp_)?\..+\.curator-(?P<pid>\d+)\.[^.]+\.tmp\Z")  # ours (and DuckDB's `tmp_` copy of ours)
_WRITE_ERRORS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EFBIG: "the file is too large for the file system",
}


def write_error(path: Path, error: OSError) -> CuratorError:
    """One line for a failed write: where, and why in words."""
    why = _WRITE_ERRORS.get(error.errno) or error.strerror or str(error) or type(error).__name__
    return CuratorError(f"could not write {path}: {why}")


@contextmanager
def reported_write_errors(path: Path) -> Iterator[None]:
    """OSError raised inside the block becomes a one-line CuratorError naming `path`."""
    try:
        yield
    except OSError as error:
        raise write_error(path, error) from None


def clean_debris(folder: Path) -> list[Path]:
    """Remove the temporary files and folders that writes killed part-way left in `folder`; returns them."""
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _DEBRIS.match(entry.name)
        if match is None or _alive_or_self(int(match.group("pid"))):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
        except OSError:
            continue
    return removed


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}.curator-{os.getpid()}."


def check_replaceable(path: Path) -> None:
    """Refuse to replace anything but a regular file or a folder Curator wrote."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        raise CuratorError(f"{path}: is a link; refusing to write through it")
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        if not (path / MARKER).is_file():
            raise CuratorError(f"{path} is a folder Curator did not write; refusing to replace it")
        return
    raise CuratorError(f"{path} is not a regular file (a device, FIFO or socket); refusing to replace it")


def safe_destination(folder: Path, name: str | Path, force: bool = False) -> Path:
    """`folder/name` resolved; refused if it leaves the folder (through `..` or a link) or exists without `force`.

    Also removes what killed writes left in the destination's folder."""
    folder = Path(folder).expanduser()
    with reported_write_errors(folder):
        folder.mkdir(parents=True, exist_ok=True)
    base = folder.resolve()
    candidate = base / name
    if candidate.is_symlink():
        raise CuratorError(f"{candidate}: is a link; refusing to write through it")
    resolved = candidate.resolve()
    if resolved == base:
        raise CuratorError(f"{name}: is the folder {base} itself; give a file or folder name inside it")
    if base not in resolved.parents:
        raise CuratorError(f"{name}: resolves to {resolved}, outside {base}; refusing to write there")
    if resolved.exists() and not force:
        raise CuratorError(f"{resolved} already exists (use --force to overwrite)")
    if resolved.exists():
        check_replaceable(resolved)
    with reported_write_errors(resolved.parent):
        resolved.parent.mkdir(parents=True, exist_ok=True)
    clean_debris(resolved.parent)
    return resolved


def _umask() -> int:
    """The process umask (read by setting and restoring it; there is no read-only call)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A hidden temporary path beside `path`; renamed onto it only when the block finishes without error."""
    if path.is_dir():
        raise CuratorError(f"{path} is a folder; refusing to replace it with a file")
    if path.exists() or path.is_symlink():
        check_replaceable(path)
    with reported_write_errors(path):
        handle, temporary = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(temporary)
    try:
        with reported_write_errors(path):
            yield temporary
            os.chmod(temporary, 0o666 & ~_umask())
            os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """A hidden temporary folder beside `path`, moved onto it (replacing a folder Curator wrote) when the block
    succeeds; the folder gets MARKER so that a later `force` may replace it."""
    if path.exists() or path.is_symlink():
        check_replaceable(path)
    with reported_write_errors(path):
        temporary = Path(tempfile.mkdtemp(prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent))
    try:
        with reported_write_errors(path):
            yield temporary
            (temporary / MARKER).write_text("written by Curator; `curator export --force` may replace it\n")
            os.chmod(temporary, 0o777 & ~_umask())
            if path.exists():
                old = Path(tempfile.mkdtemp(prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent))
                os.replace(path, old / "old")
                os.replace(temporary, path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(temporary, path)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def finite(value):
    """The value with every NaN/Infinity float (at any depth) replaced by None, so it is standard JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def json_line(value, **options) -> str:
    """One standard JSON document (NaN/Infinity written as null, never as the non-standard tokens)."""
    try:
        return json.dumps(value, allow_nan=False, **options)
    except ValueError:
        return json.dumps(finite(value), allow_nan=False, **options)


_NON_FINITE = re.compile(r"NaN|Infinity")


def standard_json_text(text: str) -> str:
    """JSON text as standard JSON: a document with NaN/Infinity tokens is parsed and written again with nulls."""
    if not _NON_FINITE.search(text):
        return text
    return json_line(json.loads(text), ensure_ascii=False, separators=(",", ":"))


def rewrite_lines(path: Path, change) -> None:
    """Replace each line of `path` (a file not yet in place) by `change(line)`, streaming through a hidden temp."""
    with reported_write_errors(path):
        handle, temporary = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out, path.open(encoding="utf-8") as source:
                for line in source:
                    out.write(change(line.rstrip("\n")) + "\n")
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)


def _alive_or_self(pid: int) -> bool:
    return pid == os.getpid() or pid_alive(pid)
