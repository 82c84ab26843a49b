"""The conditions (申报条件) of each award rule, read from the words in front of the award
("对新设立的集成电路设计或封测企业，实缴注册资本2000万元以上的，经认定，按其实缴注册资本的5%…")
and inherited from the section preamble that governs it ("对于工商注册地…在黄埔区、广州开发区…的
IAB企业，专门给予…支持").

Each condition is typed (location, city, industry, qualification, age, threshold, growth,
window, base) with the words it was read from and their offsets into the clause text, so a
reader can check it. Words in front of an award that no reader types become an ``other``
condition that keeps its text: matching judges it only when the firm's own words speak to it,
and otherwise calls it unknown, never met by default. Procedural steps (经认定, 择优, 承诺…,
健全的财务制度, 独立法人, 独立核算) are not conditions a profile can fail.

    >>> from kg.models import Award
    >>> text = "对新设立的集成电路设计或封测企业，实缴注册资本2000万元以上的，经认定，按其实缴注册资本的5%给予奖励，最高奖励300万元。"
    >>> award = Award("reward", rate=0.05, base="实缴注册资本", start=text.index("按"), end=len(text) - 1)
    >>> [(c.kind, c.words) for c in award_conditions(text, award, "d/1").conditions]
    [('age', '新设立'), ('industry', '集成电路设计或封测企业'), ('threshold', '实缴注册资本2000万元以上'), ('base', '实缴注册资本')]
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from policykg.corpus.convert import normalize

from policykg.corpus.patterns import CLAUSE_STOPS, phrase_start

from ..lexicon import vocabulary
from .amounts import find_money

KINDS = ("location", "city", "industry", "qualification", "age", "threshold", "growth", "window", "base", "other")

# Where a sentence ends: a condition never reaches across one.
_SENTENCE = re.compile(f"[{CLAUSE_STOPS}\n]")
# The words that start the award itself ("按其…的5%", "给予", "分别给予", "一次性奖励", "的80%").
_OPERATIVE = re.compile(r"的\s*\d+(?:\.\d+)?\s*[%％]|按|分别给予|给予|一次性|奖励|补贴|补助|资助|贴息")
# "对…" opening a condition phrase at a boundary (not 针对, 相对).
_FOR = re.compile(r"(?:^|(?<=[。；，,：:）)]))\s*(?:（[一二三四五六七八九十]+）|\d+[.．、])?\s*(对于?)")
# Words that are steps of the procedure, not facts about the firm.
PROCEDURAL = re.compile(
    r"经[^，。；]{0,10}?(?:认定|审核|评审|审定|核定|批准|备案)|符合条件的?|按有关规定|按规定|择优|遴选|每年评选[^，。；]{0,10}|"
    r"承诺[^。；]*?(?=的?[\u4e00-\u9fffA-Za-z]{0,6}企业|，|。|；|$)|有健全的财务制度|健全的财务制度|具有独立法人资格|独立法人|实行独立核算|独立核算"
)
# Registration (注册地, 落户, 税务征管关系 …) in named places.
_REGISTERED = re.compile(
    r"(?:工商注册地|注册地|注册|落户|税务征管关系|统计关系|纳税)[^。；]{0,30}?在(?P<places>[\u4e00-\u9fff]{2,6}?(?:开发区|园区|区|市|县)(?:[、和与][\u4e00-\u9fff]{2,6}?(?:开发区|园区|区|市|县))*)(?:[^，。；]{0,16}?范围内)?"
)
# The city a document speaks for: 我市 / 本市 / 在穗 / 全市, with the words around them.
_CITY = re.compile(r"(?:迁入|落户|注册在|在)?(?:我市|本市|在穗|全市|穗)(?:[\u4e00-\u9fff]{0,4}?(?:企业|转化|注册|落户))?")
_DISTRICT = re.compile(r"(?:在)?(?:本区|我区|区内|全区)")
# Verbs that make what follows a property of the thing bought or taken over, not of the firm.
_OBJECT_VERB = re.compile(r"购买|采购|控股|并购|收购|兼并|使用|引进|租用|购置")


def _named_alternatives(table: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """One pattern of every (name, pattern) in ``table``, each alternative a group named by
    its name (names are identifiers: 专精特新, revenue), so ``match.lastgroup`` says which
    matched. The patterns hold no groups of their own."""
    return re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in table))


_QUALIFICATIONS = (
    ("专精特新", r"专精特新"),
    ("小巨人", r"小巨人"),
    ("高新技术企业", r"高新技术企业|高企"),
    ("科技型中小企业", r"科技型中小企业"),
    ("上市", r"上市(?:公司|企业)?"),
    ("新三板", r"全国中小企业股份转让系统|新三板"),
    ("挂牌", r"挂牌"),
    ("规模以上", r"规模以上|规上企业"),
    ("独角兽", r"独角兽"),
    ("瞪羚", r"瞪羚"),
    ("企业技术中心", r"企业技术中心"),
    ("制造业创新中心", r"制造业创新中心"),
    ("技术创新中心", r"技术创新中心"),
    ("工程技术研究中心", r"工程技术研究中心"),
    ("重点实验室", r"重点实验室"),
    ("工程实验室", r"工程实验室"),
    ("工程研究中心", r"工程研究中心"),
    ("新型研发机构", r"新型研发机构"),
)
_QUALIFICATION = _named_alternatives(_QUALIFICATIONS)
_MARKET = re.compile(r"在[^，。；]{0,12}?(?:市场|交易所|板)")
_LEVEL = re.compile(r"(国家级|国家|省级|省|市级|区级)[“”\"「」]?$")
_RECENT = re.compile(r"(新认定|新获评|新获得|新上市|首次|新进入|新入选|新)(?:的|为)?[^，。；]{0,10}$")

_AGE_NEW = re.compile(r"新设立|新注册|新成立|新落户|新引进")
_AGE_YEARS = re.compile(r"成立(?:时间)?(?:不满|不超过|未满|在)?(?P<n>\d+|[一二两三四五六七八九十])年(?:以内|之内|内)")
NEW_FIRM_YEARS = 3  # 新设立 read as: registered within this many years of the date asked
MORE_WORDS = 3  # characters a partly typed segment must have left to be a condition of its own

_METRICS = (
    ("paid_in_capital", r"实缴注册资本|实缴资本|注册资本"),
    ("revenue", r"主营业务收入|营业收入|销售收入|营收"),
    ("output_value", r"工业总产值|产值"),
    ("rd_expense", r"研发投入|研发费用|研发经费|研究开发费用"),
    ("investment", r"固定资产投资|投资总额|投资额|设备投资"),
    ("employees", r"从业人员|员工|职工"),
)
_METRIC = _named_alternatives(_METRICS)
_AT_LEAST = re.compile(r"(?:达到|超过|不低于|不少于|在)?\s*$")
_ABOVE_AFTER = re.compile(r"\s*(?:\(含\)|（含）)?(?:及)?以上")
_PREVIOUS_YEAR = re.compile(r"上年度|上一年度|上年|前一年")
_GROWTH = re.compile(r"(?:同比)?增长(?:率)?(?:达到|超过|不低于)?\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％]以上")
_FIRST_EXCEED = re.compile(r"首次(?:突破|超过|达到)")
_DATE = r"\d{4}年\d{1,2}月\d{1,2}日"
_WINDOW = re.compile(rf"(?P<a>{_DATE})(?:起)?(?:至|到|—|－|-|~)(?P<b>{_DATE})")
_BREAK = re.compile(r"[，,；。]")
_BREAK_OF = re.compile(r"[，,；。的、]")
_STOP = re.compile(r"[对于的在和及与或等、，,：:（）()“”\"「」《》\s]|企业|单位|机构|公司|项目|支持|鼓励|开展|进行|相关|有关|其|每年|每家|最高|另行|分别|给予|奖励|补贴|补助|资助|采用|方式|左右|[\d.%％]+|万元|亿元|元|家|个")


@dataclass
class Condition:
    """One condition of an award rule, typed where a reader could type it."""

    kind: str  # one of KINDS
    words: str  # the words it was read from, as in the clause's normalised text
    clause: str  # id of the clause holding the words (the award's, or a preamble above it)
    start: int  # offsets of ``words`` in that clause's text
    end: int
    inherited: bool = False  # read from a preamble or heading above the award's clause
    scope: str = "firm"  # "firm", or "item": it qualifies the thing bought / taken over / counted
    places: list[str] = field(default_factory=list)  # location / city: place names as written
    terms: list[str] = field(default_factory=list)  # industry: concept ids (any of); qualification: core terms (all of)
    level: str | None = None  # qualification: 国家级, 省级, 市级
    recent: bool = False  # qualification: 新认定 / 新上市 / 首次
    metric: str | None = None  # threshold / base: paid_in_capital, revenue, output_value, rd_expense, investment, employees, items
    year: str | None = None  # threshold: "current" (当年: the year of the stated figures) or "previous" (上年度)
    min_value: float | None = None  # threshold: lower bound (yuan, or people); growth: first-exceed amount
    max_years: float | None = None  # age: registered at most this many years before the date asked
    growth_rate: float | None = None  # growth: year-on-year growth at least this fraction
    window: tuple[str, str] | None = None  # window: ISO dates
    negated: list[str] = field(default_factory=list)  # other/item: 非关联 → ["关联"]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, row: dict) -> "Condition":
        row = dict(row)
        if row.get("window"):
            row["window"] = tuple(row["window"])
        return cls(**row)


@dataclass
class AwardConditions:
    """The conditions of one award of a clause (``award``: its index in the clause's awards)."""

    award: int
    conditions: list[Condition] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"award": self.award, "conditions": [c.to_dict() for c in self.conditions]}

    @classmethod
    def from_dict(cls, row: dict) -> "AwardConditions":
        return cls(row["award"], [Condition.from_dict(c) for c in row["conditions"]])


