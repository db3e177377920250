"""Full-text search over stored titles, summaries, key points and metrics (SQLite FTS5).

The FTS tables use the ``trigram`` tokenizer: it needs no word segmentation, so any Chinese
substring of three or more characters is found through the index. Shorter terms (most Chinese
words are two characters, e.g. 融资) cannot be looked up in a trigram index; they fall back to a
``LIKE`` scan, ANDed with the indexed terms when there are some.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from enum import StrEnum

from ..errors import InputError
from .db import store_errors

__all__ = ["HitKind", "SearchHit", "search"]


class HitKind(StrEnum):
    ARTICLE = "article"
    METRIC = "metric"


@dataclass(slots=True, frozen=True)
class SearchHit:
    kind: HitKind
    issue: str
    issue_date: str | None
    path: str
    article_id: str
    title: str
    text: str  # the summary (article hit) or the quote (metric hit)
    rank: float


_MIN_TRIGRAM = 3


# A quoted phrase ("..." or “...”) is one term, spaces included; anything else splits on spaces.
_TOKEN = re.compile(r'"([^"]*)"?|“([^”]*)”?|(\S+)')
# Query-syntax habits from other engines, stripped at a term's edges: 增长* or (增长) find 增长.
_EDGE_SYNTAX = "*()"
_UNSUPPORTED = frozenset({"OR", "NOT", "NEAR"})


def _terms(query: str) -> list[str]:
    """The literal terms that must all appear; ``AND`` is implied, OR/NOT are refused."""
    terms: list[str] = []
    for quoted, cjk_quoted, bare in _TOKEN.findall(query):
        if bare:
            if bare == "AND":
                continue
            if bare in _UNSUPPORTED:
                raise InputError(
                    f"{bare} is not supported: every term must match (quote it to search the word)",
                    source="search",
                )
            bare = bare.strip(_EDGE_SYNTAX)
        term = (quoted or cjk_quoted or bare).strip()
        if term:
            terms.append(term)
    if not terms:
        raise InputError("empty search query", source="search")
    return terms


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# kind -> (fts table, base table, columns LIKE scans, select of the hit)
_TARGETS: dict[HitKind, tuple[str, str, tuple[str, ...], str]] = {
    HitKind.ARTICLE: (
        "articles_fts",
        "articles",
        ("x.title", "x.headline", "x.summary", "x.key_points"),
        "SELECT 'article' AS kind, i.name AS issue, i.issue_date, i.path, x.article_key AS"
        " article_id, COALESCE(x.title, x.headline) AS title, x.summary AS text, {rank} AS rank"
        " FROM articles x JOIN issues i ON i.id = x.issue_id",
    ),
    HitKind.METRIC: (
        "metrics_fts",
        "metrics",
        ("x.subject", "x.indicator", "x.quote"),
        "SELECT 'metric' AS kind, i.name AS issue, i.issue_date, i.path, a.article_key AS"
        " article_id, COALESCE(a.title, a.headline) AS title, x.quote AS text, {rank} AS rank"
        " FROM metrics x JOIN articles a ON a.id = x.article_id JOIN issues i ON i.id = x.issue_id",
    ),
}


def _search_kind(
    conn: sqlite3.Connection, kind: HitKind, terms: list[str], limit: int
) -> list[SearchHit]:
    fts, _base, columns, select = _TARGETS[kind]
    long_terms = [t for t in terms if len(t) >= _MIN_TRIGRAM]
    short_terms = [t for t in terms if len(t) < _MIN_TRIGRAM]
    args: list[object] = []
    where: list[str] = []
    if long_terms:
        sql = select.format(rank=f"{fts}.rank") + f" JOIN {fts} ON {fts}.rowid = x.id"
        where.append(f"{fts} MATCH ?")
        args.append(" AND ".join(_phrase(t) for t in long_terms))
        order = f"{fts}.rank"
    else:
        sql = select.format(rank="0.0")
        order = "i.issue_date IS NULL, i.issue_date DESC, x.id"
    for term in short_terms:
        where.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns) + ")")
        args += [_like(term)] * len(columns)
    sql += " WHERE " + " AND ".join(where) + f" ORDER BY {order} LIMIT ?"
    args.append(limit)
    return [
        SearchHit(
            kind=HitKind(r["kind"]),
            issue=r["issue"],
            issue_date=r["issue_date"],
            path=r["path"],
            article_id=r["article_id"],
            title=r["title"],
            text=r["text"],
            rank=float(r["rank"]),
        )
        for r in conn.execute(sql, args)
    ]


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = 20,
    kinds: tuple[HitKind, ...] = (HitKind.ARTICLE, HitKind.METRIC),
) -> list[SearchHit]:
    """Articles and metrics containing every whitespace-separated term of ``query``.

    Best matches first (FTS5 bm25 rank for indexed terms; newest first for short-term scans);
    at most ``limit`` hits of each kind.
    """
    terms = _terms(query)
    hits: list[SearchHit] = []
    with store_errors(conn, "cannot search the database"):
        for kind in kinds:
            hits += _search_kind(conn, kind, terms, limit)
    return hits
