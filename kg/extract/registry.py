"""Which public body a department name means.

A small curated registry (``ontology/registry/guangzhou.ttl``: W3C ORG + SKOS) holds one entity
per real body, with its full official name (``skos:prefLabel``), every short and Traditional
form (``skos:altLabel``), its jurisdiction (``dct:coverage``) and, for bodies renamed in a
reform, an ``org:ChangeEvent`` to its successor, which is a distinct entity. Names are matched
by jurisdiction, because "市工业和信息化局" in a 中山 document is 中山's bureau, not
Guangzhou's:

>>> registry = Registry.load()
>>> registry.resolve("市工信委", "广州市", None)[0]
'guangzhou/gongxin-wei'
>>> registry.resolve("市工业和信息化局", "中山市", None)[1]
'中山市工业和信息化局'

The registry is a folder, ``ontology/registry/``, with one file per city or province
(``guangzhou.ttl`` holds Guangzhou and the governments of Guangdong, ``shenzhen.ttl`` Shenzhen);
they are read whole into one graph, and a document's jurisdiction picks the bodies: a name is
looked up under the city or district the document speaks for. A new city is one new file.

>>> registry.resolve("市工业和信息化局", "深圳市", None)[0]
'shenzhen/gongxin-ju'

A body no registry knows still gets an id of its own, made from its jurisdiction and its
normalised name in pinyin (readable in an IRI, unlike percent-encoded Chinese) with a short
hash of the Chinese name (so two names that sound alike stay two bodies); one written name in
one jurisdiction always gives one id, in every build:

>>> registry.resolve("市工业和信息化局", "中山市", None)[0]
'zhongshan/gongyehexinxihua-ju-8dda'
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS

from policykg.corpus.convert import normalize

__all__ = ["ORG_BASE", "DEFAULT_REGISTRY", "REGISTRY_DIR", "Body", "Registry", "RegistryError", "name_key", "registry_files"]

ORG_BASE = "https://w3id.org/policykg/id/org/"
REGISTRY_DIR = Path(__file__).resolve().parents[2] / "ontology" / "registry"
DEFAULT_REGISTRY = REGISTRY_DIR  # the whole folder: every city's and province's file
GOVERNMENT = URIRef(ORG_BASE + "kind/government")
GENERIC_SCHEME = URIRef(ORG_BASE + "generic")

# Party-membership words written before a place: 中共广州市委组织部 is 广州市's.
_PARTY = re.compile(r"^(?:中国共产党|中共)")
# The level words a name starts with when it names its jurisdiction by level only, and the
# words that start with one without being one (市场监管局 is not 市 + 场监管局).
_LEVELS = "市区县省"
_NOT_A_LEVEL = ("市场", "区域")
# What a generic group starts with once its jurisdiction words are off: 各区政府, 有关部门 …
_GENERIC_HEAD = re.compile(r"^(?:各|相关|有关|其他|其它|职能)")
# Jurisdiction words before a generic group: 市直各有关部门, 广州市各区政府.
_GENERIC_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}?[省市区县])?(?:市直|区直|市级|区级|县级|[市区县省])?")
_SPACE = re.compile(r"\s+")
# A place list inside a group's name: 各县（市、区）人民政府 ~ 各县人民政府.
_PLACE_LIST = re.compile(r"[（(](?:[市区县镇街乡旗、,，]{1,7}|街道|街道办事处|管委会)[）)]")


class RegistryError(ValueError):
    """The registry file is inconsistent: one written name given to two bodies."""


def name_key(name: str) -> str:
    """The form names are compared in: Simplified, no spaces, 委员会 ~ 委, 人民政府 ~ 政府.

    >>> name_key("廣州市工業和資訊化委員會")
    '广州市工业和信息化委'
    """
    key = _SPACE.sub("", normalize(name))
    return key.replace("人民政府", "政府").replace("委员会", "委")


@dataclass(frozen=True)
class Body:
    """What a name resolves to."""

    id: str  # relative to ORG_BASE: "guangzhou/gongxin-ju", "中山市/工业和信息化局", "generic/all-districts"
    label: str  # skos:prefLabel, or the name with its jurisdiction written out when unknown
    labels: tuple[str, ...]  # the name as written first, then every other form
    jurisdiction: str  # "广州市", "广州市黄埔区"; "" for generic groups
    generic: bool = False
    known: bool = True  # whether the registry holds it


@dataclass(frozen=True)
class _Place:
    """A jurisdiction: "广州市黄埔区" is district 黄埔区 of city 广州市 in province 广东省."""

    name: str
    city: str | None
    district: str | None
    province: str | None


class Registry:
    """Bodies and generic groups read from a registry graph; see the module docstring."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._bodies: dict[str, Body] = {}
        self._index: dict[tuple[str, str], str] = {}  # (jurisdiction, name without it) -> id
        self._generic: dict[str, str] = {}  # generic key -> id
        self._places: dict[str, _Place] = {}  # jurisdiction name -> place
        self._place_names: dict[str, str] = {}  # a place as written ("广州", "黄埔区") -> jurisdiction
        self._place_cache: dict[tuple[str | None, str | None], list[tuple[str, str]]] = {}
        self._read_places()
        self._read_bodies()
        self._read_generic()

    @classmethod
    def load(cls, path: Path | str | None = None) -> Registry:
        """Parse registry files (Turtle) once: every ``*.ttl`` of a folder (the shipped
        ``ontology/registry/`` by default), or one file. A name given to two bodies, in one
        file or across files, is a ``RegistryError`` naming both."""
        graph = Graph()
        for file in registry_files(path):
            try:
                graph.parse(file, format="turtle")
            except Exception as exc:  # rdflib raises several parser errors; name the file
                raise RegistryError(f"{file}: not a readable Turtle registry file: {exc}") from exc
        return cls(graph)

    # --- reading the graph ---------------------------------------------------------------

    def _id(self, node: Node) -> str:
        return str(node)[len(ORG_BASE):] if str(node).startswith(ORG_BASE) else str(node)

    def _labels(self, node: Node) -> tuple[str, list[str]]:
        pref = [str(o) for o in self.graph.objects(node, SKOS.prefLabel) if getattr(o, "language", None) in ("zh", None)]
        alts = [str(o) for o in sorted(
            self.graph.objects(node, SKOS.altLabel),
            key=lambda o: (getattr(o, "language", "") == "zh-Hant", len(str(o)), str(o)),
        )]
        if len(pref) != 1:
            raise RegistryError(f"{self._id(node)} needs exactly one Chinese skos:prefLabel, has {pref}")
        return pref[0], alts

    def _coverage(self, node: Node) -> str | None:
        values = [str(o) for o in self.graph.objects(node, DCTERMS.coverage)]
        return values[0] if values else None

    def _read_places(self) -> None:
        governments = list(self.graph.subjects(ORG.classification, GOVERNMENT))
        parents = {g: next(iter(self.graph.objects(g, ORG.subOrganizationOf)), None) for g in governments}
        coverage: dict[Node, str] = {}
        for gov in governments:
            if not (name := self._coverage(gov)):
                raise RegistryError(f"government {self._id(gov)} has no dct:coverage")
            coverage[gov] = name
        for gov in governments:
            name = coverage[gov]
            chain = [name]
            parent = parents.get(gov)
            while parent is not None and parent in coverage:
                chain.append(coverage[parent])
                parent = parents.get(parent)
            province = next((c for c in chain if c.endswith("省")), None)
            city = next((c for c in chain if c.endswith("市") and not c.endswith(("区", "县"))), None)
            district = name[len(city):] if city and name != city and name.startswith(city) else None
            self._places[name] = _Place(name, city, district, province)
            self._place_names[name] = name
            if district:
                self._place_names[district] = name
            elif city == name and len(name) > 2:
                self._place_names[name[:-1]] = name  # 广州 for 广州市

    def _context(self, jurisdiction: str | None) -> tuple[str | None, str | None]:
        place = self._places.get(jurisdiction or "")
        return (place.city, place.district) if place else (None, None)

    def _read_bodies(self) -> None:
        for node in set(self.graph.subjects(RDF.type, ORG.Organization)) | set(
            self.graph.subjects(RDF.type, ORG.OrganizationalUnit)
        ):
            jurisdiction = self._coverage(node)
            if jurisdiction is None:
                raise RegistryError(f"{self._id(node)} has no dct:coverage")
            pref, alts = self._labels(node)
            body = Body(self._id(node), pref, tuple(dict.fromkeys([pref, *alts])), jurisdiction)
            self._bodies[body.id] = body
            city, district = self._context(jurisdiction)
            for label in body.labels:
                key = name_key(label)
                where, rest, _ = self._split(key, city, district, home=jurisdiction)
                self._add(self._index, (where, rest), body.id, label)

    def _read_generic(self) -> None:
        for node in self.graph.subjects(SKOS.inScheme, GENERIC_SCHEME):
            pref, alts = self._labels(node)
            body = Body(self._id(node), pref, tuple(dict.fromkeys([pref, *alts])), "", generic=True)
            self._bodies[body.id] = body
            for label in body.labels:
                self._add(self._generic, generic_key(label), body.id, label)

    @staticmethod
    def _add(index: dict, key, value: str, label: str) -> None:
        if index.get(key, value) != value:
            raise RegistryError(f"the name {label!r} is given to both {index[key]} and {value}")
        index[key] = value

    # --- names and jurisdictions -----------------------------------------------------

    def _place_words(self, city: str | None, district: str | None) -> list[tuple[str, str]]:
        """(place as written, jurisdiction) pairs a name may start with, longest first: the
        registry's places and the document's own city and district."""
        cached = self._place_cache.get((city, district))
        if cached is not None:
            return cached
        pairs = dict(self._place_names)
        if city:
            pairs.setdefault(city, city)
            if len(city) > 2 and city.endswith("市"):
                pairs.setdefault(city[:-1], city)
            if district:
                pairs.setdefault(district, city + district)
                pairs.setdefault(city + district, city + district)
        ordered = sorted(pairs.items(), key=lambda kv: len(kv[0]), reverse=True)
        self._place_cache[(city, district)] = ordered
        return ordered

    def prefix(self, name: str, city: str | None = None, district: str | None = None) -> str | None:
        """The jurisdiction words a name starts with, as written, to distribute over a list:
        "市" for 市发展改革委 and 市委组织部, "广州市" for 广州市税务局, "黄埔区" for
        黄埔区科技局; None when the name has none (工业和信息化委, 团市委, 市场监管局)."""
        text = _PARTY.sub("", name)
        for place, _ in self._place_words(city, district):
            if text.startswith(place) and len(text) > len(place):
                return place
        if text[:2] in ("市直", "区直"):
            return text[0]
        if len(text) > 1 and text[0] in _LEVELS and not text.startswith(_NOT_A_LEVEL):
            return text[0]
        return None

    def place_in(self, text: str) -> tuple[str, str | None] | None:
        """(city, district) of the first city or district of a registry ``text`` names
        (the longest name at a place wins: 深圳市福田区 over 深圳市), or None.

        >>> Registry.load().place_in("深圳市福田区支持双碳经济高质量发展若干措施")
        ('深圳市', '福田区')
        >>> Registry.load().place_in("广州市人民政府关于落实广东省降低制造业企业成本若干政策措施")
        ('广州市', None)
        """
        best: tuple[int, int, str, str | None] | None = None
        for written, where in self._place_names.items():
            place = self._places.get(where)
            if place is None or place.city is None:
                continue  # a province names no city
            at = text.find(written)
            if at >= 0 and (best is None or (at, -len(written)) < (best[0], -best[1])):
                best = (at, len(written), place.city, place.district)
        return (best[2], best[3]) if best else None

    def _province_of(self, city: str | None) -> str:
        place = self._places.get(city or "")
        if place and place.province:
            return place.province
        return f"{city}/省" if city else "省"

    def _split(self, key: str, city: str | None, district: str | None, home: str | None = None) -> tuple[str, str, str]:
        """(jurisdiction, the name without it, level) for a name key read in a document of
        ``city``/``district`` (a registry label is read in its own jurisdiction ``home``);
        level is "place", one of 市区县省, or "" when the name has no jurisdiction words.

        >>> Registry.load()._split("市委组织部", "广州市", "黄埔区")
        ('广州市', '委组织部', '市')
        """
        text = _PARTY.sub("", key)
        for place, where in self._place_words(city, district):
            if text.startswith(place) and len(text) > len(place):
                return where, text[len(place):], "place"
        home_place = self._places.get(home or "")
        if home_place and home_place.city is None:  # a province's own body: 省政府
            here = home_place.name
            province = home_place.name
        else:
            here = f"{city}{district}" if city and district else (city or home or "")
            province = self._province_of(city)
        if text[:2] in ("市直", "区直"):
            text = text[0] + text[2:]
        level = text[:1] if len(text) > 1 and not text.startswith(_NOT_A_LEVEL) else ""
        if level == "市" and city:
            return city, text[1:], level
        if level in ("区", "县") and city:
            if district and district.endswith(level):
                return here, text[1:], level
            return f"{city}/{level}", text[1:], level
        if level == "省":
            return province, text[1:], level
        return here, text, ""

    # --- resolution ------------------------------------------------------------------

    def find(self, name: str, city: str, district: str | None = None, *, generic: bool = False) -> Body:
        """The body (or generic group) ``name`` means in a document of ``city``/``district``.
        ``generic`` says the caller read the name as a generic group (各区政府, 有关部门);
        generic groups the registry does not know get an id under ``generic/``."""
        written = _SPACE.sub("", name)
        key = name_key(written)
        gkey = generic_key(key)
        if gkey in self._generic or generic:
            found = self._generic.get(gkey)
            if found:
                return self._with_mention(self._bodies[found], written)
            digest = hashlib.sha1(gkey.encode("utf-8")).hexdigest()[:4]
            return Body(f"generic/{_slug(gkey)}-{digest}", written, (written,), "", generic=True, known=False)
        where, rest, level = self._split(key, city, district)
        tries = [(where, rest)]
        if level == "":
            tries += [(city, rest)] if district else []
        elif level == "市":
            tries.append((where, key))  # 市场监管局: the 市 belongs to the name
        for attempt in tries:
            found = self._index.get(attempt)
            if found:
                return self._with_mention(self._bodies[found], written)
        return Body(self._unknown_id(where, rest), self._written_out(written, where, level), (written,), where, known=False)

    def resolve(self, name: str, city: str, district: str | None = None) -> tuple[str, str, list[str]]:
        """(id, prefLabel, labels) of the body ``name`` means in a document of ``city`` /
        ``district``; labels start with the name as written."""
        body = self.find(name, city, district)
        return body.id, body.label, list(body.labels)

    def is_known(self, name: str, city: str, district: str | None = None) -> bool:
        """Whether the registry holds the body or generic group ``name`` means."""
        return self.find(name, city, district).known

    def body(self, id: str) -> Body:
        """The registry entry with this id (KeyError when unknown)."""
        return self._bodies[id]

    def successors(self, id: str) -> list[str]:
        """Ids of the bodies a renaming or merger made out of this one."""
        node = URIRef(ORG_BASE + id)
        return sorted(
            self._id(result)
            for event in self.graph.objects(node, ORG.changedBy)
            for result in self.graph.objects(event, ORG.resultingOrganization)
        )

    def predecessors(self, id: str) -> list[str]:
        """Ids of the bodies this one was made from by a renaming or merger."""
        node = URIRef(ORG_BASE + id)
        return sorted(
            self._id(original)
            for event in self.graph.objects(node, ORG.resultedFrom)
            for original in self.graph.objects(event, ORG.originalOrganization)
        )

    def change(self, original: str, resulting: str) -> dict | None:
        """The renaming or merger that made ``resulting`` out of ``original``: its date
        ("2019-01") and description, as the registry states them; None when there is none."""
        for event in self.graph.objects(URIRef(ORG_BASE + original), ORG.changedBy):
            if (event, ORG.resultingOrganization, URIRef(ORG_BASE + resulting)) in self.graph:
                date, description = self.graph.value(event, DCTERMS.date), self.graph.value(event, DCTERMS.description)
                return {"date": str(date) if date else None, "description": str(description) if description else None}
        return None

    def _unknown_id(self, where: str, rest: str) -> str:
        """The id of a body no registry knows: its place (the registry's id for a government
        it knows, else the place in pinyin), its name in pinyin with the last word apart, and
        four hex digits of the Chinese name, so homophones stay apart.

        >>> Registry.load()._unknown_id("苏州市", "工业和信息化局")
        'suzhou-shi/gongyehexinxihua-ju-ec44'
        """
        place = self._place_id(where)
        digest = hashlib.sha1(f"{where}/{rest}".encode("utf-8")).hexdigest()[:4]
        return f"{place}/{_slug(rest)}-{digest}"

    def _place_id(self, where: str) -> str:
        """A jurisdiction as an id path: "guangzhou/huangpu" for a government the registry
        knows, else pinyin by part ("中山市/区" → "zhongshan/qu" when 中山 is known)."""
        parts = where.split("/")
        first = parts[0]
        governments = self._government_ids()
        known = max((c for c in governments if first.startswith(c)), key=len, default=None)
        if known is None:  # a city the registry does not know, and maybe its district: 上海市徐汇区
            city = re.match(r"^(.{2,4}?市)(.+[区县])$", first)
            head = f"{_slug(city.group(1))}/{_slug(city.group(2))}" if city else _slug(first)
        elif known == first:
            head = governments[known]
        else:  # a district the registry does not know, of a city it knows: 韶关市武江区
            head = f"{governments[known]}/{_slug(first[len(known):])}"
        return "/".join([head, *(_slug(p) for p in parts[1:])]) if head else "unknown"

    def _government_ids(self) -> dict[str, str]:
        if not hasattr(self, "_governments"):
            self._governments = {
                str(c): self._id(g)
                for g in self.graph.subjects(ORG.classification, GOVERNMENT)
                for c in self.graph.objects(g, DCTERMS.coverage)
            }
        return self._governments

    @staticmethod
    def _with_mention(body: Body, written: str) -> Body:
        return Body(body.id, body.label, tuple(dict.fromkeys([written, *body.labels])), body.jurisdiction,
                    body.generic, body.known)

    def _written_out(self, written: str, where: str, level: str) -> str:
        """An unknown body's label: the name with its jurisdiction written out,
        市工业和信息化局 in a 中山 document → 中山市工业和信息化局."""
        if level in ("市", "区", "县") and "/" not in where:
            party = _PARTY.match(written)
            text = written[party.end():] if party else written
            text = text[2:] if text[:2] in ("市直", "区直") else text[1:]
            return (party.group(0) if party else "") + where + text
        return written