# --------------------------------------------------------------------------- the award's own words


def award_conditions(text: str, award, clause_id: str, index: int = 0, *, inherited: list[Condition] | None = None) -> AwardConditions:
    """The conditions of ``award`` (a ``kg.models.Award`` with offsets into ``text``): those
    in front of it in its sentence, the base its rate applies to, and ``inherited`` ones."""
    start, end = condition_region(text, award)
    found = read_conditions(text, start, end, clause_id)
    if start > 0 and (re.search(r"符合条件", text[start:end]) or not found):
        # "对符合条件的企业，按…": the conditions are what the clause said before
        # (对集成电路企业流片费用…; 开展超高清视频产业强链补链工程…)
        found = [
            c for c in read_conditions(text, 0, start, clause_id, keep_other=False)
            if c.kind in ("industry", "qualification", "location", "city") and c.scope == "firm"
        ] + found
    tiers = getattr(award, "tiers", None)
    if tiers and not any(c.kind == "threshold" for c in found):
        found.append(_tier_threshold(text, award, clause_id))
    if getattr(award, "base", None) and (award.rate is not None or tiers):
        found.append(_base(text, award, clause_id, found))
    seen: set[tuple[str, str]] = set()
    unique = []
    for c in [*(inherited or []), *found]:
        if (c.kind, c.words) not in seen:
            seen.add((c.kind, c.words))
            unique.append(c)
    return AwardConditions(index, unique)


