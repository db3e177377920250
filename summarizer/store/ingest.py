"""Ingest issues into the store: one transaction per issue, only issues not seen before.

An issue is identified by the sha256 of its bytes. Summarising happens outside any transaction
(an LLM call must not hold the write lock); writing one issue (its row, articles, metrics,
search index and run bookkeeping) is a single ``BEGIN IMMEDIATE`` … ``COMMIT``, so a run killed
at any moment loses nothing already committed and the next run resumes where it stopped.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..errors import InputError, InputNotFoundError, StoreError, SummarizerError
from ..issue_date import DateSource, detect_issue_date
from ..models import Article, EngineInfo, IssueSummary, Usage
from ..read import IssueText, read_issue
from .db import transaction, wrap_error

__all__ = [
    "DateSource",
    "IngestItem",
    "IngestReport",
    "IngestStatus",
    "PipelineSummarizer",
    "Summarize",
    "canonical_subject",
    "detect_issue_date",
    "engine_fingerprint",
    "expand_sources",
    "ingest",
    "pipeline_summarizer",
    "watch",
    "write_issue",
]

Summarize = Callable[[IssueText, date | None], IssueSummary]
"""Turns one read issue (and its date, if known) into an IssueSummary."""

ISSUE_SUFFIXES = (".txt", ".text", ".md")


class IngestStatus(StrEnum):
    INGESTED = "ingested"
    REPROCESSED = "reprocessed"
    SKIPPED = "skipped"  # seen before (same bytes)
    UNCHANGED = "unchanged"  # --reprocess, but the engine and prompts are the same
    FAILED = "failed"


@dataclass(slots=True, frozen=True)
class IngestItem:
    """What happened to one input file."""

    path: str
    status: IngestStatus
    issue_id: int | None = None
    error: str | None = None
    stale: bool = False  # skipped, but ingested earlier with another engine or prompt version
    bad_input: bool = False  # failed because the file is not a readable issue (exit code 2)


@dataclass(slots=True)
class IngestReport:
    run_id: int
    items: list[IngestItem] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)

    def count(self, status: IngestStatus) -> int:
        return sum(1 for item in self.items if item.status is status)

    @property
    def failed(self) -> list[IngestItem]:
        return [i for i in self.items if i.status is IngestStatus.FAILED]

    @property
    def stale(self) -> int:
        return sum(1 for i in self.items if i.stale)


# ---------------------------------------------------------------- inputs


_GLOB_CHARS = re.compile(r"[*?\[]")


def expand_sources(paths: Sequence[str | Path]) -> list[Path]:
    """Files, directories (their ``*.txt``/``*.md`` files, recursively) and glob patterns.

    Raises ``InputNotFoundError`` for a path that does not exist or a glob matching nothing.
    The result is sorted within each argument and free of duplicates.
    """
    out: dict[Path, None] = {}
    for raw in paths:
        try:
            found = _expand_one(raw)
        except OSError as e:  # a name too long, a loop of links, an unreadable directory
            raise InputError(f"cannot read: {e.strerror or e}", source=str(raw)) from e
        for f in found:
            out.setdefault(f, None)
    return list(out)


def _expand_one(raw: str | Path) -> list[Path]:
    """The issue files one argument names (see ``expand_sources``)."""
    p = Path(raw).expanduser()
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in ISSUE_SUFFIXES)
    if p.is_file():
        return [p]
    if _GLOB_CHARS.search(str(raw)):
        found = sorted(Path(m) for m in glob.glob(str(p), recursive=True))
        found = [f for f in found if f.is_file()]
        if not found:
            raise InputNotFoundError("the pattern matches no file", source=str(raw))
        return found
    raise InputNotFoundError("no such file or directory", source=str(raw))


# ---------------------------------------------------------------- engine


def engine_fingerprint(info: EngineInfo) -> str:
    """A stable hash of what produces summaries: engine, version, model and prompt versions."""
    payload = {
        "engine": info.name.value,
        "version": info.version,
        "model": info.model,
        "prompts": dict(sorted(info.prompts.items())),
    }
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


class PipelineSummarizer:
    """A ``Summarize`` over ``summarizer.pipeline`` that builds its engine once, up front.

    Knowing the engine before the first issue gives its fingerprint (to flag issues stored by
    another engine or prompt version) and the reason it was chosen (printed by the CLI).
    """

    def __init__(self, engine: str = "auto", settings: Any = None) -> None:
        from .. import pipeline

        name, self.reason = pipeline.resolve_engine(engine, settings)
        self._engine = pipeline.build_engine(name, settings)
        self.info: EngineInfo = self._engine.info()
        self.fingerprint = engine_fingerprint(self.info)

    def __call__(self, issue: IssueText, issue_date: date | None) -> IssueSummary:
        from .. import pipeline

        return pipeline.summarize_issue(issue, issue_date=issue_date, engine_instance=self._engine)


def pipeline_summarizer(engine: str = "auto", settings: Any = None) -> PipelineSummarizer:
    """The pipeline's engine (auto, offline or llm) as a ``Summarize``."""
    return PipelineSummarizer(engine, settings)


