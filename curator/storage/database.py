"""The DuckDB connection of a workspace: opened on demand, let go when idle or asked, transactions, thread cursors.

DuckDB lets one process at a time hold a database file for writing. A user keeps the app open all day and runs
CLI commands beside it, so a Database holds the file only while it is used: the connection opens on the first
use and is closed (the file freed) once nothing uses it (no transaction open, no cursor call running, no child
cursor alive) and either another Curator process asks for the file or it stayed unused for `idle_release_s`.
A process that finds the file held asks for it (a `curator.duckdb.wanted-by-PID` file beside it, which the
holder looks for ten times a second), waits and retries up to a bound; the CLI says in one line that it waits.
Opening again costs tens of milliseconds and a cold cache (docs/own-task.md), so the file is kept while nobody
asks for it: paging a big run does not reopen it between pages.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from curator.storage.connect import connect, is_asked_for
from curator.storage.migrations import migrate

IDLE_RELEASE_S = 10.0  # unused this long, the file is let go even if nobody asked for it
ASKED_RELEASE_S = 0.2  # asked for by another process, it is let go once unused this long (a burst of queries ends)
_POLL_S = 0.1  # how often a holder looks for another process's request


class Database:
    """The connection to `curator.duckdb`, held while used; threads get their own cursors (see the module doc)."""

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection | None,
        path: Path | None,
        *,
        read_only: bool = False,
        idle_release_s: float | None = None,
    ):
        """`conn` is held for the Database's life unless `idle_release_s` is set (files opened with `open`)."""
        self.path = path
        self.read_only = read_only
        self.idle_release_s = idle_release_s if path is not None else None
        self._conn = conn
        self._generation = 0  # counts the opens: a thread's cursor belongs to one
        self._holds = 0
        self._last_used = time.monotonic()
        self._closed = False
        self._state = threading.Lock()  # guards the fields above
        self._local = threading.local()
        self._write_lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | None, read_only: bool = False, idle_release_s: float = IDLE_RELEASE_S) -> Database:
        """Open (and migrate) the database at `path`; None opens an in-memory database (held for its life)."""
        conn = connect(path, read_only)
        if not read_only:
            migrate(conn)
        db = cls(conn, path, read_only=read_only, idle_release_s=idle_release_s)
        db._watch()
        return db

    @property
    def is_held(self) -> bool:
        """True while this process holds the file open."""
        return self._conn is not None

    # -- holding the connection ------------------------------------------------------------------------------

    def _acquire(self) -> None:
        """Count one use, opening the connection first when it was let go (waiting for another process)."""
        with self._state:
            if self._closed:
                raise duckdb.ConnectionException("Connection Error: Connection already closed!")
            if self._conn is None:
                self._conn = connect(self.path, self.read_only)
                self._generation += 1
                self._watch()
            self._holds += 1

    def _let_go(self) -> None:
        with self._state:
            self._holds -= 1
            self._last_used = time.monotonic()

    def _watch(self) -> None:
        """Start the thread that lets the file go for this open (not for in-memory or lifelong connections)."""
        if self.idle_release_s is not None:
            generation = self._generation
            threading.Thread(target=self._let_go_when_idle, args=(generation,), daemon=True).start()

    def _let_go_when_idle(self, generation: int) -> None:
        """Close the connection once unused and asked for by another process, or unused for `idle_release_s`."""
        while True:
            time.sleep(_POLL_S)
            asked = is_asked_for(self.path)  # a directory scan, outside the lock
            with self._state:
                if self._closed or self._conn is None or self._generation != generation:
                    return
                idle = time.monotonic() - self._last_used
                if self._holds or idle < (ASKED_RELEASE_S if asked else self.idle_release_s):
                    continue
                conn, self._conn = self._conn, None
                conn.close()  # closes the threads' cursors with it and frees the file
                return

    @contextmanager
    def held(self) -> Iterator[None]:
        """Keep the file open for a block that reads a result over time (a streamed query)."""
        self._acquire()
        try:
            yield
        finally:
            self._let_go()

    def _raw(self) -> duckdb.DuckDBPyConnection:
        """The calling thread's DuckDB connection or cursor of the current open (the caller holds the file)."""
        if threading.current_thread() is threading.main_thread():
            return self._conn
        local = self._local
        if getattr(local, "generation", None) != self._generation:
            local.raw = self._conn.cursor()
            local.generation = self._generation
        return local.raw

    # -- the API the storage modules use ---------------------------------------------------------------------

    def cursor(self) -> HeldCursor:
        """A cursor for the calling thread (DuckDB connections are not shared across threads).

        Each call on it holds the file for its duration; a result is fetched right after the query that made it.
        """
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = HeldCursor(self)
        return cursor

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block as one transaction: it lands whole or not at all (the file is held throughout).

        A transaction opened inside another on the same thread joins it, so a domain function can
        combine several storage calls into one atomic change.
        """
        with self._write_lock, self.held():
            cur = self._raw()
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

    def execute(self, sql: str, params: list | tuple | dict | None = None) -> HeldCursor:
        return self.cursor().execute(sql, params) if params is not None else self.cursor().execute(sql)

    def fetchall(self, sql: str, params: list | tuple | dict | None = None) -> list[tuple]:
        return self.execute(sql, params).fetchall()

    def fetchone(self, sql: str, params: list | tuple | dict | None = None) -> tuple | None:
        return self.execute(sql, params).fetchone()

    def interrupt(self) -> None:
        """Stop the query running on the main connection (used to cancel long work)."""
        conn = self._conn
        if conn is not None:
            conn.interrupt()

    def close(self) -> None:
        with self._state:
            self._closed = True
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


class HeldCursor:
    """The thread's cursor: every call holds the file while it runs, and goes to the connection of the current
    open (a cursor kept across an idle release keeps working). `cursor()` gives a child cursor that holds the
    file until it is closed."""

    __slots__ = ("_db",)

    def __init__(self, db: Database):
        self._db = db

    def __getattr__(self, name: str):
        db = self._db
        with db.held():
            value = getattr(db._raw(), name)
        if not callable(value):
            return value

        def call(*args, **kwargs):
            with db.held():
                raw = db._raw()
                result = getattr(raw, name)(*args, **kwargs)
                if name == "cursor":
                    return ChildCursor(db, result)
            return self if result is raw else result

        return call


class ChildCursor:
    """A cursor of its own (for a streamed result): the file stays open until it is closed or dropped."""

    def __init__(self, db: Database, raw: duckdb.DuckDBPyConnection):
        db._acquire()
        self._raw = raw
        self._done = weakref.finalize(self, db._let_go)
        self._done.atexit = False

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            self._done()

    def __getattr__(self, name: str):
        return getattr(self._raw, name)