def generic_key(name: str) -> str:
    """A generic group's key: its jurisdiction words off, since 市相关部门 and 相关部门 are
    one group (the clause's jurisdiction is kept on the responsibility instead).

    >>> generic_key("市直各有关部门"), generic_key("广州市各区政府"), generic_key("各县（市、区）人民政府")
    ('各有关部门', '各区政府', '各县政府')
    """
    key = _PLACE_LIST.sub("", name_key(name))
    m = _GENERIC_PREFIX.match(key)
    if m and _GENERIC_HEAD.match(key[m.end():]):
        return key[m.end():]
    return key


# The last word of a body's name, kept apart in an id as the registry's ids do (gongxin-ju).
_NAME_END = re.compile(r"(?:委员会|办公室|办公厅|管委会|中心|集团|公司|委|局|办|厅|部|院|会|所|站|队|省|市|区|县)$")
_NOT_ID = re.compile(r"[^a-z0-9]+")


def _slug(name: str) -> str:
    """A Chinese name in toneless pinyin, its last word apart: 工业和信息化局 →
    gongyehexinxihua-ju, 苏州市 → suzhou-shi."""
    end = _NAME_END.search(name)
    head, tail = (name[: end.start()], end.group(0)) if end and end.start() > 0 else (name, "")
    from pypinyin import lazy_pinyin  # imported when an id is minted: ~0.3 s a reader of the registry never needs

    words = [_NOT_ID.sub("", "".join(lazy_pinyin(part)).lower()) for part in (head, tail) if part]
    return "-".join(w for w in words if w)


def registry_files(path: Path | str | None = None) -> list[Path]:
    """The registry files ``Registry.load`` reads: every ``*.ttl`` of a folder, sorted by
    name, or the one file given. Raises ``RegistryError`` when there is none."""
    where = Path(path) if path is not None else REGISTRY_DIR
    files = sorted(where.glob("*.ttl")) if where.is_dir() else [where]
    if not files or not all(f.is_file() for f in files):
        raise RegistryError(f"no registry file at {where}")
    return files