def canonical_subject(subject: str | None) -> str | None:
    """The gazetteer's canonical zone name for a subject, else the subject without spaces."""
    if not subject:
        return None
    compact = re.sub(r"\s+", "", subject)
    from ..gazetteer import canonical_zone

    try:
        return canonical_zone(compact) or compact
    except SummarizerError:
        return compact


# ---------------------------------------------------------------- writing


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _delete_issue(conn: sqlite3.Connection, issue_id: int) -> None:
    conn.execute(
        "DELETE FROM articles_fts WHERE rowid IN (SELECT id FROM articles WHERE issue_id = ?)",
        (issue_id,),
    )
    conn.execute(
        "DELETE FROM metrics_fts WHERE rowid IN (SELECT id FROM metrics WHERE issue_id = ?)",
        (issue_id,),
    )
    conn.execute("DELETE FROM issues WHERE id = ?", (issue_id,))


def _insert_article(conn: sqlite3.Connection, issue_id: int, ord_: int, art: Article) -> None:
    s = art.summary
    ents = s.entities
    cur = conn.execute(
        "INSERT INTO articles (issue_id, article_key, ord, kind, title, byline, headline, summary,"
        " key_points, topics, entities, flagged_numbers, span_start, span_end, chars,"
        " metric_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            issue_id,
            art.id,
            ord_,
            art.kind.value,
            art.title,
            art.byline,
            s.headline,
            s.summary,
            _dumps(s.key_points),
            _dumps(s.topics),
            _dumps(ents.model_dump()),
            _dumps(s.flagged_numbers),
            art.span[0],
            art.span[1],
            len(art.text),
            len(art.metrics),
        ),
    )
    article_id = cur.lastrowid
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, summary, key_points) VALUES (?,?,?,?)",
        (article_id, art.title or s.headline, s.summary, "\n".join(s.key_points)),
    )
    terms = [("topic", t) for t in dict.fromkeys(s.topics)]
    terms += [("zone", z) for z in dict.fromkeys(ents.zones)]
    terms += [("company", c) for c in dict.fromkeys(ents.companies)]
    terms += [("organization", o) for o in dict.fromkeys(ents.organizations)]
    conn.executemany(
        "INSERT INTO article_terms (article_id, issue_id, kind, name) VALUES (?,?,?,?)",
        [(article_id, issue_id, kind, name) for kind, name in terms if name],
    )
    for m in art.metrics:
        pr = m.period_range
        cur = conn.execute(
            "INSERT INTO metrics (article_id, issue_id, subject, canonical_subject, indicator,"
            " period, period_start, period_end, cumulative, value, unit, norm_value, norm_unit,"
            " kind, qualifier, quote, span_start, span_end, source)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                article_id,
                issue_id,
                m.subject,
                canonical_subject(m.subject),
                m.indicator,
                m.period,
                pr.start if pr else None,
                pr.end if pr else None,
                int(pr.cumulative) if pr else None,
                m.value,
                m.unit,
                m.normalized.value,
                m.normalized.unit.value,
                m.kind.value,
                m.qualifier.value,
                m.quote,
                m.span[0],
                m.span[1],
                m.source.value,
            ),
        )
        conn.execute(
            "INSERT INTO metrics_fts (rowid, subject, indicator, quote) VALUES (?,?,?,?)",
            (cur.lastrowid, m.subject or "", m.indicator or "", m.quote),
        )


