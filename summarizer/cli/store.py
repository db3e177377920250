"""CLI commands of the store: ``ingest``, ``search``, ``digest`` and ``query metrics``.

Thin wrappers: argument parsing and printing here, the work in ``summarizer.store`` and
``summarizer.digest``. Typed errors propagate to ``cli.main`` (one line, exit code).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import ExitCode, InputError, InputNotFoundError
from ..render.metrics import MetricsFormat
from ._batch import grouped_article_errors

if TYPE_CHECKING:
    from ..models import IssueSummary
    from ..read import IssueText

__all__ = ["register"]

_DB_HELP = "SQLite store (default: $SUMMARIZER_DB, else summarizer.db in the user data dir)."


class EngineOption(StrEnum):
    AUTO = "auto"
    OFFLINE = "offline"
    LLM = "llm"


class SearchFormat(StrEnum):
    TEXT = "text"
    JSONL = "jsonl"


class DigestFormat(StrEnum):
    MD = "md"
    HTML = "html"
    JSON = "json"


SinceOpt = Annotated[str | None, typer.Option("--since", help="First issue date (YYYY-MM-DD).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Last issue date (YYYY-MM-DD).")]


def _date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=flag) from e


def _date_range(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """--since/--until parsed; a range that ends before it starts is a usage error."""
    start, end = _date(since, "--since"), _date(until, "--until")
    if start is not None and end is not None and start > end:
        raise typer.BadParameter(f"{start} is after --until {end}", param_hint="--since")
    return start, end


def _db(path: Path | None) -> Path:
    from ..store.db import default_db_path

    return path if path is not None else default_db_path()


def _settings(engine: EngineOption, overrides: dict[str, Any]) -> Any:
    """LLM settings when the engine may be the LLM (import is lazy: no openai here)."""
    if engine is EngineOption.OFFLINE:
        return None
    from ..llm.settings import load_settings

    config = overrides.pop("config_path", None)
    return load_settings(config_path=config, **{k: v for k, v in overrides.items() if v})


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write the output: {e.strerror or e}", source=str(output)) from e
    typer.echo(f"wrote {output}", err=True)


def ingest_cmd(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Issue files, directories or glob patterns.")
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help=_DB_HELP)] = None,
    issue_date: Annotated[
        str | None,
        typer.Option(
            "--date", help="Issue date YYYY-MM-DD (else from the file name, else the text)."
        ),
    ] = None,
    reprocess: Annotated[
        bool,
        typer.Option(
            "--reprocess", help="Re-run seen issues; rewrite those whose engine/prompts changed."
        ),
    ] = False,
    engine: Annotated[
        EngineOption, typer.Option("--engine", help="auto|offline|llm")
    ] = EngineOption.AUTO,
    watch_dir: Annotated[
        Path | None, typer.Option("--watch", help="Poll this folder for new issues.")
    ] = None,
    interval: Annotated[
        float, typer.Option("--interval", min=0.0, help="Seconds between polls.")
    ] = 5.0,
    max_polls: Annotated[
        int | None,
        typer.Option(
            "--max-polls", min=1, help="Stop watching after N polls (default: until Ctrl-C)."
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="LLM model (engine llm/auto).")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint.")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the final counts.")] = False,
) -> None:
    """Summarise and store issues not seen before (by content hash), one transaction each.

    Ctrl-C stops cleanly (exit 130): issues already stored are kept.

    Examples:

    summarizer ingest ../shared/corpus/ --db bulletins.db

    summarizer ingest 'inbox/*.txt' --reprocess

    summarizer ingest --watch inbox/
    """
    from ..store import connect, expand_sources, ingest, pipeline_summarizer, watch
    from ..store.ingest import IngestItem, IngestReport, IngestStatus

    if not paths and watch_dir is None:
        raise typer.BadParameter("give issue paths or --watch DIR", param_hint="PATHS")
    if watch_dir is not None and not watch_dir.is_dir():  # before any work or "watching" line
        problem = "is not a directory" if watch_dir.exists() else "no such directory"
        raise InputNotFoundError(f"--watch: {problem}", source=str(watch_dir))
    when = _date(issue_date, "--date")
    settings = _settings(engine, {"model": model, "base_url": base_url, "config_path": config})
    files = expand_sources(paths) if paths else []
    summarize = pipeline_summarizer(engine.value, settings)
    typer.echo(f"engine: {summarize.reason}", err=True)
    conn = connect(_db(db))
    # Issues stored with failed articles (e.g. the LLM endpoint was down): said, and exit 1.
    article_errors: dict[str, dict[str, list[str]]] = {}

    def summarize_noting(issue: IssueText, when: date | None) -> IssueSummary:
        summary = summarize(issue, when)
        if summary.errors:
            article_errors[issue.path] = grouped_article_errors(summary)
        return summary

    def show(item: IngestItem) -> None:
        if quiet:
            return
        # The error names its file already; the line starts with the path, so drop the repeat.
        error = (item.error or "").removeprefix(f"{item.path}: ")
        note = f": {error}" if error else ""
        stale = " (made by another engine/prompt version: use --reprocess)" if item.stale else ""
        typer.echo(f"{item.status.value:>11}  {item.path}{note}{stale}", err=True)
        for message, ids in article_errors.get(item.path, {}).items():
            typer.echo(f"{'partial':>11}  {item.path}: {', '.join(ids)}: {message}", err=True)

    options: dict[str, Any] = {"reprocess": reprocess, "issue_date": when, "on_item": show}
    options["engine_label"] = summarize.info.name.value
    options["fingerprint"] = summarize.fingerprint
    reports: list[IngestReport] = []
    try:
        if files:
            reports.append(ingest(conn, files, summarize_noting, **options))
        if watch_dir is not None:
            typer.echo(f"watching {watch_dir} every {interval:g}s (Ctrl-C stops)", err=True)
            try:
                reports += watch(
                    conn,
                    watch_dir,
                    summarize_noting,
                    interval=interval,
                    max_polls=max_polls,
                    **options,
                )
            except KeyboardInterrupt:
                typer.echo("stopped watching", err=True)
    finally:
        conn.close()
    counts = {s: sum(r.count(s) for r in reports) for s in IngestStatus}
    typer.echo(
        ", ".join(f"{n} {s.value}" for s, n in counts.items() if n) or "nothing to ingest",
        err=True,
    )
    calls = sum(r.usage.calls for r in reports)
    if calls:
        tokens = sum(r.usage.prompt_tokens + r.usage.completion_tokens for r in reports)
        typer.echo(f"LLM usage: {calls} calls, {tokens} tokens", err=True)
    stale = sum(r.stale for r in reports)
    if stale:
        typer.echo(f"{stale} stored issues came from another engine/prompt version", err=True)
    if article_errors:
        typer.echo(
            f"{len(article_errors)} issues stored with failed articles (see 'partial' above);"
            " run again with --reprocess to retry them",
            err=True,
        )
    failed = [i for r in reports for i in r.failed]
    if failed and len(failed) == sum(len(r.items) for r in reports):
        # Nothing came through: bad input (exit 2) when every file was unreadable as an issue.
        raise typer.Exit(int(ExitCode.BAD_INPUT if all(i.bad_input for i in failed) else 1))
    if failed or article_errors:
        raise typer.Exit(int(ExitCode.PARTIAL))


def _snippet(text: str, terms: list[str], width: int = 70) -> str:
    """About ``width`` characters of ``text`` around the first term found."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    found = [text.find(t) for t in terms if t in text]
    start = max(0, min(found, default=0) - width // 3)
    end = min(len(text), start + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def search_cmd(
    query: Annotated[
        str,
        typer.Argument(
            help='Words to find, all must match; "a phrase" in quotes is one term; no OR/NOT.'
        ),
    ],
    db: Annotated[Path | None, typer.Option("--db", help=_DB_HELP)] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Hits per kind (articles, metrics).")
    ] = 20,
    fmt: Annotated[SearchFormat, typer.Option("--format", help="text|jsonl")] = SearchFormat.TEXT,
) -> None:
    """Search stored titles, summaries and metric quotes (FTS5; short terms by substring).

    Every term is matched literally (a substring): 增长* or (增长) find 增长.

    Example: summarizer search '地区生产总值 增长' --limit 5
    """
    from ..store import connect, search

    conn = connect(_db(db), readonly=True)
    try:
        hits = search(conn, query, limit=limit)
    finally:
        conn.close()
    if fmt is SearchFormat.JSONL:
        _write("".join(json.dumps(asdict(h), ensure_ascii=False) + "\n" for h in hits), None)
        return
    if not hits:
        typer.echo("no match", err=True)
        return
    terms = query.split()
    for h in hits:
        typer.echo(f"[{h.kind.value}] {h.issue_date or '----------'} {h.issue}#{h.article_id}")
        typer.echo(f"    {h.title}")
        typer.echo(f"    {_snippet(h.text, terms)}")


def digest_cmd(
    db: Annotated[Path | None, typer.Option("--db", help=_DB_HELP)] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    last: Annotated[
        int | None,
        typer.Option("--last", min=1, help="The last N issues by date (default: every issue)."),
    ] = None,
    fmt: Annotated[DigestFormat, typer.Option("--format", help="md|html|json")] = DigestFormat.MD,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")
    ] = None,
    engine: Annotated[
        EngineOption,
        typer.Option("--engine", help="Overview: llm when configured (auto), or offline."),
    ] = EngineOption.AUTO,
    model: Annotated[
        str | None, typer.Option("--model", help="LLM model for the overview.")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint.")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file.")] = None,
) -> None:
    """A bulletin digest of stored issues: top stories, topics, metrics, conflicts, index.

    Example: summarizer digest --since 2025-06-01 --format html -o digest.html
    """
    from ..digest import build_digest, render_digest
    from ..digest.overview import llm_overview_writer
    from ..store import connect

    if last is not None and (since or until):
        raise typer.BadParameter("use --since/--until or --last, not both", param_hint="--last")
    start, end = _date_range(since, until)
    settings = _settings(engine, {"model": model, "base_url": base_url, "config_path": config})
    writer = None
    if settings is not None and (engine is EngineOption.LLM or settings.is_configured()):
        settings.require_configured()
        writer = llm_overview_writer(settings)
    conn = connect(_db(db), readonly=True)
    try:
        digest = build_digest(conn, since=start, until=end, last=last, overview_writer=writer)
    finally:
        conn.close()
    if digest.overview_error:
        typer.echo(f"overview: the LLM failed ({digest.overview_error}); extractive", err=True)
    for violation in digest.overview_violations:
        typer.echo(f"overview: removed ungrounded number: {violation}", err=True)
    _write(render_digest(digest, fmt.value), output)


