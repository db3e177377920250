"""Bad input through `summarizer segment`: a clear one-line message, the documented exit code
(0 ok, 2 bad input), never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.cli import main

REPO = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
ISSUE = "高新区上半年营收增长12.3%\n\n本报讯 今年上半年，高新区营业收入同比增长12.3%。\n"
HTML = (
    "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>高新区</title></head>"
    "<body><div><p>本报讯 今年上半年，高新区营业收入同比增长12.3%。</p></div></body></html>"
)


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str):
    monkeypatch.setattr(sys, "argv", ["summarizer", "segment", *args, "--format", "json"])
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), out, err


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "the input is empty"),
        ("blank.txt", b" \n\t\r\n\xe3\x80\x80\n", "the input has only whitespace"),
        ("photo.txt", PNG, "the input is binary, not text"),
        ("page.html", HTML.encode("utf-8"), "the input is an HTML page, not an issue text"),
        (
            "latin1.txt",
            "Café © résumé ".encode("latin-1") * 3 + b"\xff\xfe\xfd",
            "the input is neither UTF-8, UTF-16 nor GB18030/GBK text",
        ),
    ],
)
def test_bad_files_exit_2_with_one_line(monkeypatch, capsys, tmp_path, name, data, message):
    path = _bad(tmp_path, name, data)
    code, out, err = run(monkeypatch, capsys, str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"summarizer: error: {path}: {message}")
    assert err.count("\n") == 1 and err.endswith("\n")  # exactly one line, no traceback


def test_missing_path_and_directory(monkeypatch, capsys, tmp_path: Path) -> None:
    code, _, err = run(monkeypatch, capsys, str(tmp_path / "nope.txt"))
    assert code == 2 and err == f"summarizer: error: {tmp_path / 'nope.txt'}: no such file\n"
    code, _, err = run(monkeypatch, capsys, str(tmp_path))
    assert code == 2
    assert err == f"summarizer: error: {tmp_path}: is a directory, expected an issue text file\n"


def test_gbk_file_works(monkeypatch, capsys, tmp_path: Path) -> None:
    path = _bad(tmp_path, "gbk.txt", ISSUE.encode("gbk"))
    code, out, err = run(monkeypatch, capsys, str(path))
    assert code == 0 and err == ""
    block = json.loads(out)["blocks"][0]
    assert block["title"] == "高新区上半年营收增长12.3%"
    assert block["text"] == "今年上半年，高新区营业收入同比增长12.3%。"


def test_no_chinese_at_all_works(monkeypatch, capsys, tmp_path: Path) -> None:
    text = "Quarterly report\n\nRevenue grew 12% to 3.4 million dollars.\nCosts fell.\n"
    path = _bad(tmp_path, "english.txt", text.encode("ascii"))
    code, out, err = run(monkeypatch, capsys, str(path))
    assert code == 0 and err == ""
    blocks = json.loads(out)["blocks"]
    assert blocks[0]["title"] == "Quarterly report"
    assert "Revenue grew 12% to 3.4 million dollars." in blocks[0]["text"]


def test_single_5mb_line_works(monkeypatch, capsys, tmp_path: Path) -> None:
    sentence = "园区实现营业收入486.2亿元，同比增长12.3%，"
    line = sentence * (5_000_000 // len(sentence.encode("utf-8")) + 1) + "完。"
    path = _bad(tmp_path, "one-line.txt", line.encode("utf-8"))
    assert path.stat().st_size > 5_000_000
    code, out, err = run(monkeypatch, capsys, str(path))
    assert code == 0 and err == ""
    blocks = json.loads(out)["blocks"]
    assert len(blocks) == 1 and blocks[0]["text"] == line


def test_one_bad_among_good_is_partial(monkeypatch, capsys, tmp_path: Path) -> None:
    good = _bad(tmp_path, "good.txt", ISSUE.encode("utf-8"))
    png = _bad(tmp_path, "photo.png", PNG)
    code, out, err = run(monkeypatch, capsys, str(good), str(png))
    assert code == 1
    assert [d["source"] for d in json.loads(out)] == [str(good)]
    assert err == f"summarizer: error: {png}: the input is binary, not text\n"


def test_real_console_script_gives_no_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("summarizer")
    if not exe.exists():
        pytest.skip("console script not installed beside the interpreter")
    png = _bad(tmp_path, "photo.txt", PNG)
    proc = subprocess.run(
        [str(exe), "segment", str(png)], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 2
    assert proc.stderr == f"summarizer: error: {png}: the input is binary, not text\n"
    assert proc.stdout == ""


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-16"])
def test_big_files_decode_across_chunk_boundaries(tmp_path: Path, encoding: str) -> None:
    """Decoding goes in 1 MB steps: a character split between two steps must survive."""
    from summarizer.read import read_issue

    text = "高新区营业收入增长12.3%。a" * 90_000  # > 1 MB in each encoding, odd byte lengths
    path = _bad(tmp_path, f"big-{encoding}.txt", text.encode(encoding))
    assert path.stat().st_size > 1 << 20
    assert read_issue(path).text == text
