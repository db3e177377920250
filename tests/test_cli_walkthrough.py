"""A first-time user's walk through the CLI: what they trip over gets one clear line on stderr,
the documented exit code (0 ok, 1 partial, 2 bad input, 3 configuration), never a traceback."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from summarizer.cli import _EPILOG, main
from summarizer.models import ArticleError, IssueSummary

REPO = Path(__file__).resolve().parent.parent
ISSUE = "高新区上半年营收增长12.3%\n\n本报讯 今年上半年，高新区营业收入同比增长12.3%。\n"


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run ``summarizer ARGS`` in-process through the console entry point."""
    monkeypatch.setattr(sys, "argv", ["summarizer", *args])
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), out, err


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("summarizer: error:")]


def test_root_help_examples_name_files_that_exist() -> None:
    paths = re.findall(r"\bexamples/\S+", _EPILOG)
    assert paths, "the root help should show an example on a shipped file"
    for p in paths:
        assert (REPO / p).is_file(), p


@pytest.mark.parametrize("url", ["notaurl", "127.0.0.1:8000", "ftp://host/v1"])
def test_base_url_that_is_not_http_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, url: str
) -> None:
    issue = tmp_path / "a.txt"
    issue.write_text(ISSUE, encoding="utf-8")
    args = ("summarize", "--engine", "llm", "--model", "m", "--base-url", url, str(issue))
    code, out, err = run(monkeypatch, capsys, *args)
    assert code == 3
    assert out == ""
    [line] = _error_lines(err)
    assert "base_url" in line and "not an http(s) URL" in line
    assert "Traceback" not in err


def test_gold_directory_with_a_non_gold_json_names_the_file_on_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus, gold = tmp_path / "corpus", tmp_path / "gold"
    corpus.mkdir()
    gold.mkdir()
    (corpus / "a.txt").write_text(ISSUE, encoding="utf-8")
    (gold / "a.json").write_text('{"schema_version": "1", "source": {"path": "a.txt"}}', "utf-8")
    code, _, err = run(monkeypatch, capsys, "eval", str(corpus), "--gold", str(gold))
    assert code == 2
    assert err.count("\n") == 1, err
    [line] = _error_lines(err)
    assert str(gold / "a.json") in line and "not a gold annotation" in line


def test_gold_file_with_broken_json_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus, gold = tmp_path / "corpus", tmp_path / "gold"
    corpus.mkdir()
    gold.mkdir()
    (gold / "a.json").write_text("{not json", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "eval", str(corpus), "--gold", str(gold))
    assert code == 2
    [line] = _error_lines(err)
    assert "a.json" in line and "cannot read the gold file" in line


