"""Gazetteer of China's national high-tech zones: canonical names for zone mentions.

The digest indexes articles by zone, so "杭州高新区(滨江)", "滨江高新区" and "杭州国家高新区" must all
become "杭州高新区". The data file (``summarizer/data/zones.json``) lists each zone's canonical
short name, extra aliases, province and city; the standard variants of a "X高新区" name
(X国家高新区, X高新技术产业开发区, X国家高新技术产业开发区, X高新技术开发区) are derived here.
Everything is loaded lazily, once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .errors import ConfigError

__all__ = [
    "Gazetteer",
    "Zone",
    "ZoneMention",
    "canonical_zone",
    "find_zones",
    "get_gazetteer",
]

_SHORT_SUFFIX = "高新区"
# Long forms a "X高新区" is also written as (X = the name without the suffix).
_DERIVED_SUFFIXES = (
    "国家高新区",
    "高新技术产业开发区",
    "国家高新技术产业开发区",
    "高新技术开发区",
    "高新开发区",
    "国家级高新区",
    "国家级高新技术产业开发区",
)
_PAREN_FOLD = str.maketrans({"(": "（", ")": "）"})


@dataclass(frozen=True, slots=True)
class Zone:
    """One national high-tech zone."""

    name: str  # canonical short name, e.g. 杭州高新区
    province: str
    city: str
    aliases: tuple[str, ...]  # every surface form that resolves to this zone, name included


@dataclass(frozen=True, slots=True)
class ZoneMention:
    """A zone found in a text: the surface form, where it is, and the zone it names."""

    surface: str
    start: int
    end: int
    zone: Zone


def _variants(alias: str) -> set[str]:
    """Surface forms of one alias: derived long forms and both parenthesis widths."""
    forms = {alias}
    if alias.endswith(_SHORT_SUFFIX) and len(alias) > len(_SHORT_SUFFIX):
        stem = alias[: -len(_SHORT_SUFFIX)]
        forms.update(stem + suffix for suffix in _DERIVED_SUFFIXES)
    out = set(forms)
    for form in forms:
        out.add(form.translate(_PAREN_FOLD))
        out.add(form.replace("（", "(").replace("）", ")"))
    return out


class Gazetteer:
    """Zones plus an index from every surface form to its zone (longest form wins)."""

    def __init__(self, zones: list[Zone]) -> None:
        self.zones: tuple[Zone, ...] = tuple(zones)
        self._by_form: dict[str, Zone] = {}
        for zone in self.zones:
            for form in zone.aliases:
                self._by_form.setdefault(form, zone)
        forms = sorted(self._by_form, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(f) for f in forms)) if forms else None
        self.provinces: frozenset[str] = frozenset(z.province for z in self.zones)
        self.cities: frozenset[str] = frozenset(z.city for z in self.zones)

    @classmethod
    def from_records(cls, records: list[dict[str, object]]) -> Gazetteer:
        """Build from the data file's zone records ({name, province, city, aliases})."""
        zones = []
        for rec in records:
            name = str(rec["name"])
            raw_aliases = rec.get("aliases") or []
            if not isinstance(raw_aliases, list):
                raise ConfigError(f"zone {name}: aliases must be a list")
            forms: set[str] = set()
            for alias in [name, *(str(a) for a in raw_aliases)]:
                forms |= _variants(alias)
            ordered = (name, *sorted(forms - {name}, key=lambda f: (len(f), f)))
            zones.append(Zone(name, str(rec["province"]), str(rec["city"]), ordered))
        return cls(zones)

    def __len__(self) -> int:
        return len(self.zones)

    def get(self, surface: str) -> Zone | None:
        """The zone a surface form names exactly (after trimming spaces), else None."""
        return self._by_form.get(re.sub(r"\s+", "", surface))

    def canonical(self, surface: str) -> str | None:
        """The canonical name for an exact surface form, else None."""
        zone = self.get(surface)
        return zone.name if zone else None

    def find(self, text: str) -> list[ZoneMention]:
        """Every zone mention in ``text``, left to right, longest form at each position."""
        if self._pattern is None:
            return []
        return [
            ZoneMention(m.group(), m.start(), m.end(), self._by_form[m.group()])
            for m in self._pattern.finditer(text)
        ]


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The bundled gazetteer (``summarizer/data/zones.json``), loaded once."""
    try:
        raw = resources.files("summarizer").joinpath("data/zones.json").read_text("utf-8")
        data = json.loads(raw)
        return Gazetteer.from_records(data["zones"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"the zone gazetteer data file is unreadable: {e}") from e


def canonical_zone(surface: str) -> str | None:
    """Canonical name of a zone surface form (e.g. 滨江高新区 → 杭州高新区), else None."""
    return get_gazetteer().canonical(surface)


def find_zones(text: str) -> list[str]:
    """Canonical names of the zones mentioned in ``text``, in order of first mention."""
    seen: dict[str, None] = {}
    for mention in get_gazetteer().find(text):
        seen.setdefault(mention.zone.name, None)
    return list(seen)
