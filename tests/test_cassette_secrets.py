"""No cassette holds a secret: keys, Authorization values, cookies, organisation ids.

The scan reads every file under ``cassettes/`` as raw text (so a secret in a YAML comment or a
base64-free body is found too). The scanner itself is tested on planted secrets, and the record
hooks on a request and a response carrying each kind of secret.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from cassette_util import (
    CASSETTES,
    NEUTRAL_BASE_URL,
    before_record_request,
    before_record_response,
)

SECRET_PATTERNS: dict[str, re.Pattern[str]] = {
    "OpenAI-style key (sk-...)": re.compile(r"sk-(?:proj-|svcacct-|ant-)?[A-Za-z0-9_\-]{16,}"),
    "Bearer token": re.compile(r"Bearer\s+(?!<filtered>)[A-Za-z0-9._~+/\-]{8,}=*", re.I),
    "api key assignment": re.compile(
        r"api[_-]?key[\"']?\s*[:=]\s*[\"']?(?!<filtered>)[A-Za-z0-9_\-]{12,}", re.I
    ),
    "OpenAI organisation id": re.compile(r"\borg-[A-Za-z0-9]{12,}"),
    "OpenAI project id": re.compile(r"\bproj_[A-Za-z0-9]{12,}"),
    "Cloudflare cookie": re.compile(r"__cf_bm=|_cfuvid="),
    "Hugging Face token": re.compile(r"\bhf_[A-Za-z0-9]{30,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
}
# Header names that must never be stored, in a request or a response.
FORBIDDEN_HEADERS = frozenset(
    {
        "authorization",
        "api-key",
        "x-api-key",
        "cookie",
        "set-cookie",
        "openai-organization",
        "openai-project",
        "x-request-id",
    }
)


def find_secrets(text: str) -> list[str]:
    """Names of the secret patterns found in ``text``."""
    return [name for name, pattern in SECRET_PATTERNS.items() if pattern.search(text)]


def cassette_files() -> list[Path]:
    return sorted(p for p in CASSETTES.rglob("*") if p.is_file() and p.suffix in {".yaml", ".json"})


def test_there_are_cassettes_to_scan() -> None:
    assert len(cassette_files()) >= 10


@pytest.mark.parametrize("path", cassette_files(), ids=lambda p: p.name)
def test_cassette_has_no_secret(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert find_secrets(text) == [], path.name
    data = yaml.safe_load(text)
    for interaction in data["interactions"]:
        request, response = interaction["request"], interaction["response"]
        assert not {h.lower() for h in request["headers"]} & FORBIDDEN_HEADERS, path.name
        assert not {h.lower() for h in response["headers"]} & FORBIDDEN_HEADERS, path.name
        assert request["uri"].startswith(NEUTRAL_BASE_URL), "a real host leaked"


@pytest.mark.parametrize(
    "planted",
    [
        "Authorization: Bearer sk-proj-AbCdEfGhIjKlMnOpQrStUvWx",
        "sk-AbCdEfGhIjKlMnOpQrStUvWx0123456789",
        '{"api_key": "abcdefghijklmnop1234"}',
        "openai-organization: org-AbCdEfGhIjKlMnOp",
        "set-cookie: __cf_bm=abc; path=/",
        "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567",
    ],
)
def test_scanner_finds_planted_secrets(planted: str) -> None:
    assert find_secrets(f"body: {planted}\n")


def test_scanner_accepts_masked_and_filtered_values() -> None:
    masked = "Incorrect API key provided: sk-<filtered>. Authorization: Bearer <filtered>"
    assert find_secrets(masked) == []


def test_record_hooks_remove_every_secret() -> None:
    from vcr.request import Request

    request = Request(
        "POST",
        "http://127.0.0.1:41234/v1/chat/completions",
        b'{"model": "m"}',
        {
            "Authorization": "Bearer sk-proj-AbCdEfGhIjKlMnOpQrStUvWx",
            "api-key": "abcdefghijklmnop1234",
            "X-Stainless-OS": "Linux",
            "Content-Type": "application/json",
        },
    )
    cleaned = before_record_request(request)
    assert dict(cleaned.headers) == {"Content-Type": "application/json"}
    assert cleaned.uri == NEUTRAL_BASE_URL + "/chat/completions"
    assert request.headers["Authorization"].startswith("Bearer")  # the live request is untouched

    response = {
        "status": {"code": 401, "message": "Unauthorized"},
        "headers": {
            "Set-Cookie": ["__cf_bm=abc; path=/"],
            "openai-organization": ["org-AbCdEfGhIjKlMnOp"],
            "openai-project": ["proj_AbCdEfGhIjKlMnOp"],
            "x-request-id": ["req_0123456789abcdef"],
            "Content-Type": ["application/json"],
            "retry-after": ["1"],
        },
        "body": {"string": b'{"error": {"message": "Incorrect API key provided: sk-AbCd1234XyZ"}}'},
    }
    scrubbed = before_record_response(response)
    assert set(scrubbed["headers"]) == {"Content-Type", "retry-after"}
    body = scrubbed["body"]["string"].decode()
    assert "sk-AbCd1234XyZ" not in body and "sk-<filtered>" in body
    assert find_secrets(str(scrubbed)) == []
