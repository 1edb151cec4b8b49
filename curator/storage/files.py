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
    if resolved == base:
        raise CuratorError(f"{name}: is the folder {base} itself; give a file or folder name inside it")
    if base not in resolved.parents:
        raise CuratorError(f"{name}: resolves to {resolved}, outside {base}; refusing to write there")
    if resolved.exists() and not force:
        raise CuratorError(f"{resolved} already exists (use --force to overwrite)")
    resolved.parent.mkdir(parents=True, exist_ok=True)
    return resolved


def _umask() -> int:
    """The process umask (read by setting and restoring it; there is no read-only call)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _is_saved_dataset(path: Path) -> bool:
    return path.is_dir() and ((path / "dataset_info.json").is_file() or (path / "state.json").is_file())


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`; renamed onto it only when the block finishes without error."""
    if path.is_dir():
        raise CuratorError(f"{path} is a folder; refusing to replace it with a file")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(temporary)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """A temporary folder beside `path`, moved onto it (replacing an old saved dataset) only when the block succeeds."""
    if path.exists() and not _is_saved_dataset(path):
        raise CuratorError(f"{path} exists and is not a saved dataset folder; refusing to replace it")
    temporary = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield temporary
        os.chmod(temporary, 0o777 & ~_umask())
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
