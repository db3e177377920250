"""Versioned prompt files: ``prompts/<id>/<version>.md`` with YAML front matter + Jinja2 body.

Format (also used by ``prompts/digest``)::

    ---
    id: article_summary
    version: v1
    description: one line
    response_model: ArticleResponse     # a name in summarizer.llm.responses.RESPONSE_MODELS
    temperature: 0.1
    max_tokens: 1500
    ---
    ### system
    ...Jinja2...
    ### user
    ...Jinja2...

Sections are split before rendering, so article text can never forge a section. Prompts are
looked up in the installed package (``summarizer/prompts``, force-included in the wheel) first,
then in the repository's top-level ``prompts/``. ``prompts.lock`` holds the sha256 of every
released version's text: a released version is never edited, a new version is added instead.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError

__all__ = [
    "LOCK_NAME",
    "PromptTemplate",
    "RenderedPrompt",
    "compute_lock",
    "diff_prompts",
    "list_prompts",
    "load_prompt",
    "prompt_dirs",
    "read_lock",
    "text_sha256",
]

LOCK_NAME = "prompts.lock"
_FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)
_SECTION = re.compile(r"^### (system|user)[ \t]*$", re.MULTILINE)
_VERSION = re.compile(r"^v(\d+)$")
_REQUIRED = ("id", "version", "description", "response_model", "temperature", "max_tokens")


def prompt_dirs() -> list[Path]:
    """Where prompts live: the package copy first (installed wheel), then the repository's."""
    here = Path(__file__).resolve().parent.parent  # summarizer/
    return [d for d in (here / "prompts", here.parent / "prompts") if d.is_dir()]


def text_sha256(text: str) -> str:
    """The hash of a prompt file's text (line endings normalised)."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def _version_number(version: str) -> int:
    m = _VERSION.match(version)
    return int(m.group(1)) if m else -1


@dataclass(frozen=True, slots=True)
class RenderedPrompt:
    """The messages of one request and the hash identifying exactly what was sent."""

    system: str
    user: str
    sha256: str

    def messages(self) -> list[dict[str, Any]]:
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.user},
        ]


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    """One prompt version parsed from its file."""

    id: str
    version: str
    description: str
    response_model: str
    temperature: float
    max_tokens: int
    system_source: str
    user_source: str
    text: str  # the whole file
    path: Path

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)

    def render(self, **context: Any) -> RenderedPrompt:
        """Render both parts with ``context``; undefined variables are errors, not blanks."""
        import jinja2

        system_t, user_t = _compiled(self.system_source, self.user_source)
        try:
            system = system_t.render(**context).strip()
            user = user_t.render(**context).strip()
        except jinja2.TemplateError as e:
            raise ConfigError(f"cannot render prompt: {e}", source=self.ref) from e
        digest = text_sha256(json.dumps([system, user], ensure_ascii=False))
        return RenderedPrompt(system=system, user=user, sha256=digest)


@functools.lru_cache(maxsize=64)
def _compiled(system_source: str, user_source: str) -> tuple[Any, Any]:
    """Compile a template's two parts once (compiling costs far more than rendering)."""
    import jinja2

    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False
    )
    try:
        return env.from_string(system_source), env.from_string(user_source)
    except jinja2.TemplateError as e:
        raise ConfigError(f"invalid prompt template: {e}") from e


def _parse(path: Path) -> PromptTemplate:
    import yaml

    try:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read prompt file: {e}", source=str(path)) from e
    m = _FRONT.match(text)
    if not m:
        raise ConfigError("prompt file lacks YAML front matter", source=str(path))
    try:
        meta = yaml.safe_load(m.group(1))
    except yaml.YAMLError as e:
        raise ConfigError(f"invalid front matter: {e}", source=str(path)) from e
    if not isinstance(meta, dict) or any(k not in meta for k in _REQUIRED):
        raise ConfigError(f"front matter needs {', '.join(_REQUIRED)}", source=str(path))
    parts = _SECTION.split(m.group(2))
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    if set(sections) != {"system", "user"}:
        raise ConfigError("prompt body needs '### system' and '### user'", source=str(path))
    return PromptTemplate(
        id=str(meta["id"]),
        version=str(meta["version"]),
        description=str(meta["description"]),
        response_model=str(meta["response_model"]),
        temperature=float(meta["temperature"]),
        max_tokens=int(meta["max_tokens"]),
        system_source=sections["system"],
        user_source=sections["user"],
        text=text,
        path=path,
    )


def _files() -> dict[str, Path]:
    """``id@version`` -> file; the first prompt dir that has a version wins."""
    found: dict[str, Path] = {}
    for root in prompt_dirs():
        for path in sorted(root.glob("*/v*.md")):
            if _version_number(path.stem) >= 0:
                found.setdefault(f"{path.parent.name}@{path.stem}", path)
    return found


def list_prompts() -> list[PromptTemplate]:
    """Every prompt version, sorted by id then version number."""
    templates = [_parse(p) for p in _files().values()]
    return sorted(templates, key=lambda t: (t.id, _version_number(t.version)))


def load_prompt(ref: str) -> PromptTemplate:
    """Load ``"id@version"`` or ``"id"`` (the newest version); ``ConfigError`` when unknown."""
    name, _, version = ref.partition("@")
    files = _files()
    if version:
        path = files.get(f"{name}@{version}")
        if path is None:
            known = sorted(k for k in files if k.startswith(f"{name}@")) or sorted(files)
            raise ConfigError(f"unknown prompt {ref!r} (known: {', '.join(known)})")
    else:
        versions = [k.partition("@")[2] for k in files if k.partition("@")[0] == name]
        if not versions:
            raise ConfigError(f"unknown prompt {ref!r} (known: {', '.join(sorted(files))})")
        path = files[f"{name}@{max(versions, key=_version_number)}"]
    template = _parse(path)
    if template.ref != f"{path.parent.name}@{path.stem}":
        raise ConfigError(f"front matter says {template.ref}", source=str(path))
    return template


def read_lock() -> dict[str, str]:
    """The released versions' hashes from the first ``prompts.lock`` found."""
    for root in prompt_dirs():
        lock = root / LOCK_NAME
        if lock.is_file():
            try:
                data = json.loads(lock.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                raise ConfigError(f"corrupt lock file: {e}", source=str(lock)) from e
            return {str(k): str(v) for k, v in data.items()}
    return {}


def compute_lock() -> dict[str, str]:
    """What the lock file should say for the prompt files on disk."""
    return {t.ref: t.sha256 for t in list_prompts()}


def diff_prompts(a: str, b: str) -> str:
    """A unified diff between two prompt versions' texts."""
    ta, tb = load_prompt(a), load_prompt(b)
    lines = difflib.unified_diff(
        ta.text.splitlines(keepends=True),
        tb.text.splitlines(keepends=True),
        fromfile=ta.ref,
        tofile=tb.ref,
    )
    return "".join(lines)
