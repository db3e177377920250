"""The summarize, metrics and schema commands through the real entry point (exit codes, output)."""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from summarizer import pipeline
from summarizer.cli import main
from summarizer.extract import offline
from summarizer.models import (
    Block,
    BlockKind,
    IssueSummary,
    Metric,
    NormalizedUnit,
    NormalizedValue,
)
from summarizer.normalize import Document

ISSUE = (
    "青山高新区上半年营收增长12.3%\n\n"
    "本报讯 今年上半年，青山高新区营业收入同比增长12.3%。园区新签约项目42个。\n\n"
    "绿水高新区举办招商大会\n\n"
    "本报讯 近日，绿水高新区举办招商大会，签约项目20个，总投资超过100亿元。\n"
)


def _fake_segment(doc: Document) -> list[Block]:
    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", doc.text)]
    return [
        Block(
            id=f"a{n}",
            kind=BlockKind.ARTICLE,
            title=doc.text[paras[i][0] : paras[i][1]],
            text=doc.text[paras[i + 1][0] : paras[i + 1][1]],
            span=doc.to_original(paras[i][0], paras[i + 1][1]),
            norm_span=paras[i + 1],
        )
        for n, i in enumerate(range(0, len(paras) - 1, 2), 1)
    ]


def _fake_metrics(block: Block, doc: Document, *, issue_date: date | None = None) -> list[Metric]:
    """One metric per '%' number: enough to exercise the outputs, independent of the extractor."""
    out = []
    for m in re.finditer(r"(\d+(?:\.\d+)?)%", block.text):
        s, e = block.norm_span[0] + m.start(), block.norm_span[0] + m.end()
        value = float(m.group(1))
        out.append(
            Metric(
                subject="青山高新区",
                indicator="营业收入同比增长",
                value=value,
                unit="%",
                normalized=NormalizedValue(value=value, unit=NormalizedUnit.PERCENT),
                kind="change_rate",
                quote=m.group(),
                span=doc.to_original(s, e),
            )
        )
    if "boom" in block.text:
        raise ValueError("boom")
    return out


@pytest.fixture(autouse=True)
def _fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand-ins for the segmenter and extractor (other engineers' work, tested there)."""
    monkeypatch.setattr(pipeline, "_segment", _fake_segment)
    monkeypatch.setattr(offline, "_default_extractor", lambda: _fake_metrics)


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    path = tmp_path / "gaoxin-2025-06-18.txt"
    path.write_text(ISSUE, encoding="utf-8")
    return path


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: str | None = None,
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["summarizer", *args])
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), out, err


def test_one_issue_json_is_one_issue_summary(monkeypatch, capsys, issue: Path) -> None:
    code, out, err = run(monkeypatch, capsys, "summarize", str(issue), "--format", "json")
    assert code == 0
    summary = IssueSummary.model_validate_json(out)
    assert summary.source.issue_date == "2025-06-18"
    assert [a.id for a in summary.articles] == ["a1", "a2"]
    assert summary.articles[0].metrics[0].value == 12.3
    assert "using the offline engine (auto" in err
    assert "Traceback" not in err


def test_md_report(monkeypatch, capsys, issue: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, "summarize", str(issue), "-f", "md")
    assert code == 0
    assert out.startswith("# gaoxin-2025-06-18.txt — 2025-06-18")
    assert "## 1. 青山高新区上半年营收增长12.3%" in out
    assert "| Subject | Indicator | Value |" in out and "| 12.3 % |" in out


def test_jsonl_articles(monkeypatch, capsys, issue: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, "summarize", str(issue), "-f", "jsonl")
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a1", "a2"]


def test_several_issues_print_one_summary_per_line(
    monkeypatch, capsys, issue: Path, tmp_path: Path
) -> None:
    other = tmp_path / "20240521.txt"
    other.write_text(ISSUE, encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, "summarize", str(issue), str(other))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    dates = [IssueSummary.model_validate_json(x).source.issue_date for x in lines]
    assert dates == ["2025-06-18", "2024-05-21"]


def test_several_issues_to_an_output_dir(monkeypatch, capsys, issue: Path, tmp_path: Path) -> None:
    other = tmp_path / "20240521.txt"
    other.write_text(ISSUE, encoding="utf-8")
    outdir = tmp_path / "out"
    code, out, _ = run(
        monkeypatch, capsys, "summarize", str(issue), str(other), "-f", "md", "-o", str(outdir)
    )
    assert code == 0 and out == ""
    assert sorted(p.name for p in outdir.iterdir()) == ["20240521.md", "gaoxin-2025-06-18.md"]


