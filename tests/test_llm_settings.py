"""LLM settings: precedence flags > env > TOML > defaults, sources, masking."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.errors import ConfigError
from summarizer.llm.settings import StructuredMode, load_settings, mask_secret

KEY = "sk-test-0123456789abcdef"


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_not_configured() -> None:
    s = load_settings()
    assert s.model is None and not s.is_configured()
    assert s.concurrency == 8 and s.structured_mode is StructuredMode.AUTO
    assert s.source_of("concurrency") == "default"


def test_precedence_flags_over_env_over_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _config(
        tmp_path,
        '[llm]\nmodel = "from-config"\nbase_url = "http://config/v1"\nconcurrency = 3\n'
        'timeout = 5\n[llm.prices."from-config"]\ninput = 1.0\noutput = 2.0\n',
    )
    monkeypatch.setenv("SUMMARIZER_MODEL", "from-env")
    monkeypatch.setenv("SUMMARIZER_CONCURRENCY", "4")
    s = load_settings(config_path=path, concurrency=16, model=None)
    assert s.model == "from-env" and s.source_of("model") == "env SUMMARIZER_MODEL"
    assert s.concurrency == 16 and s.source_of("concurrency") == "flag"
    assert s.base_url == "http://config/v1" and s.source_of("base_url") == f"config {path}"
    assert s.timeout == 5.0
    assert s.prices["from-config"].output == 2.0


def test_summarizer_config_env_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path, 'model = "top-level"\nbase_url = "http://x/v1/"\n')
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(path))
    s = load_settings()
    assert s.model == "top-level" and s.base_url == "http://x/v1" and s.is_configured()


def test_openai_env_names_and_summarizer_ones_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai-env/v1")
    monkeypatch.setenv("SUMMARIZER_BASE_URL", "http://summarizer-env/v1")
    s = load_settings(model="m")
    assert s.base_url == "http://summarizer-env/v1"
    assert s.api_key is not None and s.api_key.get_secret_value() == KEY
    assert s.source_of("api_key") == "env OPENAI_API_KEY"


def test_key_alone_means_the_openai_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    s = load_settings(model="gpt-4o-mini")
    assert s.effective_base_url == "https://api.openai.com/v1" and s.is_configured()


def test_local_server_needs_no_key() -> None:
    s = load_settings(model="qwen2.5:7b", base_url="http://127.0.0.1:11434/v1")
    assert s.api_key is None and s.is_configured()


def test_key_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    s = load_settings(model="m")
    shown = repr(s) + str(s) + str(s.masked()) + str(s.describe()) + s.model_dump_json()
    assert KEY not in shown
    assert mask_secret(KEY) == "sk-…cdef"
    assert dict((n, v) for n, v, _ in s.describe())["api_key"] == "sk-…cdef"
    assert mask_secret("short") == "…" and mask_secret(None) is None


def test_bad_values_are_config_errors_naming_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_CONCURRENCY", "lots")
    with pytest.raises(ConfigError, match="concurrency") as info:
        load_settings()
    assert info.value.source == "env SUMMARIZER_CONCURRENCY"
    monkeypatch.delenv("SUMMARIZER_CONCURRENCY")
    with pytest.raises(ConfigError, match="structured_mode"):
        load_settings(structured_mode="xml")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(config_path=_config(tmp_path, "modle = 'typo'\n"))
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(config_path=_config(tmp_path, "model = \n"))
    with pytest.raises(ConfigError, match="not found"):
        load_settings(config_path=tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(colour="red")


def test_invalid_key_value_is_not_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(config_path=_config(tmp_path, "api_key = 12345678901234\n"))
    assert "12345678901234" not in str(info.value)


def test_cli_flag_names_of_the_summarize_command_are_accepted(tmp_path: Path) -> None:
    s = load_settings(
        config_path=None,
        model="m",
        base_url="http://127.0.0.1:8000/v1",
        prompt="article_summary@v1",
        structured_mode="tools",
        concurrency=2,
        cache_dir=tmp_path,
        no_cache=True,
        min_coverage=0.9,
    )
    assert s.structured_mode is StructuredMode.TOOLS and s.no_cache and s.min_coverage == 0.9