def write_issue(
    conn: sqlite3.Connection,
    summary: IssueSummary,
    *,
    path: str,
    issue_date: date | None,
    date_source: DateSource | None,
    replace: int | None = None,
) -> int:
    """Insert one summarised issue (replacing issue ``replace``); call inside a transaction."""
    if replace is not None:
        _delete_issue(conn, replace)
    e = summary.engine
    cur = conn.execute(
        "INSERT INTO issues (sha256, path, name, issue_date, date_source, chars, ingested_at,"
        " engine, engine_version, model, prompts, fingerprint, usage, coverage, errors)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            summary.source.sha256,
            path,
            Path(path).name,
            issue_date.isoformat() if issue_date else None,
            date_source.value if date_source else None,
            summary.source.chars,
            _now(),
            e.name.value,
            e.version,
            e.model,
            _dumps(e.prompts),
            engine_fingerprint(summary.engine),
            summary.usage.model_dump_json(),
            summary.coverage.model_dump_json(),
            _dumps([err.model_dump() for err in summary.errors]),
        ),
    )
    issue_id = int(cur.lastrowid or 0)
    for ord_, art in enumerate(summary.articles):
        _insert_article(conn, issue_id, ord_, art)
    return issue_id


def _add_usage(total: Usage, extra: Usage) -> None:
    for name in type(total).model_fields:
        a, b = getattr(total, name), getattr(extra, name)
        if isinstance(a, int | float) and isinstance(b, int | float):
            setattr(total, name, a + b)
        elif a is None and b is not None:
            setattr(total, name, b)


def _start_run(conn: sqlite3.Connection, command: str, engine: str) -> int:
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO runs (started_at, command, engine) VALUES (?,?,?)",
            (_now(), command, engine),
        )
    return int(cur.lastrowid or 0)


def _record(
    conn: sqlite3.Connection, run_id: int, item: IngestItem, sha: str | None, usage: Usage | None
) -> None:
    column = {
        IngestStatus.INGESTED: "ingested",
        IngestStatus.REPROCESSED: "ingested",
        IngestStatus.FAILED: "failed",
    }.get(item.status, "skipped")
    conn.execute(
        f"UPDATE runs SET seen = seen + 1, {column} = {column} + 1 WHERE id = ?", (run_id,)
    )
    if item.status is not IngestStatus.SKIPPED:
        conn.execute(
            "INSERT INTO run_items (run_id, path, sha256, status, error, usage) VALUES (?,?,?,?,?,?)",
            (
                run_id,
                item.path,
                sha,
                item.status.value,
                item.error,
                usage.model_dump_json() if usage else None,
            ),
        )


def _ingest_one(
    conn: sqlite3.Connection,
    run_id: int,
    path: Path,
    summarize: Summarize,
    *,
    reprocess: bool,
    explicit_date: date | None,
    fingerprint: str | None,
) -> tuple[IngestItem, Usage | None]:
    shown = str(path)
    try:
        issue = read_issue(path)
    except InputError as e:
        item = IngestItem(shown, IngestStatus.FAILED, error=str(e), bad_input=True)
        with transaction(conn):
            _record(conn, run_id, item, None, None)
        return item, None
    row = conn.execute(
        "SELECT id, fingerprint FROM issues WHERE sha256 = ?", (issue.sha256,)
    ).fetchone()
    if row is not None and not reprocess:
        stale = fingerprint is not None and row["fingerprint"] != fingerprint
        item = IngestItem(shown, IngestStatus.SKIPPED, issue_id=row["id"], stale=stale)
        with transaction(conn):
            _record(conn, run_id, item, issue.sha256, None)
        return item, None

    issue_date, date_source = detect_issue_date(path, issue.text, explicit_date)
    try:
        summary = summarize(issue, issue_date)
    except StoreError:
        raise
    except Exception as e:  # one bad issue (or an engine bug) must not stop the batch
        detail = str(e) if isinstance(e, SummarizerError) else f"{type(e).__name__}: {e}"
        item = IngestItem(shown, IngestStatus.FAILED, error=detail)
        with transaction(conn):
            _record(conn, run_id, item, issue.sha256, None)
        return item, None

    abs_path = str(path.resolve())
    with transaction(conn):
        # Look again inside the write lock: a concurrent ingest may have stored it meanwhile.
        row = conn.execute(
            "SELECT id, fingerprint, errors FROM issues WHERE sha256 = ?", (issue.sha256,)
        ).fetchone()
        if row is not None and not reprocess:
            item = IngestItem(shown, IngestStatus.SKIPPED, issue_id=row["id"])
        elif (
            row is not None
            and row["fingerprint"] == engine_fingerprint(summary.engine)
            and not _stored_errors(row["errors"])  # failed articles: --reprocess retries them
        ):
            item = IngestItem(shown, IngestStatus.UNCHANGED, issue_id=row["id"])
        else:
            issue_id = write_issue(
                conn,
                summary,
                path=abs_path,
                issue_date=issue_date,
                date_source=date_source,
                replace=row["id"] if row is not None else None,
            )
            status = IngestStatus.REPROCESSED if row is not None else IngestStatus.INGESTED
            item = IngestItem(shown, status, issue_id=issue_id)
        _record(conn, run_id, item, issue.sha256, summary.usage)
    return item, summary.usage


