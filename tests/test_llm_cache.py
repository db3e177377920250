"""The answer cache and the price table."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.llm.cache import ResponseCache, cache_key
from summarizer.llm.pricing import estimate_cost, price_for
from summarizer.llm.settings import ModelPrice


def test_cache_key_is_canonical() -> None:
    assert cache_key({"a": 1, "b": [1, 2]}) == cache_key({"b": [1, 2], "a": 1})
    assert cache_key({"a": 1}) != cache_key({"a": 2})


def test_put_get_survives_reopening(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    cache.put("k", {"headline": "标题"})
    assert cache.get("k") == {"headline": "标题"}  # visible before the batch is written
    cache.close()
    again = ResponseCache(tmp_path)
    assert again.get("k") == {"headline": "标题"} and again.get("other") is None
    again.close()


def test_answers_reach_the_file_within_a_second_without_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed with kill -9 never calls close(): old answers must already be on disk."""
    import summarizer.llm.cache as cache_module

    clock = [100.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: clock[0])
    cache = ResponseCache(tmp_path)
    cache.put("first", 1)
    reader = ResponseCache(tmp_path)  # another process's view of the file
    assert reader.get("first") is None  # still batched
    clock[0] += 1.5
    cache.put("second", 2)  # the batch is old enough: both are written now
    assert reader.get("first") == 1 and reader.get("second") == 2
    reader.close()
    cache.close()


def test_disabled_cache_stores_nothing(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, enabled=False)
    cache.put("k", 1)
    assert cache.get("k") is None
    assert not (tmp_path / "llm-cache.sqlite3").exists()


def test_a_corrupt_cache_file_degrades_to_no_cache(tmp_path: Path) -> None:
    (tmp_path / "llm-cache.sqlite3").write_bytes(b"this is not a database" * 100)
    cache = ResponseCache(tmp_path)
    cache.put("k", 1)
    assert cache.get("k") is None
    cache.close()


def test_probe_results_per_endpoint_and_model(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    cache.put_probe("http://a/v1", "m", {"json_schema": False})
    assert cache.get_probe("http://a/v1", "m") == {"json_schema": False}
    assert cache.get_probe("http://b/v1", "m") is None
    cache.close()


def test_price_table_exact_prefix_and_override() -> None:
    assert price_for("gpt-4o-mini") == ModelPrice(input=0.15, output=0.60)
    # a dated snapshot falls back to the longest matching name, not to gpt-4o
    assert price_for("gpt-4o-mini-2024-07-18") == price_for("gpt-4o-mini")
    assert price_for("unknown-model") is None
    assert estimate_cost("unknown-model", 10, 10) is None
    override = {"gpt-4o-mini": ModelPrice(input=1.0, output=1.0)}
    assert estimate_cost("gpt-4o-mini", 500_000, 500_000, override) == 1.0
