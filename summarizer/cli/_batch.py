"""Run one step over several issues: a bad issue prints its one-line error and the rest go on.

Shared by every command that takes ``ISSUE...`` so that they all count failures and choose the
exit code the same way (0 ok, 1 some failed, 2 every issue was bad input). A ConfigError is not
about one issue, so it stops the batch and reaches the CLI root (exit 3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import typer

from ..errors import ConfigError, ExitCode, InputError, SummarizerError
from ..models import IssueSummary

__all__ = ["Batch", "err", "grouped_article_errors", "run_batch"]

T = TypeVar("T")


def err(message: str) -> None:
    """One line on stderr, prefixed with the program name."""
    typer.echo(f"summarizer: {message}", err=True)


def grouped_article_errors(summary: IssueSummary) -> dict[str, list[str]]:
    """Failed articles by message: an unreachable endpoint is one line, not one per article."""
    groups: dict[str, list[str]] = {}
    for error in summary.errors:
        groups.setdefault(error.error, []).append(error.article_id)
    return groups


@dataclass(slots=True)
class Batch(Generic[T]):
    """The results of a batch and what failed."""

    results: list[T] = field(default_factory=list)
    failed: int = 0
    bad_input: int = 0

    def exit_code(self, *, partial: bool = False) -> int:
        """0 ok; 1 when something failed (or ``partial``); 2 when every issue was bad input."""
        if self.failed and not self.results:
            return int(ExitCode.BAD_INPUT if self.bad_input == self.failed else ExitCode.PARTIAL)
        return int(ExitCode.PARTIAL if self.failed or partial else ExitCode.OK)


def run_batch(issues: Iterable[str], step: Callable[[str], T]) -> Batch[T]:
    """Apply ``step`` to every issue, turning its typed errors into one-line messages."""
    issues = list(issues)
    if issues.count("-") > 1:  # the second read would find standard input already consumed
        raise typer.BadParameter("'-' (standard input) can be given only once", param_hint="ISSUES")
    batch: Batch[T] = Batch()
    for issue in issues:
        try:
            batch.results.append(step(issue))
        except ConfigError:
            raise
        except InputError as e:
            err(f"error: {e}")
            batch.failed += 1
            batch.bad_input += 1
        except SummarizerError as e:
            err(f"error: {e}")
            batch.failed += 1
        except Exception as e:  # a bug must not become a traceback for the user
            err(f"error: {issue}: internal error: {type(e).__name__}: {e}")
            batch.failed += 1
    return batch
