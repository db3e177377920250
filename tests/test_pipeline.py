"""The pipeline: engine choice, issue date, source/usage/coverage, per-article failures,
and (on the corpus) faithfulness of every offline summary sentence."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from summarizer import pipeline
from summarizer.errors import ConfigError, EmptyInputError, InputNotFoundError
from summarizer.extract.offline import OfflineEngine
from summarizer.extract.tokens import split_sentences
from summarizer.models import Block, BlockKind, EngineInfo, EngineName, Metric
from summarizer.normalize import Document
from summarizer.pipeline import (
    ENGINES,
    EngineChoice,
    EngineResult,
    issue_date_from_name,
    resolve_engine,
    summarize_issue,
    summarize_text,
)

ISSUE = (
    "青山高新区上半年营收增长12.3%\n\n"
    "本报讯 今年上半年，青山高新区营业收入同比增长12.3%。园区新签约项目42个。\n\n"
    "绿水高新区举办招商大会\n\n"
    "本报讯 近日，绿水高新区举办招商大会，签约项目20个，总投资超过100亿元。\n"
)


def _fake_segment(doc: Document) -> list[Block]:
    """Title paragraph + body paragraph pairs (a stand-in for the real segmenter)."""
    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", doc.text)]
    blocks = []
    for n, i in enumerate(range(0, len(paras) - 1, 2), 1):
        (ts, te), (bs, be) = paras[i], paras[i + 1]
        blocks.append(
            Block(
                id=f"a{n}",
                kind=BlockKind.ARTICLE,
                title=doc.text[ts:te],
                text=doc.text[bs:be],
                span=doc.to_original(ts, be),
                norm_span=(bs, be),
            )
        )
    return blocks


@pytest.fixture
def fake_segment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_segment", _fake_segment)


def _no_metrics(block: Block, doc: Document, *, issue_date: date | None = None) -> list[Metric]:
    return []


class _Settings:
    def __init__(self, configured: bool) -> None:
        self.configured = configured

    def is_configured(self) -> bool:
        return self.configured


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gaoxin-2025-06-18.txt", date(2025, 6, 18)),
        ("20240521.txt", date(2024, 5, 21)),
        ("/data/issues/issue_20240521_p1.txt", date(2024, 5, 21)),
        ("bulletin.2023.01.05.txt", date(2023, 1, 5)),
        ("000_968f18d31259bbc3.txt", None),  # a content hash, not a date
        ("x-2024-13-01.txt", None),  # month 13
        ("2024-02-30.txt", None),  # no such day
        ("12020240521.txt", None),  # inside a longer number
        ("-", None),
    ],
)
def test_issue_date_from_name(name: str, expected: date | None) -> None:
    assert issue_date_from_name(name) == expected


def test_engine_mapping_covers_every_engine_name() -> None:
    assert set(ENGINES) == set(EngineName)


def test_resolve_engine() -> None:
    assert resolve_engine(EngineChoice.AUTO, None)[0] is EngineName.OFFLINE
    assert resolve_engine("auto", _Settings(False))[0] is EngineName.OFFLINE  # type: ignore[arg-type]
    name, reason = resolve_engine("auto", _Settings(True))  # type: ignore[arg-type]
    assert name is EngineName.LLM and "configured" in reason
    assert resolve_engine("offline", _Settings(True))[0] is EngineName.OFFLINE  # type: ignore[arg-type]
    assert resolve_engine("llm", None)[0] is EngineName.LLM
    with pytest.raises(ConfigError):
        resolve_engine("gpt", None)


def test_llm_without_configuration_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        pipeline.build_engine(EngineName.LLM, None)
    assert info.value.exit_code == 3


def test_llm_package_missing_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "summarizer.llm.engine", None)
    with pytest.raises(ConfigError, match="not available"):
        pipeline.build_engine(EngineName.LLM, _Settings(True))  # type: ignore[arg-type]


def test_llm_engine_info_holds_no_secret() -> None:
    settings_mod = pytest.importorskip("summarizer.llm.settings")
    secret = "sk-test-DO-NOT-LEAK-1234567890"
    settings = settings_mod.load_settings(
        model="m", base_url="http://127.0.0.1:9/v1", api_key=secret
    )
    engine = pipeline.build_engine(EngineName.LLM, settings)
    assert secret not in engine.info().model_dump_json()


def test_summarize_fills_source_engine_usage_coverage(tmp_path: Path, fake_segment: None) -> None:
    path = tmp_path / "gaoxin-2025-06-18.txt"
    path.write_text(ISSUE, encoding="utf-8")
    engine = OfflineEngine(extract_metrics=_no_metrics)
    out = summarize_issue(path, engine_instance=engine)
    assert out.source.path == str(path)
    assert out.source.chars == len(ISSUE)
    assert len(out.source.sha256) == 64
    assert out.source.issue_date == "2025-06-18"
    assert out.engine.name is EngineName.OFFLINE and out.engine.model is None
    assert [a.id for a in out.articles] == ["a1", "a2"]
    assert out.coverage.articles == 2 and out.coverage.articles_failed == 0
    assert out.usage.seconds >= 0
    assert out.articles[0].summary.headline == "青山高新区上半年营收增长12.3%"
    assert out.articles[1].summary.entities.zones == []  # 绿水高新区 is not a national zone
    # An explicit date wins over the file name.
    again = summarize_issue(path, engine_instance=engine, issue_date=date(2020, 1, 2))
    assert again.source.issue_date == "2020-01-02"


def test_a_failing_article_is_recorded_and_the_rest_continue(fake_segment: None) -> None:
    def flaky(block: Block, doc: Document, *, issue_date: date | None = None) -> list[Metric]:
        if block.id == "a1":
            raise ValueError("boom")
        return []

    out = summarize_text(ISSUE, engine_instance=OfflineEngine(extract_metrics=flaky))
    assert [a.id for a in out.articles] == ["a2"]
    assert [(e.article_id, e.error) for e in out.errors] == [("a1", "ValueError: boom")]
    assert out.coverage.articles == 2 and out.coverage.articles_failed == 1
    assert out.coverage.ratio == 0.5
    assert out.source.path == "<text>" and out.source.issue_date is None


def test_engine_result_passes_through(fake_segment: None) -> None:
    class Fake:
        def info(self) -> EngineInfo:
            return EngineInfo(name=EngineName.LLM, version="x", model="m", prompts={"a": "a@v1"})

        def run(
            self, blocks: list[Block], doc: Document, *, issue_date: date | None
        ) -> EngineResult:
            result = EngineResult()
            result.usage.calls = 7
            return result

    out = summarize_text(ISSUE, engine_instance=Fake())
    assert out.usage.calls == 7 and out.engine.prompts == {"a": "a@v1"}
    assert out.coverage.articles == 2  # filled from the blocks when the engine left it at 0


def test_bad_input_raises_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError):
        summarize_issue(tmp_path / "missing.txt", engine="offline")
    with pytest.raises(EmptyInputError):
        summarize_text("   \n", engine="offline")


# --- on the real pipeline (needs the text engineer's segmenter) and the corpus ---------------


def _needs_segment() -> None:
    pytest.importorskip("summarizer.segment")
    pytest.importorskip("summarizer.extract.metrics")


def _pieces(text: str) -> list[str]:
    """Sentences of a summary (whole sentences: no clause cutting)."""
    return [s.text for s in split_sentences(text, long_sentence=10**9)]


def test_offline_summaries_are_faithful_on_the_corpus(corpus_files: list[Path]) -> None:
    """Every summary sentence and key point is a verbatim sentence of the normalised article."""
    _needs_segment()
    checked = 0
    for path in corpus_files:
        out = summarize_issue(path, engine="offline")
        assert out.errors == [], path
        for article in out.articles:
            s = article.summary
            if article.kind in (BlockKind.ARTICLE, BlockKind.CAPTION) and article.text.strip():
                assert s.summary, (path.name, article.id)
                assert len(s.summary) <= 200 or len(_pieces(s.summary)) == 1
            for piece in [*_pieces(s.summary), *s.key_points]:
                assert piece in article.text, (path.name, article.id, piece)
                checked += 1
            if not article.title:
                assert s.headline in article.text
    assert checked > 50


def test_offline_path_does_not_import_openai(tmp_path: Path) -> None:
    _needs_segment()
    path = tmp_path / "i.txt"
    path.write_text(ISSUE, encoding="utf-8")
    code = (
        "import sys; from summarizer import pipeline; "
        f"pipeline.summarize_issue({str(path)!r}, engine='auto'); "
        "print('openai' in sys.modules)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "False"


def test_readme_first_command_renders_the_example() -> None:
    """`summarizer summarize examples/gaoxin-2025-06-18.txt --format md` works and reads well."""
    _needs_segment()
    example = Path(__file__).resolve().parent.parent / "examples" / "gaoxin-2025-06-18.txt"
    if not example.exists():
        pytest.skip("the example issue is not there yet")
    res = subprocess.run(
        [sys.executable, "-m", "summarizer", "summarize", str(example), "--format", "md"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    md = res.stdout
    assert md.startswith("# gaoxin-2025-06-18.txt — 2025-06-18")
    assert md.count("\n## ") >= 3
    assert "| Subject | Indicator | Value | Period | Kind | Qualifier | Quote |" in md
    assert "Traceback" not in res.stderr and "using the offline engine" in res.stderr
    assert "prefix dict" not in res.stderr  # jieba stays quiet


def test_issue_date_from_the_text_when_the_name_has_none() -> None:
    """summarize dates an issue as ingest does: flag, else file name, else the text."""
    text = "高新区动态  2025年6月18日 星期三\n\n园区上半年新增企业120家，同比增长8.5%。\n"
    assert summarize_text(text, engine="offline").source.issue_date == "2025-06-18"
    no_date = "园区上半年新增企业120家，同比增长8.5%。\n"
    assert summarize_text(no_date, engine="offline").source.issue_date is None
