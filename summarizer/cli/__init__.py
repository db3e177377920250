"""The ``summarizer`` command: a thin typer skin over the library API.

This package is the only place that turns typed errors into one-line messages and exit codes:
0 ok, 1 partial failure, 2 bad input or usage, 3 configuration.
Each command group lives in its own module and registers itself on ``app``.
"""

from __future__ import annotations

import sys

import typer

from .._version import __version__
from ..errors import ExitCode, SummarizerError
from . import llm as _llm
from . import store as _store
from . import summarize as _summarize
from . import text as _text

__all__ = ["app", "main"]

_EPILOG = """\
Examples:

  summarizer segment examples/gaoxin-2025-06-18.txt

  summarizer summarize examples/gaoxin-2025-06-18.txt --format md

  summarizer metrics ../shared/corpus/*.txt --format csv > metrics.csv

  summarizer ingest ../shared/corpus/ && summarizer digest --format html -o digest.html
"""

app = typer.Typer(
    name="summarizer",
    help="Turn raw issues of Chinese news bulletins into structured, grounded summaries.",
    epilog=_EPILOG,
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summarizer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Summarise Chinese bulletin issues (offline engine by default, any OpenAI-compatible LLM)."""


for _module in (_text, _summarize, _llm, _store):
    _module.register(app)


_INTERRUPTED = "summarizer: interrupted (Ctrl-C); issues already stored are kept"


def fail(message: str, code: ExitCode) -> typer.Exit:
    """Print a one-line error on stderr and return the Exit to raise."""
    typer.echo(f"summarizer: error: {message}", err=True)
    return typer.Exit(int(code))


def main() -> None:
    """Console entry point: run the app and map typed errors to exit codes.

    typer/click already handle usage errors (exit 2), ``--help`` and ``typer.Exit``.
    """
    try:
        app()
    except SummarizerError as e:
        typer.echo(f"summarizer: error: {e}", err=True)
        sys.exit(int(e.exit_code))
    except KeyboardInterrupt:
        typer.echo(_INTERRUPTED, err=True)
        sys.exit(130)
    except SystemExit as e:
        # typer turns Ctrl-C into a silent exit 130: say what happened, on one line.
        if e.code == 130:
            typer.echo(_INTERRUPTED, err=True)
        raise
    except BrokenPipeError:
        sys.exit(0)
    except OSError as e:
        # A path the library did not wrap (name too long, loop of links...): still one line.
        where = f"{e.filename}: " if e.filename else ""
        typer.echo(f"summarizer: error: {where}{e.strerror or e}", err=True)
        sys.exit(int(ExitCode.BAD_INPUT))