def test_eval_on_a_file_says_it_is_not_a_directory(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    issue = tmp_path / "a.txt"
    issue.write_text(ISSUE, encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    code, _, err = run(monkeypatch, capsys, "eval", str(issue), "--gold", str(gold))
    assert code == 2
    [line] = _error_lines(err)
    assert "is not a directory" in line and "does not exist" not in line


def test_ingest_failure_line_names_the_file_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    png = tmp_path / "img.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
    db = tmp_path / "s.db"
    code, _, err = run(
        monkeypatch, capsys, "ingest", "--db", str(db), "--engine", "offline", str(png)
    )
    assert code == 2  # every given file was bad input
    [line] = [ln for ln in err.splitlines() if "failed" in ln and "img.png" in ln]
    assert line.count(str(png)) == 1, line
    assert "binary" in line


def test_ctrl_c_during_ingest_exits_130_with_one_line_and_keeps_stored_issues(
    tmp_path: Path,
) -> None:
    src = tmp_path / "issues"
    src.mkdir()
    body = ISSUE * 40
    for i in range(400):
        (src / f"i{i:03d}.txt").write_text(f"第{i}期\n{body}", encoding="utf-8")
    db = tmp_path / "s.db"
    cmd = [str(REPO / ".venv/bin/summarizer"), "ingest", "--db", str(db), "--engine", "offline"]
    if not Path(cmd[0]).exists():
        cmd[0:1] = [sys.executable, "-m", "summarizer"]
    proc = subprocess.Popen([*cmd, str(src)], stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    # Wait until at least one issue is committed, then interrupt.
    for line in proc.stderr:
        if "ingested" in line:
            break
    proc.send_signal(signal.SIGINT)
    try:
        rest = proc.stderr.read()
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    if "interrupted" not in rest and proc.returncode == 0:
        pytest.skip("the run finished before the interrupt arrived")
    assert proc.returncode == 130, rest
    assert "Traceback" not in rest
    assert rest.strip().splitlines()[-1].startswith("summarizer: interrupted")
    stored = sqlite3.connect(db).execute("select count(*) from issues").fetchone()[0]
    assert 1 <= stored < 400


DOWN = "http://127.0.0.1:9: cannot connect to the endpoint"


def _with_failed_articles(summary: IssueSummary) -> IssueSummary:
    """The summary an LLM run gives when the endpoint is down for every article."""
    errors = [ArticleError(article_id=a, error=DOWN) for a in ("a1", "a2", "a3")]
    return summary.model_copy(update={"errors": errors})


def test_summarize_prints_one_line_for_articles_failing_the_same_way(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import summarizer.cli.summarize as cli_summarize

    real = cli_summarize.summarize_issue
    monkeypatch.setattr(
        cli_summarize, "summarize_issue", lambda *a, **k: _with_failed_articles(real(*a, **k))
    )
    issue = tmp_path / "a.txt"
    issue.write_text(ISSUE, encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "summarize", "--engine", "offline", str(issue))
    assert code == 1
    assert out.strip().startswith("{")
    [line] = _error_lines(err)
    assert line == f"summarizer: error: {issue}: a1, a2, a3: {DOWN}"


class _FailingFirst:
    """pipeline_summarizer's result; while _FAIL_NEXT is set it loses every article."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __call__(self, issue: Any, when: Any) -> IssueSummary:
        summary = self._real(issue, when)
        return _with_failed_articles(summary) if _FAIL_NEXT else summary


_FAIL_NEXT: list[bool] = []


def test_ingest_with_failed_articles_says_partial_exits_1_and_reprocess_retries(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import summarizer.store as store_pkg

    real = store_pkg.pipeline_summarizer
    monkeypatch.setattr(store_pkg, "pipeline_summarizer", lambda *a: _FailingFirst(real(*a)))
    issue = tmp_path / "a.txt"
    issue.write_text(ISSUE, encoding="utf-8")
    db = tmp_path / "s.db"
    base = ("ingest", "--db", str(db), "--engine", "offline", str(issue))

    _FAIL_NEXT.append(True)
    try:
        code, _, err = run(monkeypatch, capsys, *base)
    finally:
        _FAIL_NEXT.clear()
    assert code == 1
    assert f"partial  {issue}: a1, a2, a3: {DOWN}" in err
    assert "--reprocess" in err.splitlines()[-1]

    # A plain re-run skips it; --reprocess retries it although the engine is the same.
    code, _, err = run(monkeypatch, capsys, *base)
    assert code == 0 and "skipped" in err
    code, _, err = run(monkeypatch, capsys, *base, "--reprocess")
    assert code == 0 and "reprocessed" in err and "partial" not in err
    # Now complete: nothing to redo.
    code, _, err = run(monkeypatch, capsys, *base, "--reprocess")
    assert code == 0 and "unchanged" in err


@pytest.mark.parametrize(
    "command",
    [
        ("summarize", "--engine", "offline", "{long}.txt"),
        ("segment", "{long}.txt"),
        ("ingest", "--db", "{tmp}/s.db", "--engine", "offline", "{long}.txt"),
        ("digest", "--db", "{long}.db"),
        ("config", "--config", "{long}.toml"),
        ("eval", "{long}", "--gold", "{long}"),
    ],
)
def test_a_file_name_too_long_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: tuple[str, ...],
) -> None:
    long = str(tmp_path / ("長" * 200))  # 600 bytes: over every file system's name limit
    args = [a.format(long=long, tmp=tmp_path) for a in command]
    code, _, err = run(monkeypatch, capsys, *args)
    assert code == 2, err
    [line] = _error_lines(err)
    assert "too long" in line
    assert "Traceback" not in err


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    """A store holding one hand-written issue (offline engine)."""
    issue = tmp_path / "gx-2025-06-18.txt"
    issue.write_text(
        "高新区上半年营收增长12.3%\n\n本报讯 今年上半年，高新区营业收入同比增长12.3%，"
        "固定资产投资增长8.1%。\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.db"
    args = ["ingest", "--db", str(db), "--engine", "offline", str(issue)]
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return db


def _search(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db: Path, query: str
) -> tuple[int, int, str]:
    monkeypatch.setattr(sys, "argv", ["summarizer", "search", "--db", str(db), query])
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    code = info.value.code
    hits = sum(1 for line in out.splitlines() if line.startswith("["))
    return (code if isinstance(code, int) else 0), hits, err


def test_search_takes_habits_of_other_engines_literally(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], small_store: Path
) -> None:
    code, plain, _ = _search(monkeypatch, capsys, small_store, "营业收入")
    assert code == 0 and plain >= 1
    for query in ('"营业收入"', "“营业收入”", "营业收入*", "(营业收入)", "营业收入 AND 增长"):
        code, hits, err = _search(monkeypatch, capsys, small_store, query)
        assert (code, hits) == (0, plain), (query, err)
    code, hits, _ = _search(monkeypatch, capsys, small_store, "营业收入 不存在的词")
    assert (code, hits) == (0, 0)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("增长 OR 投资", "OR is not supported"),
        ("NOT 增长", "NOT is not supported"),
        ('"', "empty search query"),
        ("* ()", "empty search query"),
    ],
)
def test_search_refuses_operators_it_does_not_have_on_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    small_store: Path,
    query: str,
    message: str,
) -> None:
    code, _, err = _search(monkeypatch, capsys, small_store, query)
    assert code == 2
    [line] = _error_lines(err)
    assert message in line


@pytest.mark.parametrize(
    "command",
    [
        ["summarize"],
        ["metrics"],
        ["segment"],
        ["ingest"],
        ["search"],
        ["digest"],
        ["query", "metrics"],
    ],
)
def test_help_of_everyday_commands_shows_an_example(command: list[str]) -> None:
    from typer.testing import CliRunner

    from summarizer.cli import app

    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"summarizer {' '.join(command)} " in result.output


SECRET = "sk-topsecret0123456789"
URL_WITH_SECRETS = f"http://bob:{SECRET}@127.0.0.1:9/v1?api-key={SECRET}"


def test_config_never_prints_credentials_inside_the_base_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, "config", "--base-url", URL_WITH_SECRETS)
    assert code == 0
    assert SECRET not in out + err
    assert "127.0.0.1:9/v1" in out and "bob" in out


def test_connection_errors_never_print_credentials_inside_the_base_url() -> None:
    from summarizer.llm.client import OpenAIChatClient
    from summarizer.llm.settings import LLMSettings, redact_url

    settings = LLMSettings(model="m", base_url=URL_WITH_SECRETS)
    client = OpenAIChatClient(settings)
    assert client.endpoint == URL_WITH_SECRETS  # the requests still use the real URL
    assert SECRET not in client.shown_endpoint and "127.0.0.1:9/v1" in client.shown_endpoint
    assert redact_url("https://api.example.com/v1") == "https://api.example.com/v1"


@pytest.mark.parametrize("command", [["digest"], ["query", "metrics"], ["metrics"]])
def test_a_date_range_ending_before_it_starts_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    small_store: Path,
    command: list[str],
) -> None:
    args = ["--db", str(small_store), "--since", "2026-01-01", "--until", "2025-01-01"]
    code, out, err = run(monkeypatch, capsys, *command, *args)
    assert code == 2
    assert out == ""
    assert "2026-01-01 is after --until 2025-01-01" in err


@pytest.mark.parametrize(
    ("name", "problem"), [("missing", "no such directory"), ("a.txt", "is not a directory")]
)
def test_ingest_watch_on_a_bad_folder_fails_before_announcing_anything(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    problem: str,
) -> None:
    (tmp_path / "a.txt").write_text(ISSUE, encoding="utf-8")
    target = tmp_path / name
    args = ["ingest", "--db", str(tmp_path / "s.db"), "--watch", str(target), "--max-polls", "1"]
    code, _, err = run(monkeypatch, capsys, *args)
    assert code == 2
    assert "watching" not in err
    [line] = _error_lines(err)
    assert line == f"summarizer: error: {target}: --watch: {problem}"


@pytest.mark.parametrize("command", [["summarize", "--engine", "offline"], ["segment"]])
def test_standard_input_named_twice_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, *command, "-", "-")
    assert code == 2
    assert out == ""
    assert "'-' (standard input) can be given only once" in err
