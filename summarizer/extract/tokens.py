"""Sentence splitting and jieba word tokens, shared by the summary and entity extractors.

jieba is initialised lazily, once, and kept quiet: importing this module loads no dictionary.
Sentences are reported as offsets into the text they came from, so every extractive output is a
verbatim slice of the article.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences", "tokenize", "wordset"]

_jieba_lock = threading.Lock()
_jieba_ready = False

# Sentence ends: full stops, question/exclamation marks, semicolons, ellipses, line breaks; a
# closing quote or bracket right after the mark stays with its sentence.
_SENTENCE_END = re.compile(r"(?:[。！？!?；;]+|…{1,2}|\.{3,})[”’」』）)\"']*|\n+")
# Where an over-long sentence may be cut into clauses.
_CLAUSE_END = re.compile(r"[，,：:][”’」』）)]*")
LONG_SENTENCE = 120  # characters; longer sentences are split into clauses
_MAX_QUOTE = 300  # an open quotation longer than this is taken as an unbalanced quote mark


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or clause of an over-long sentence): ``text == source[start:end]``."""

    text: str
    start: int
    end: int
    index: int  # position among the sentences of its text
    whole: bool = True  # False for a clause cut out of an over-long sentence


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pieces(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = start
    for m in pattern.finditer(text, start, end):
        out.append((pos, m.end()))
        pos = m.end()
    out.append((pos, end))
    return out


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a full stop inside an open quotation (“…。…”) does not end the sentence
    unless the quotation runs on for more than ``_MAX_QUOTE`` characters or a line ends."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if not m.group().startswith("\n"):
            seg = text[pos : m.end()]
            if seg.count("“") > seg.count("”") and m.end() - pos < _MAX_QUOTE:
                continue
        out.append((pos, m.end()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def split_sentences(text: str, *, long_sentence: int = LONG_SENTENCE) -> list[Sentence]:
    """Split ``text`` into sentences; sentences longer than ``long_sentence`` into clauses.

    Pieces without any letter or digit (stray punctuation) are dropped.
    """
    spans: list[tuple[int, int, bool]] = []
    for s, e in _sentence_spans(text):
        s, e = _trimmed(text, s, e)
        if e - s > long_sentence:
            clauses = [_trimmed(text, cs, ce) for cs, ce in _pieces(text, s, e, _CLAUSE_END)]
            spans.extend((cs, ce, len(clauses) == 1) for cs, ce in clauses)
        else:
            spans.append((s, e, True))
    out: list[Sentence] = []
    for s, e, whole in spans:
        piece = text[s:e]
        if e > s and any(ch.isalnum() for ch in piece):
            out.append(Sentence(piece, s, e, len(out), whole))
    return out


def _ensure_jieba() -> None:
    global _jieba_ready
    if _jieba_ready:
        return
    with _jieba_lock:
        if not _jieba_ready:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _jieba_ready = True


def tokenize(text: str) -> list[str]:
    """jieba's precise-mode words of ``text`` (HMM on), whitespace tokens removed."""
    _ensure_jieba()
    import jieba

    return [w for w in jieba.lcut(text) if w.strip()]


def wordset(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string (for word lists in code)."""
    return frozenset(words.split())
