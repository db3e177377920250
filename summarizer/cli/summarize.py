"""CLI commands: ``summarize``, ``metrics`` and ``schema`` (registered on the root app).

Several issues: each bad one prints a one-line error and the others go on; exit 1 when any issue
or article failed, 2 when every issue was bad input, 3 on configuration errors.
Output for several issues: ``--format json`` prints one IssueSummary per line (JSON Lines of
issue summaries), md separates the reports with a rule; ``--output`` names a file for all of
that, or a directory (an existing one, or a new path without a suffix) that gets
``<name>.<format>`` per issue. One issue with json prints exactly one IssueSummary object.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from ..errors import ConfigError, InputError
from ..models import EngineName, IssueSummary
from ..pipeline import EngineChoice, build_engine, resolve_engine, summarize_issue
from ..render.issue import IssueFormat, render_issue
from ..render.metrics import MetricsFormat, render_metrics
from ._batch import Batch, err, grouped_article_errors, run_batch

if TYPE_CHECKING:
    from ..llm.settings import LLMSettings
    from ..pipeline import Engine

__all__ = ["register"]

_LLM = "LLM engine options"

IssuesArg = Annotated[
    list[str],
    typer.Argument(help="Issue text files; '-' reads standard input.", show_default=False),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file (a directory for several issues).", dir_okay=True
    ),
]
EngineOpt = Annotated[
    EngineChoice,
    typer.Option("--engine", "-e", help="auto = the LLM when one is configured, else offline."),
]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="Issue date YYYY-MM-DD (default: a date in the file name)."),
]
ModelOpt = Annotated[
    str | None, typer.Option("--model", help="LLM model name.", rich_help_panel=_LLM)
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", help="OpenAI-compatible endpoint URL.", rich_help_panel=_LLM),
]
PromptOpt = Annotated[
    str | None,
    typer.Option("--prompt", help="Prompt version, e.g. article_summary@v2.", rich_help_panel=_LLM),
]
ModeOpt = Annotated[
    str | None,
    typer.Option(
        "--structured-mode",
        help="auto, json_schema, json_object or tools.",
        rich_help_panel=_LLM,
    ),
]
ConcurrencyOpt = Annotated[
    int | None, typer.Option("--concurrency", help="Parallel requests.", rich_help_panel=_LLM)
]
CacheDirOpt = Annotated[
    Path | None, typer.Option("--cache-dir", help="Response cache directory.", rich_help_panel=_LLM)
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Do not use the response cache.", rich_help_panel=_LLM)
]
MinCoverageOpt = Annotated[
    float | None,
    typer.Option(
        "--min-coverage",
        help="Exit 1 when fewer than this share of articles came through (0-1).",
        rich_help_panel=_LLM,
    ),
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="TOML config file.", rich_help_panel=_LLM)
]


@dataclass(slots=True)
class _Run:
    """What one command invocation resolved: the engine and the options shared by issues."""

    engine: Engine
    issue_date: date | None
    min_coverage: float | None


class _StderrProgress:
    """A rich progress bar on stderr for the LLM engine's (done, total) callback."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("articles", total=total)
        self._bar.update(self._task, completed=done, total=total)
        if done >= total:
            self._bar.stop()
            self._bar = None


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value!r}", param_hint="--date") from e


def _load_llm_settings(config: Path | None, overrides: dict[str, Any]) -> LLMSettings:
    try:
        from ..llm.settings import load_settings
    except ImportError as e:
        raise ConfigError(f"the LLM engine is not available: {e}", source="llm") from e
    given = {k: v for k, v in overrides.items() if v is not None and v is not False}
    return load_settings(config_path=config, **given)


def _prepare(choice: EngineChoice, date_text: str | None, config: Path | None, **llm: Any) -> _Run:
    """Resolve the engine once for all issues (prints the choice and why on stderr)."""
    issue_date = _parse_date(date_text)
    settings = None
    if choice is not EngineChoice.OFFLINE:
        settings = _load_llm_settings(config, llm)
    name, reason = resolve_engine(choice, settings)
    progress = _StderrProgress() if name is EngineName.LLM and sys.stderr.isatty() else None
    engine = build_engine(name, settings, progress=progress)
    err(f"using the {reason}")
    min_coverage = llm.get("min_coverage")
    if min_coverage is None and settings is not None:
        min_coverage = settings.min_coverage
    return _Run(engine, issue_date, min_coverage)


