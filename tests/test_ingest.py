"""Ingest: only unseen issues, one transaction per issue, resume after kill -9, concurrency."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
from store_factory import fake_summarize

from summarizer.errors import InputNotFoundError
from summarizer.issue_date import DateSource, detect_issue_date
from summarizer.models import IssueSummary
from summarizer.read import IssueText
from summarizer.store import IngestStatus, connect, expand_sources, ingest, watch

TESTS = Path(__file__).resolve().parent


def _issues(folder: Path, n: int, *, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        p = folder / f"gaoxin-2025-06-{i + 1:02d}.txt"
        p.write_text(f"第{i}期 杭州高新区工业增加值增长{i + 1}.5%\n\n另一篇 融资规模增长{i}%\n")
        paths.append(p)
    return paths


@pytest.mark.parametrize(
    ("name", "text", "expected", "source"),
    [
        ("gaoxin-2025-06-18.txt", "", date(2025, 6, 18), DateSource.FILENAME),
        ("issue_20240521.txt", "", date(2024, 5, 21), DateSource.FILENAME),
        ("x.txt", "  本报  2024 年 5 月 21 日 星期二\n正文", date(2024, 5, 21), DateSource.TEXT),
        ("x.txt", "二〇二四年十二月三十一日 第3期", date(2024, 12, 31), DateSource.TEXT),
        ("x.txt", "发布于 2023-03-07 的公告", date(2023, 3, 7), DateSource.TEXT),
        ("x.txt", "5 月 20 日，以“赋能”为主题", None, None),  # no year: no date
        ("bad-2025-13-45.txt", "2025年2月30日", None, None),  # impossible dates are ignored
        ("000_968f18d31259bbc3.txt", "", None, None),  # a hash is not a date
        ("x.txt", "项目编号20240521，版本1.2024.05.21", None, None),  # codes are not dates
        ("x.txt", "2025/6/30 发布", date(2025, 6, 30), DateSource.TEXT),
    ],
)
def test_issue_date_detection(
    name: str, text: str, expected: date | None, source: DateSource | None
) -> None:
    assert detect_issue_date(name, text) == (expected, source)


def test_explicit_date_wins() -> None:
    assert detect_issue_date("gaoxin-2025-06-18.txt", "2024年1月1日", date(2020, 1, 2)) == (
        date(2020, 1, 2),
        DateSource.FLAG,
    )


def test_expand_sources(tmp_path: Path) -> None:
    files = _issues(tmp_path / "d", 3)
    (tmp_path / "d" / "notes.bin").write_bytes(b"\x00")
    assert expand_sources([tmp_path / "d"]) == files
    assert expand_sources([str(tmp_path / "d" / "*-0[12].txt")]) == files[:2]
    assert expand_sources([files[0], tmp_path / "d"]) == files  # no duplicates
    with pytest.raises(InputNotFoundError):
        expand_sources([tmp_path / "missing.txt"])
    with pytest.raises(InputNotFoundError):
        expand_sources([str(tmp_path / "*.nothing")])


def test_only_unseen_issues_are_ingested(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    files = _issues(tmp_path / "in", 3)
    first = ingest(conn, files, fake_summarize)
    assert first.count(IngestStatus.INGESTED) == 3
    copy = tmp_path / "in" / "renamed-copy.txt"
    copy.write_bytes(files[0].read_bytes())  # same bytes under another name: same issue
    second = ingest(conn, [*files, copy], fake_summarize)
    assert second.count(IngestStatus.SKIPPED) == 4
    assert conn.execute("SELECT count(*) FROM issues").fetchone()[0] == 3
    dates = [r[0] for r in conn.execute("SELECT issue_date FROM issues ORDER BY id")]
    assert dates == ["2025-06-01", "2025-06-02", "2025-06-03"]
    runs = conn.execute("SELECT seen, ingested, skipped, failed FROM runs ORDER BY id").fetchall()
    assert [tuple(r) for r in runs] == [(3, 3, 0, 0), (4, 0, 4, 0)]


def test_a_bad_file_fails_alone(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    files = _issues(tmp_path / "in", 2)
    bad = tmp_path / "in" / "broken.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    def boom(issue: IssueText, when: date | None) -> IssueSummary:
        if "01" in issue.path:
            raise RuntimeError("engine bug")
        return fake_summarize(issue, when)

    report = ingest(conn, [bad, *files], boom)
    statuses = [i.status for i in report.items]
    assert statuses == [IngestStatus.FAILED, IngestStatus.FAILED, IngestStatus.INGESTED]
    assert "binary" in (report.items[0].error or "")
    assert "engine bug" in (report.items[1].error or "")
    errors = conn.execute("SELECT status, error FROM run_items WHERE status = 'failed'").fetchall()
    assert len(errors) == 2


def test_reprocess_rewrites_only_changed_engine_versions(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    files = _issues(tmp_path / "in", 2)
    ingest(conn, files, fake_summarize)
    same = ingest(conn, files, fake_summarize, reprocess=True)
    assert same.count(IngestStatus.UNCHANGED) == 2

    def v2(issue: IssueText, when: date | None) -> IssueSummary:
        s = fake_summarize(issue, when)
        s.engine.prompts = {"article_summary": "article_summary@v2"}
        return s

    stale = ingest(conn, files, v2, fingerprint="something-else")
    assert stale.count(IngestStatus.SKIPPED) == 2 and stale.stale == 2
    redone = ingest(conn, files, v2, reprocess=True)
    assert redone.count(IngestStatus.REPROCESSED) == 2
    assert conn.execute("SELECT count(*) FROM issues").fetchone()[0] == 2
    prompts = {r[0] for r in conn.execute("SELECT prompts FROM issues")}
    assert prompts == {'{"article_summary": "article_summary@v2"}'}
    # The old rows and their search index entries are gone, not duplicated.
    n_articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert n_articles == conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 4


_KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[3])
    from store_factory import fake_summarize
    from summarizer.store import connect, expand_sources, ingest
    mod = sys.modules["summarizer.store.ingest"]

    calls = {"n": 0}
    real_insert = mod._insert_article

    def slow_insert(conn, issue_id, ord_, art):
        real_insert(conn, issue_id, ord_, art)
        calls["n"] += 1
        if issue_id == int(sys.argv[4]) and ord_ == 0:
            print("MID-TRANSACTION", flush=True)
            time.sleep(60)

    mod._insert_article = slow_insert
    conn = connect(sys.argv[1])
    ingest(conn, expand_sources([sys.argv[2]]), fake_summarize,
           on_item=lambda item: print("DONE", item.path, flush=True))
    """
)


