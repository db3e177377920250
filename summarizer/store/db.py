"""The SQLite store: opening a database safely and migrating its schema (versions in code).

The schema version lives in ``PRAGMA user_version`` and the file is tagged with
``PRAGMA application_id`` so a foreign SQLite file is refused instead of being written to. A file
that is not a database at all is never overwritten: opening it raises ``StoreError``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreError

__all__ = [
    "APPLICATION_ID",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "connect",
    "default_db_path",
    "migrate",
    "store_errors",
    "transaction",
    "wrap_error",
]

# "SUMZ" as a big-endian int: marks a file as a summarizer store.
APPLICATION_ID = 0x53554D5A
_SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000

# Each migration takes the schema from version i to i + 1; never edit a released one, append.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE issues (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL,
        name TEXT NOT NULL,
        issue_date TEXT,
        date_source TEXT,
        chars INTEGER NOT NULL,
        ingested_at TEXT NOT NULL,
        engine TEXT NOT NULL,
        engine_version TEXT NOT NULL,
        model TEXT,
        prompts TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        usage TEXT NOT NULL,
        coverage TEXT NOT NULL,
        errors TEXT NOT NULL
    );
    CREATE INDEX issues_by_date ON issues(issue_date, id);

    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        article_key TEXT NOT NULL,
        ord INTEGER NOT NULL,
        kind TEXT NOT NULL,
        title TEXT,
        byline TEXT,
        headline TEXT NOT NULL,
        summary TEXT NOT NULL,
        key_points TEXT NOT NULL,
        topics TEXT NOT NULL,
        entities TEXT NOT NULL,
        flagged_numbers TEXT NOT NULL,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        chars INTEGER NOT NULL,
        metric_count INTEGER NOT NULL,
        UNIQUE (issue_id, article_key)
    );

    CREATE TABLE article_terms (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        name TEXT NOT NULL
    );
    CREATE INDEX article_terms_by_issue ON article_terms(issue_id, kind);
    CREATE INDEX article_terms_by_name ON article_terms(kind, name);
    CREATE INDEX article_terms_by_article ON article_terms(article_id);

    CREATE TABLE metrics (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        subject TEXT,
        canonical_subject TEXT,
        indicator TEXT,
        period TEXT,
        period_start TEXT,
        period_end TEXT,
        cumulative INTEGER,
        value REAL NOT NULL,
        unit TEXT NOT NULL,
        norm_value REAL NOT NULL,
        norm_unit TEXT NOT NULL,
        kind TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        quote TEXT NOT NULL,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        source TEXT NOT NULL
    );
    CREATE INDEX metrics_by_issue ON metrics(issue_id);
    CREATE INDEX metrics_by_article ON metrics(article_id);
    CREATE INDEX metrics_by_group ON metrics(canonical_subject, indicator, period);

    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        command TEXT NOT NULL,
        engine TEXT,
        seen INTEGER NOT NULL DEFAULT 0,
        ingested INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        usage TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE run_items (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        sha256 TEXT,
        status TEXT NOT NULL,
        error TEXT,
        usage TEXT
    );
    CREATE INDEX run_items_by_run ON run_items(run_id);

    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, summary, key_points, tokenize = 'trigram'
    );
    CREATE VIRTUAL TABLE metrics_fts USING fts5(
        subject, indicator, quote, tokenize = 'trigram'
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def default_db_path() -> Path:
    """``$SUMMARIZER_DB``, else ``summarizer.db`` in the user data dir (platformdirs)."""
    env = os.environ.get("SUMMARIZER_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("summarizer") / "summarizer.db"


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before sqlite3 gets a chance to touch it."""
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except OSError as e:
        raise StoreError(f"cannot read the database: {e.strerror or e}", source=str(path)) from e
    if head and head != _SQLITE_MAGIC:
        raise StoreError(
            "not a SQLite database (corrupt or another kind of file); it was left untouched",
            source=str(path),
        )


def wrap_error(e: sqlite3.Error, path: str | Path, doing: str) -> StoreError:
    """A one-line ``StoreError`` for a sqlite3 error (read-only, locked, corrupt, ...)."""
    text = str(e)
    if "readonly" in text or "read-only" in text:
        text = "the database is read-only (file or directory not writable)"
    elif "locked" in text or "busy" in text:
        text = "the database is locked by another process (waited, gave up)"
    elif "malformed" in text or "not a database" in text or "corrupt" in text:
        text = "the database file is corrupt; it was left untouched"
    return StoreError(f"{doing}: {text}", source=str(path))


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open (and create or migrate unless ``readonly``) the store at ``path``.

    Raises ``StoreError`` for a corrupt or foreign file, a read-only location, a database made
    by a newer summarizer, or (``readonly``) a missing database.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise StoreError("is a directory, expected a database file", source=str(path))
    exists = path.exists()
    if exists:
        _check_header(path)
    elif readonly:
        raise StoreError("no database here yet: run `summarizer ingest` first", source=str(path))
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(
                f"cannot create the database directory: {e.strerror or e}", source=str(path)
            ) from e
    try:
        if readonly:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        else:
            conn = sqlite3.connect(path)
        conn.isolation_level = None  # explicit BEGIN/COMMIT only: we own the transactions
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        _check_schema(conn, path, readonly=readonly)
    except sqlite3.Error as e:
        raise wrap_error(e, path, "cannot open the database") from e
    return conn


def _check_schema(conn: sqlite3.Connection, path: Path, *, readonly: bool) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if tables and app_id != APPLICATION_ID:
        raise StoreError(
            "a SQLite database that summarizer did not create; it was left untouched",
            source=str(path),
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"database schema v{version} is newer than this summarizer (v{SCHEMA_VERSION})",
            source=str(path),
        )
    if version == SCHEMA_VERSION:
        return
    if readonly:
        raise StoreError(
            f"database schema v{version} needs migrating; open it writable once", source=str(path)
        )
    migrate(conn)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the pending migrations, each in its own transaction; return the new version."""
    with transaction(conn):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return SCHEMA_VERSION


def _statements(script: str) -> Iterator[str]:
    """Split a migration script on ``;`` at statement ends (no ``;`` inside our literals)."""
    for part in script.split(";"):
        if part.strip():
            yield part


@contextmanager
def store_errors(conn: sqlite3.Connection, doing: str) -> Iterator[None]:
    """Turn any sqlite3 error inside the block into a one-line ``StoreError``."""
    try:
        yield
    except sqlite3.Error as e:
        try:
            row = conn.execute("PRAGMA database_list").fetchone()
            where = str(row[2]) if row and row[2] else "<database>"
        except sqlite3.Error:
            where = "<database>"
        raise wrap_error(e, where, doing) from e


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (rollback on any exception): one writer at a time."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