def _stored_errors(raw: str | None) -> bool:
    """Whether a stored issue has failed articles (its ``errors`` column is a non-empty list)."""
    try:
        return bool(json.loads(raw or "[]"))
    except ValueError:
        return True


def ingest(
    conn: sqlite3.Connection,
    paths: Iterable[Path],
    summarize: Summarize,
    *,
    reprocess: bool = False,
    issue_date: date | None = None,
    engine_label: str = "auto",
    fingerprint: str | None = None,
    on_item: Callable[[IngestItem], None] | None = None,
    command: str = "ingest",
) -> IngestReport:
    """Ingest every path not seen before; one transaction per issue.

    A bad file is recorded as failed and the run goes on; store errors (locked, read-only,
    corrupt) stop the run with ``StoreError``. ``fingerprint`` (the current engine's, when
    known) marks skipped issues that an older engine or prompt version produced as stale.
    """
    try:
        report = IngestReport(run_id=_start_run(conn, command, engine_label))
        for path in paths:
            item, usage = _ingest_one(
                conn,
                report.run_id,
                path,
                summarize,
                reprocess=reprocess,
                explicit_date=issue_date,
                fingerprint=fingerprint,
            )
            report.items.append(item)
            if usage is not None:
                _add_usage(report.usage, usage)
            if on_item is not None:
                on_item(item)
        with transaction(conn):
            conn.execute(
                "UPDATE runs SET finished_at = ?, usage = ? WHERE id = ?",
                (_now(), report.usage.model_dump_json(), report.run_id),
            )
    except sqlite3.Error as e:
        raise wrap_error(e, Path(_db_file(conn)), "cannot write to the database") from e
    return report


def _db_file(conn: sqlite3.Connection) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return str(row[2]) if row else "<database>"


def watch(
    conn: sqlite3.Connection,
    directory: Path,
    summarize: Summarize,
    *,
    interval: float = 5.0,
    max_polls: int | None = None,
    settle: float = 1.0,
    on_item: Callable[[IngestItem], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    **options: Any,
) -> list[IngestReport]:
    """Poll ``directory`` and ingest new or changed issue files until ``max_polls`` polls.

    A file is taken once its mtime is ``settle`` seconds old (so a half-copied file waits for
    the next poll); a file already seen with the same size and mtime is not re-read.
    """
    if not directory.is_dir():
        raise InputNotFoundError("not a directory", source=str(directory))
    seen: dict[Path, tuple[int, float]] = {}
    reports: list[IngestReport] = []
    polls = 0
    while max_polls is None or polls < max_polls:
        polls += 1
        now = time.time()
        ready: list[Path] = []
        for f in sorted(directory.rglob("*")):
            if not f.is_file() or f.suffix.lower() not in ISSUE_SUFFIXES:
                continue
            st = f.stat()
            key = (st.st_size, st.st_mtime)
            if seen.get(f) == key or now - st.st_mtime < settle:
                continue
            seen[f] = key
            ready.append(f)
        if ready:
            reports.append(
                ingest(conn, ready, summarize, on_item=on_item, command="watch", **options)
            )
        if max_polls is None or polls < max_polls:
            sleep(interval)
    return reports
