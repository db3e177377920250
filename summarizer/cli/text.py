"""CLI commands ``segment`` and ``eval`` (registered on the root app).

``segment`` shows how issues split into blocks; ``eval`` scores the text pipeline against the
gold annotations. Several issues: a bad one prints its one-line error and the others go on; exit
1 when some failed, 2 when every issue was bad input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Protocol, cast

import typer

from ..errors import InputError, InputNotFoundError
from ..evaluation.gold import GoldIssue, load_gold_dir
from ..evaluation.metrics import MetricScore, MetricsEvaluator, evaluate_metrics
from ..evaluation.segmentation import SegScore, evaluate_segmentation, total_score
from ..models import Block
from ..normalize import Document
from ..read import IssueText, read_issue
from ..segment import segment_text
from ._batch import Batch, err, run_batch

__all__ = [
    "EVALUATORS",
    "EngineMetricsEvaluator",
    "EvalCase",
    "EvalEngine",
    "Evaluator",
    "register",
]


class SegmentFormat(StrEnum):
    AUTO = "auto"
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"


class EvalFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _block_dict(block: Block, source: str) -> dict[str, Any]:
    data = block.model_dump(mode="json")
    return {"source": source, **data}


@dataclass(slots=True)
class _Segmented:
    issue: IssueText
    doc: Document
    blocks: list[Block]


def _segment_one(source: str) -> _Segmented:
    issue = read_issue(source if source == "-" else Path(source))
    doc, blocks = segment_text(issue.text)
    return _Segmented(issue, doc, blocks)


def _print_table(results: list[_Segmented]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 160)
    for r in results:
        table = Table(title=f"{r.issue.path}: {len(r.blocks)} blocks", show_lines=False)
        for col in ("id", "kind", "title", "byline", "chars", "span", "text"):
            table.add_column(col, overflow="fold")
        for b in r.blocks:
            preview = b.text.replace("\n", " ⏎ ")
            preview = preview if len(preview) <= 40 else preview[:38] + "…"
            table.add_row(
                b.id,
                b.kind.value,
                b.title or "",
                b.byline or "",
                str(len(b.text)),
                f"{b.span[0]}-{b.span[1]}",
                preview,
            )
        console.print(table)


def segment_command(
    issues: Annotated[
        list[str], typer.Argument(help="Issue text files; '-' reads standard input.")
    ],
    fmt: Annotated[
        SegmentFormat,
        typer.Option(
            "--format",
            "-f",
            help="table on a terminal, json when piped (one object per issue, an array for "
            "several); jsonl = one block per line.",
        ),
    ] = SegmentFormat.AUTO,
) -> None:
    """Split issues into blocks (articles, captions, page indexes, other matter).

    Example: summarizer segment examples/gaoxin-2025-06-18.txt --format json
    """
    batch = run_batch(issues, _segment_one)
    results = batch.results
    if fmt is SegmentFormat.AUTO:
        fmt = SegmentFormat.TABLE if sys.stdout.isatty() else SegmentFormat.JSON
    if fmt is SegmentFormat.TABLE:
        _print_table(results)
    elif fmt is SegmentFormat.JSONL:
        for r in results:
            for b in r.blocks:
                sys.stdout.write(json.dumps(_block_dict(b, r.issue.path), ensure_ascii=False))
                sys.stdout.write("\n")
    else:
        objects = [
            {
                "source": r.issue.path,
                "chars": len(r.issue.text),
                "blocks": [b.model_dump(mode="json") for b in r.blocks],
            }
            for r in results
        ]
        payload: Any = objects[0] if len(issues) == 1 and objects else objects
        if results:
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    raise typer.Exit(batch.exit_code())


# --- evaluation -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvalCase:
    """One corpus issue with its gold annotation and what the pipeline made of it."""

    name: str
    original: str
    doc: Document
    blocks: list[Block]
    gold: GoldIssue


class Evaluator(Protocol):
    """Scores issues and formats the scores as one table (a row per issue, then TOTAL)."""

    @property
    def title(self) -> str: ...

    @property
    def columns(self) -> tuple[str, ...]: ...

    def score(self, case: EvalCase) -> Any: ...

    def total(self, scores: list[Any]) -> Any: ...

    def row(self, score: Any) -> list[str]: ...

    def as_json(self, score: Any) -> dict[str, Any]: ...


class SegmentationEvaluator:
    """Recall, merges, splits, title accuracy and non-article kinds per issue."""

    title = "segmentation"
    columns = (
        "file",
        "gold",
        "found",
        "recall",
        "merges",
        "splits",
        "titles",
        "kinds",
        "predicted",
        "spurious",
    )

    def score(self, case: EvalCase) -> SegScore:
        return evaluate_segmentation(case.blocks, case.original, case.gold, name=case.name)

    def total(self, scores: list[SegScore]) -> SegScore:
        return total_score(scores)

    def row(self, s: SegScore) -> list[str]:
        return [
            s.name,
            str(s.gold_articles),
            str(s.found),
            f"{s.recall:.3f}",
            str(s.merges),
            str(s.splits),
            f"{s.titles_right}/{s.titles_gold}",
            f"{s.kinds_right}/{s.kinds_gold}",
            str(s.articles_predicted),
            str(s.spurious),
        ]

    def as_json(self, s: SegScore) -> dict[str, Any]:
        return {
            "file": s.name,
            "gold_articles": s.gold_articles,
            "found": s.found,
            "recall": round(s.recall, 4),
            "merges": s.merges,
            "splits": s.splits,
            "title_accuracy": round(s.title_accuracy, 4),
            "titles": [s.titles_right, s.titles_gold],
            "non_article_kinds": [s.kinds_right, s.kinds_gold],
            "articles_predicted": s.articles_predicted,
            "spurious": s.spurious,
            "missing": list(s.missing),
            "wrong_titles": list(s.wrong_titles),
        }


class EvalEngine(StrEnum):
    """``eval --engine``: offline tables only, or an LLM engine's metrics table next to them."""

    OFFLINE = "offline"
    LLM = "llm"


