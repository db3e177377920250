"""CLI of the LLM engine: config, prompts list|show|diff|lock, probe (fake client, no HTTP)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from llm_fakes import FakeClient, ok
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.errors import PermanentLLMError
from summarizer.llm.cache import ResponseCache
from summarizer.llm.probe import probe_endpoint
from summarizer.llm.settings import LLMSettings, StructuredMode
from summarizer.llm.wire import ChatRequest, ChatResult

KEY = "sk-live-abcdefghijklmnopqrstuvwx"
runner = CliRunner()


def test_config_shows_sources_and_masks_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("SUMMARIZER_MODEL", "deepseek-chat")
    result = runner.invoke(app, ["config", "--base-url", "https://api.deepseek.com/v1"])
    assert result.exit_code == 0, result.output
    assert KEY not in result.output and "sk-…uvwx" in result.output
    assert "env SUMMARIZER_MODEL" in result.output and "flag" in result.output
    assert "configured" in result.output
    data = json.loads(runner.invoke(app, ["config", "--json"]).output)
    assert data["api_key"] == {"value": "sk-…uvwx", "source": "env OPENAI_API_KEY"}


def test_config_with_a_missing_file_exits_3(tmp_path: Path) -> None:
    result = runner.invoke(app, ["config", "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 3
    assert "config file not found" in result.output


def test_prompts_list_show_diff() -> None:
    listing = runner.invoke(app, ["prompts", "list"])
    assert listing.exit_code == 0 and "article_summary@v1" in listing.output
    assert "released" in listing.output
    items = json.loads(runner.invoke(app, ["prompts", "list", "--json"]).output)
    assert any(i["prompt"] == "article_summary@v1" and i["released"] for i in items)
    show = runner.invoke(app, ["prompts", "show", "article_summary@v1"])
    assert show.exit_code == 0 and "### system" in show.stdout
    missing = runner.invoke(app, ["prompts", "show", "article_summary@v404"])
    assert missing.exit_code == 3 and "unknown prompt" in missing.output
    same = runner.invoke(app, ["prompts", "diff", "article_summary@v1", "article_summary@v1"])
    assert same.exit_code == 0 and "identical" in same.output


def test_probe_without_a_model_is_a_config_error() -> None:
    result = runner.invoke(app, ["probe"])
    assert result.exit_code == 3 and "no LLM model configured" in result.output


def _settings(tmp_path: Path) -> LLMSettings:
    return LLMSettings(model="m", base_url="http://127.0.0.1:9/v1", cache_dir=tmp_path)


def test_probe_reports_modes_and_auto_uses_the_cached_result(tmp_path: Path) -> None:
    def script(req: ChatRequest, n: int) -> ChatResult:
        if req.response_format and req.response_format["type"] == "json_schema":
            raise PermanentLLMError("bad request: response_format json_schema", status=400)
        if req.tools:
            return ok("I cannot call tools")
        return ok('```json\n{"ok": true, "word": "ping"}\n```')

    client = FakeClient(script)
    outcomes = probe_endpoint(_settings(tmp_path), client_factory=lambda s: client)
    assert {str(o.mode): o.works for o in outcomes} == {
        "json_schema": False,
        "json_object": True,
        "tools": False,
    }
    assert "response_format" in outcomes[0].detail
    cache = ResponseCache(tmp_path)
    assert cache.get_probe("http://127.0.0.1:9/v1", "m") == {
        "json_schema": False,
        "json_object": True,
        "tools": False,
    }
    cache.close()
    from summarizer.llm.engine import build_engine

    engine = build_engine(_settings(tmp_path))
    assert engine._initial_mode(ResponseCache(tmp_path)) is StructuredMode.JSON_OBJECT


def test_probe_stops_on_authentication_failure(tmp_path: Path) -> None:
    def script(req: ChatRequest, n: int) -> ChatResult:
        raise PermanentLLMError("authentication failed: check OPENAI_API_KEY", status=401)

    client = FakeClient(script)
    with pytest.raises(PermanentLLMError, match="authentication failed"):
        probe_endpoint(_settings(tmp_path), client_factory=lambda s: client)
    assert len(client.requests) == 1