def condition_region(text: str, award) -> tuple[int, int]:
    """[start, end) of the words that state who and what the award is for: from the "对…"
    that opens its phrase (within its sentence) to where the award's own wording begins."""
    a_start = max(0, min(award.start, len(text)))
    words = text[a_start : award.end]
    m = _OPERATIVE.search(words)
    end = a_start + (m.start() if m else 0)
    sentence = 0
    for s in _SENTENCE.finditer(text, 0, a_start):
        sentence = s.end()
    start = sentence
    for f in _FOR.finditer(text, sentence, end):
        start = f.start(1)
    if start == sentence and end > a_start:
        # the award's words open with their own "对…" (对企业研发MPW直接费用的80%…)
        own = re.match(r"\s*(?:（[一二三四五六七八九十]+）)?\s*对于?", words)
        if own:
            start = a_start + own.end() - (2 if words[own.end() - 2 : own.end()] == "对于" else 1)
    return start, max(start, end)


def read_conditions(text: str, start: int, end: int, clause_id: str, *, inherited: bool = False, keep_other: bool = True) -> list[Condition]:
    """Typed conditions in ``text[start:end]``, and the segments no reader typed (``other``)."""
    found: list[Condition] = []
    region = text[start:end]
    covered: list[tuple[int, int]] = [(m.start() + start, m.end() + start) for m in PROCEDURAL.finditer(region)]

    def add(c: Condition) -> None:
        found.append(c)
        covered.append((c.start, c.end))

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in covered)

    for m in _REGISTERED.finditer(text, start, end):
        places = re.findall(r"[\u4e00-\u9fff]{2,6}?(?:开发区|园区|区|市|县)", m.group("places"))
        add(Condition("location", m.group(0), clause_id, m.start(), m.end(), inherited, places=places))
    for m in _CITY.finditer(text, start, end):
        if free(m.start(), m.end()):
            add(Condition("city", m.group(0), clause_id, m.start(), m.end(), inherited, scope=_scope(text, start, m.start())))
    for m in _DISTRICT.finditer(text, start, end):
        if free(m.start(), m.end()):
            add(Condition("location", m.group(0), clause_id, m.start(), m.end(), inherited, scope=_scope(text, start, m.start()), places=["本区"]))
    for m in _WINDOW.finditer(text, start, end):
        from policykg.corpus.documents import parse_date

        a, b = parse_date(m.group("a")), parse_date(m.group("b"))
        if a and b:
            add(Condition("window", m.group(0), clause_id, m.start(), m.end(), inherited, window=(a, b)))
    for m in _AGE_YEARS.finditer(text, start, end):
        from policykg.corpus.patterns import chinese_number

        add(Condition("age", m.group(0), clause_id, m.start(), m.end(), inherited, max_years=float(chinese_number(m.group("n")) or 0)))
    for m in _AGE_NEW.finditer(text, start, end):
        if free(m.start(), m.end()) and _names_firm(text, m.end(), end):
            add(Condition("age", m.group(0), clause_id, m.start(), m.end(), inherited, max_years=float(NEW_FIRM_YEARS)))
    _thresholds(text, start, end, clause_id, inherited, add, free)
    _qualifications(text, start, end, clause_id, inherited, add, free)
    _industries(text, start, end, clause_id, inherited, add, free)
    if keep_other:
        found += _others(text, start, end, clause_id, inherited, covered, found)
    return sorted(found, key=lambda c: c.start)


