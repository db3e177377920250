"""Read an issue: find its bytes (path, stdin or text) and decode them to the original text.

The decoded text is kept verbatim: every span summarizer reports is an offset into it.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import BinaryInputError, DecodeError, EmptyInputError, InputError, InputNotFoundError

__all__ = ["IssueText", "decode_bytes", "read_issue", "read_issues"]

# Magic numbers of binary formats people drop into a folder of text files by mistake.
_BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",  # zip, docx, xlsx
    b"\x1f\x8b",  # gzip
    b"\x7fELF",
    b"SQLite format 3",
)


@dataclass(frozen=True, slots=True)
class IssueText:
    """The decoded original text of one issue and where it came from."""

    path: str  # file path, "-" for stdin, "<text>" for a string
    text: str
    encoding: str
    sha256: str  # of the raw bytes, so the same file always has the same identity

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path not in ("-", "<text>") else self.path


def _looks_binary(data: bytes) -> bool:
    if any(data.startswith(m) for m in _BINARY_MAGIC):
        return True
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    # Control characters other than tab/newline/CR/formfeed are rare in any text encoding.
    controls = sum(1 for b in sample if b < 0x20 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 100)


def decode_bytes(data: bytes, *, source: str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` to text; return ``(text, encoding)``.

    Order: BOMs (UTF-8, UTF-16), then strict UTF-8, then GB18030 (a superset of GBK/GB2312).
    """
    if not data:
        raise EmptyInputError("the input is empty", source=source)
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        if _looks_binary(data):
            raise BinaryInputError("the input is binary, not text", source=source)
        encodings = ["utf-8", "gb18030"]
    for enc in encodings:
        try:
            text = _decode(data, enc)
        except UnicodeDecodeError:
            continue
        if text.isspace():
            raise EmptyInputError("the input has only whitespace", source=source)
        if _looks_html(text):
            raise InputError(
                "the input is an HTML page, not an issue text: save it as plain text first",
                source=source,
            )
        return text, enc
    raise DecodeError("the input is neither UTF-8, UTF-16 nor GB18030/GBK text", source=source)


_CHUNK = 1 << 20
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>]|<\?xml[^>]*>\s*<html)", re.I)
_HTML_TAG = re.compile(
    r"</?(?:html|head|body|div|p|span|br|table|tr|td|a|script|style|meta)\b[^>]*>", re.I
)


def _decode(data: bytes, encoding: str) -> str:
    """Decode in 1 MB steps: a one-shot decode of mixed ASCII/CJK text can briefly need four
    bytes per character; pieces keep the peak near the size of the result."""
    if len(data) <= _CHUNK:
        return data.decode(encoding)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    view = memoryview(data)
    parts = [decoder.decode(view[i : i + _CHUNK]) for i in range(0, len(view), _CHUNK)]
    parts.append(decoder.decode(b"", final=True))
    return "".join(parts)


def _looks_html(text: str) -> bool:
    """An HTML page (a doctype or <html> first, or markup tags all over its start)."""
    head = text[:65536]
    return bool(_HTML_START.match(head)) or len(_HTML_TAG.findall(head)) >= 8


def _issue_from_bytes(data: bytes, path: str) -> IssueText:
    text, enc = decode_bytes(data, source=path)
    return IssueText(path=path, text=text, encoding=enc, sha256=hashlib.sha256(data).hexdigest())


def read_issue(source: str | Path | bytes) -> IssueText:
    """Read one issue from a path, ``"-"`` (stdin), raw bytes or the issue text itself.

    A ``str`` is taken as text when it contains a line break or is not a plausible path.
    """
    if isinstance(source, bytes):
        return _issue_from_bytes(source, "<bytes>")
    if isinstance(source, str):
        if source == "-":
            return _issue_from_bytes(sys.stdin.buffer.read(), "-")
        if "\n" in source or len(source) > 1024:
            return _issue_from_bytes(source.encode("utf-8"), "<text>")
    path = Path(source)
    try:
        # Inside the try: is_dir/exists raise OSError too (a name too long, a loop of links).
        if path.is_dir():
            raise InputNotFoundError(
                "is a directory, expected an issue text file", source=str(path)
            )
        if not path.exists():
            raise InputNotFoundError("no such file", source=str(path))
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", source=str(path)) from e
    return _issue_from_bytes(data, str(path))


def read_issues(sources: list[str | Path]) -> list[IssueText]:
    """Read several issues; stops at the first bad one (callers wanting partial results loop)."""
    return [read_issue(s) for s in sources]
