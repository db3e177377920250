"""Markdown helpers: escaping of article text and valid GitHub tables.

Article text is data, not markup: HTML is neutralised and table cells escape ``|`` so that a
report renders the same on GitHub whatever the bulletin printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["escape_cell", "escape_text", "format_number", "table"]

# Underscores stay: GitHub does not emphasise inside words (file names, change_rate).
_INLINE = re.compile(r"([\\`*\[\]<>#|~])")
_HTML = {"<": "&lt;", ">": "&gt;"}


def escape_text(text: str) -> str:
    """Escape inline Markdown and HTML in one line of article text; line breaks become spaces."""
    flat = re.sub(r"\s*\n\s*", " ", text).strip()
    return _INLINE.sub(lambda m: _HTML.get(m.group(1), "\\" + m.group(1)), flat)


def escape_cell(text: str | None) -> str:
    """A table cell: inline-escaped text (``|`` included); empty for None."""
    return escape_text(text) if text else ""


def table(headers: Sequence[str], rows: Sequence[Sequence[str | None]]) -> str:
    """A GitHub Markdown table; every cell is escaped here."""
    head = "| " + " | ".join(escape_cell(h) for h in headers) + " |"
    rule = "| " + " | ".join("---" for _ in headers) + " |"
    body = ["| " + " | ".join(escape_cell(c) for c in row) + " |" for row in rows]
    return "\n".join([head, rule, *body])


def format_number(value: float) -> str:
    """A number as people write it: 15 not 15.0, 1.7 not 1.7000000001."""
    if value != value or value in (float("inf"), float("-inf")):  # NaN / inf
        return str(value)
    if float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    return f"{value:.10g}"
