"""The bulletin digest: built from the store, rendered as Markdown or one HTML page."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from .build import OverviewWriter, build_digest
from .model import Digest

__all__ = ["Digest", "DigestFormat", "OverviewWriter", "build_digest", "render_digest"]


class DigestFormat(StrEnum):
    MD = "md"
    HTML = "html"
    JSON = "json"


def _md(d: Digest) -> str:
    from ..render.digest_md import render_markdown

    return render_markdown(d)


def _html(d: Digest) -> str:
    from ..render.digest_html import render_html

    return render_html(d)


def _json(d: Digest) -> str:
    return d.model_dump_json(indent=2, warnings=False) + "\n"


_RENDERERS: dict[DigestFormat, Callable[[Digest], str]] = {
    DigestFormat.MD: _md,
    DigestFormat.HTML: _html,
    DigestFormat.JSON: _json,
}


def render_digest(digest: Digest, fmt: str | DigestFormat = DigestFormat.MD) -> str:
    """The digest as text in ``fmt`` (md, html, or json: the ``Digest`` model for other tools)."""
    return _RENDERERS[DigestFormat(fmt)](digest)
