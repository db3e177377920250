"""The SQLite store: migrations, corrupt/foreign/read-only files, search, metric queries."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from store_factory import fake_summarize, make_article, make_metric, make_summary

from summarizer.errors import InputError, StoreError
from summarizer.models import MetricKind, NormalizedUnit, PeriodRange
from summarizer.render.metrics import METRIC_COLUMNS, render_metrics
from summarizer.render.metrics import metric_rows as summary_metric_rows
from summarizer.store import (
    MetricRow,
    connect,
    ingest,
    metric_rows,
    metrics_csv,
    metrics_jsonl,
    search,
    transaction,
)
from summarizer.store.db import APPLICATION_ID, SCHEMA_VERSION
from summarizer.store.ingest import write_issue

REPO = Path(__file__).resolve().parent.parent


def _store_one(conn: sqlite3.Connection, summary, when: date | None = None) -> int:  # type: ignore[no-untyped-def]
    with transaction(conn):
        return write_issue(
            conn, summary, path=summary.source.path, issue_date=when, date_source=None
        )


def test_new_database_is_migrated_and_tagged(tmp_path: Path) -> None:
    conn = connect(tmp_path / "sub" / "s.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"issues", "articles", "metrics", "runs", "articles_fts", "metrics_fts"} <= tables
    conn.close()
    # Reopening does not migrate twice.
    assert connect(tmp_path / "sub" / "s.db").execute("PRAGMA user_version").fetchone()[0] == 1


def test_corrupt_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    junk = b"this is not a database at all\n" * 100
    db.write_bytes(junk)
    with pytest.raises(StoreError, match="not a SQLite database"):
        connect(db)
    assert db.read_bytes() == junk


def test_damaged_sqlite_pages_give_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    conn = connect(db)
    conn.close()
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page after the header
    db.write_bytes(bytes(data))
    before = db.read_bytes()
    with pytest.raises(StoreError, match=r"corrupt|not a database"):
        connect(db)
    assert db.read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    other = sqlite3.connect(db)
    other.execute("CREATE TABLE notes (x)")
    other.commit()
    other.close()
    with pytest.raises(StoreError, match="did not create"):
        connect(db)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    connect(db).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer"):
        connect(db)


_RO_CHECK = """
import sys
from summarizer.errors import StoreError
from summarizer.store import connect, ingest
db = sys.argv[1]
ro = connect(db, readonly=True)
print("rows", ro.execute("SELECT count(*) FROM issues").fetchone()[0])
try:
    ingest(connect(db), [], lambda i, d: None)
except StoreError as e:
    print("error", e)
try:
    connect(sys.argv[2])
except StoreError as e:
    print("newdb", e)
"""


def _as_unprivileged(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the check as ``nobody`` when we are root (root ignores file permissions).

    ``nobody`` may not be able to run this interpreter (e.g. a pyenv under /root); then the
    system ``python3.11`` runs it with our site-packages and the repository on PYTHONPATH.
    """
    if os.geteuid() != 0:
        commands = [[sys.executable]]
        demote = None
    else:

        def demote() -> None:
            os.setgid(65534)
            os.setuid(65534)

        commands = [[sys.executable]]
        system = shutil.which("python3.11", path="/usr/bin:/usr/local/bin")
        if system:
            commands.append([system])
    paths = [p for p in sys.path if p.endswith("site-packages")] + [str(REPO)]
    env = {**os.environ, "HOME": "/tmp", "PYTHONPATH": os.pathsep.join(paths)}
    for command in commands:
        try:
            proc = subprocess.run(
                [*command, "-c", _RO_CHECK, *args],
                capture_output=True,
                text=True,
                env=env,
                preexec_fn=demote,
                check=False,
                timeout=60,
            )
        except PermissionError:
            continue
        if "ModuleNotFoundError" not in proc.stderr and "Permission denied" not in proc.stderr:
            return proc
    pytest.skip("running as root and 'nobody' cannot run Python here: permissions untestable")


def test_read_only_database_can_be_read_not_written() -> None:
    base = Path(tempfile.mkdtemp(prefix="summarizer-ro-"))
    try:
        db = base / "s.db"
        conn = connect(db)
        _store_one(conn, make_summary("x", [make_article("a1", "标题一二三", "摘要内容")]))
        conn.close()
        locked = base / "locked"
        locked.mkdir()
        db.chmod(0o444)
        locked.chmod(0o555)
        base.chmod(0o555)
        before = db.read_bytes()
        proc = _as_unprivileged([str(db), str(locked / "new.db")])
        assert "rows 1" in proc.stdout, proc.stderr
        assert "error" in proc.stdout and "read-only" in proc.stdout
        assert "newdb" in proc.stdout
        assert "Traceback" not in proc.stderr
        assert db.read_bytes() == before
    finally:
        base.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_missing_database_in_read_mode(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="ingest"):
        connect(tmp_path / "none.db", readonly=True)
    assert not (tmp_path / "none.db").exists()


@pytest.fixture
def filled(tmp_path: Path) -> sqlite3.Connection:
    conn = connect(tmp_path / "s.db")
    a1 = make_article(
        "a1",
        "杭州高新区一季度工业增加值增长",
        "杭州高新区（滨江）规上工业增加值同比增长7.1%，融资环境改善。",
        metrics=[make_metric("杭州高新区(滨江)", "规上工业增加值同比增长", 7.1)],
    )
    a2 = make_article(
        "a2",
        "小微企业融资新政",
        "八部门联合发文支持小微企业融资。",
        metrics=[
            make_metric(
                "孝感高新区",
                "工业投资",
                12.5,
                "亿元",
                kind=MetricKind.LEVEL,
                norm_unit=NormalizedUnit.CNY,
                norm_value=1.25e9,
            )
        ],
    )
    _store_one(conn, make_summary("one", [a1, a2]), date(2025, 6, 18))
    return conn


