"""The segment and eval commands through the real entry point: formats, stdin, exit codes."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from summarizer.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "gaoxin-2025-06-18.txt"
SHARED = REPO.parent / "shared"

ISSUE = (
    "青山高新区上半年营收增长12.3%\n\n► 王明\n\n"
    "今年上半年，青山高新区营业收入同比增长12.3%。园区新签约项目42个。\n\n"
    "绿水高新区举办招商大会\n\n"
    "本报讯 近日，绿水高新区举办招商大会，签约项目20个，总投资超过100亿元。\n"
)


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: bytes | None = None,
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["summarizer", *args])
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), out, err


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    path = tmp_path / "issue.txt"
    path.write_text(ISSUE, encoding="utf-8")
    return path


def test_segment_json_for_one_issue(monkeypatch, capsys, issue: Path) -> None:
    code, out, err = run(monkeypatch, capsys, "segment", str(issue), "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["source"] == str(issue)
    assert [(b["id"], b["kind"], b["title"], b["byline"]) for b in data["blocks"]] == [
        ("a1", "article", "青山高新区上半年营收增长12.3%", "王明"),
        ("a2", "article", "绿水高新区举办招商大会", None),
    ]
    first = data["blocks"][0]
    assert first["text"].startswith("今年上半年") and first["span"][0] == 0
    assert set(first) >= {"id", "kind", "title", "byline", "text", "span", "norm_span"}


def test_segment_is_json_when_piped(monkeypatch, capsys, issue: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, "segment", str(issue))
    assert code == 0
    assert json.loads(out)["blocks"][1]["text"].startswith("近日，绿水高新区")


def test_segment_jsonl_and_several_issues(monkeypatch, capsys, issue: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, "segment", str(issue), str(EXAMPLE), "-f", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert {r["source"] for r in rows} == {str(issue), str(EXAMPLE)}
    assert sum(r["source"] == str(issue) for r in rows) == 2
    code, out, _ = run(monkeypatch, capsys, "segment", str(issue), str(EXAMPLE), "-f", "json")
    assert [d["source"] for d in json.loads(out)] == [str(issue), str(EXAMPLE)]


def test_segment_table(monkeypatch, capsys, issue: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, "segment", str(issue), "--format", "table")
    assert code == 0
    assert "2 blocks" in out and "青山高新区上半年营收增长12.3%" in out and "article" in out


def test_segment_reads_stdin(monkeypatch, capsys) -> None:
    code, out, _ = run(
        monkeypatch, capsys, "segment", "-", stdin=ISSUE.replace("► ", "").encode("gbk")
    )
    assert code == 0
    data = json.loads(out)
    assert data["source"] == "-" and data["blocks"][1]["title"] == "绿水高新区举办招商大会"


def test_segment_partial_failure_exit_1(monkeypatch, capsys, issue: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    code, out, err = run(monkeypatch, capsys, "segment", str(issue), str(missing), "-f", "json")
    assert code == 1
    assert [d["source"] for d in json.loads(out)] == [str(issue)]
    assert err.strip() == f"summarizer: error: {missing}: no such file"


def test_segment_all_bad_exit_2(monkeypatch, capsys, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out, err = run(monkeypatch, capsys, "segment", str(empty), str(tmp_path / "nope.txt"))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 2


def test_eval_on_fixture_gold(monkeypatch, capsys, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    gold = tmp_path / "gold"
    corpus.mkdir()
    gold.mkdir()
    (corpus / "x.txt").write_text(ISSUE, encoding="utf-8")
    (gold / "x.json").write_text(
        json.dumps(
            {
                "source": "x.txt",
                "articles": [
                    {
                        "title": "青山高新区上半年营收增长12.3%",
                        "first_chars": "今年上半年，青山高新区营业收入",
                        "last_chars": "园区新签约项目42个。",
                        "byline": "王明",
                    },
                    {
                        "title": "绿水高新区举办招商大会",
                        "first_chars": "近日，绿水高新区举办招商大会",
                        "last_chars": "总投资超过100亿元。",
                    },
                    {"title": "不存在的文章", "first_chars": "没有这段文字", "last_chars": "结束"},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    code, out, _ = run(monkeypatch, capsys, "eval", "--gold", str(gold), str(corpus), "-f", "json")
    assert code == 0
    seg = json.loads(out)["segmentation"]
    # the third gold article is not in the source at all: a broken annotation, left out
    assert seg["total"]["gold_articles"] == 2 and seg["total"]["recall"] == 1.0
    assert seg["total"]["titles"] == [2, 2] and seg["total"]["merges"] == 0
    code, out, _ = run(monkeypatch, capsys, "eval", "--gold", str(gold), str(corpus))
    assert code == 0 and "segmentation" in out and "TOTAL" in out


def test_eval_corpus_table(monkeypatch, capsys) -> None:
    if not (SHARED / "gold").is_dir():
        pytest.skip("../shared/gold not beside the repository")
    code, out, _ = run(
        monkeypatch, capsys, "eval", "--gold", str(SHARED / "gold"), str(SHARED / "corpus")
    )
    assert code == 0
    total = next(line for line in out.splitlines() if "TOTAL" in line)
    assert "1.000" in total


def test_eval_missing_directories(monkeypatch, capsys, tmp_path: Path) -> None:
    code, _, err = run(monkeypatch, capsys, "eval", "--gold", str(tmp_path / "g"), str(tmp_path))
    assert code == 2 and "gold directory does not exist" in err
    assert "Traceback" not in err


def test_an_internal_error_is_one_line_and_partial(monkeypatch, capsys, issue: Path) -> None:
    from summarizer.cli import text as text_cli

    def broken(text: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(text_cli, "segment_text", broken)
    code, out, err = run(monkeypatch, capsys, "segment", str(issue), "-f", "json")
    assert code == 1 and out == ""
    assert err == f"summarizer: error: {issue}: internal error: RuntimeError: boom\n"
