"""A workspace: a folder holding `curator.duckdb`, `models/` and `exports/`, found like git finds a repo."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from curator.errors import CuratorError
from curator.storage.database import Database

WORKSPACE_ENV = "CURATOR_WORKSPACE"
DEFAULT_DIRNAME = ".curator"
DB_FILENAME = "curator.duckdb"


def resolve_workspace_path(explicit: str | Path | None = None, cwd: Path | None = None) -> Path:
    """The folder to use: `--workspace`, else $CURATOR_WORKSPACE, else `.curator/` in the current folder."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(WORKSPACE_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return ((cwd or Path.cwd()) / DEFAULT_DIRNAME).resolve()


@dataclass
class Workspace:
    """An open workspace; `db` is its single writer connection."""

    root: Path
    db: Database = field(repr=False)

    @classmethod
    def open(cls, path: str | Path | None = None, read_only: bool = False) -> Workspace:
        """Open the workspace at `path` (resolved as above), creating it on first use."""
        root = resolve_workspace_path(path)
        if not read_only:
            try:
                for folder in (root, root / "models", root / "exports"):
                    folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CuratorError(f"cannot use {root} as a workspace: {error.strerror or error}") from None
        return cls(root=root, db=Database.open(root / DB_FILENAME, read_only=read_only))

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    def resolve_path(self, stored: str | Path) -> Path:
        """A path as stored in the database: relative ones are inside this workspace (so a copy still works)."""
        path = Path(stored).expanduser()
        return path if path.is_absolute() else self.root / path

    def local_folder(self, path: str | Path) -> Path:
        """A model or adapter folder the user named: as typed (relative to the current folder) when it is there,
        else inside this workspace, as `curator jobs` and `curator runs` print it (`models/adapters/job-3`).
        Returned as typed when neither exists, so the caller's error names what the user wrote."""
        typed = Path(path).expanduser()
        if typed.is_dir() or typed.is_absolute():
            return typed
        stored = self.root / typed
        return stored if stored.is_dir() else typed

    def storable_path(self, path: str | Path) -> str:
        """`path` as it should be stored: relative to the workspace when inside it, else absolute."""
        resolved = Path(path).expanduser().resolve()
        try:
            return str(resolved.relative_to(self.root.resolve()))
        except ValueError:
            return str(resolved)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
