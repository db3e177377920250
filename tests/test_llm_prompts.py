"""Versioned prompts: loading, rendering, and the lock that freezes released versions."""

from __future__ import annotations

import pytest

from summarizer.errors import ConfigError
from summarizer.llm.prompts import (
    compute_lock,
    diff_prompts,
    list_prompts,
    load_prompt,
    read_lock,
)
from summarizer.llm.responses import RESPONSE_MODELS

ENGINE_PROMPTS = ("article_summary", "chunk_reduce")


def test_every_released_prompt_matches_the_lock() -> None:
    """Editing a released version's text fails here: add a new version instead."""
    lock = read_lock()
    current = compute_lock()
    assert lock, "prompts/prompts.lock is missing"
    for ref, digest in lock.items():
        assert ref in current, f"released prompt {ref} was deleted"
        assert current[ref] == digest, f"released prompt {ref} changed: add a new version"


def test_every_engine_prompt_is_released_in_the_lock() -> None:
    """The engine's prompts are released (other prompts may be drafts until ``prompts lock``)."""
    engine_prompts = {r for r in compute_lock() if r.split("@")[0] in ENGINE_PROMPTS}
    missing = sorted(engine_prompts - set(read_lock()))
    assert not missing, f"run `summarizer prompts lock` to release: {missing}"


def test_front_matter_is_complete_and_names_a_known_model() -> None:
    for template in list_prompts():
        if template.id in ("article_summary", "chunk_reduce"):
            assert template.response_model in RESPONSE_MODELS
        assert template.description and template.max_tokens > 0


def test_newest_version_is_the_default() -> None:
    versions = [t for t in list_prompts() if t.id == "article_summary"]
    assert load_prompt("article_summary").ref == versions[-1].ref


def test_unknown_prompt_or_version_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown prompt"):
        load_prompt("article_summary@v999")
    with pytest.raises(ConfigError, match="unknown prompt"):
        load_prompt("no_such_prompt")


def test_render_fences_the_article_and_hashes_what_was_sent() -> None:
    t = load_prompt("article_summary@v1")
    a = t.render(title="", text="正文", fence="```", part=1, parts=1, schema="")
    b = t.render(title="", text="正文二", fence="```", part=1, parts=1, schema="")
    assert "```\n正文\n```" in a.user
    assert "Title" not in a.user and "Part" not in a.user
    assert a.sha256 != b.sha256 and len(a.sha256) == 64
    assert "JSON Schema" not in a.system
    with_schema = t.render(title="T", text="x", fence="```", part=2, parts=3, schema='{"x":1}')
    assert '{"x":1}' in with_schema.system and "Part 2 of 3" in with_schema.user


def test_render_requires_every_variable() -> None:
    with pytest.raises(ConfigError, match="render"):
        load_prompt("article_summary@v1").render(text="x")


def test_diff_of_a_version_with_itself_is_empty() -> None:
    assert diff_prompts("article_summary@v1", "article_summary@v1") == ""
    assert "chunk_reduce@v1" in diff_prompts("article_summary@v1", "chunk_reduce@v1")