def _scope(text: str, start: int, at: int) -> str:
    """"item" when a buying / taking-over verb comes before ``at`` in its segment."""
    seg = re.split(r"[，,]", text[start:at])[-1]
    return "item" if _OBJECT_VERB.search(seg) else "firm"


def _names_firm(text: str, at: int, end: int) -> bool:
    """新设立 / 新落户 … about a firm (…企业, …公司), not a project (新建立的…项目)."""
    seg = re.split(r"[，,。；]", text[at:end])[0]
    return bool(re.search(r"企业|公司|机构", seg)) or not re.search(r"项目", seg)


def _thresholds(text, start, end, clause_id, inherited, add, free) -> None:
    for money in find_money(text[start:end]):
        s, e = money.start + start, money.end + start
        above = _ABOVE_AFTER.match(text, e)
        before = text[max(start, s - 30) : s]
        reach = re.search(r"(?:达到|(?<!不)超过|不低于|不少于)\s*$", before)
        listed = text[e : e + 1] == "、"
        if not (above or reach):
            continue
        seg_start = phrase_start(text, s, start, _BREAK_OF)
        words_end = above.end() if above else e
        if listed:  # a tier list (达到1亿元、3亿元…): the lowest tier is the threshold
            tail = re.match(r"(?:[、和及]\s*\d+(?:\.\d+)?\s*[万亿]?元)+", text[e:])
            words_end = e + (tail.end() if tail else 0)
        if not free(s, e):
            continue
        head = text[seg_start:s]
        metric = _metric(head) or "items"
        year = "previous" if _PREVIOUS_YEAR.search(head) else "current"
        while seg_start < s and text[seg_start] in "对于":
            seg_start += 1
        add(Condition("threshold", text[seg_start:words_end], clause_id, seg_start, words_end, inherited,
                      metric=metric, year=year, min_value=float(money.yuan), scope="firm" if metric != "items" else "item"))
    for m in _GROWTH.finditer(text, start, end):
        seg_start = phrase_start(text, m.start(), start, _BREAK)
        add(Condition("growth", text[seg_start:m.end()], clause_id, seg_start, m.end(), inherited,
                      metric=_metric(text[seg_start:m.end()]) or "revenue", growth_rate=float(m.group("pct")) / 100))
    for m in _FIRST_EXCEED.finditer(text, start, end):
        after = next(iter(find_money(text[m.end() : min(end, m.end() + 12)])), None)
        if after is None:
            continue
        money = after
        seg_start = phrase_start(text, m.start(), start, _BREAK)
        e = m.end() + money.end
        add(Condition("growth", text[seg_start:e], clause_id, seg_start, e, inherited,
                      metric=_metric(text[seg_start:e]) or "revenue", min_value=float(money.yuan)))


