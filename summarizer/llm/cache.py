"""A content-addressed SQLite cache of validated LLM answers (and probe results).

Key: sha256 of the canonical JSON of everything that decides the answer — model,
prompt id@version and rendered-prompt hash, structured mode, parameters, messages (hence the
chunk text). A second run of the same issue makes zero HTTP calls. Only validated answers are
stored, so a bad answer is never replayed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

__all__ = ["ResponseCache", "cache_key", "default_cache_dir"]

_BATCH = 32  # answers per write transaction...
_MAX_AGE = 1.0  # ...or fewer, once the oldest unwritten answer is this many seconds old: a run
# killed with kill -9 loses at most about a second of paid answers, and the rerun resumes.

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS probes (
    endpoint TEXT NOT NULL,
    model TEXT NOT NULL,
    value TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (endpoint, model)
);
"""


def default_cache_dir() -> Path:
    """``<user cache dir>/summarizer`` (platformdirs)."""
    import platformdirs

    return platformdirs.user_cache_path("summarizer")


def cache_key(parts: dict[str, Any]) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces) of ``parts``."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ResponseCache:
    """Get/put JSON values by key; a broken cache file degrades to no cache, never fails a run."""

    def __init__(self, directory: Path | None, *, enabled: bool = True) -> None:
        self.path = (directory or default_cache_dir()) / "llm-cache.sqlite3"
        self.enabled = enabled
        self._conn: sqlite3.Connection | None = None
        self._pending: dict[str, str] = {}
        self._oldest_pending = 0.0  # monotonic time of the first unwritten answer
        if enabled:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
                # WAL without fsync per commit: a cache may lose its last writes in a power cut,
                # but a commit must not cost 10+ ms on the event loop.
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_SCHEMA)
                self._conn = conn
            except (OSError, sqlite3.Error):
                self.enabled = False
                self._conn = None

    def get(self, key: str) -> Any | None:
        if self._conn is None:
            return None
        if key in self._pending:
            return json.loads(self._pending[key])
        try:
            row = self._conn.execute("SELECT value FROM answers WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: Any) -> None:
        """Store ``value``; writes are batched by count and age (``flush``/``close`` commit)."""
        if self._conn is None:
            return
        now = time.monotonic()
        if not self._pending:
            self._oldest_pending = now
        self._pending[key] = json.dumps(value, ensure_ascii=False)
        if len(self._pending) >= _BATCH or now - self._oldest_pending >= _MAX_AGE:
            self.flush()

    def flush(self) -> None:
        """Commit the batched writes in one transaction."""
        if self._conn is None or not self._pending:
            return
        rows = [(k, v, time.time()) for k, v in self._pending.items()]
        self._pending.clear()
        try:
            with self._conn:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO answers (key, value, created) VALUES (?, ?, ?)", rows
                )
        except sqlite3.Error:
            pass

    def get_probe(self, endpoint: str, model: str) -> dict[str, Any] | None:
        """The cached probe result for ``endpoint`` + ``model`` (mode name -> works)."""
        if self._conn is None:
            return None
        try:
            row = self._conn.execute(
                "SELECT value FROM probes WHERE endpoint = ? AND model = ?", (endpoint, model)
            ).fetchone()
        except sqlite3.Error:
            return None
        return json.loads(row[0]) if row else None

    def put_probe(self, endpoint: str, model: str, value: dict[str, Any]) -> None:
        if self._conn is None:
            return
        try:
            with self._conn:
                self._conn.execute(
                    "INSERT OR REPLACE INTO probes VALUES (?, ?, ?, ?)",
                    (endpoint, model, json.dumps(value), time.time()),
                )
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self.flush()
        if self._conn is not None:
            self._conn.close()
            self._conn = None
