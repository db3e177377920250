"""Normalise (repair the layout of) an issue's text, keeping a map back to the original.

Normalisation only deletes characters or replaces one character by one character, so the map is
one original offset per normalised character: any span found in the normalised text can be
reported against the original text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Document", "normalize"]


@dataclass(frozen=True, slots=True)
class Document:
    """The original text of an issue, its normalised text and the offset map between them."""

    original: str
    text: str
    # offsets[i] is the original offset of text[i]; offsets[len(text)] == len(original).
    offsets: list[int] = field(repr=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start, end)`` to the smallest original span holding its chars."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {(start, end)} outside the normalised text")
        if start == end:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def normalize(original: str) -> Document:
    """Repair the layout of ``original`` (first version: the identity map)."""
    return Document(original, original, list(range(len(original) + 1)))
