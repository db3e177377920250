"""Settings of the LLM engine, merged from flags > environment > TOML config file > defaults.

Nothing is read at import time: ``load_settings`` reads the environment and the config file when
it is called, and remembers where every value came from (``LLMSettings.describe``) so that
``summarizer config`` can show it. The API key is a ``SecretStr`` and is only ever shown masked.

Environment variables: ``SUMMARIZER_MODEL``, ``SUMMARIZER_BASE_URL`` (else ``OPENAI_BASE_URL``),
``SUMMARIZER_API_KEY`` (else ``OPENAI_API_KEY``), ``SUMMARIZER_PROMPT``,
``SUMMARIZER_STRUCTURED_MODE``, ``SUMMARIZER_CONCURRENCY``, ``SUMMARIZER_TIMEOUT``,
``SUMMARIZER_MAX_RETRIES``, ``SUMMARIZER_DEADLINE``, ``SUMMARIZER_CACHE_DIR``,
``SUMMARIZER_NO_CACHE``, ``SUMMARIZER_MIN_COVERAGE``, ``SUMMARIZER_TEMPERATURE``,
``SUMMARIZER_MAX_TOKENS``; the config file is ``$SUMMARIZER_CONFIG`` or
``<user config dir>/summarizer/config.toml`` (keys at the top level or in an ``[llm]`` table).
"""

from __future__ import annotations

import os
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
)

from ..errors import ConfigError

__all__ = [
    "OPENAI_DEFAULT_BASE_URL",
    "LLMSettings",
    "ModelPrice",
    "StructuredMode",
    "default_config_path",
    "load_settings",
    "mask_secret",
    "redact_url",
]

OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"


class StructuredMode(StrEnum):
    """How the engine asks the server for JSON (``auto`` = cached probe result, else downgrade)."""

    AUTO = "auto"
    JSON_SCHEMA = "json_schema"
    JSON_OBJECT = "json_object"
    TOOLS = "tools"