class EngineMetricsEvaluator(MetricsEvaluator):
    """The metrics table of a whole engine run per issue (``eval --engine llm``).

    The engine sees every block of the issue at once (its own concurrency, cache and offline
    cross-check); only article blocks are scored, as for the offline table.
    """

    def __init__(self, engine: Any, label: str) -> None:
        super().__init__()
        self.title = f"metrics ({label})"
        self._engine = engine

    def score(self, case: Any) -> MetricScore:
        from ..models import BlockKind
        from ..pipeline import issue_date_from_name

        result = self._engine.run(case.blocks, case.doc, issue_date=issue_date_from_name(case.name))
        if result.errors:  # scored without them, but never silently
            first = result.errors[0]
            err(
                f"{case.name}: {len(result.errors)} block(s) failed: {first.article_id}: "
                f"{first.error}"
            )
        articles = [a for a in result.articles if a.kind is BlockKind.ARTICLE]
        return evaluate_metrics(articles, case.gold, text=case.original, file=case.name)


def _llm_evaluator(prompt: str | None, llm: dict[str, Any]) -> Callable[[], Evaluator]:
    """A factory for the LLM engine's metrics table (settings: flags > env > config file)."""
    from ..llm.settings import load_settings
    from ..models import EngineName
    from ..pipeline import build_engine

    config = llm.pop("config", None)
    given = {k: v for k, v in llm.items() if v is not None}
    settings = load_settings(config_path=config, prompt=prompt, **given)
    settings.require_configured()
    engine = build_engine(EngineName.LLM, settings)
    label = f"llm {settings.model} {engine.info().prompts.get('article_summary', '')}"
    # cast: the Protocol's ``columns`` is tuple[str, ...], the class's a fixed-size tuple.
    return lambda: cast(Evaluator, EngineMetricsEvaluator(engine, label.strip()))


# The tables `summarizer eval` prints, in order.
# Each gets the same EvalCase (doc + blocks + gold) and prints its own table.
EVALUATORS: list[Callable[[], Evaluator]] = [SegmentationEvaluator, MetricsEvaluator]


def _cases(gold_dir: Path, corpus_dir: Path) -> Batch[EvalCase]:
    for what, directory in (("gold", gold_dir), ("corpus", corpus_dir)):
        if not directory.is_dir():
            problem = "is not a directory" if directory.exists() else "does not exist"
            raise InputNotFoundError(f"the {what} directory {problem}", source=str(directory))
    try:
        golds = load_gold_dir(gold_dir)
    except (ValueError, OSError) as e:
        raise InputError(f"cannot load the gold files: {e}", source=str(gold_dir)) from e
    if not golds:
        raise InputError("no gold *.json files", source=str(gold_dir))

    def case(name: str) -> EvalCase:
        seg = _segment_one(str(corpus_dir / name))
        return EvalCase(name, seg.issue.text, seg.doc, seg.blocks, golds[name])

    return run_batch(sorted(golds), case)


def eval_command(
    corpus_dir: Annotated[Path, typer.Argument(help="Directory of issue texts.")],
    gold: Annotated[
        Path, typer.Option("--gold", "-g", help="Directory of gold *.json annotations.")
    ],
    fmt: Annotated[EvalFormat, typer.Option("--format", "-f", help="table or json.")] = (
        EvalFormat.TABLE
    ),
    engine: Annotated[
        EvalEngine,
        typer.Option(
            "--engine",
            help="llm: also score the LLM engine's metrics, next to the offline tables.",
        ),
    ] = EvalEngine.OFFLINE,
    prompt: Annotated[
        str | None,
        typer.Option("--prompt", help="Prompt version for --engine llm: article_summary@v2."),
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="LLM model name.")] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint URL.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="LLM settings file (TOML).")
    ] = None,
) -> None:
    """Score the pipeline against gold annotations: one table per evaluator, per file + TOTAL.

    With --engine llm the LLM engine's metrics are scored too (a prompt version is judged by
    numbers before it is released); on recorded or hand-written answers that proves plumbing,
    not model quality.
    """
    evaluators = list(EVALUATORS)
    if engine is EvalEngine.LLM:
        llm = {"model": model, "base_url": base_url, "config": config}
        evaluators.append(_llm_evaluator(prompt, llm))
    batch = _cases(gold, corpus_dir)
    cases = batch.results
    report: dict[str, Any] = {}
    tables = []
    for factory in evaluators:
        evaluator = factory()
        scores = [evaluator.score(c) for c in cases]
        total = evaluator.total(scores)
        report[evaluator.title] = {
            "files": [evaluator.as_json(s) for s in scores],
            "total": evaluator.as_json(total),
        }
        tables.append((evaluator, scores, total))
    if fmt is EvalFormat.JSON:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        from rich.console import Console
        from rich.table import Table

        console = Console(width=None if sys.stdout.isatty() else 140)
        for evaluator, scores, total in tables:
            table = Table(
                title=evaluator.title,
                caption="kinds = gold non-article blocks found in a non-article block",
            )
            for col in evaluator.columns:
                table.add_column(col, no_wrap=True)
            for s in scores:
                table.add_row(*evaluator.row(s))
            table.add_section()
            table.add_row(*evaluator.row(total))
            console.print(table)
    raise typer.Exit(batch.exit_code())


def register(app: typer.Typer) -> None:
    """Add this module's commands to app."""
    app.command("segment")(segment_command)
    app.command("eval")(eval_command)
