"""Load gold annotations and compare text the way the gold does: with all whitespace removed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import InputError

__all__ = [
    "GoldArticle",
    "GoldIssue",
    "GoldMetric",
    "load_gold",
    "load_gold_dir",
    "squash",
    "squash_map",
]

_WS = re.compile(r"[\s\u3000]+")


def squash(text: str) -> str:
    """Remove every whitespace character (spaces, tabs, newlines, U+3000), as the gold does."""
    return _WS.sub("", text)


def squash_map(text: str) -> tuple[str, list[int]]:
    """``squash(text)`` plus, for each kept character, its offset in ``text``."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if not (ch.isspace() or ch == "\u3000"):
            chars.append(ch)
            offsets.append(i)
    return "".join(chars), offsets


class GoldMetric(BaseModel):
    model_config = ConfigDict(extra="ignore")

    quote: str
    subject: str | None = None
    indicator: str | None = None
    period: str | None = None
    value: float
    unit: str
    normalized_value: float
    unit_class: str
    kind: str
    qualifier: str
    optional: bool = False


class GoldArticle(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: str | None = None
    first_chars: str
    last_chars: str
    byline: str | None = None
    is_article: bool = True
    metrics: list[GoldMetric] = []


class GoldIssue(BaseModel):
    model_config = ConfigDict(extra="ignore")

    source: str
    articles: list[GoldArticle]


def load_gold(path: str | Path) -> GoldIssue:
    """One gold file; a file that is not a gold annotation is an InputError naming it (one line)."""
    try:
        return GoldIssue.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "top level"
        raise InputError(
            f"not a gold annotation ({e.error_count()} problem(s), first: {where}: {first['msg']})",
            source=str(path),
        ) from e
    except (ValueError, OSError) as e:
        raise InputError(f"cannot read the gold file: {e}", source=str(path)) from e


def load_gold_dir(directory: str | Path) -> dict[str, GoldIssue]:
    """All gold files in ``directory`` keyed by the name of the issue file they annotate."""
    out: dict[str, GoldIssue] = {}
    for p in sorted(Path(directory).glob("*.json")):
        gold = load_gold(p)
        out[gold.source] = gold
    return out
