"""The HTML digest in a real browser: headless Chromium renders it without console errors.

Skipped with a reason when no Chromium is installed (``.ci/run`` installs Debian's).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from store_factory import make_article, make_metric, make_summary

from summarizer.digest import build_digest, render_digest
from summarizer.store import connect, transaction
from summarizer.store.ingest import write_issue

pytestmark = pytest.mark.chromium

_BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _browser() -> str:
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"no headless Chromium on PATH (looked for {', '.join(_BROWSERS)})")


def _render(page: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """(the DOM after load, the page's console messages)."""
    proc = subprocess.run(
        [
            _browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console


def test_console_messages_are_detected(tmp_path: Path) -> None:
    """The check below can fail: a page logging an error is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>console.error('boom')</script></body></html>")
    _dom, console = _render(page, tmp_path)
    assert any("boom" in line for line in console)


def test_digest_renders_in_chromium_without_errors(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    articles = [
        make_article(
            "a1",
            "孝感高新区 <script>alert('x')</script> 增长",
            "孝感高新区工业增加值同比增长18.8%。<img src=x onerror=alert(1)>",
            metrics=[make_metric("孝感高新区", "工业增加值同比增长", 18.8)],
            topics=["产业升级"],
            zones=["孝感高新区"],
            companies=["福斯线缆"],
        ),
        make_article(
            "a2",
            "新余高新区生产总值",
            "新余高新区地区生产总值同比下降2.5%。",
            metrics=[make_metric("新余高新区", "地区生产总值同比增长", -2.5)],
            topics=["产业升级"],
            zones=["新余高新区"],
        ),
    ]
    summary = make_summary("issue", articles, path=str(tmp_path / "gaoxin-2025-06-18.txt"))
    with transaction(conn):
        write_issue(
            conn, summary, path=summary.source.path, issue_date=date(2025, 6, 18), date_source=None
        )
    page = tmp_path / "digest.html"
    page.write_text(render_digest(build_digest(conn), "html"), encoding="utf-8")

    dom, console = _render(page, tmp_path)
    assert console == [], console
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", dom)
    for wanted in (
        "Overview",
        "Top stories",
        "Metrics",
        "Conflicts",
        "Growth by zone",
        "Index",
        "Sources",
    ):
        assert any(wanted in h for h in headings), (wanted, headings)
    assert dom.count("<table") == 2 and "<svg" in dom and "<h1>" in dom
    # The article's markup stayed text: no script or img element came out of it.
    assert "<script" not in dom and "<img" not in dom
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in dom
