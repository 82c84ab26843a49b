"""Estimates for an amount stated in a question: "MPW花了500万能补多少" gives each award hit
a figure computed from the award's parameters (rate and cap, tiers, or a fixed amount),
with the rule written out so a reader can check it against the clause.

An estimate is arithmetic on the extracted parameters, not an entitlement: whether a firm
qualifies depends on the clause's conditions, which the estimate does not read (see
``CAVEAT``, which every estimate carries).

    >>> from kg.models import Award
    >>> mpw = Award("subsidy", rate=0.8, cap_yuan=6_000_000, per="每家企业每年")
    >>> found = estimate(mpw, stated_amount("MPW花了1000万能补多少").yuan)
    >>> found.value_yuan, found.capped
    (6000000.0, True)
    >>> found.rule
    '1000万元 × 80% = 800万元，超过上限600万元（每家企业每年），按上限计600万元'
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from policykg.kg.extract.amounts import ARABIC, CHINESE, COUNT, MAGNITUDE, find_money, parse_number
from policykg.kg.models import Award

CAVEAT = "估算，仅供参考：须符合条款所列条件，实际金额以主管部门审核为准"
TOP_UP_NOTE = "差额补足: 升档只补差额"

# In a question, an amount with a magnitude but without 元 is money too: 花了500万,
# 五百万的研发投入, 1.2亿. A Chinese numeral counts only when it carries 万 or 亿.
BARE_MONEY = re.compile(rf"{ARABIC}\s*{MAGNITUDE}|{CHINESE}")
_HAS_MAGNITUDE = re.compile(r"[万亿]")
# What may follow a bare amount when it is not money: a scale (1000亿级), another currency,
# or a unit of measure (counting units such as 家/人/个 are left to ``amounts.COUNT``).
NOT_MONEY_AFTER = re.compile(
    r"\s*(?:级|美元|美金|港元|港币|欧元|日元|英镑|亩|平方|平米|吨|千瓦|瓦|度|辆|年|岁|公里|千米|米|倍)"
)
# An amount right after these words is a ceiling the user asks about (有没有最高1000万的补贴),
# not an amount they spent.
CAP_WORDS = re.compile(r"(?:最高|最多|至多|上限|封顶|不超过|不高于)(?:是|为|达)?\s*$")
# Traditional and full-width forms folded one character for one, so spans stay offsets into
# the question as typed.
_FOLD = {"萬": "万", "億": "亿", "兩": "两", "圓": "元"}


@dataclass(frozen=True)
class StatedAmount:
    """Money stated in a question, in yuan, with its span in the question."""

    yuan: float
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Estimate:
    """What an award would come to for a stated amount, and how that was worked out."""

    value_yuan: float
    rule: str  # the arithmetic, in Chinese with numbers
    capped: bool  # the cap, not the rate or tier, decided the value
    kind: str  # "rate", "tier" or "fixed"
    caveat: str = CAVEAT

    def to_dict(self) -> dict:
        return asdict(self)


def _fold(text: str) -> str:
    """``text`` with full-width digits and Traditional magnitude words in their usual form,
    keeping its length (each character maps to one character)."""
    out = []
    for ch in text:
        ch = _FOLD.get(ch, ch)
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def stated_amounts(query: str) -> list[StatedAmount]:
    """Every amount of money stated in ``query``, in order: amounts with 元 (as
    ``amounts.find_money`` reads them; a range gives its high end) and bare amounts with
    万/亿. Years (2022年), percentages, counts (100家, 3万人) and ceilings named in the
    question (最高600万) are not stated amounts.

    >>> [a.yuan for a in stated_amounts("投资5亿元，其中设备2000万")]
    [500000000.0, 20000000.0]
    """
    text = _fold(query)
    found = [StatedAmount(m.yuan, m.start, m.end, query[m.start : m.end]) for m in find_money(text)]
    taken = [(a.start, a.end) for a in found]
    counts = {m.start() for m in COUNT.finditer(text)}
    for m in BARE_MONEY.finditer(text):
        start, end = m.start(), m.end()
        if not _HAS_MAGNITUDE.search(m.group(0)) or start in counts:
            continue
        if any(start < e and s < end for s, e in taken) or NOT_MONEY_AFTER.match(text, end):
            continue
        try:
            yuan = float(parse_number(m.group(0)))
        except ValueError:
            continue  # a run of numeral characters that is no number (一万万亿): not an amount
        found.append(StatedAmount(yuan, start, end, query[start:end]))
    kept = [a for a in found if not CAP_WORDS.search(text[: a.start])]
    return sorted(kept, key=lambda a: a.start)


def stated_amount(query: str) -> StatedAmount | None:
    """The first amount of money stated in ``query``, or None.

    >>> stated_amount("MPW花了500万能补多少")
    StatedAmount(yuan=5000000.0, start=5, end=9, text='500万')
    >>> stated_amount("2022年有哪些补贴50%的政策") is None
    True
    """
    found = stated_amounts(query)
    return found[0] if found else None


def estimate(award: Award, amount_yuan: float) -> Estimate | None:
    """What ``award`` would come to for ``amount_yuan``, or None when it has no parameters
    to compute with (a cap alone says nothing about the amount).

    Tiers come first (the highest tier whose threshold the amount reaches), then a rate
    (rate × amount), then a fixed amount (which does not depend on the stated amount); the
    cap, when there is one, bounds each."""
    if award.tiers:
        return _by_tier(award, amount_yuan)
    if award.rate is not None:
        return _by_rate(award, amount_yuan)
    if award.amount_yuan is not None:
        return _fixed(award, amount_yuan)
    return None


def _by_rate(award: Award, amount: float) -> Estimate:
    assert award.rate is not None
    raw = award.rate * amount
    rule = f"{format_yuan(amount)} × {format_rate(award.rate)} = {format_yuan(raw)}"
    value, capped, note = _apply_cap(award, raw)
    return Estimate(value, _join(rule, note, _period(award), _base(award)), capped, "rate")


def _by_tier(award: Award, amount: float) -> Estimate:
    tiers = sorted(award.tiers or [], key=lambda t: t.threshold_yuan)
    reached = [t for t in tiers if t.threshold_yuan <= amount]
    if not reached:
        lowest = tiers[0]
        rule = f"{format_yuan(amount)}未达到最低档{format_yuan(lowest.threshold_yuan)}，按档位计为0元"
        return Estimate(0.0, _join(rule, _base(award)), False, "tier")
    tier = reached[-1]
    rule = f"{format_yuan(amount)}达到{format_yuan(tier.threshold_yuan)}档，对应{format_yuan(tier.amount_yuan)}"
    value, capped, note = _apply_cap(award, tier.amount_yuan)
    top_up = TOP_UP_NOTE if award.top_up else ""
    return Estimate(value, _join(rule, note, top_up, _period(award), _base(award)), capped, "tier")


def _fixed(award: Award, amount: float) -> Estimate:
    assert award.amount_yuan is not None
    rule = f"固定金额{format_yuan(award.amount_yuan)}，与所述金额{format_yuan(amount)}无关"
    value, capped = float(award.amount_yuan), False
    if award.cap_yuan is not None and award.cap_yuan < value:
        value, capped = float(award.cap_yuan), True
        rule += f"，按上限计{format_yuan(value)}{_per(award)}"
    return Estimate(value, _join(rule, _period(award)), capped, "fixed")


def _apply_cap(award: Award, raw: float) -> tuple[float, bool, str]:
    """The value after the cap, whether the cap decided it, and the words saying so."""
    if award.cap_yuan is None:
        return float(raw), False, "条款未写上限"
    cap = f"上限{format_yuan(award.cap_yuan)}{_per(award)}"
    if raw > award.cap_yuan:
        return float(award.cap_yuan), True, f"超过{cap}，按上限计{format_yuan(award.cap_yuan)}"
    return float(raw), False, f"未超过{cap}"


def _per(award: Award) -> str:
    return f"（{award.per}）" if award.per else ""


def _period(award: Award) -> str:
    return f"期限{_number(award.period_years)}年" if award.period_years else ""


def _base(award: Award) -> str:
    """What the stated amount is taken to be: the base the clause applies its rate or tiers to."""
    return f"所述金额按{award.base}计" if award.base else ""


def _join(*parts: str) -> str:
    return "，".join(p for p in parts if p)


def _number(value: float, places: int = 4) -> str:
    """A number without trailing zeros: 400.0 → "400", 1.50 → "1.5"."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text or "0"


def format_yuan(yuan: float) -> str:
    """Money as a reader writes it: whole 百万 amounts of at least 1亿 in 亿, amounts of at
    least 1万 in 万 (to the yuan), smaller ones in 元.

    >>> format_yuan(600_000_000), format_yuan(150_000_000), format_yuan(4_000_000), format_yuan(49_950), format_yuan(800)
    ('6亿元', '1.5亿元', '400万元', '4.995万元', '800元')
    """
    if yuan >= 1e8 and round(yuan) % 1_000_000 == 0:
        return f"{_number(yuan / 1e8, 2)}亿元"
    if yuan >= 1e4:
        return f"{_number(yuan / 1e4)}万元"
    return f"{_number(yuan, 2)}元"


def format_rate(rate: float) -> str:
    """A fraction as a percentage: 0.8 → "80%", 0.015 → "1.5%"."""
    return f"{_number(rate * 100)}%"
