"""Replay tests of the digest's LLM overview on vcrpy cassettes: the real openai client path.

The overview writer (``summarizer.digest.overview.llm_overview_writer``, no injected client)
builds its own ``OpenAIChatClient`` from ``load_settings(...)``, as the CLI does; vcrpy
replays the HTTP exchange. The answers in ``cassettes/handwritten_digest_overview*.yaml`` were
written by ``benchmarks/fake_openai.py`` (never by a model): sentences that copy numbers from
the request's metrics table, plus, in the ``ungrounded`` scenario, one sentence with a rate
found in no stored metric. What these tests prove is plumbing: the prompt sent (matched on the
canonical JSON body), the answer parsed, every number checked against the stored metrics.

Replay is offline. Re-record against the fake server with ``SUMMARIZER_RECORD=1``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cassette_util import (
    CASSETTE_MODEL,
    CASSETTES,
    NEUTRAL_BASE_URL,
    PROVENANCE_HANDWRITTEN,
    RecordSettings,
    canonical_json,
    load_fake_openai,
    make_vcr,
)
from store_factory import make_article, make_metric, make_summary

from summarizer.digest import Digest, build_digest, render_digest
from summarizer.digest.overview import llm_overview_writer
from summarizer.llm.settings import load_settings
from summarizer.models import MetricKind, NormalizedUnit
from summarizer.store import connect, transaction
from summarizer.store.ingest import write_issue

fake = load_fake_openai()
Step = fake.Step

REPLAY_KEY = "sk-test-replay-not-a-real-key"
# The rates the fake server may invent in the ungrounded scenario (none is a stored metric).
MADE_UP = ("99.9", "88.8", "77.7", "66.6", "55.5")


@pytest.fixture(scope="session")
def recording() -> RecordSettings:
    """Read before the per-test isolated environment hides SUMMARIZER_RECORD."""
    return RecordSettings.from_env()


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    """Two issues, three articles, metrics with rates and a level (values checked by hand)."""
    c = connect(tmp_path / "digest.db")
    issues = [
        (
            "issue-a",
            date(2025, 6, 1),
            [
                make_article(
                    "a1",
                    "孝感高新区一季度工业增加值同比增长18.8%",
                    "第一季度，孝感高新区工业增加值同比增长18.8%，工业投资同比增长26.7%。",
                    metrics=[
                        make_metric("孝感高新区", "工业增加值同比增长", 18.8),
                        make_metric("孝感高新区", "工业投资同比增长", 26.7),
                    ],
                    topics=["产业升级"],
                    zones=["孝感高新区"],
                ),
                make_article(
                    "a2",
                    "国家高新区规上工业增加值1.7万亿元",
                    "今年第一季度，国家高新区规模以上工业增加值1.7万亿元。",
                    metrics=[
                        make_metric(
                            "国家高新区",
                            "规模以上工业增加值",
                            1.7,
                            "万亿元",
                            kind=MetricKind.LEVEL,
                            norm_unit=NormalizedUnit.CNY,
                            norm_value=1.7e12,
                        )
                    ],
                    topics=["园区经济"],
                ),
            ],
        ),
        (
            "issue-b",
            date(2025, 6, 8),
            [
                make_article(
                    "b1",
                    "新余高新区地区生产总值稳步增长",
                    "新余高新区地区生产总值同比增长4.5%，发展态势良好。",
                    metrics=[make_metric("新余高新区", "地区生产总值同比增长", 4.5)],
                    topics=["产业升级"],
                    zones=["新余高新区"],
                ),
            ],
        ),
    ]
    for name, when, articles in issues:
        summary = make_summary(name + str(when), articles, path=f"/data/{name}.txt")
        with transaction(c):
            write_issue(c, summary, path=summary.source.path, issue_date=when, date_source=None)
    return c


STORED_VALUES = ("18.8%", "26.7%", "1.7万亿元", "4.5%")


# ---------------------------------------------------------------------------------------------
# Replaying (or recording) one cassette
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    """The digest built through the cassette, and what went over the (recorded) wire."""

    digest: Digest
    requests: list[dict[str, Any]]
    statuses: list[int]
    metadata: dict[str, Any]


@contextmanager
def _cassette(name: str, recording: RecordSettings, script: list[Any]) -> Iterator[Any]:
    """(cassette, base_url, api_key, model): replay, or record against the fake server."""
    path = CASSETTES / f"{name}.yaml"
    if not recording.record and not path.is_file():
        pytest.fail(f"missing cassette {path.name}: record it with SUMMARIZER_RECORD=1")
    with ExitStack() as stack:
        if recording.record:
            path.unlink(missing_ok=True)  # record mode "all" would append to old interactions
            server = stack.enter_context(fake.running_server(fake.FakeConfig(script=script)))
            base_url, key, provenance = (
                server.base_url,
                "sk-test-recording-not-a-real-key",
                (PROVENANCE_HANDWRITTEN),
            )
        else:
            base_url, key, provenance = NEUTRAL_BASE_URL, REPLAY_KEY, ""
        cassette = stack.enter_context(make_vcr(recording.record).use_cassette(path.name))
        cassette.get_metadata("provenance", provenance)
        model = cassette.get_metadata("model", CASSETTE_MODEL)
        cassette.get_metadata("scenario", name.split("_", 1)[1])
        cassette.get_metadata("script", [str(s) for s in script])
        yield cassette, base_url, key, model
        if not recording.record:
            assert cassette.all_played, f"{name}: recorded requests were never sent"


def replay(
    name: str, recording: RecordSettings, conn: sqlite3.Connection, script: list[Any]
) -> Run:
    """Build the digest with the LLM overview writer, its HTTP going through the cassette."""
    with _cassette(name, recording, script) as (cassette, base_url, key, model):
        settings = load_settings(base_url=base_url, model=model, api_key=key, max_retries=0)
        digest = build_digest(conn, overview_writer=llm_overview_writer(settings))
        requests = [_json(r.body) for r in cassette.requests]
        statuses = [int(r["status"]["code"]) for r in cassette.responses]
        metadata = {k: cassette.get_metadata(k, None) for k in ("model", "scenario")}
    return Run(digest, requests, statuses, metadata)


def _json(body: Any) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads(canonical_json(body))
    return data


def _numbers(text: str) -> set[str]:
    import re

    return set(re.findall(r"\d+(?:\.\d+)?", text))


# ---------------------------------------------------------------------------------------------
# The scenarios
# ---------------------------------------------------------------------------------------------


def test_overview_from_the_real_client_keeps_grounded_numbers(
    recording: RecordSettings, conn: sqlite3.Connection
) -> None:
    run = replay("handwritten_digest_overview", recording, conn, [Step.OK])
    d = run.digest
    assert run.statuses == [200] and len(run.requests) == 1
    assert d.overview_error is None and d.overview_kind == "llm"
    assert d.overview_source == f"{run.metadata['model']} via digest@v1"
    assert d.overview_violations == []
    text = "".join(d.overview)
    # Numbers were written, and each one is a stored value (checked by hand above).
    assert {"18.8", "26.7", "1.7"} <= _numbers(text)
    assert _numbers(text) <= {n for v in STORED_VALUES for n in _numbers(v)}
    # The request: the digest prompt, stories and stored values fenced as data, JSON mode.
    (request,) = run.requests
    assert request["model"] == run.metadata["model"]
    assert request["response_format"] == {"type": "json_object"}
    assert request["temperature"] == 0.2 and request["max_tokens"] == 900
    system, user = request["messages"][0]["content"], request["messages"][1]["content"]
    assert "editorial overview of a digest" in system and '"properties"' in system
    assert user.count("=====DIGEST-DATA=====") == 2
    rows = {tuple(c.strip() for c in line[2:].split("|")) for line in user.splitlines()}
    stored = {(r[0], r[1], r[3]) for r in rows if len(r) == 4}
    assert ("孝感高新区", "工业增加值同比增长", "18.8%") in stored
    assert ("国家高新区", "规模以上工业增加值", "1.7万亿元") in stored
    md = render_digest(d, "md")
    assert f"{run.metadata['model']} via digest@v1" in md and "18.8%" in md


def test_an_ungrounded_number_is_removed_and_reported(
    recording: RecordSettings, conn: sqlite3.Connection
) -> None:
    run = replay(
        "handwritten_digest_overview_ungrounded_number", recording, conn, [Step.UNGROUNDED]
    )
    d = run.digest
    assert d.overview_kind == "llm" and d.overview_error is None
    answer = _json(_answer_body())
    made_up = [n for n in MADE_UP if n in answer["summary"]]
    assert len(made_up) == 1  # the cassette's answer does hold an invented rate
    (violation,) = d.overview_violations
    assert made_up[0] in violation
    text = "".join(d.overview)
    assert made_up[0] not in text
    assert {"18.8", "26.7"} <= _numbers(text)  # the grounded sentences are kept
    md = render_digest(d, "md")
    assert made_up[0] not in md and "1 sentences removed" in md


def _answer_body() -> str:
    """The answer's JSON text as the cassette stores it (the model's message content)."""
    path = CASSETTES / "handwritten_digest_overview_ungrounded_number.yaml"
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    completion = _json(data["interactions"][-1]["response"]["body"]["string"])
    content: str = completion["choices"][0]["message"]["content"]
    return content


def test_a_changed_prompt_is_a_missing_cassette(
    recording: RecordSettings, conn: sqlite3.Connection
) -> None:
    """Another temperature is another request body: vcrpy has no answer and the run fails."""
    from vcr.errors import CannotOverwriteExistingCassetteException

    if recording.record:
        pytest.skip("replay-only check")
    with make_vcr(False).use_cassette("handwritten_digest_overview.yaml") as cassette:
        settings = load_settings(
            base_url=NEUTRAL_BASE_URL,
            model=cassette.get_metadata("model", CASSETTE_MODEL),
            api_key=REPLAY_KEY,
            max_retries=0,
            temperature=0.77,
        )
        # vcrpy refuses the unrecorded request; depending on where the SDK meets that error it
        # either escapes or becomes an LLM failure that the digest reports. Never a silent pass.
        try:
            digest = build_digest(conn, overview_writer=llm_overview_writer(settings))
        except CannotOverwriteExistingCassetteException:
            pass
        else:
            assert digest.overview_kind == "extractive"
            assert digest.overview_error
        assert cassette.play_count == 0


def test_digest_cassettes_say_they_are_handwritten() -> None:
    import yaml

    for name in ("handwritten_digest_overview", "handwritten_digest_overview_ungrounded_number"):
        data = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))
        meta = data["metadata"]
        assert meta["provenance"] == PROVENANCE_HANDWRITTEN, name
        assert meta["scenario"] == name.split("_", 1)[1]
        for interaction in data["interactions"]:
            assert interaction["request"]["uri"].startswith(NEUTRAL_BASE_URL)


def test_fake_server_tells_a_digest_request_from_an_article_request() -> None:
    """Only a digest prompt gets the overview answer; an article request keeps its own."""
    article = [
        {"role": "system", "content": "Summarise the article between the fences."},
        {"role": "user", "content": "```\n国家高新区营业收入12.6万亿元，同比增长8.2%。\n```"},
    ]
    assert fake.digest_data(article) is None
    table = (
        "=====\n- 甲高新区 | 营业收入 | - | 12.6万亿元\n- 乙高新区 | 产值同比增长 | - | 8.2%\n====="
    )
    digest = [
        {"role": "system", "content": "Write an overview."},
        {"role": "user", "content": table},
    ]
    data = fake.digest_data(digest)
    assert data is not None and [m.value for m in data.metrics] == ["12.6万亿元", "8.2%"]
    answer = fake.digest_answer(data)
    assert "甲高新区营业收入为12.6万亿元。" in answer["summary"]
    assert "乙高新区产值同比增长8.2%。" in answer["summary"]
    invented = fake.digest_answer(data, ungrounded=True)["summary"]
    assert invented.startswith(answer["summary"]) and "99.9%" in invented
