"""Safe file writing: paths kept inside the chosen folder, atomic replace, no silent overwrite."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from curator.errors import CuratorError


def safe_destination(folder: Path, name: str | Path, force: bool = False) -> Path:
    """`folder/name` resolved; refused if it leaves the folder (through `..` or a link) or exists without `force`."""
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    base = folder.resolve()
    candidate = base / name
    if candidate.is_symlink():
        raise CuratorError(f"{candidate}: is a link; refusing to write through it")
    resolved = candidate.resolve()
    if resolved != base and base not in resolved.parents:
        raise CuratorError(f"{name}: resolves to {resolved}, outside {base}; refusing to write there")
    if resolved.exists() and not force:
        raise CuratorError(f"{resolved} already exists (use --force to overwrite)")
    resolved.parent.mkdir(parents=True, exist_ok=True)
    return resolved


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`; renamed onto it only when the block finishes without error."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(temporary)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """A temporary folder beside `path`, moved onto it (replacing an old one) only when the block succeeds."""
    temporary = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield temporary
        if path.exists():
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
            os.replace(temporary, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temporary, path)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