def test_kill_minus_nine_loses_nothing_committed_and_resumes(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    folder = tmp_path / "in"
    files = _issues(folder, 6)
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT, str(db), str(folder), str(TESTS), "4"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:  # wait until issue 4 is half written inside its transaction
        lines.append(line)
        if line.startswith("MID-TRANSACTION"):
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert sum(1 for x in lines if x.startswith("DONE")) == 3

    conn = connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = [r[0] for r in conn.execute("SELECT name FROM issues ORDER BY id")]
    assert names == [f.name for f in files[:3]]
    # Nothing of the half-written issue survived: no orphan articles, metrics or index rows.
    assert (
        conn.execute(
            "SELECT count(*) FROM articles WHERE issue_id NOT IN (SELECT id FROM issues)"
        ).fetchone()[0]
        == 0
    )
    assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 6
    interrupted = conn.execute("SELECT finished_at, ingested FROM runs").fetchone()
    assert interrupted["finished_at"] is None and interrupted["ingested"] == 3

    report = ingest(conn, expand_sources([folder]), fake_summarize)
    assert report.count(IngestStatus.SKIPPED) == 3
    assert report.count(IngestStatus.INGESTED) == 3
    assert conn.execute("SELECT count(*) FROM issues").fetchone()[0] == 6
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 12


_CONCURRENT_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[3])
    from store_factory import fake_summarize
    from summarizer.store import connect, expand_sources, ingest
    report = ingest(connect(sys.argv[1]), expand_sources([sys.argv[2]]), fake_summarize)
    print(len(report.items), len(report.failed))
    """
)


def test_two_ingests_at_once_wait_for_each_other(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    connect(db).close()
    folder = tmp_path / "in"
    _issues(folder, 20)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CONCURRENT_SCRIPT, str(db), str(folder), str(TESTS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert out.split() == ["20", "0"]
    conn = connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM issues").fetchone()[0] == 20
    assert conn.execute("SELECT sum(ingested), sum(skipped) FROM runs").fetchone()[:] == (20, 20)


def test_busy_database_fails_clearly_when_the_wait_runs_out(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    connect(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        conn = connect(db)
        conn.execute("PRAGMA busy_timeout = 100")
        from summarizer.errors import StoreError

        with pytest.raises(StoreError, match="locked"):
            ingest(conn, [], fake_summarize)
    finally:
        holder.execute("ROLLBACK")


def test_watch_polls_and_ingests_new_files(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    folder = tmp_path / "watched"
    _issues(folder, 1)
    polls: list[int] = []

    def fake_sleep(_seconds: float) -> None:  # a new file arrives between polls
        polls.append(1)
        if len(polls) == 1:
            _issues(folder, 2, start=1)

    reports = watch(
        conn, folder, fake_summarize, interval=0, max_polls=3, settle=0, sleep=fake_sleep
    )
    assert [r.count(IngestStatus.INGESTED) for r in reports] == [1, 2]
    assert len(polls) == 2  # no sleep after the last poll
    assert conn.execute("SELECT count(*) FROM issues").fetchone()[0] == 3


def test_watch_waits_for_files_still_being_written(tmp_path: Path) -> None:
    conn = connect(tmp_path / "s.db")
    folder = tmp_path / "watched"
    _issues(folder, 1)
    reports = watch(conn, folder, fake_summarize, max_polls=1, settle=3600, sleep=lambda s: None)
    assert reports == []
    old = time.time() - 7200
    for f in folder.iterdir():
        os.utime(f, (old, old))
    reports = watch(conn, folder, fake_summarize, max_polls=1, settle=3600, sleep=lambda s: None)
    assert [r.count(IngestStatus.INGESTED) for r in reports] == [1]
