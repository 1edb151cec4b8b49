"""The DuckDB connection of a workspace: opening, locking, transactions, thread cursors."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from curator.errors import CuratorError, WorkspaceLockedError
from curator.storage.migrations import migrate


class Database:
    """One writer connection to `curator.duckdb`; threads get their own cursors."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, path: Path | None):
        self._conn = conn
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | None, read_only: bool = False) -> Database:
        """Open (and migrate) the database at `path`; None opens an in-memory database."""
        target = ":memory:" if path is None else str(path)
        try:
            conn = duckdb.connect(target, read_only=read_only)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise WorkspaceLockedError(
                    f"{path} is open for writing in another Curator process; close it there and try again"
                ) from None
            raise CuratorError(f"cannot open {path}: {error}") from None
        # DuckDB would otherwise draw its own progress bar over ours on long queries.
        conn.execute("SET enable_progress_bar = false")
        if not read_only:
            migrate(conn)
        return cls(conn, path)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for the calling thread (DuckDB connections are not shared across threads)."""
        if threading.current_thread() is threading.main_thread():
            return self._conn
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._conn.cursor()
            self._local.cursor = cursor
        return cursor

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block as one transaction: it lands whole or not at all.

        A transaction opened inside another on the same thread joins it, so a domain function can
        combine several storage calls into one atomic change.
        """
        with self._write_lock:
            cur = self.cursor()
            depth = getattr(self._local, "depth", 0)
            if depth:
                self._local.depth = depth + 1
                try:
                    yield cur
                finally:
                    self._local.depth = depth
                return
            cur.execute("BEGIN TRANSACTION")
            self._local.depth = 1
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                self._local.depth = 0

    def execute(self, sql: str, params: list | tuple | dict | None = None) -> duckdb.DuckDBPyConnection:
        return self.cursor().execute(sql, params) if params is not None else self.cursor().execute(sql)

    def fetchall(self, sql: str, params: list | tuple | dict | None = None) -> list[tuple]:
        return self.execute(sql, params).fetchall()

    def fetchone(self, sql: str, params: list | tuple | dict | None = None) -> tuple | None:
        return self.execute(sql, params).fetchone()

    def interrupt(self) -> None:
        """Stop the query running on the main connection (used to cancel long work)."""
        self._conn.interrupt()

    def close(self) -> None:
        self._conn.close()