def test_several_issues_to_one_output_file(
    monkeypatch, capsys, issue: Path, tmp_path: Path
) -> None:
    target = tmp_path / "all.jsonl"
    code, _, _ = run(
        monkeypatch, capsys, "summarize", str(issue), str(issue), "-f", "jsonl", "-o", str(target)
    )
    assert code == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4  # 2 issues x 2 articles


def test_one_issue_to_an_output_file(monkeypatch, capsys, issue: Path, tmp_path: Path) -> None:
    target = tmp_path / "x" / "summary.json"
    code, _, _ = run(monkeypatch, capsys, "summarize", str(issue), "-o", str(target))
    assert code == 0
    IssueSummary.model_validate_json(target.read_text(encoding="utf-8"))


def test_stdin_and_explicit_date(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, "summarize", "-", "--date", "2024-01-31", stdin=ISSUE)
    assert code == 0
    summary = IssueSummary.model_validate_json(out)
    assert summary.source.path == "-" and summary.source.issue_date == "2024-01-31"


def test_missing_file_is_bad_input(monkeypatch, capsys, tmp_path: Path) -> None:
    code, out, err = run(monkeypatch, capsys, "summarize", str(tmp_path / "nope.txt"))
    assert code == 2 and out == ""
    assert "no such file" in err and "Traceback" not in err


def test_one_bad_issue_among_good_ones_is_partial(
    monkeypatch, capsys, issue: Path, tmp_path: Path
) -> None:
    code, out, err = run(monkeypatch, capsys, "summarize", str(issue), str(tmp_path / "nope.txt"))
    assert code == 1
    assert IssueSummary.model_validate_json(out).articles
    assert "nope.txt" in err


def test_a_failed_article_exits_1_with_the_rest_in_the_output(
    monkeypatch, capsys, tmp_path: Path
) -> None:
    path = tmp_path / "i.txt"
    path.write_text(ISSUE.replace("签约项目20个", "签约项目20个boom"), encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "summarize", str(path))
    assert code == 1
    summary = IssueSummary.model_validate_json(out)
    assert [a.id for a in summary.articles] == ["a1"] and summary.errors[0].article_id == "a2"
    assert "a2: ValueError: boom" in err


def test_bad_date_is_a_usage_error(monkeypatch, capsys, issue: Path) -> None:
    code, _, err = run(monkeypatch, capsys, "summarize", str(issue), "--date", "18/06/2025")
    assert code == 2 and "YYYY-MM-DD" in err


def test_llm_without_configuration_is_a_config_error(monkeypatch, capsys, issue: Path) -> None:
    code, out, err = run(monkeypatch, capsys, "summarize", str(issue), "--engine", "llm")
    assert code == 3 and out == ""
    assert err.count("\n") == 1 and "error:" in err and "model" in err


def test_metrics_csv_and_jsonl(monkeypatch, capsys, issue: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, "metrics", str(issue), "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("source,issue,issue_date,article_id")
    assert len(lines) == 2 and str(issue) in lines[1] and ",a1," in lines[1]
    code, out, _ = run(monkeypatch, capsys, "metrics", str(issue), "--format", "jsonl")
    assert code == 0 and json.loads(out)["value"] == 12.3


def test_schema(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "IssueSummary"
    assert {"schema_version", "source", "engine", "articles", "usage", "errors"} <= set(
        schema["properties"]
    )


def test_progress_bar_runs_to_completion() -> None:
    from summarizer.cli.summarize import _StderrProgress

    bar = _StderrProgress()
    for done in range(4):
        bar(done, 3)
    assert bar._bar is None  # stopped once every article was done


def test_the_ledger_line_names_non_zero_counters(monkeypatch, capsys, issue: Path) -> None:
    code, _, err = run(monkeypatch, capsys, "summarize", str(issue))
    assert code == 0
    line = next(x for x in err.splitlines() if "gaoxin-2025-06-18.txt:" in x)
    assert "2 blocks, 1 metrics, 0 failed, coverage 100%" in line
    assert "calls" not in line  # zero counters are not shown
