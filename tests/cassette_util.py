"""vcrpy configuration for the LLM cassettes in ``cassettes/`` (replay by default, never network).

- Replay: ``record_mode="none"``; a request the cassette does not hold fails the test.
- Re-record: ``SUMMARIZER_RECORD=1`` (read once per session, before the tests' isolated
  environment removes it). Scripted scenarios (429, 500, invalid JSON...) are always recorded
  against the local fake server ``benchmarks/fake_openai.py``: no real endpoint fails on demand.
  Live-recordable scenarios use a real endpoint when a key is given too
  (``SUMMARIZER_RECORD=1 OPENAI_API_KEY=... [SUMMARIZER_BASE_URL=...] [SUMMARIZER_MODEL=...]``).
- Requests match on method, the endpoint path's tail (``/chat/completions``) and the CANONICAL
  JSON body (sorted keys): a prompt, schema or parameter change is a missing cassette, not a
  silent pass.
- Secrets never reach a cassette: request headers are reduced to an allow-list (authorization,
  api-key, x-api-key and the SDK's ``x-stainless-*`` fingerprint go), response headers too
  (Set-Cookie, openai-organization, openai-project, x-request-id... go), anything shaped like a
  key in a body is masked, and the URI is rewritten to a neutral host.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import importlib.util
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
CASSETTES = REPO / "cassettes"
FAKE_SERVER = REPO / "benchmarks" / "fake_openai.py"

# Replays point the engine here; recorded URIs are rewritten to it. ``.invalid`` never resolves.
NEUTRAL_BASE_URL = "https://llm.example.invalid/v1"
CASSETTE_MODEL = "gpt-4o-mini"
PROVENANCE_HANDWRITTEN = (
    "HAND-WRITTEN response bodies: produced by benchmarks/fake_openai.py (scripted scenario, "
    "OpenAI chat-completions wire format), recorded through vcrpy; no model wrote them"
)

# Request headers worth keeping; everything else (auth, SDK fingerprint) is dropped.
KEEP_REQUEST_HEADERS = frozenset({"content-type", "accept"})
# Response headers worth keeping (the engine reads Retry-After); the rest is dropped.
KEEP_RESPONSE_HEADERS = frozenset({"content-type", "retry-after", "retry-after-ms"})
# Named explicitly as well, so the filter still holds if the allow-list grows.
FILTER_REQUEST_HEADERS = ("authorization", "api-key", "x-api-key", "openai-organization")
SCRUB_RESPONSE_HEADERS = frozenset(
    {
        "set-cookie",
        "openai-organization",
        "openai-project",
        "x-request-id",
        "cf-ray",
        "openai-processing-ms",
    }
)
_KEY_IN_TEXT = re.compile(r"sk-[A-Za-z0-9_\-*]{4,}")
_BEARER = re.compile(r"Bearer\s+[^\s\"']+", re.I)


def load_fake_openai() -> ModuleType:
    """Import ``benchmarks/fake_openai.py`` (not a package) as the module ``fake_openai``."""
    existing = sys.modules.get("fake_openai")
    if existing is not None:
        return existing
    spec = importlib.util.spec_from_file_location("fake_openai", FAKE_SERVER)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {FAKE_SERVER}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["fake_openai"] = module
    spec.loader.exec_module(module)
    return module


def canonical_json(body: bytes | str | None) -> str:
    """The body as canonical JSON (sorted keys, no spaces); the raw text if it is not JSON."""
    if body is None:
        return ""
    text = body.decode("utf-8") if isinstance(body, bytes | bytearray) else str(body)
    try:
        return json.dumps(
            json.loads(text), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
    except ValueError:
        return text


def json_body_matcher(r1: Any, r2: Any) -> None:
    """vcrpy matcher: equal canonical JSON bodies, else an AssertionError with the first diff."""
    a, b = canonical_json(r1.body), canonical_json(r2.body)
    if a == b:
        return
    pretty_a = json.dumps(json.loads(a), indent=1, ensure_ascii=False, sort_keys=True) if a else a
    pretty_b = json.dumps(json.loads(b), indent=1, ensure_ascii=False, sort_keys=True) if b else b
    diff = list(
        difflib.unified_diff(
            pretty_b.splitlines(), pretty_a.splitlines(), "cassette", "request", n=1, lineterm=""
        )
    )
    raise AssertionError("JSON bodies differ:\n" + "\n".join(diff[:30]))


def endpoint_matcher(r1: Any, r2: Any) -> None:
    """vcrpy matcher: the same API operation (path tail), whatever the host or ``/v1`` prefix."""
    tail1 = urlsplit(r1.uri).path.rstrip("/").rsplit("/", 2)[-2:]
    tail2 = urlsplit(r2.uri).path.rstrip("/").rsplit("/", 2)[-2:]
    if tail1 != tail2:
        raise AssertionError(f"{r1.uri} != {r2.uri}")


def mask_secrets(text: str) -> str:
    """Mask key-shaped strings and Bearer values in a body."""
    return _BEARER.sub("Bearer <filtered>", _KEY_IN_TEXT.sub("sk-<filtered>", text))


def before_record_request(request: Any) -> Any:
    """Neutral host, allow-listed headers only (the key never reaches the cassette)."""
    request = copy.deepcopy(request)
    parts = urlsplit(request.uri)
    neutral = urlsplit(NEUTRAL_BASE_URL)
    request.uri = urlunsplit((neutral.scheme, neutral.netloc, parts.path, parts.query, ""))
    for name in list(request.headers):
        if name.lower() not in KEEP_REQUEST_HEADERS:
            del request.headers[name]
    return request


def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
    """Drop every response header but the allow-list; mask key-shaped text in the body."""
    response = copy.deepcopy(response)
    headers = response.get("headers", {})
    for name in list(headers):
        lower = name.lower()
        if lower in SCRUB_RESPONSE_HEADERS or lower not in KEEP_RESPONSE_HEADERS:
            del headers[name]
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        response["body"]["string"] = mask_secrets(body.decode("utf-8")).encode("utf-8")
    elif isinstance(body, str):
        response["body"]["string"] = mask_secrets(body)
    return response


class ReadableYaml:
    """A vcrpy serializer for reviewable cassettes: UTF-8 text, multi-line strings as blocks.

    Request bodies are stored pretty-printed (matching is on canonical JSON, so the layout does
    not matter); response bodies are stored exactly as the server sent them.
    """

    @staticmethod
    def deserialize(cassette_string: str) -> dict[str, Any]:
        from vcr.serializers import yamlserializer

        data: dict[str, Any] = yamlserializer.deserialize(cassette_string)
        return data

    @staticmethod
    def serialize(cassette_dict: dict[str, Any]) -> str:
        import yaml

        class Dumper(yaml.SafeDumper):
            pass

        def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
            style = "|" if "\n" in value else None
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

        Dumper.add_representer(str, text)
        data = copy.deepcopy(cassette_dict)
        for interaction in data.get("interactions", []):
            body = interaction["request"].get("body")
            if isinstance(body, str) and body.startswith("{"):
                with contextlib.suppress(ValueError):
                    interaction["request"]["body"] = json.dumps(
                        json.loads(body), ensure_ascii=False, indent=1
                    )
        return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)


@dataclass(frozen=True, slots=True)
class RecordSettings:
    """Captured from the environment once per session (the tests' env is isolated after)."""

    record: bool
    api_key: str | None
    base_url: str | None
    model: str | None

    @classmethod
    def from_env(cls) -> RecordSettings:
        return cls(
            record=os.environ.get("SUMMARIZER_RECORD", "") not in ("", "0"),
            api_key=os.environ.get("OPENAI_API_KEY") or os.environ.get("SUMMARIZER_API_KEY"),
            base_url=os.environ.get("SUMMARIZER_BASE_URL") or os.environ.get("OPENAI_BASE_URL"),
            model=os.environ.get("SUMMARIZER_MODEL"),
        )

    @property
    def live(self) -> bool:
        """Record live-recordable scenarios against a real endpoint."""
        return self.record and bool(self.api_key)


def make_vcr(record: bool) -> Any:
    """The project's VCR: replay-only unless ``record``; canonical-JSON body matching."""
    import vcr

    my_vcr = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        serializer="readable_yaml",
        record_mode="all" if record else "none",
        match_on=["method", "endpoint", "json_body"],
        filter_headers=list(FILTER_REQUEST_HEADERS),
        before_record_request=before_record_request,
        before_record_response=before_record_response,
        decode_compressed_response=True,
    )
    matchers: dict[str, Callable[[Any, Any], None]] = {
        "endpoint": endpoint_matcher,
        "json_body": json_body_matcher,
    }
    for name, matcher in matchers.items():
        my_vcr.register_matcher(name, matcher)
    my_vcr.register_serializer("readable_yaml", ReadableYaml)
    return my_vcr


__all__ = [
    "CASSETTES",
    "CASSETTE_MODEL",
    "NEUTRAL_BASE_URL",
    "PROVENANCE_HANDWRITTEN",
    "ReadableYaml",
    "RecordSettings",
    "before_record_request",
    "before_record_response",
    "canonical_json",
    "endpoint_matcher",
    "json_body_matcher",
    "load_fake_openai",
    "make_vcr",
    "mask_secrets",
]
