"""Shared fixtures: every test runs with an isolated environment and its own dirs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge behaviour, never speed: no per-example deadline, no "too slow" health
# check (a loaded 2-core machine must not turn them red). Examples stay derandomised in CI.
settings.register_profile("summarizer", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("summarizer")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"

_ENV_PREFIXES = ("SUMMARIZER_", "OPENAI_", "DEEPSEEK_", "DASHSCOPE_")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's keys, config, cache or database."""
    import os

    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(tmp_path / "no-config.toml"))


@pytest.fixture
def corpus_files() -> list[Path]:
    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        pytest.skip("../shared/corpus is not beside the repository")
    return files
