"""CLI commands of the LLM engine: ``config``, ``prompts list|show|diff|lock``, ``probe``.

A thin skin: settings, prompts and the probe live in ``summarizer.llm``; typed errors become one
line on stderr and the documented exit code. The API key is only ever printed masked.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ..errors import ConfigError, SummarizerError

__all__ = ["register"]

T = TypeVar("T")

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="TOML config file (default: user config dir).")
]
ModelOpt = Annotated[str | None, typer.Option("--model", help="LLM model name.")]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint URL.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

prompts_app = typer.Typer(
    name="prompts",
    help="List, show and compare the versioned prompts.",
    no_args_is_help=True,
)


def _guard(fn: Callable[[], T]) -> T:
    """Run ``fn``; a typed error becomes a one-line message and its exit code."""
    try:
        return fn()
    except SummarizerError as e:
        typer.echo(f"summarizer: error: {e}", err=True)
        raise typer.Exit(int(e.exit_code)) from None


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def config_command(
    config: ConfigOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the effective LLM settings (key masked) and where each one came from."""
    from ..llm.settings import load_settings

    settings = _guard(lambda: load_settings(config_path=config, model=model, base_url=base_url))
    if as_json:
        data = {
            name: {"value": settings.masked()[name], "source": source}
            for name, _, source in settings.describe()
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    rows = [[name, value, source] for name, value, source in settings.describe()]
    typer.echo(_table(["setting", "value", "source"], rows))
    state = "configured" if settings.is_configured() else "not configured (offline engine)"
    typer.echo(f"\nendpoint: {settings.shown_endpoint or '-'}  LLM engine: {state}")


@prompts_app.command("list")
def prompts_list(as_json: JsonOpt = False) -> None:
    """List every prompt version, its hash and whether it is released (in prompts.lock)."""
    from ..llm.prompts import list_prompts, read_lock

    def build() -> list[dict[str, Any]]:
        lock = read_lock()
        templates = list_prompts()
        newest = {t.id: t.ref for t in templates}  # sorted: the last one per id is the newest
        return [
            {
                "prompt": t.ref,
                "newest": newest[t.id] == t.ref,
                "released": lock.get(t.ref) == t.sha256,
                "changed": t.ref in lock and lock[t.ref] != t.sha256,
                "sha256": t.sha256,
                "response_model": t.response_model,
                "description": t.description,
            }
            for t in templates
        ]

    items = _guard(build)
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return

    def state(item: dict[str, Any]) -> str:
        if item["changed"]:
            return "CHANGED"
        return "released" if item["released"] else "draft"

    rows = [
        [
            i["prompt"] + (" *" if i["newest"] else ""),
            state(i),
            i["sha256"][:12],
            i["description"],
        ]
        for i in items
    ]
    typer.echo(_table(["prompt (* newest)", "state", "sha256", "description"], rows))


@prompts_app.command("show")
def prompts_show(
    ref: Annotated[str, typer.Argument(help="ID or ID@VERSION (default: newest).")],
) -> None:
    """Print a prompt version's file."""
    from ..llm.prompts import load_prompt

    template = _guard(lambda: load_prompt(ref))
    typer.echo(f"# {template.ref}  sha256 {template.sha256}  ({template.path})", err=True)
    typer.echo(template.text, nl=False)


@prompts_app.command("diff")
def prompts_diff(
    a: Annotated[str, typer.Argument(help="ID@VERSION")],
    b: Annotated[str, typer.Argument(help="ID@VERSION")],
) -> None:
    """Show a unified diff between two prompt versions."""
    from ..llm.prompts import diff_prompts

    text = _guard(lambda: diff_prompts(a, b))
    typer.echo(text or f"{a} and {b} are identical", nl=not text)


@prompts_app.command("lock")
def prompts_lock() -> None:
    """Release new prompt versions into prompts.lock; refuse if a released one was edited."""
    from ..llm.prompts import LOCK_NAME, compute_lock, prompt_dirs, read_lock

    def run() -> list[str]:
        lock, current = read_lock(), compute_lock()
        changed = sorted(r for r in lock if r in current and current[r] != lock[r])
        if changed:
            raise ConfigError(
                f"released prompt(s) changed: {', '.join(changed)}; restore them and add a "
                "new version instead"
            )
        added = sorted(set(current) - set(lock))
        dirs = prompt_dirs()
        if not dirs:
            raise ConfigError("no prompts directory found")
        path = dirs[-1] / LOCK_NAME
        path.write_text(
            json.dumps({**lock, **current}, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        return added

    added = _guard(run)
    typer.echo(f"released: {', '.join(added)}" if added else "nothing new to release")


def probe_command(
    config: ConfigOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Send tiny requests to the configured server and report which structured modes work."""
    from ..llm.probe import probe_endpoint
    from ..llm.settings import load_settings

    def run() -> Any:
        settings = load_settings(config_path=config, model=model, base_url=base_url)
        return settings, probe_endpoint(settings)

    settings, outcomes = _guard(run)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "mode": str(o.mode),
                        "works": o.works,
                        "detail": o.detail,
                        "seconds": o.seconds,
                    }
                    for o in outcomes
                ],
                indent=2,
            )
        )
    else:
        typer.echo(f"{settings.model} at {settings.shown_endpoint}")
        rows = [
            [str(o.mode), "yes" if o.works else "no", f"{o.seconds:.2f}s", o.detail]
            for o in outcomes
        ]
        typer.echo(_table(["mode", "works", "time", "detail"], rows))
    if not any(o.works for o in outcomes):
        typer.echo("summarizer: error: no structured-output mode works on this server", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this module's commands to app."""
    app.command("config")(config_command)
    app.command("probe")(probe_command)
    app.add_typer(prompts_app)
