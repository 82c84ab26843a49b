"""Quantified goals in a clause: '到2022年，建成100家平台', '总规模超10000亿元'.

A quantity (money in yuan, a percentage as a ratio, a count with its unit) is a target when
a target year governs it: the last year phrase before it in the clause (到2022年,
2025年，…, 到2019年底; one year stated once covers the list after it), or else the year the
caller inherits from the enclosing preamble (``year``; see ``target_year``). Not targets:
quantities in quotes or parentheses (“8588”计划, “5个一批”), attributive amounts
(主营业务收入5亿元以上的企业, 规模不小于10亿元的基金), awards and budgets (给予…补贴,
安排财政经费1亿元), selections (遴选10家), changes of a rate (从8%降到6.5%) and base years
(比2015年, 在2020年基础上).

Indicator tables (a header row with year columns, such as 类别 目标 单位 2018年 2019年
牵头单位) give one target per row and year column, see ``extract_table_targets``.

    >>> [(t.value, t.unit, t.year) for t in extract_targets("到2022年，建成100家IAB重点创新平台。")]
    [(100.0, '家', 2022)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from policykg.kg.extract.amounts import ARABIC, find_counts, find_money, find_rates, parse_number
from policykg.corpus.patterns import phrase_end, phrase_start
from policykg.kg.extract.amounts import PHRASE_BREAK as SEGMENT_BREAK
from policykg.kg.models import Target

# A year that sets the horizon of what follows: 到2022年, 至2025年底, 力争到2020年,
# 2025年，… (a year opening a sentence or segment). Not a date (2019年6月), a span
# (2023—2025年), a base (比2015年, 在2020年基础上, 2020年以来) or an event (将于2019年).
_YEAR = r"(?P<year>20\d{2})\s*年(?:底|末|前)?"
_NOT_BASE = r"(?!\s*(?:基础上|以来|相比|水平|同期))"
HORIZON_YEAR = re.compile(rf"(?:到|至|截至|截止到?)\s*{_YEAR}{_NOT_BASE}")
OPENING_YEAR = re.compile(
    rf"(?:^|(?<=[，。；：\n]))\s*(?:力争|争取|预计|计划)?(?:在)?\s*{_YEAR}(?![\d月—–\-~～至到]){_NOT_BASE}"
)
# Before the year: a base or event (比2015年, 在2020年, 于2019年), or the first year of a
# span (2018年至2022年底).
NOT_HORIZON_BEFORE = re.compile(r"(?:比|较|与|在|自|从|于|同|年\s*[至到]|年\s*[—–\-~～])\s*$")

# Context that makes a quantity something other than a goal.
QUOTED = re.compile(r"“[^”]*”|《[^》]*》|（[^（）]*）|\([^()]*\)")
ATTRIBUTIVE_AFTER = re.compile(r"^\s*(?:（含）)?(?:及)?(?:以上|以下|左右)?的(?!比重|比例)")
AWARD_CONTEXT = re.compile(r"给予|予以|奖励|补贴|补助|贴息|资助|扶持资金")
BUDGET_BEFORE = re.compile(r"安排|投入|出资|筹集|募集")
SELECTION = re.compile(r"遴选|评选|择优|排名|前\s*\d")
CHANGE = re.compile(r"从[^，。；]*?(?:降|下调|调整|提高|减|升)")
PER_UNIT_BEFORE = re.compile(r"每\s*$")

# Bounds: a target is a minimum (超, 超过, 突破, 不少于, 达到, 以上 …) unless the text says
# otherwise: 不超过, 以下, 以内, 控制在 → max; 左右 → exact.
MAX_BEFORE = re.compile(r"(?:不超过|不高于|(?<!不)低于|(?<!不)少于|控制在|(?<!不)小于)\s*$")
MAX_AFTER = re.compile(r"^\s*(?:以下|以内)")
EXACT_AFTER = re.compile(r"^\s*左右")
RESPECTIVELY = re.compile(r"分别")
VERB_BEFORE = re.compile(
    r"(?:超过|超|突破|不少于|不低于|至少|达到|达|大于|高于|逾|不超过|不高于|低于|少于|控制在|小于|实现|为|约|分别|力争)+\s*$"
)
LEAD_FILLER = re.compile(r"^(?:其中|力争|争取|确保|实现|同时|并|以及|全面|基本)+")
ITEM_NUMBER = re.compile(r"^\s*(?:\d{1,3}[.、．]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|——)")

# Indicator tables: a header row with a unit column and year columns.
# The header is a line of whitespace-separated column names, without sentence punctuation.
TABLE_HEADER = re.compile(r"^(?P<header>(?:[^\n，。；：]*\s)?单位\s[^\n，。；：]*?20\d{2}\s*年[^\n，。；：]*)$", re.MULTILINE)
TABLE_YEAR = re.compile(r"(20\d{2})\s*年")
TABLE_BASE_YEAR = re.compile(r"\s*[（(]?\s*(?:基期|基数|现状|基准|实际)")
TABLE_UNIT = re.compile(
    r"%|％|[万亿千百]*元(?:\s*/\s*[\u4e00-\u9fff]{1,3})?|[万亿千百]*(?:吨标准煤|千瓦时|立方米|平方米|公里|吨|人|家|个|项|台|套|件|户|座|所)"
    r"(?:\s*/\s*[万亿千百]*(?:元|人|家|个|年))?"
)
# A value cell: 23.5, 76.6%, 比 2015 年下降 12.5% (the shape, then its parts).
_TABLE_VALUE_SHAPE = rf"(?:比\s*20\d{{2}}\s*年\s*(?:下降|提高|增长|增加|减少)\s*)?{ARABIC}\s*[%％]?"
TABLE_VALUE = re.compile(rf"(?:比\s*(?P<base>20\d{{2}})\s*年\s*(?P<dir>下降|提高|增长|增加|减少)\s*)?(?P<num>{ARABIC})\s*(?P<pct>[%％])?")
CATEGORY_LABEL_MAX = 2  # category labels (规模/结构, 两化/融合) are printed in lines this short


@dataclass(frozen=True)
class _Quantity:
    value: float
    unit: str
    start: int
    end: int
    text: str


def target_year(text: str) -> int | None:
    """The last horizon year stated in ``text`` (到2022年 → 2022), for a preamble whose
    year governs the items under it.

    >>> target_year("到2022年，成为影响全球、引领全国的IAB产业集聚区")
    2022
    """
    years = _horizons(text)
    return years[-1][1] if years else None


def _horizons(text: str) -> list[tuple[int, int]]:
    """(offset, year) of each horizon year phrase."""
    found = []
    for pattern in (HORIZON_YEAR, OPENING_YEAR):
        for m in pattern.finditer(text):
            if NOT_HORIZON_BEFORE.search(text[max(0, m.start() - 3):m.start("year")]):
                continue
            found.append((m.end(), int(m.group("year"))))
    return sorted(set(found))


def _masked(text: str) -> str:
    """``text`` with quoted and bracketed passages blanked (same length)."""
    return QUOTED.sub(lambda m: "□" * len(m.group(0)), text)


def _quantities(text: str) -> list[_Quantity]:
    found = [_Quantity(m.yuan if m.low_yuan is None else m.low_yuan, "yuan", m.start, m.end, m.text) for m in find_money(text)]
    found += [_Quantity(r.value, "ratio", r.start, r.end, r.text) for r in find_rates(text)]
    found += [_Quantity(c.value, c.unit, c.start, c.end, c.text) for c in find_counts(text)]
    return sorted(found, key=lambda q: q.start)


def _bound(before: str, after: str) -> str:
    if MAX_BEFORE.search(before) or MAX_AFTER.match(after):
        return "max"
    if EXACT_AFTER.match(after):
        return "exact"
    return "min"


def _metric(text: str, head_start: int, q: _Quantity, seg_end: int) -> str:
    """What a quantity measures: the words before it (总规模超…), or the verb and the
    words after it (建成100家IAB重点创新平台 → 建成IAB重点创新平台)."""
    head = ITEM_NUMBER.sub("", text[head_start:q.start])
    head = re.sub(r"^\s*[、和及与]", "", head)
    head = VERB_BEFORE.sub("", head).strip()
    head = LEAD_FILLER.sub("", head).strip()
    tail = re.sub(r"^\s*(?:（含）)?(?:及)?(?:以上|以下|以内|左右)", "", text[q.end:seg_end])
    tail = re.split(r"[、]", tail)[0].strip()
    if head.endswith("、"):  # a later member of a list: 1 - 3家A、3 - 5家B
        return tail or q.text
    if len(head) <= 4 or re.search(r"(?:建成|培育|引进|新增|组织实施|实施|建设|打造|吸引|设立|组建|创新研发|研发上市|研发|上市|带动|形成|集聚|聚集)$", head):
        return (head + tail).strip() or q.text
    return head


def extract_targets(text: str, year: int | None = None) -> list[Target]:
    """Every quantified goal of a clause. ``year`` is the horizon inherited from the
    enclosing preamble (到2022年 stated once above a list of items), used where the clause
    states none of its own."""
    if TABLE_HEADER.search(text):
        return extract_table_targets(text)
    masked = _masked(text)
    horizons = _horizons(masked)
    targets: list[Target] = []
    quantities = _quantities(text)
    previous_end = 0
    for q in quantities:
        if masked[q.start] == "□":
            continue
        governing = [(end, y) for end, y in horizons if end <= q.start]
        horizon_end, goal_year = governing[-1] if governing else (0, year)
        if goal_year is None:
            continue
        seg_start, seg_end = phrase_start(text, q.start, 0, SEGMENT_BREAK), phrase_end(text, q.start, len(text), SEGMENT_BREAK)
        head_start = max(seg_start, horizon_end, previous_end if previous_end > seg_start else 0)
        previous_end = q.end
        before, after = text[seg_start:q.start], text[q.end:seg_end]
        segment = text[seg_start:seg_end]
        if ATTRIBUTIVE_AFTER.match(after) or PER_UNIT_BEFORE.search(before):
            continue
        if not ITEM_NUMBER.sub("", text[max(seg_start, horizon_end):q.start]).strip():
            continue  # the quantity opens its segment: a subject (10个价值创新园区基本建成…)
        if AWARD_CONTEXT.search(segment) or BUDGET_BEFORE.search(before) or SELECTION.search(segment):
            continue
        if CHANGE.search(segment):
            continue
        metric = _metric(text, head_start, q, seg_end)
        targets.append(Target(metric=metric, value=q.value, unit=q.unit, year=goal_year,
                              bound=_bound(before, after), text=text[seg_start:seg_end], start=seg_start, end=seg_end))
    _name_respective(text, targets)
    return targets


def _name_respective(text: str, targets: list[Target]) -> None:
    """'新一代信息技术、人工智能、生物医药产业规模分别超7000亿元、1200亿元、1800亿元':
    one metric per listed subject."""
    by_segment: dict[int, list[Target]] = {}
    for t in targets:
        by_segment.setdefault(t.start, []).append(t)
    for start, group in by_segment.items():
        segment = text[start:group[0].end]
        m = RESPECTIVELY.search(segment)
        if not m or len(group) < 2:
            continue
        subjects = [s for s in re.split(r"[、和及]", LEAD_FILLER.sub("", segment[:m.start()])) if s]
        if len(subjects) != len(group):
            continue
        suffix = re.search(r"(?:产业|行业)?(?:规模|产值|增加值|收入|比重|占比|数量)$", subjects[-1])
        for t, subject in zip(group, subjects):
            if suffix and not subject.endswith(suffix.group(0)):
                subject += suffix.group(0)
            t.metric = subject


def extract_table_targets(text: str, header: str | None = None) -> list[Target]:
    """Targets of an indicator table: for each row, one target per year column.

    The header names the year columns and the columns after them (牵头单位); each row is
    the metric (wrapped over lines, after short category labels such as 规模/结构), its
    unit, one value per year (23.5, or 比2015年下降12.5%) and the trailing columns. A year
    column marked as the base (2015年（基期）, 现状) gives no target. ``header`` is for rows
    cut from their table: the header line they belong under.

    >>> [(t.metric, t.value, t.year) for t in extract_table_targets(
    ...     "类别 目标 单位 2018 年 2019 年 牵头单位\\n规模\\n结构\\n规模以上工业总产值 万亿元 2.15 2.3 市工业和信息化委")]
    [('规模以上工业总产值', 2150000000000.0, 2018), ('规模以上工业总产值', 2300000000000.0, 2019)]
    """
    if header is None:
        found = TABLE_HEADER.search(text)
        if found is None:
            return []
        columns, body_start = found.group("header"), found.end()
    else:
        columns, body_start = header, 0
    years = [(int(m.group(1)), bool(TABLE_BASE_YEAR.match(columns[m.end():]))) for m in TABLE_YEAR.finditer(columns)]
    if not years:
        return []
    trailing = len(columns[columns.rfind("年") + 1:].split())
    row = _table_row(len(years), trailing)
    lines = [(m.start(), m.group(0).strip()) for m in re.finditer(r"[^\n]+", text) if m.start() >= body_start and m.group(0).strip()]
    targets: list[Target] = []
    pending: list[tuple[int, str]] = []
    for offset, line in lines:
        pending.append((offset, line))
        if not row.match(" ".join(words for _, words in pending)):
            continue
        labels = 0  # category labels open a row: 规模 / 结构, 两化 / 融合
        while labels < len(pending) - 1 and len(pending[labels][1]) <= CATEGORY_LABEL_MAX:
            labels += 1
        m = row.match(" ".join(words for _, words in pending[labels:]))
        assert m is not None  # the labels are words before the metric
        start, end = pending[labels][0], offset + len(text[offset:].split("\n", 1)[0])
        pending = []
        metric = re.sub(r"\s+", "", m.group("metric"))
        unit = re.sub(r"\s+", "", m.group("unit"))
        for i, (year, is_base) in enumerate(years):
            if is_base:
                continue
            value = TABLE_VALUE.fullmatch(m.group(f"v{i}").strip())
            assert value is not None  # the row pattern matched the same value pattern
            number = parse_number(value.group("num"))
            name = f"{metric}（比{value.group('base')}年{value.group('dir')}）" if value.group("base") else metric
            head = unit.split("/")[0]
            if value.group("pct") or unit in ("%", "％"):
                amount, base_unit = number / 100, "ratio"
            elif head.endswith("元"):  # 万亿元 → yuan, 万元/人 → yuan/人
                amount = number * parse_number("1" + head[:-1]) if head[:-1] else number
                base_unit = "yuan" + unit[len(head):]
            else:
                amount, base_unit = number, unit
            targets.append(Target(metric=name, value=float(amount), unit=base_unit, year=year, bound="min",
                                  text=text[start:end], start=start, end=end))
    return targets


def _table_row(values: int, trailing: int) -> re.Pattern[str]:
    """A table row with ``values`` year columns and ``trailing`` one-word columns after."""
    return re.compile(
        rf"^(?P<metric>.*?)\s*(?P<unit>{TABLE_UNIT.pattern})\s+"
        + r"\s+".join(rf"(?P<v{i}>{_TABLE_VALUE_SHAPE})" for i in range(values))
        + (rf"(?:\s+\S+){{{trailing}}}" if trailing else "")
        + r"\s*$"
    )
