"""The shortener's storage: one SQLite table, and one connection per request.

The database path is a plain resource; the connection is a request-scoped
resource made from it (:func:`connect`), so a request that never touches
the database (a static file, the meta page) never opens it, and every
request that does gets one transaction: committed when it succeeds, rolled
back when it fails.
"""
from __future__ import annotations

import os
import sqlite3
from typing import Any, Iterator, Optional, Sequence

from clastic_like.resources import request_scoped

__all__ = ["SCHEMA", "init_db", "connect", "insert_link", "get_link", "record_hit", "get_links"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS link (
    alias      TEXT    PRIMARY KEY,
    target     TEXT    NOT NULL,
    created_at REAL    NOT NULL,
    expires_at REAL,
    hits       INTEGER NOT NULL DEFAULT 0
)
"""
_COLUMNS = frozenset({"alias", "target", "created_at", "expires_at", "hits"})
# Seconds a request waits for another process's write lock before failing;
# SQLite's default (5 s) is kept explicit because it bounds a request's time.
_BUSY_TIMEOUT = 5.0


def init_db(db_path: str) -> None:
    """Create the table if needed; raise ``RuntimeError`` naming the path if the database is unusable.

    Called when the application is built, so a wrong path, a directory
    that does not exist or a file that is not an SQLite database stops the
    start-up with a message, instead of answering 500 to the first visitor.
    """
    try:
        conn = sqlite3.connect(db_path, timeout=_BUSY_TIMEOUT)
        try:
            with conn:
                conn.execute(SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(link)")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise RuntimeError(
            f"Cannot use the shortener database at {os.path.abspath(db_path)!r}: {exc}. Check"
            " that the directory exists and is writable and that the file is an SQLite"
            " database, or pass another db_path (SHORTENER_DB)."
        ) from exc
    missing = sorted(_COLUMNS - columns)
    if missing:
        # Another program's table called "link": refuse rather than write into it.
        raise RuntimeError(
            f"The database at {os.path.abspath(db_path)!r} has a 'link' table without the"
            f" columns {missing!r}; it belongs to something else. Use another db_path."
        )


@request_scoped
def connect(db_path: str) -> Iterator[sqlite3.Connection]:
    """One connection, and one transaction, for each request that asks for ``db``."""
    conn = sqlite3.connect(db_path, timeout=_BUSY_TIMEOUT)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    except BaseException:
        # The request failed (a refused form, a 404, a bug): none of its
        # writes may stay, e.g. a hit counted for a redirect never sent.
        conn.rollback()
        raise
    else:
        conn.commit()  # a failed commit is a 500, never a success that did not happen
    finally:
        conn.close()


def insert_link(db: sqlite3.Connection, alias: str, target: str, created_at: float,
                expires_at: Optional[float]) -> bool:
    """Store a link; ``False`` when the alias is already taken (by a live or an expired link)."""
    try:
        db.execute(
            "INSERT INTO link (alias, target, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (alias, target, created_at, expires_at),
        )
    except sqlite3.IntegrityError:
        # The primary key decides, inside the transaction: two requests racing
        # for one alias cannot both get it, unlike a SELECT-then-INSERT.
        return False
    return True


def get_link(db: sqlite3.Connection, alias: str) -> Optional[dict[str, Any]]:
    row = db.execute(
        "SELECT alias, target, created_at, expires_at, hits FROM link WHERE alias = ?", (alias,)
    ).fetchone()
    return dict(row) if row is not None else None


def record_hit(db: sqlite3.Connection, alias: str) -> None:
    # Incremented in SQL, not read-modify-written in Python, so concurrent
    # visits each count.
    db.execute("UPDATE link SET hits = hits + 1 WHERE alias = ?", (alias,))


def get_links(db: sqlite3.Connection, aliases: Sequence[str]) -> list[dict[str, Any]]:
    """The links with these aliases, in the order given; unknown aliases are skipped."""
    if not aliases:
        return []
    marks = ", ".join("?" * len(aliases))
    rows = db.execute(
        f"SELECT alias, target, created_at, expires_at, hits FROM link WHERE alias IN ({marks})",
        tuple(aliases),
    )
    by_alias = {row["alias"]: dict(row) for row in rows}
    return [by_alias[a] for a in aliases if a in by_alias]