class ModelPrice(BaseModel):
    """USD per one million tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0)
    output: float = Field(ge=0)


class LLMSettings(BaseModel):
    """Effective settings of the LLM engine (build with ``load_settings``)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    prompt: str | None = Field(None, description='"article_summary@v1"; None = newest')
    structured_mode: StructuredMode = StructuredMode.AUTO
    concurrency: int = Field(8, ge=1, le=256)
    timeout: float = Field(60.0, gt=0, description="seconds per HTTP request")
    max_retries: int = Field(5, ge=0, le=50, description="network retries per request")
    deadline: float = Field(300.0, gt=0, description="total seconds for one request's retries")
    max_reasks: int = Field(2, ge=0, le=5, description="re-asks after invalid JSON/schema")
    chunk_tokens: int = Field(1500, ge=100, description="token budget of one article chunk")
    cache_dir: Path | None = None
    no_cache: bool = False
    min_coverage: float | None = Field(None, ge=0, le=1)
    temperature: float | None = Field(None, ge=0, le=2, description="None = the prompt's")
    max_tokens: int | None = Field(None, ge=16, description="None = the prompt's")
    prices: dict[str, ModelPrice] = Field(default_factory=dict, description="override table")

    _sources: dict[str, str] = PrivateAttr(default_factory=dict)

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, v: str | None) -> str | None:
        """Drop a trailing slash, and reject what is not an http(s) URL before any request."""
        if not v:
            return v
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {v!r} (e.g. http://127.0.0.1:8000/v1)")
        return v.rstrip("/")

    @property
    def shown_endpoint(self) -> str | None:
        """``effective_base_url`` safe to print (credentials in the URL hidden)."""
        return redact_url(self.effective_base_url)

    @property
    def effective_base_url(self) -> str | None:
        """The endpoint: ``base_url``, or OpenAI's when only an API key is given."""
        if self.base_url:
            return self.base_url
        return OPENAI_DEFAULT_BASE_URL if self.api_key is not None else None

    def is_configured(self) -> bool:
        """True when a model and an endpoint are known (local servers need no key)."""
        return bool(self.model) and self.effective_base_url is not None

    def require_configured(self) -> None:
        """Raise ``ConfigError`` naming what is missing."""
        if not self.model:
            raise ConfigError(
                "no LLM model configured: pass --model or set SUMMARIZER_MODEL", source="llm"
            )
        if self.effective_base_url is None:
            raise ConfigError(
                "no LLM endpoint configured: pass --base-url or set SUMMARIZER_BASE_URL "
                "(or OPENAI_API_KEY for api.openai.com)",
                source="llm",
            )

    def source_of(self, name: str) -> str:
        """Where a field's value came from: flag, env NAME, config PATH or default."""
        return self._sources.get(name, "default")

    def masked(self) -> dict[str, Any]:
        """All settings as plain values, the API key masked (safe to print or log)."""
        data = self.model_dump(mode="json", exclude={"api_key"})
        data["api_key"] = mask_secret(self.api_key)
        data["base_url"] = redact_url(self.base_url)
        data["endpoint"] = self.shown_endpoint
        return data

    def describe(self) -> list[tuple[str, str, str]]:
        """Rows ``(name, shown value, source)`` for ``summarizer config``."""
        data = self.masked()
        rows: list[tuple[str, str, str]] = []
        for name in type(self).model_fields:
            value = data[name]
            shown = "-" if value is None or value == {} else str(value)
            rows.append((name, shown, self.source_of(name)))
        return rows

    def __repr__(self) -> str:  # never show the key, even by accident
        return f"LLMSettings({self.masked()!r})"

    __str__ = __repr__


def redact_url(url: str | None) -> str | None:
    """The URL safe to print: a password in it and query values (``?api-key=...``) hidden."""
    if not url:
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:…@{host}" if ":" in userinfo else f"…@{host}"
    query = "&".join(f"{kv.split('=', 1)[0]}=…" for kv in parts.query.split("&") if kv)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def mask_secret(secret: SecretStr | str | None) -> str | None:
    """``sk-…abcd``: enough to recognise a key, never enough to use it."""
    if secret is None:
        return None
    raw = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    if not raw:
        return ""
    if len(raw) <= 8:
        return "…"
    prefix = raw[:3] if raw.startswith("sk-") else ""
    return f"{prefix}…{raw[-4:]}"


# field -> environment variables, first one set wins.
_ENV: dict[str, tuple[str, ...]] = {
    "model": ("SUMMARIZER_MODEL",),
    "base_url": ("SUMMARIZER_BASE_URL", "OPENAI_BASE_URL"),
    "api_key": ("SUMMARIZER_API_KEY", "OPENAI_API_KEY"),
    "prompt": ("SUMMARIZER_PROMPT",),
    "structured_mode": ("SUMMARIZER_STRUCTURED_MODE",),
    "concurrency": ("SUMMARIZER_CONCURRENCY",),
    "timeout": ("SUMMARIZER_TIMEOUT",),
    "max_retries": ("SUMMARIZER_MAX_RETRIES",),
    "deadline": ("SUMMARIZER_DEADLINE",),
    "max_reasks": ("SUMMARIZER_MAX_REASKS",),
    "chunk_tokens": ("SUMMARIZER_CHUNK_TOKENS",),
    "cache_dir": ("SUMMARIZER_CACHE_DIR",),
    "no_cache": ("SUMMARIZER_NO_CACHE",),
    "min_coverage": ("SUMMARIZER_MIN_COVERAGE",),
    "temperature": ("SUMMARIZER_TEMPERATURE",),
    "max_tokens": ("SUMMARIZER_MAX_TOKENS",),
}


def default_config_path() -> Path:
    """``$SUMMARIZER_CONFIG``, else ``config.toml`` in the user config dir."""
    env = os.environ.get("SUMMARIZER_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_config_path("summarizer") / "config.toml"


def _read_config(path: Path, *, explicit: bool) -> dict[str, Any]:
    if not path.is_file():
        if explicit:
            raise ConfigError("config file not found", source=str(path))
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"cannot read config file: {e}", source=str(path)) from e
    table = data.get("llm", data)
    if not isinstance(table, dict):
        raise ConfigError("[llm] must be a table", source=str(path))
    return {k: v for k, v in table.items() if not isinstance(v, dict) or k == "prices"}


def load_settings(*, config_path: Path | None = None, **overrides: Any) -> LLMSettings:
    """Merge settings: ``overrides`` (CLI flags; None = not given) > env > TOML > defaults.

    Raises ``ConfigError`` for unknown keys or invalid values (with the source named).
    """
    fields = LLMSettings.model_fields
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}", source="flags")

    explicit = config_path is not None
    path = Path(config_path).expanduser() if config_path is not None else default_config_path()
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}

    config = _read_config(path, explicit=explicit)
    bad = sorted(set(config) - set(fields))
    if bad:
        raise ConfigError(f"unknown setting(s) in config: {', '.join(bad)}", source=str(path))
    for name, value in config.items():
        values[name] = value
        sources[name] = f"config {path}"

    for name, env_names in _ENV.items():
        for env_name in env_names:
            raw = os.environ.get(env_name)
            if raw is not None and raw.strip() != "":
                values[name] = raw.strip()
                sources[name] = f"env {env_name}"
                break

    for name, value in overrides.items():
        if value is not None:
            values[name] = value
            sources[name] = "flag"

    try:
        settings = LLMSettings(**values)
    except ValidationError as e:
        first = e.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "?"
        # Never echo the offending input: it may be the key.
        raise ConfigError(
            f"invalid setting {name}: {first['msg']}", source=sources.get(name, "settings")
        ) from None
    settings._sources = sources
    return settings