def metrics_query_cmd(
    db: Annotated[Path | None, typer.Option("--db", help=_DB_HELP)] = None,
    subject: Annotated[
        str | None, typer.Option("--subject", help="e.g. 杭州高新区 (aliases match).")
    ] = None,
    indicator: Annotated[
        str | None, typer.Option("--indicator", help="Substring, e.g. 增加值.")
    ] = None,
    period: Annotated[str | None, typer.Option("--period", help="Substring, e.g. 一季度.")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    fmt: Annotated[MetricsFormat, typer.Option("--format", help="csv|jsonl")] = MetricsFormat.CSV,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")
    ] = None,
) -> None:
    """Stored metrics as csv/jsonl rows, filtered for analysts.

    Example: summarizer query metrics --subject 高新区 --indicator 营业收入 --since 2025-01-01
    """
    query_metrics(db, subject, indicator, period, since, until, fmt, output)


def query_metrics(
    db: Path | None,
    subject: str | None,
    indicator: str | None,
    period: str | None,
    since: str | None,
    until: str | None,
    fmt: MetricsFormat,
    output: Path | None,
) -> None:
    """Write the stored metrics matching the filters (shared by ``query metrics`` and
    ``metrics --db``)."""
    from ..store import connect, metric_rows, metrics_csv, metrics_jsonl

    start, end = _date_range(since, until)
    conn = connect(_db(db), readonly=True)
    try:
        rows = metric_rows(
            conn, subject=subject, indicator=indicator, period=period, since=start, until=end
        )
    finally:
        conn.close()
    render = {MetricsFormat.CSV: metrics_csv, MetricsFormat.JSONL: metrics_jsonl}[fmt]
    _write(render(rows), output)


def register(app: typer.Typer) -> None:
    """Add ``ingest``, ``search``, ``digest`` and the ``query`` group to ``app``."""
    app.command("ingest")(ingest_cmd)
    app.command("search")(search_cmd)
    app.command("digest")(digest_cmd)
    query = typer.Typer(help="Query the store (analysts' tables).", no_args_is_help=True)
    query.command("metrics")(metrics_query_cmd)
    app.add_typer(query, name="query")
