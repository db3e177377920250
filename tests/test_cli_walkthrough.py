"""A first-time user's walk through the CLI: what they trip over gets one clear line on stderr,
the documented exit code (0 ok, 1 partial, 2 bad input, 3 configuration), never a traceback."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.cli import _EPILOG, main

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
    assert code == 1
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