def _run_and_emit(
    issues: list[str],
    emit: Callable[[list[IssueSummary]], None],
    choice: EngineChoice,
    date_text: str | None,
    config: Path | None,
    **llm: Any,
) -> NoReturn:
    """The shared body of ``summarize`` and ``metrics``: one engine, every issue, one exit."""
    run = _prepare(choice, date_text, config, **llm)
    batch = _summaries(issues, run)
    if batch.results:
        emit(batch.results)
    raise typer.Exit(_exit_code(batch, run))


def _summaries(issues: list[str], run: _Run) -> Batch[IssueSummary]:
    """Summarise each issue; print its ledger line and its failed articles on stderr."""

    def one(issue: str) -> IssueSummary:
        summary = summarize_issue(issue, issue_date=run.issue_date, engine_instance=run.engine)
        err(_ledger(summary))
        for message, ids in grouped_article_errors(summary).items():
            err(f"error: {summary.source.path}: {', '.join(ids)}: {message}")
        return summary

    return run_batch(issues, one)


def _ledger(summary: IssueSummary) -> str:
    """One line per issue: what came through, and every non-zero coverage/usage counter."""
    cov, usage = summary.coverage, summary.usage
    n_metrics = sum(len(a.metrics) for a in summary.articles)
    parts = [
        f"{len(summary.articles)} blocks",
        f"{n_metrics} metrics",
        f"{cov.articles_failed} failed",
        f"coverage {cov.ratio:.0%}",
    ]
    extra = {
        "calls": usage.calls,
        "cache hits": usage.cache_hits,
        "retries": usage.retries,
        "re-asks": cov.reasks,
        "truncations": cov.truncations,
        "chunks failed": cov.chunks_failed,
        "dropped ungrounded": cov.dropped_ungrounded,
        "mode downgrades": cov.mode_downgrades,
    }
    parts += [f"{v} {k}" for k, v in extra.items() if v]
    parts.append(f"{usage.seconds:.2f} s")
    return f"{summary.source.path}: " + ", ".join(parts)


def _exit_code(batch: Batch[IssueSummary], run: _Run) -> int:
    """Exit 1 when an issue or an article failed, or an issue is below --min-coverage."""
    low = []
    if run.min_coverage is not None:
        low = [s for s in batch.results if s.coverage.ratio < run.min_coverage]
        for s in low:
            err(
                f"error: {s.source.path}: coverage {s.coverage.ratio:.2f} is below "
                f"--min-coverage {run.min_coverage:.2f}"
            )
    partial = bool(low) or any(s.errors for s in batch.results)
    return batch.exit_code(partial=partial)


def _stem(summary: IssueSummary, index: int) -> str:
    path = summary.source.path
    return Path(path).stem if path not in ("-", "<text>", "<bytes>") else f"stdin-{index}"


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write: {e.strerror or e}", source=str(output)) from e


# How several issues share one stream: JSON Lines of IssueSummary, concatenated article lines,
# Markdown reports separated by a rule.
_SEVERAL: dict[IssueFormat, Callable[[list[IssueSummary]], str]] = {
    IssueFormat.JSON: lambda ss: "".join(s.model_dump_json() + "\n" for s in ss),
    IssueFormat.JSONL: lambda ss: "".join(render_issue(s, IssueFormat.JSONL) for s in ss),
    IssueFormat.MD: lambda ss: "\n---\n\n".join(render_issue(s, IssueFormat.MD) for s in ss),
}


