"""Split an article into chunks under a token budget, at sentence boundaries, with overlap.

Tokens are counted with tiktoken when the model is known and its encoding can be loaded (the
encoding files are downloaded on first use, which fails offline: then, and for unknown models,
a CJK-aware estimate is used: one token per CJK character, one per four other characters).
Chunks end at sentence ends (。！？；… and a closing quote after them); a quotation is never cut
(a full stop inside “…” does not end the sentence) and neither is a number. A sentence longer than
the budget is split at commas, and hard-split (between two non-digits) only as a last resort.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

__all__ = ["Chunk", "chunk", "count_tokens", "estimate_tokens", "token_counter"]


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of the text: ``text == source[start:end]``; ``tokens`` as counted for the model."""

    text: str
    start: int
    end: int
    tokens: int


_CJK = re.compile(r"[\u2e80-\u2fff\u3001-\u9fff\uf900-\ufaff\uff00-\uffef]")
_OPEN = "“‘「『《（("
_CLOSE = "”’」』》）)"
_TERMINAL = "。！？!?；;…"
_CANDIDATES = re.compile(r"[。！？!?；;…“”‘’「」『』《》（）()\n]")
_SPACE = re.compile(r"\s")
_COMMAS = re.compile(r"[，、：]|[,:](?!\d)")  # not the comma of "1,234" or the colon of "10:30"


def estimate_tokens(text: str) -> int:
    """CJK-aware estimate: ≈1 token per CJK character, ≈1 per 4 other non-space characters."""
    cjk = len(_CJK.findall(text))
    other = len(text) - cjk - len(_SPACE.findall(text))
    return cjk + math.ceil(max(other, 0) / 4)


@lru_cache(maxsize=16)
def _tiktoken_encoder(model: str) -> Callable[[str], int] | None:
    """The model's tiktoken counter, or None (no tiktoken, unknown model, encoding not loadable)."""
    try:
        import tiktoken
    except ImportError:
        return None
    try:
        encoding = tiktoken.encoding_for_model(model)
    except Exception:  # unknown model (KeyError) or no network to fetch the encoding file
        return None
    return lambda text: len(encoding.encode(text, disallowed_special=()))


def token_counter(model: str | None = None) -> Callable[[str], int]:
    """How tokens are counted for ``model`` (tiktoken when possible, else the estimate)."""
    if model:
        encoder = _tiktoken_encoder(model)
        if encoder is not None:
            return encoder
    return estimate_tokens


def count_tokens(text: str, model: str | None = None) -> int:
    """Tokens of ``text`` for ``model`` (see ``token_counter``)."""
    return token_counter(model)(text)


def _sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end outside quotations (and after each line break)."""
    ends: list[int] = []
    depth = 0
    n = len(text)
    for m in _CANDIDATES.finditer(text):
        ch = m.group()
        pos = m.end()
        if ch == "\n":
            depth = 0  # a paragraph closes whatever was open
            ends.append(pos)
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
            if depth == 0 and text[m.start() - 1 : m.start()] in _TERMINAL and ch in "”’」』":
                ends.append(pos)
        elif depth == 0:
            # a run of terminals (……, ！？) ends once, after the last one and closing quotes
            if pos < n and (text[pos] in _TERMINAL or text[pos] in "”’」』"):
                continue
            ends.append(pos)
    if not ends or ends[-1] != n:
        ends.append(n)
    return sorted(set(e for e in ends if 0 < e <= n))


def _units(text: str) -> list[tuple[int, int]]:
    """Sentence spans covering ``text``; whitespace between sentences joins the one before."""
    units: list[tuple[int, int]] = []
    for a, b in pairwise([0, *_sentence_ends(text)]):
        if b <= a:
            continue
        if units and not text[a:b].strip():
            units[-1] = (units[-1][0], b)
        else:
            units.append((a, b))
    return units


def _split_long(
    text: str, start: int, end: int, budget: int, count: Callable[[str], int]
) -> list[tuple[int, int]]:
    """Split a sentence over the budget at commas, then hard (never inside a number)."""
    pieces: list[tuple[int, int]] = []
    cuts = [m.end() for m in _COMMAS.finditer(text, start, end)]
    bounds = [start, *[c for c in cuts if start < c < end], end]
    a = start
    last_ok = start
    for b in bounds[1:]:
        if count(text[a:b]) <= budget:
            last_ok = b
            continue
        if last_ok > a:
            pieces.append((a, last_ok))
            a = last_ok
            if count(text[a:b]) <= budget:
                last_ok = b
                continue
        pieces.extend(_hard_split(text, a, b, budget, count))
        a = last_ok = b
    if a < end:
        pieces.append((a, end))
    return pieces


def _hard_split(
    text: str, start: int, end: int, budget: int, count: Callable[[str], int]
) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    a = start
    while a < end:
        # grow the piece by bisection on its length: the largest prefix within the budget
        lo, hi = a + 1, end
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count(text[a:mid]) <= budget:
                lo = mid
            else:
                hi = mid - 1
        b = lo
        while a + 1 < b < end and _in_number(text, b):
            b -= 1  # never cut "1.28" or "2023"
        if b <= a:
            b = lo
        pieces.append((a, b))
        a = b
    return pieces


def _in_number(text: str, pos: int) -> bool:
    left, right = text[pos - 1], text[pos]
    numeric = "0123456789.,%"
    return left in numeric and right in numeric


def chunk(
    text: str, *, max_tokens: int = 1500, overlap: int = 1, model: str | None = None
) -> list[Chunk]:
    """Split ``text`` into chunks of at most ``max_tokens`` tokens (as counted for ``model``).

    Each next chunk repeats the last ``overlap`` sentences of the previous one when they fit.
    Offsets are into ``text``; an empty text gives no chunks.
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be at least 1")
    if overlap < 0:
        raise ValueError("overlap must not be negative")
    if not text.strip():
        return []
    count = token_counter(model)
    units: list[tuple[int, int, int]] = []
    for a, b in _units(text):
        tokens = count(text[a:b])
        if tokens <= max_tokens:
            units.append((a, b, tokens))
        else:
            units.extend(
                (x, y, count(text[x:y])) for x, y in _split_long(text, a, b, max_tokens, count)
            )
    chunks: list[Chunk] = []
    i = 0
    while i < len(units):
        j = i
        total = 0
        while j < len(units) and (total + units[j][2] <= max_tokens or j == i):
            total += units[j][2]
            j += 1
        start, end = units[i][0], units[j - 1][1]
        piece = text[start:end]
        chunks.append(Chunk(piece, start, end, count(piece)))
        if j >= len(units):
            break
        # the next chunk starts ``overlap`` sentences back, if they leave room for new text
        k = max(i + 1, j - overlap)
        while k < j and sum(u[2] for u in units[k:j]) + units[j][2] > max_tokens:
            k += 1
        i = k
    return chunks
