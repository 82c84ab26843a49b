"""Extraction over a whole corpus: each clause read for departments, awards, targets and
defined terms, knowing which document (and so which city or district) it comes from."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from policykg.corpus.models import Clause, Document

from .extract.abbreviations import find_abbreviations
from .extract.awards import extract_awards
from .extract.conditions import clause_conditions, preamble_conditions
from .extract.departments import document_convention, extract_departments
from .extract.registry import Registry
from .extract.targets import TABLE_HEADER, extract_table_targets, extract_targets, target_year
from .models import ClauseFacts, DocumentContext, SegmentFacts
from .lexicon import number_prefixes
from .places import Place, places
from .segments import find_segments

# A document names its city in its issuer or title, or calls it 我市/本市 and names it in
# its text; when none of these says, it has no city (no default: a national law or another
# city's text is not Guangzhou's).
_CITY = re.compile(r"([\u4e00-\u9fff]{2,6}?市)(?:人民政府|政府|委|局|办|[\u4e00-\u9fff]{0,6}(?:委员会|办公厅|办公室))")
# A title that starts with its place: 中山市推动中小微工业企业高质量发展的若干措施.
_LEADING_CITY = re.compile(r"^(?:关于印发)?《?([\u4e00-\u9fff]{2,3}?市)(?!场|民|级)")
# Zones that end in 区 without being a district: 价值创新园区, 试验区, 示范区, 片区.
_NOT_A_DISTRICT = ("园区", "片区", "景区", "社区", "校区", "城区", "试验区", "示范区", "集聚区", "功能区")
_OWN_CITY = re.compile(r"我市|本市|全市")
# A city named as a government or as the owner of a body: 深圳市人民政府, 中山市工业和信息化局.
_NAMED_CITY = re.compile(r"([\u4e00-\u9fff]{2,3}?市)(?=人民政府|政府|[\u4e00-\u9fff]{0,8}(?:局|委员会|办公室|办公厅))")
_OWN_DISTRICT = re.compile(r"我区|本区")  # not 全区: a city plan says 覆盖全区 of its zones
_NAMED_DISTRICT = re.compile(r"([\u4e00-\u9fff]{2,3}区)(?:、|，)")


def document_context(
    document: Document, clauses: list[Clause], default_city: str | None = None, registry: Registry | None = None
) -> DocumentContext:
    """Jurisdiction and role convention of a document, read from its metadata and text: the
    division of China its issuer names, or its title starts with or names as a body's owner
    (上海市普陀区人民政府, 中国（上海）自由贸易试验区…, 新疆维吾尔自治区质监局; ``kg.places``),
    refined by the places a registry knows (深圳市福田区…, 广州开发区), else a city named
    there (a title starting 中山市…), else — when the text calls it 我市/本市 — the city its
    text names most, else
    ``default_city`` (None: a national law, or a document that names no city, has no city;
    its 市…局 are no one city's bodies). A county-level city (昆山市) is the city whose 市…局
    its text names; a province's own document has a province and no city."""
    heading = " ".join(filter(None, [document.issuer, document.title]))
    text = "".join(c.text for c in clauses)
    named = _named_division(document.issuer or "", document.title or "") or _number_division(document.number)
    # the registry's places refine it (广州开发区 is 黄埔区), where the document names one
    known = registry.place_in(heading) if registry is not None and named is not None else None
    city, district, province = _division_context(named)
    if known:
        city, district = known[0], known[1] or (district if city == known[0] else None)
    city = city or _first(_CITY, heading) or _first(_LEADING_CITY, document.title or "")
    if city is None and province is None and _OWN_CITY.search(text):
        city = _most_named_city(text)
    city = city or default_city
    if district is None and _OWN_DISTRICT.search(text):
        # "黄埔区、广州开发区全力推动…结合我区实际": the district the text calls its own
        district = next((m.group(1) for m in _NAMED_DISTRICT.finditer(text[:2000])
                         if not m.group(1).endswith(_NOT_A_DISTRICT)), None)
    return DocumentContext(
        document_id=document.id,
        title=document.title,
        issuer=document.issuer,
        city=city,
        district=district,
        province=_province_of(city) if city else province,
        first_listed_leads=document_convention(text),
        date=document.date,
    )


# What a place is followed by when it owns a body: 上海市普陀区人民政府, 海口市水务局.
_BODY_AFTER = re.compile(r"(?:人民政府|政府|委员会|管委会|[\u4e00-\u9fff]{0,10}?(?:委|局|厅|办公室|办))")
# What a title may start with before the place it speaks for.
_TITLE_OPENING = re.compile(r"^(?:关于印发)?《?")


def _named_division(issuer: str, title: str) -> Place | None:
    """The division a document speaks for: the first one its issuer names (中国（上海）自由
    贸易试验区…管理委员会 is Shanghai's), else the first one its title names as the owner of a
    body (海口市水务局关于…) or starts with (上海市浦东新区促进…规定), or the district printed
    right after it (上海市普陀区, 广州市黄埔区). A place named inside a title's subject (国务院
    关于支持深圳建设…) is what the document is about, not whose it is."""
    named = places().find(issuer)
    found = named
    if not found:
        named = places().find(title)
        opening = _TITLE_OPENING.match(title)
        found = [f for f in named if f[2] == (opening.end() if opening else 0) or _BODY_AFTER.match(title, f[3])]
    if not found:
        return None
    first, _, _, end = found[0]
    after = next((p for p, _, start, _ in named if start == end), None)
    return after if after is not None and places().within(after, first) else first


# A 文号 of a government itself: 深府规〔2021〕9号, 沪府发, 京政发 (not 深府办规: an office's).
_GOVERNMENT_NUMBER = re.compile(r"^(?P<place>[\u4e00-\u9fff])(?:府|政)(?:发|规|函|令|字|文)?〔")


def _number_division(number: str | None) -> Place | None:
    """The division a 文号 opens with the character of (沪自贸临管规范〔2023〕4号 is
    Shanghai's, 深府规〔2021〕9号 Shenzhen's): the lexicon's 发文机关代字; for a document
    whose issuer and title name no place."""
    found = number_prefixes().get(number[0]) if number else None
    return places().by_id.get(found) if found else None


def number_issuer(number: str | None) -> str | None:
    """The government a 文号 of its own names (深府规〔2021〕9号 -> 深圳市人民政府), for a
    document that prints no issuer; None for any other body's 文号 (an office's, a bureau's).

    >>> number_issuer("深府规〔2021〕9号"), number_issuer("京政发〔2023〕5号"), number_issuer("深府办规〔2022〕3号")
    ('深圳市人民政府', '北京市人民政府', None)
    """
    m = _GOVERNMENT_NUMBER.match(number or "")
    place = _number_division(number) if m else None
    return f"{place.label}人民政府" if place is not None else None


def _division_context(place: Place | None) -> tuple[str | None, str | None, str | None]:
    """(city, district, province) of a division: a district's city is the one above it,
    but a county-level city (昆山市) is the city whose 市…局 its documents name; a
    municipality (北京市) is a city as well as a province."""
    if place is None:
        return None, None, None
    if place.level == "province":
        place = places().resolve(place.label) or place  # the city of the same name, if any
    lineage = places().lineage(place)
    province = next((p.label for p in lineage if p.level == "province"), None)
    if place.level == "province":
        return None, None, province
    if place.level == "city" or place.label.endswith("市"):
        return place.label, None, province
    city = next((p.label for p in lineage if p.level == "city"), None)
    return city, place.label, province


def _province_of(city: str | None) -> str | None:
    """The province of a city named by a registry or a pattern (None when no division list
    knows the name)."""
    place = places().resolve(city) if city else None
    return next((p.label for p in places().lineage(place) if p.level == "province"), None)


def jurisdiction(context: DocumentContext) -> str | None:
    """The place a document speaks for, written out from the province down, as a user
    types a piece of it: "广东省深圳市", "上海市普陀区" (a municipality is its own province),
    "新疆维吾尔自治区"; None when the document names none (a national law)."""
    parts = [context.province, context.city, context.district]
    out: list[str] = []
    for part in parts:
        if part and (not out or out[-1] != part):
            out.append(part)
    return "".join(out) or None


# Words a city name may follow in prose, which the three-character form would take in
# (由北京市… → 北京市).
_BEFORE_A_CITY = re.compile(r"^(?:由|在|对|和|与|及|经|的|是|为|以|从|向|将|按|请|并|同)")


def _most_named_city(text: str) -> str | None:
    names = (_BEFORE_A_CITY.sub("", m.group(1)) for m in _NAMED_CITY.finditer(text))
    counts = Counter(n for n in names if len(n) > 2 and n not in ("我市", "本市", "全市"))
    return counts.most_common(1)[0][0] if counts else None


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group(1) if m else None


def extract_facts(
    documents: list[Document],
    clauses: list[Clause],
    registry: Registry,
    progress: Callable[[str], None] | None = None,
) -> dict[str, ClauseFacts]:
    """Facts of every clause, keyed by clause id."""
    by_document: dict[str, list[Clause]] = {}
    for clause in clauses:
        by_document.setdefault(clause.document, []).append(clause)
    facts: dict[str, ClauseFacts] = {}
    for document in documents:
        own = by_document.get(document.id, [])
        # read here, where the division list and the lexicon are at hand
        document.issuer = document.issuer or number_issuer(document.number)
        context = document_context(document, own, registry=registry)
        document.jurisdiction = jurisdiction(context)
        preambles = _first_preambles(own)
        for clause in own:
            above = preambles.get(tuple(clause.path[:-1])) if clause.kind == "item" else None
            year = target_year(above) if above else None
            facts[clause.id] = clause_facts(clause, context, registry, year)
        attach_conditions(own, facts)
    return facts


def attach_conditions(clauses: list[Clause], facts: dict[str, ClauseFacts]) -> None:
    """The conditions of every award of a document's clauses (in place): each award's own,
    and those a preamble sets for the section it heads (三、政策支持's "对于工商注册地…在黄埔区…的
    IAB企业"), which every clause under that heading inherits."""
    set_by = {path: preamble_conditions(c.text, c.id) for path, c in _first_preamble_clauses(clauses).items()}
    for clause in clauses:
        found = facts.get(clause.id)
        if found is None or not found.awards:
            continue
        inherited = [
            condition
            for depth in range(1, len(clause.path) + (clause.kind != "preamble"))
            for condition in set_by.get(tuple(clause.path[:depth]), [])
            if condition.clause != clause.id
        ]
        found.conditions = clause_conditions(clause.text, found.awards, clause.id, inherited)


def clause_facts(clause: Clause, context: DocumentContext, registry: Registry, year: int | None = None) -> ClauseFacts:
    """The facts of one clause, and of each of its segments. ``year`` is the target year
    the heading above states ("到2022年" in the preamble of 总体目标) for targets that do
    not repeat it."""
    text = clause.text
    if clause.kind == "table":
        return _table_facts(clause, context, registry)
    found = ClauseFacts(
        clause_id=clause.id,
        responsibilities=extract_departments(text, context, registry),
        awards=extract_awards(text),
        targets=extract_targets(text, year=year),
        abbreviations=find_abbreviations(text),
    )
    for segment in find_segments(text, context, registry, numbered=clause.number is not None, paragraphs=clause.paragraphs):
        part = text[segment.start : segment.end]
        found.segments.append(
            SegmentFacts(
                start=segment.start,
                end=segment.end,
                responsibilities=extract_departments(part, context, registry),
                awards=extract_awards(part),
                targets=extract_targets(part, year=target_year(text[: segment.start]) or year),
            )
        )
    return found


def _table_facts(clause: Clause, context: DocumentContext, registry: Registry) -> ClauseFacts:
    """A flattened indicator table: targets per row and year, departments from its
    牵头单位 column; each row is a segment of its own."""
    text = clause.text
    targets = extract_table_targets(text)
    found = ClauseFacts(clause_id=clause.id, responsibilities=extract_departments(text, context, registry), targets=targets)
    header = TABLE_HEADER.search(text)
    rows = sorted({(t.start, t.end) for t in targets})
    if header is None or len(rows) < 2:
        return found
    for start, end in rows:
        found.segments.append(
            SegmentFacts(
                start=start,
                end=end,
                responsibilities=extract_departments(f"{header.group('header')}\n{text[start:end]}", context, registry),
                targets=[t for t in targets if (t.start, t.end) == (start, end)],
            )
        )
    return found


def _first_preamble_clauses(clauses: list[Clause]) -> dict[tuple[str, ...], Clause]:
    """The preamble that opens each heading path: one printed before anything under it. A
    lead-in printed later under the same heading ("围绕…，实施8大工程：" after the —— bullets,
    before （一）…) introduces only the items after it, and a document's closing paragraph
    comes after all of it: neither speaks for the whole section."""
    first: dict[tuple[str, ...], Clause] = {}
    opened: set[tuple[str, ...]] = set()  # paths with a clause under them already
    for clause in clauses:
        path = tuple(clause.path)
        if clause.kind == "preamble" and path not in opened:
            first.setdefault(path, clause)
        opened.update(path[:depth] for depth in range(len(path)))
    return first


def _first_preambles(clauses: list[Clause]) -> dict[tuple[str, ...], str]:
    return {path: clause.text for path, clause in _first_preamble_clauses(clauses).items()}