def _metric(words: str) -> str | None:
    found = None
    for m in _METRIC.finditer(words):
        found = m
    if found is None:
        return None
    return found.lastgroup


def _qualifications(text, start, end, clause_id, inherited, add, free) -> None:
    hits = [m for m in _QUALIFICATION.finditer(text, start, end)]
    used = set()
    for i, m in enumerate(hits):
        if i in used:
            continue
        terms = [str(m.lastgroup)]
        s, e = m.start(), m.end()
        # terms written together (国家级专精特新“小巨人”企业) are one qualification
        for j in range(i + 1, len(hits)):
            gap = text[e : hits[j].start()]
            if len(gap) <= 3 and not re.search(r"[，,、；。或和及]", gap):
                terms.append(str(hits[j].lastgroup))
                e = hits[j].end()
                used.add(j)
            else:
                break
        if m.group(0) == "上市" and re.match(r"[\u4e00-\u9fff]", text[m.end() : m.end() + 1] or "。") and text[m.end()] not in "的公企":
            continue  # 上市… as a verb of a product (产品上市) is no qualification
        head = text[max(start, s - 12) : s]
        level = _LEVEL.search(head)
        recent = bool(_RECENT.search(head)) or "新上市" in text[max(start, s - 1) : e]
        seg = phrase_start(text, s, start, _BREAK)
        w_start = max(seg, s - (len(head) - (level.start() if level else len(head))))
        market = _MARKET.search(text, seg, s)
        if market and "上市" in terms:  # 在境内外证券市场新上市: where it lists is part of the qualification
            w_start = min(w_start, market.start())
        if recent:
            r = _RECENT.search(head)
            w_start = min(w_start, s - (len(head) - r.start())) if r else w_start
        w_start = max(w_start, seg)
        if not free(s, e):
            continue
        tail = re.match(r"[“”\"」]?(?:中小企业|企业|公司)?", text[e:end])
        e2 = e + (tail.end() if tail else 0)
        level_word = {"国家": "国家级", "省": "省级"}.get(level.group(1), level.group(1)) if level else None
        if level and re.search(r"(?:国家级|省级|市级)[、和及与]", head):
            level_word = None  # 国家级、省级…中心: either level (the amounts differ, not the condition)
        add(Condition("qualification", text[w_start:e2], clause_id, w_start, e2, inherited, terms=terms, level=level_word, recent=recent))


def _industries(text, start, end, clause_id, inherited, add, free) -> None:
    mentions = [m for m in vocabulary().find(text[start:end], hidden=False) if m.concept.scheme == "industry"]
    groups: list[list] = []
    for m in mentions:
        s, e = m.start + start, m.end + start
        follow = re.match(r"[^，,。；]{0,4}?(?:企业|领域|产业(?!化)|行业|项目|单位|机构)", text[e:end])
        if not (follow or re.search(r"(?:产业|领域|行业)$", m.words)) or not free(s, e):
            continue
        if groups and re.fullmatch(r"[或、和及与]|[^，,。；]{0,2}(?:或|、)", text[groups[-1][-1][1] : s] or "x"):
            groups[-1].append((s, e, m))
        else:
            groups.append([(s, e, m)])
    for group in groups:
        s, e = group[0][0], group[-1][1]
        tail = re.match(r"(?:领域|产业|行业)?(?:企业|项目)?", text[e:end])
        e2 = e + (tail.end() if tail else 0)
        add(Condition("industry", text[s:e2], clause_id, s, e2, inherited, scope=_scope(text, start, s),
                      terms=[m.concept.id for _, _, m in group]))