def test_search_long_terms_use_the_index(filled: sqlite3.Connection) -> None:
    hits = search(filled, "杭州高新区")
    assert {h.kind.value for h in hits} == {"article", "metric"}
    assert all("杭州高新区" in h.title + h.text for h in hits)
    assert search(filled, "不存在的词语") == []


def test_search_two_char_term_falls_back_to_like(filled: sqlite3.Connection) -> None:
    hits = [h for h in search(filled, "融资") if h.kind.value == "article"]
    assert {h.article_id for h in hits} == {"a1", "a2"}
    # Mixed: a short term narrows the indexed match.
    both = search(filled, "杭州高新区 融资")
    assert {h.article_id for h in both if h.kind.value == "article"} == {"a1"}


def test_search_query_with_fts_syntax_is_literal(filled: sqlite3.Connection) -> None:
    assert search(filled, '"杭州 OR NEAR(') == []
    with pytest.raises(InputError):
        search(filled, "   ")


def test_metric_rows_match_aliases_and_indicator_substrings(filled: sqlite3.Connection) -> None:
    rows = metric_rows(filled, subject="杭州高新区", indicator="增加值")
    assert [(r.subject, r.value, r.article_id) for r in rows] == [("杭州高新区(滨江)", 7.1, "a1")]
    assert metric_rows(filled, subject="杭州高新区", indicator="投资") == []
    csv_text = metrics_csv(metric_rows(filled, subject="孝感"))
    lines = csv_text.strip().split("\n")
    assert lines[0] == ",".join(METRIC_COLUMNS)
    assert len(lines) == 2 and "1250000000.0" in lines[1] and "2025-06-18" in lines[1]


def test_stored_rows_equal_the_rows_of_the_summary_itself(tmp_path: Path) -> None:
    """One column set for both paths: same header, same rows, field for field, in both formats."""
    assert tuple(f for f in MetricRow.__dataclass_fields__) == METRIC_COLUMNS
    ranged = make_metric(
        "滨江高新区", "工业投资", 218.0, "亿元", period="1-5月", kind=MetricKind.LEVEL
    )
    ranged = ranged.model_copy(
        update={"period_range": PeriodRange(start="2025-01-01", end="2025-05-31", cumulative=True)}
    )
    untitled = make_article("a2", "", "两会速览。", metrics=[make_metric("孝 感", "增速", 9.0)])
    arts = [
        make_article(
            "a1", "投资", "滨江高新区投资。", metrics=[ranged, make_metric("x", "y", 1.5)]
        ),
        untitled,
    ]
    summary = make_summary(
        "text", arts, path="/data/in/gx-2025-06-18.txt", issue_date=date(2025, 6, 18)
    )
    conn = connect(tmp_path / "s.db")
    _store_one(conn, summary, date(2025, 6, 18))
    stored = metric_rows(conn)
    from_file = list(summary_metric_rows([summary]))
    assert [asdict(r) for r in stored] == from_file and len(from_file) == 3
    # Checked by hand: alias → canonical zone, spaces dropped, the range and the file name kept.
    first = from_file[0]
    assert first["canonical_subject"] == "杭州高新区" and first["issue"] == "gx-2025-06-18.txt"
    assert (first["period_start"], first["period_end"]) == ("2025-01-01", "2025-05-31")
    assert from_file[2]["canonical_subject"] == "孝感"
    assert from_file[2]["article_title"] == untitled.summary.headline
    assert metrics_csv(stored) == render_metrics([summary], "csv")
    assert metrics_jsonl(stored) == render_metrics([summary], "jsonl")


def test_writing_through_a_read_only_handle_is_a_store_error(tmp_path: Path) -> None:
    """What a read-only file gives every user but root (whom permissions do not stop)."""
    db = tmp_path / "s.db"
    connect(db).close()
    ro = connect(db, readonly=True)
    with pytest.raises(StoreError, match="read-only"):
        ingest(ro, [], fake_summarize)


def test_damaged_data_pages_give_store_errors_not_tracebacks(tmp_path: Path) -> None:
    from summarizer.digest import build_digest

    db = tmp_path / "s.db"
    conn = connect(db)
    for n in range(40):
        text = "杭州高新区工业增加值增长7.1%。" * 40 + str(n)
        metrics = [make_metric("杭州高新区", f"指标{k}", 7.1 + k) for k in range(30)]
        article = make_article(f"a{n}", f"标题{n}杭州高新区", text, text=text, metrics=metrics)
        _store_one(conn, make_summary(text, [article]), date(2025, 6, 1))
    conn.close()
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 20 * page
    # Wreck every other page of the second half (table and index data), keep the schema.
    for start in range(len(data) // 2 // page * page, len(data), 2 * page):
        data[start : start + page] = b"\xa5" * page
    db.write_bytes(bytes(data))
    damaged = connect(db, readonly=True)  # the schema is intact: opening works
    with pytest.raises(StoreError, match="corrupt"):
        search(damaged, "杭州高新区")
    with pytest.raises(StoreError, match="corrupt"):
        metric_rows(damaged)
    with pytest.raises(StoreError, match="corrupt"):
        build_digest(damaged)
