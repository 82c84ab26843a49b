"""Numbers in policy text, with their spans: money in yuan, rates as fractions, periods in
years and counted quantities (100家, 3万人). One home for the number patterns that award
and target extraction share (examples in tests/test_awards.py).

Arabic and Chinese numerals are both read (五百万元, 1.2万亿元, 百分之三十); Chinese
numerals go through cn2an. A range (100—200万元, 1 - 3家) keeps its low end beside the
value, which is the high end for money and rates and the low end for counts.

    >>> [m.yuan for m in find_money("最高补贴600万元，总规模超1.2万亿元")]
    [6000000.0, 1200000000000.0]
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from policykg.corpus.patterns import ARABIC, MAGNITUDE, numeral_value


log = logging.getLogger(__name__)

# Numerals. A Chinese numeral starts with a digit word or 十 (十五, 十亿), never with a bare
# 百/千/万, so words such as 百强 or 千亿级 are not read as numbers. ARABIC and MAGNITUDE
# (1.2万亿, 500万) are corpus.patterns', which reads every numeral.
CHINESE = r"(?:[零〇一二两三四五六七八九]|十)[零〇一二两三四五六七八九十百千万亿点]*"
NUMBER = rf"(?:{ARABIC}|{CHINESE})"
_QUANTITY = rf"(?:{ARABIC}\s*{MAGNITUDE}?|{CHINESE})"
# Between the two ends of a range: 100—200万元, 100-200万元, 100万元至200万元, 1 - 3家.
RANGE_DASH = r"(?:[—–\-~～]+|至|到)"

# 600万元, 五百万元, 1.2万亿元, 100—200万元 (low end takes the high end's magnitude),
# 100万元至200万元. Not 美元/港元: the character before 元 must be part of the number.
MONEY = re.compile(
    rf"(?:(?P<low>{_QUANTITY})\s*元?\s*{RANGE_DASH}\s*)?(?P<high>{_QUANTITY})\s*元"
)

# 80%, 1.5%, 10%—30%, 10—30%, 百分之三十, and 八成 only where 成 closes the phrase
# (八成以上, 八成的, 八成，), so that 一成不变 or 建成 are not rates.
PERCENT = re.compile(
    rf"(?:(?P<low>{ARABIC})\s*[%％]?\s*{RANGE_DASH}\s*)?(?P<num>{ARABIC})\s*[%％]"
    rf"|百分之(?P<cn>{NUMBER})"
    r"|(?<![零〇一二两三四五六七八九十百千])(?P<tenths>[一二三四五六七八九](?:点[一二三四五六七八九])?)成"
    r"(?=以上|以下|左右|的|[，。；、）)]|$)"
)

# A period of support: 补贴期限3年, 贴息期最长3年, 贴息期最长不超过3年, 贴息年限最长3年,
# 连续3年, 连续资助不超过3年, 为期三年, 期限为2年, 贴息最长3年, 扶持期限6个月. Not "一年期贷款" or a
# span of years (2023—2025年).
_AWARD_WORD = r"(?:补贴|补助|奖励|贴息|扶持|支持|资助|奖补|享受|减免|免征)"
_PERIOD_QUALIFIER = r"(?:为|最长|最多|原则上|一般|不超过|不得超过|可达)*"
PERIOD = re.compile(
    rf"(?:{_AWARD_WORD}(?:期限|期|年限|时间|时限)|期限|年限|{_AWARD_WORD}(?=最长|最多))"
    rf"{_PERIOD_QUALIFIER}\s*(?P<num>{NUMBER})\s*(?P<unit>年|个月)"
    rf"|(?:连续|为期)(?:{_AWARD_WORD})?{_PERIOD_QUALIFIER}\s*(?P<num2>{NUMBER})\s*(?P<unit2>年|个月)"
)

# Counting units for quantified goals, each with what may not follow it, where the unit
# would be the start of another word (项目, 家电, 名牌, 条例, 所有, 一次性 …) — but 100家具有
# and 100个人工智能场景 are counts. Not 批: 一批 is 'a number of'.
COUNT_UNITS: dict[str, str] = {
    "家": r"电|居|庭|族|用|乡|具(?!有|备)",
    "个": r"人(?!工|才)|体|性|别|案|月|百",
    "项": r"目",
    "人": r"民|员|才|均|工|口",
    "名": r"牌|称|录|单|义",
    "所": r"有|得|在|属|以|需|谓",
    "座": r"谈",
    "条": r"例|件|款",
    "户": r"籍|口|型",
    "件": r"",
    "台": r"湾|阶",
    "套": r"餐",
    "款": r"项",
    "位": r"置|于",
    "次": r"性|数|序",
    "种": r"子|类|植",
    "支": r"持|出|付|撑",
}
_COUNT_UNIT = "|".join(rf"{unit}(?!{after})" if after else unit for unit, after in COUNT_UNITS.items())
# 100家, 1000项, 3万人, 6.6万人, 1 - 3家, 3-5个, 五十家. Not 个百分点 or 个月.
COUNT = re.compile(
    rf"(?:(?P<low>{ARABIC}|{CHINESE})\s*{RANGE_DASH}\s*)?(?P<num>{ARABIC}\s*[万亿]?|{CHINESE})\s*(?P<unit>{_COUNT_UNIT})"
)


# Where the phrase around a number ends: a comma, semicolon, colon, sentence end or line end.
# Awards and targets read a number with the words of its phrase.
PHRASE_BREAK = re.compile(r"[，,；;：:。！？!?\n]")


@dataclass(frozen=True)
class Money:
    """An amount of money: ``yuan`` is the value (the high end of a range)."""

    yuan: float
    start: int
    end: int
    text: str
    low_yuan: float | None = None  # the low end of a range (100—200万元 → 1000000)

    @property
    def is_range(self) -> bool:
        return self.low_yuan is not None


@dataclass(frozen=True)
class Rate:
    """A percentage as a fraction: 80% → 0.8 (the high end of a range)."""

    value: float
    start: int
    end: int
    text: str
    low: float | None = None


@dataclass(frozen=True)
class Period:
    """A period of support in years: 补贴期限3年 → 3.0, 6个月 → 0.5."""

    years: float
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Count:
    """A counted quantity: 100家 → (100, "家"); 3万人 → (30000, "人"). ``value`` is the low
    end of a range (1 - 3家 → 1), ``high`` its high end."""

    value: float
    unit: str
    start: int
    end: int
    text: str
    high: float | None = None


def parse_number(text: str) -> Decimal:
    """The value of an Arabic or Chinese numeral, with an optional magnitude
    (``corpus.patterns.numeral_value``, which reads Chinese numerals through cn2an).

    >>> parse_number("1.2万亿"), parse_number("五百万"), parse_number("2,000")
    (Decimal('1200000000000.0'), Decimal('5000000'), Decimal('2000'))

    Raises ``ValueError`` for text that is not a numeral."""
    value = numeral_value(text)
    if value is None:
        raise ValueError(f"not a numeral: {text!r}")
    return value


def _magnitude_of(text: str) -> str | None:
    m = re.search(rf"{MAGNITUDE}$", re.sub(r"\s+", "", text))
    return m.group(0) if m and re.match(ARABIC, text.strip()) else None


def _read(text: str, where: int, whole: str) -> Decimal | None:
    """``parse_number``, logging (not hiding) a numeral the pattern took but cn2an cannot
    read, so one odd token does not stop extraction of a whole document."""
    try:
        return parse_number(text)
    except ValueError:
        log.warning("unreadable numeral %r at offset %d in %r", text, where, whole[max(0, where - 10): where + 20])
        return None


def find_money(text: str) -> list[Money]:
    """Every amount of money in ``text``, in yuan, in order.

    >>> [(m.low_yuan, m.yuan) for m in find_money("给予100—200万元资金补助")]
    [(1000000.0, 2000000.0)]
    """
    found = []
    for m in MONEY.finditer(text):
        high_text = m.group("high")
        high = _read(high_text, m.start("high"), text)
        if high is None:
            continue
        low = None
        if m.group("low"):
            low_text = m.group("low")
            magnitude = _magnitude_of(high_text)
            if magnitude and not _magnitude_of(low_text) and re.fullmatch(ARABIC, low_text.strip()):
                low_text = low_text.strip() + magnitude
            low = _read(low_text, m.start("low"), text)
            if low is None:
                continue
        found.append(Money(float(high), m.start(), m.end(), m.group(0), float(low) if low is not None else None))
    return found


def find_rates(text: str) -> list[Rate]:
    """Every percentage in ``text`` as a fraction, in order.

    >>> [r.value for r in find_rates("按实际租金的50%给予补贴，1.5%（年利率），百分之三十")]
    [0.5, 0.015, 0.3]
    """
    found = []
    for m in PERCENT.finditer(text):
        low = None
        if m.group("num"):
            value = parse_number(m.group("num")) / 100
            if m.group("low"):
                low = parse_number(m.group("low")) / 100
        elif m.group("cn"):
            number = _read(m.group("cn"), m.start("cn"), text)
            if number is None:
                continue
            value = number / 100
        else:
            number = _read(m.group("tenths"), m.start("tenths"), text)
            if number is None:
                continue
            value = number / 10
        found.append(Rate(float(value), m.start(), m.end(), m.group(0), float(low) if low is not None else None))
    return found


def find_periods(text: str) -> list[Period]:
    """Every period of support in ``text``, in years.

    >>> [p.years for p in find_periods("补贴期限3年，贴息期最长不超过三年，连续3年")]
    [3.0, 3.0, 3.0]
    """
    found = []
    for m in PERIOD.finditer(text):
        num = m.group("num") or m.group("num2")
        unit = m.group("unit") or m.group("unit2")
        number = _read(num, m.start(), text)
        if number is None:
            continue
        years = number if unit == "年" else number / 12
        found.append(Period(float(years), m.start(), m.end(), m.group(0)))
    return found


def find_counts(text: str) -> list[Count]:
    """Every counted quantity in ``text``: a number with a counting unit.

    >>> [(c.value, c.unit) for c in find_counts("建成100家平台，新增就业岗位3万人，3-5个品种")]
    [(100.0, '家'), (30000.0, '人'), (3.0, '个')]
    """
    found = []
    for m in COUNT.finditer(text):
        number = _read(m.group("num"), m.start("num"), text)
        if number is None:
            continue
        low = None
        if m.group("low"):
            low = _read(m.group("low"), m.start("low"), text)
            if low is None:
                continue
        value, high = (low, number) if low is not None else (number, None)
        found.append(Count(float(value), m.group("unit"), m.start(), m.end(), m.group(0), float(high) if high is not None else None))
    return found