def _emit_issues(summaries: list[IssueSummary], fmt: IssueFormat, output: Path | None) -> None:
    as_dir = output is not None and (
        output.is_dir() or (len(summaries) > 1 and not output.suffix and not output.exists())
    )
    if output is not None and as_dir:
        # One file per issue in a directory (an existing one, or a new name without a suffix).
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError(
                f"cannot create directory: {e.strerror or e}", source=str(output)
            ) from e
        for i, summary in enumerate(summaries):
            _write(render_issue(summary, fmt), output / f"{_stem(summary, i)}.{fmt.value}")
        return
    if len(summaries) == 1:
        _write(render_issue(summaries[0], fmt), output)
    else:
        _write(_SEVERAL[fmt](summaries), output)


def summarize(
    issues: IssuesArg,
    fmt: Annotated[IssueFormat, typer.Option("--format", "-f", help="Output format.")] = (
        IssueFormat.JSON
    ),
    output: OutputOpt = None,
    engine: EngineOpt = EngineChoice.AUTO,
    date_text: DateOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    prompt: PromptOpt = None,
    structured_mode: ModeOpt = None,
    concurrency: ConcurrencyOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    min_coverage: MinCoverageOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Summarise issues: articles, summaries, entities and grounded metrics.

    Formats: json (one IssueSummary; one a line for several issues), jsonl (an article a line), md.

    Examples:

    summarizer summarize examples/gaoxin-2025-06-18.txt --format md

    cat issue.txt | summarizer summarize - --date 2025-06-18

    summarizer summarize issues/*.txt -o out/
    """
    _run_and_emit(
        issues,
        lambda summaries: _emit_issues(summaries, fmt, output),
        engine,
        date_text,
        config,
        model=model,
        base_url=base_url,
        prompt=prompt,
        structured_mode=structured_mode,
        concurrency=concurrency,
        cache_dir=cache_dir,
        no_cache=no_cache,
        min_coverage=min_coverage,
    )


def metrics(
    issues: Annotated[
        list[str] | None,
        typer.Argument(
            help="Issue text files ('-' reads standard input); none with --db.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[MetricsFormat, typer.Option("--format", "-f", help="Output format.")] = (
        MetricsFormat.CSV
    ),
    output: OutputOpt = None,
    engine: EngineOpt = EngineChoice.AUTO,
    date_text: DateOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    prompt: PromptOpt = None,
    structured_mode: ModeOpt = None,
    concurrency: ConcurrencyOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    config: ConfigOpt = None,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Query the metrics stored by `ingest` instead of issue files."),
    ] = None,
    subject: Annotated[str | None, typer.Option(help="With --db: e.g. 杭州高新区.")] = None,
    indicator: Annotated[str | None, typer.Option(help="With --db: e.g. 增加值.")] = None,
    period: Annotated[str | None, typer.Option(help="With --db: e.g. 一季度.")] = None,
    since: Annotated[str | None, typer.Option(help="With --db: first issue date.")] = None,
    until: Annotated[str | None, typer.Option(help="With --db: last issue date.")] = None,
) -> None:
    """Every metric of the issues (or of the store with --db), one row each, with its source.

    Examples:

    summarizer metrics examples/gaoxin-2025-06-18.txt --format csv > metrics.csv

    summarizer metrics --db bulletins.db --format jsonl
    """
    if db is not None or not issues:
        if issues:
            raise typer.BadParameter("give issue files or --db, not both", param_hint="--db")
        from .store import query_metrics

        query_metrics(db, subject, indicator, period, since, until, fmt, output)
        return
    _run_and_emit(
        issues,
        lambda summaries: _write(render_metrics(summaries, fmt), output),
        engine,
        date_text,
        config,
        model=model,
        base_url=base_url,
        prompt=prompt,
        structured_mode=structured_mode,
        concurrency=concurrency,
        cache_dir=cache_dir,
        no_cache=no_cache,
    )


def schema() -> None:
    """Print the JSON Schema of IssueSummary (the output of ``summarize --format json``)."""
    sys.stdout.write(json.dumps(IssueSummary.model_json_schema(), ensure_ascii=False, indent=2))
    sys.stdout.write("\n")


def register(app: typer.Typer) -> None:
    """Add this module's commands to app."""
    app.command("summarize")(summarize)
    app.command("metrics")(metrics)
    app.command("schema")(schema)