def _others(text, start, end, clause_id, inherited, covered, found) -> list[Condition]:
    """Segments of the region that no reader typed: kept as text. A segment that holds a
    typed condition is covered by it, except for a negation in it (非关联)."""
    out = []
    for m in re.finditer(r"[^，,。；]+", text[start:end]):
        s, e = m.start() + start, m.end() + start
        inner = [c for c in found if s <= c.start < e]
        rest = "".join(ch for i, ch in enumerate(text[s:e], start=s) if not any(a <= i < b for a, b in covered))
        negated = re.findall(r"非([\u4e00-\u9fff]{2})", rest)
        # a segment a typed condition covers in part keeps the rest when it says more
        # (对在本区生产的药品…获得…许可的: the place is typed, the licence is not)
        if len(_STOP.sub("", rest)) < (MORE_WORDS if inner else 2) and not negated:
            continue
        words = text[s:e].lstrip("对于").strip()
        if re.fullmatch(r"[（(][^）)]*[）)]", words):
            continue  # an explanation in brackets (包括…等形式)
        # the words no reader typed, which matching looks for in the firm's own words
        runs = re.split(r"\x00+", "".join(ch if not any(a <= i < b for a, b in covered) else "\x00" for i, ch in enumerate(text[s:e], start=s)))
        pieces = [r.strip("对于的") for r in runs if len(_STOP.sub("", r)) >= 2]
        out.append(Condition("other", words, clause_id, e - len(words), e, inherited, scope="item", negated=negated, terms=pieces))
    return out


def _tier_threshold(text: str, award, clause_id: str) -> Condition:
    lowest = min(award.tiers, key=lambda t: t.threshold_yuan)
    words = award.text or text[award.start : award.end]
    m = re.search(r"[^，,。；]*?达到[^，,。；]*?元", words)
    w = m.group(0).lstrip("对于") if m else words
    s = text.find(w, award.start)
    metric = _metric(w) or ("items" if award.base is None else (_metric(award.base) or "items"))
    return Condition("threshold", w, clause_id, max(s, 0), max(s, 0) + len(w), metric=metric,
                     year="previous" if _PREVIOUS_YEAR.search(w) else "current", min_value=float(lowest.threshold_yuan),
                     scope="firm" if metric != "items" else "item")


def _base(text: str, award, clause_id: str, found: list[Condition]) -> Condition:
    s = text.find(award.base, award.start)
    s = s if s >= 0 else award.start
    return Condition("base", award.base, clause_id, s, s + len(award.base), metric=_metric(award.base) or "items", scope="item")


# --------------------------------------------------------------------------- what a preamble states


_PREAMBLE_SUBJECT = re.compile(r"对于?(?P<subject>[^。；]{4,200}?)(?:，)?(?:专门)?(?:给予|予以|享受)")


def preamble_conditions(text: str, clause_id: str) -> list[Condition]:
    """Conditions a section preamble sets for everything under it: the "对于…的…企业，(专门)给予…"
    statement of who the section's policies are for, when it names where firms must be
    registered. Other preambles (goals, background) set none."""
    out: list[Condition] = []
    for m in _PREAMBLE_SUBJECT.finditer(text):
        s, e = m.start("subject"), m.end("subject")
        if not _REGISTERED.search(text, s, e):
            continue
        out += [c for c in read_conditions(text, s, e, clause_id, inherited=True, keep_other=False)]
    return out


def document_city(title: str | None, issuer: str | None) -> str | None:
    """The city a document's heading names (广州市人民政府…, 广州市…行动计划), or None."""
    heading = normalize(" ".join(filter(None, [issuer, title])))
    m = re.search(r"([\u4e00-\u9fff]{2,4}?市)(?=人民政府|政府|[\u4e00-\u9fff]{0,20}(?:办法|意见|计划|方案|通知|导则|规定|措施|政策))", heading)
    return m.group(1) if m else None


def clause_conditions(text: str, awards: list, clause_id: str, inherited: list[Condition] | None = None) -> list[AwardConditions]:
    """The conditions of every award of a clause."""
    return [award_conditions(text, award, clause_id, i, inherited=inherited) for i, award in enumerate(awards)]


__all__ = [
    "AwardConditions",
    "Condition",
    "award_conditions",
    "clause_conditions",
    "condition_region",
    "document_city",
    "preamble_conditions",
    "read_conditions",
]
