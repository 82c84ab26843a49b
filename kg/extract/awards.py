"""Award rules in a clause: '80% of the MPW cost, at most 600万元 per firm per year'.

A clause is read sentence by sentence (。！？ and line ends). In each sentence the numbers
that make awards are found first, each with the award word that names it:

- a rate of a base: 按实际租金的50%给予补贴, 给予获奖金额的100%奖励, 按省级部分的60%、
  市级部分的50%实行以奖代补 (one award per rate);
- tiers: 达到1亿元、5亿元…的，分别给予500万元、1000万元…奖励 (threshold and amount
  pairwise), with ``top_up`` for 差额补足;
- a fixed amount: 给予20万元补贴, 一次性奖励20万元, 分别给予200万元、100万元奖励;
- a ceiling: 最高奖励100万元, 单个项目最高不超过500万元, 给予最高1000万元资金支持;
- an award named without a number (给予贴息, 采用直接股权投资的方式给予支持), which a
  later ceiling or period may complete.

A rate may follow its base without 的 in a phrase that computes an award (按最高不超过投资额
10%给予资助, 资助比例可提高到20%), but not after words that make it a condition (研发投入
达5%). A rate of an interest subsidy above any interest rate is a share of the interest, so
its base is the loan's interest (按技改贷款额的50%给予贴息 → 技改贷款利息), while annual
rate points (1.5%（年利率）) stay a rate of the loan. Tiers may also be written as parallel
phrases (首次超过5亿元的，奖励50万元；首次超过10亿元的，奖励100万元).

Then, in reading order, ceilings and periods attach to the awards before them that still
lack one: a ceiling after several rates is shared by all of them (MPW 80%, mask 40%,
tape-out 30%, 每家企业每年累计最高补贴600万元), and a period applies to the awards of its
group (or, stated first, to those after it). A list of ceilings after one rate gives one
award per ceiling with that rate (按50%给予补贴，分别最高不超过200万元、300万元、500万元);
after as many rates, they pair up in order. A ceiling with no award before it is an award
of its own when an award word names it (对符合条件的事项最高补助3000万元), and so is a
ceiling phrased as an award (给予最高1000万元支持), unless it completes an award named
without a number. A second ceiling of the same kind right after the first (单个项目最高
50万元，每家企业每年最高200万元) is not a new award; ``Award`` keeps the first.

Not awards: price or fee cuts and discounts (no award word follows the number),
eligibility thresholds (2000万元以上, 达到200万元以上的), attributive amounts (规模不小于
10亿元的基金), budgets (每年安排财政经费1亿元), targets, and awards without any number.
"""
from __future__ import annotations

import re
from typing import overload
from dataclasses import dataclass, field, replace

from policykg.corpus.patterns import phrase_end, phrase_start
from policykg.kg.extract.amounts import PHRASE_BREAK as SEGMENT_BREAK
from policykg.kg.extract.amounts import Money, Period, Rate, find_money, find_periods, find_rates
from policykg.kg.models import Award, Tier

# Award words and their kinds, longest first so that 以奖代补 wins over 奖补. "funding" is
# the least specific kind and is refined by any other word naming the same award.
AWARD_WORDS: list[tuple[str, str]] = [
    ("以奖代补", "reward"),
    ("股权投资", "equity_investment"),
    ("资金支持", "funding"),
    ("经费支持", "funding"),
    ("扶持资金", "funding"),
    ("资金扶持", "funding"),
    ("奖补", "reward"),
    ("奖励", "reward"),
    ("奖金", "reward"),
    ("贴息", "interest_subsidy"),
    ("配套", "matching_fund"),
    ("补贴", "subsidy"),
    ("补助", "subsidy"),
    ("资助", "funding"),
    ("支持", "funding"),
    ("扶持", "funding"),
    ("补偿", "other"),
]
FUNDING = "funding"
INTEREST_SUBSIDY = "interest_subsidy"
# An award word, except where it is part of another word: 股权投资机构, 配套设施, 支持企业….
AWARD_WORD = re.compile(
    r"以奖代补|股权投资(?!机构|基金|企业|公司|管理|引导|类)|资金支持|经费支持|扶持资金|资金扶持|奖补|奖励|奖金"
    r"|贴息|配套(?=支持|扶持|资金|$|[，。；）)、])|补贴|补助|资助|支持(?=$|[，。；）)、])|扶持(?=$|[，。；）)、])"
    r"|补偿(?!资金|机制|基金|金池)"
)
_KIND = dict(AWARD_WORDS)

# Money right before an award word it pays: "…元的一次性补贴", "…元引导资金支持",
# "…元的财政经费支持", "…元地方配套". At most four characters of qualifier between.
WORD_AFTER_MONEY = re.compile(rf"^\s*(?:的)?(?:给予|予以)?(?:一次性)?(?:[\u4e00-\u9fff]{{0,4}}?)(?:{AWARD_WORD.pattern})")
# An award word used as a verb right before the money: 一次性奖励20万元, 补助50万元.
WORD_BEFORE_MONEY = re.compile(rf"(?:{AWARD_WORD.pattern})(?:企业|单位)?(?:资金|金额|额度|额)?(?:为|共|合计)?\s*$")
# "按每家企业10万元的标准，给予一次性奖励": a fixed amount named by a later award word.
STANDARD_AFTER_MONEY = re.compile(r"^\s*的?标准")

# A ceiling before money: 最高, 不超过, 最高不超过, 最高可达, 累计不超过, 上限; the money may
# follow after a few characters (最高奖励100万元, 最高补助额不超过500万元).
CAP_BEFORE = re.compile(r"(?:最高|不超过|不高于|最多|上限为?|封顶)[^\d，。；、：（）()]{0,6}$")
CAP_AFTER = re.compile(r"^\s*(?:以内|封顶)")
# A threshold or attributive amount: 2000万元以上, 达到200万元以上的, 超过10亿元的.
THRESHOLD_AFTER = re.compile(r"^\s*(?:（含）)?(?:及)?以[上下]")
THRESHOLD_BEFORE = re.compile(r"(?:达到|超过|突破|超|不低于|不少于|低于|高于|满)\s*$")
# Money that is a budget or a fund size, not an award to a recipient: 每年安排财政经费1亿元,
# 每年投入财政经费不超过2亿元作为风险补偿资金.
BUDGET_BEFORE = re.compile(r"(?:安排|投入|出资|筹集|统筹|募集|设立)(?:(?!给予|予以)[\u4e00-\u9fff]){0,6}?(?:不超过|不少于|不低于|约|共|合计|总计|达)?\s*$")

# A rate's own left context: "的80%", "按80%", "按不高于80%", "贴息比例最高为50%".
RATE_AFTER_OF = re.compile(r"的\s*$")
_RATE_QUALIFIER = r"(?:可提高到|可提高至|提高到|提高至|最高可达|最高为|最高|可达|为|不超过|不高于)"
RATE_AFTER_MARKER = re.compile(
    rf"(?:(?:按照|按|给予)(?:其)?(?:不高于|不超过|最高)?"
    rf"|(?:额度|金额|比例|标准)(?:原则上)?{_RATE_QUALIFIER})\s*$"
)
# A rate written right after its base, without 的, in a phrase that says how an award is
# computed: 按最高不超过投资额10%给予资助, 最高不超过项目贷款利息额50%给予贴息, 按照设备投资额
# 不超过10%、最高不超过1000万元的标准给予补助. The phrase must name the computation (按/根据/
# 给予…) or a ceiling, and an award word must follow (checked by the caller).
RATE_IN_COMPUTATION = re.compile(r"按照|按|根据|依据|给予|予以|不超过|不高于|最高")
# Words right before a rate that make it a condition, not an award's rate: 研发投入达5%,
# 增长10%, 占比超过3%.
RATE_CONDITION_BEFORE = re.compile(r"(?:达到|(?<!可)达|(?<!不)超过|(?<![不超])超|不低于|不少于|(?<!不)低于|(?<!不)高于|增长|增幅|下降|占比|占)\s*$")
# What a rate is "of": the words between 按/按照 (or 给予, or 对) and 的.
BASE_MARKERS = (re.compile(r"按照|按"), re.compile(r"给予"), re.compile(r"根据|依据"), re.compile(r"对"))
BASE_PREFIX = re.compile(r"^(?:照|其|对其|不高于|不超过|最高|上述)+")
# What may close the words before a rate without being part of its base: 根据完成投资额给予
# 不超过50%的资助 → 完成投资额.
BASE_SUFFIX = re.compile(r"(?:给予|予以)?(?:不高于|不超过|最高|的)*$")
# A rate named by an award word before it: 支持额度最高可达项目投资额的30%,
# 补助比例不超过总投资的20%, 奖励标准为交易额的5%.
# 资助比例可提高到20%; and a bare award word before a ceiling on the rate: 同一项目支持不超过
# 项目实际建设投入的20%.
WORD_BEFORE_RATE = re.compile(
    rf"(?P<word>{AWARD_WORD.pattern}|支持|扶持)(?:(?:额度|金额|比例|标准)(?:原则上)?{_RATE_QUALIFIER}|不超过|不高于)"
)
# Words between a rate and its award word that make it something else: 按…70%执行,
# 降低30%, 下调至0.8%.
RATE_BLOCKERS = re.compile(r"执行|下调|降低|降至|提高|征收|收取|缴纳|计算|增长|折")
# A phrase that opens by naming the rate of an award: 贴息率按照…的50%计算, 补助比例按….
# What follows the rate (计算, 确定) then only says how it is applied.
RATE_NAMED_BEFORE = re.compile(rf"^\s*(?:[\u4e00-\u9fff]{{0,4}}?)(?P<word>贴息|补贴|补助|奖励|资助)(?:率|比例|标准)(?:按照|按|参照|为)")
RATE_TO_AWARD_BLOCKERS = re.compile(r"执行|下调|降低|降至|提高|征收|收取|缴纳|增长|折")
# An equity investment named in the sentence, then its amount bounded by a share of a base.
EQUITY_SHARE_BEFORE = re.compile(r"股权投资[^。；]*?(?:投资|出资)(?:额|金额|比例)")
CAP_ON_RATE = re.compile(r"不超过|不高于|最高")
RATE_AFTER_BLOCKERS = re.compile(r"^\s*(?:以上|以下|左右|的比例|的比重)")
MAX_RATE_TO_WORD = 40  # characters between a rate and the award word it belongs to
MAX_RATE_LIST_GAP = 16  # characters between two rates of one list (、市级分成部分的)
MAX_MONEY_TO_WORD = 12

# What a ceiling or amount is counted per: 每家企业每年, 单个项目, 每个平台, 同一企业,
# 每家企业单一年度, 每品种, 每年.
PER = re.compile(
    r"(?:(?:每家|每个|每项|每所|每名|每位|每户|每种|每品种|每人|每台|每套|每平方米|每千瓦时|每吨|单个|单家|单项|单台|单套|单一|同一家?|每一)"
    r"(?:[\u4e00-\u9fff]{0,5}?(?:企业|项目|平台|活动|园区|品种|药品|产品|机构|医疗机构|单位|工程|示范工程|人才|团队|年度|事项))?"
    r"|每年度?|每个年度)+"
)
# How a tier's condition ends in a parallel tier phrase: 超过5亿元的， / 达到30万元以上，
TIER_CONDITION_END = re.compile(r"^\s*(?:（含）)?(?:(?:及)?以上的?|的)\s*[，,]")
TOP_UP = re.compile(r"差额补足|补足差额|差额(?:奖励|补助|补贴)")
RESPECTIVELY = re.compile(r"分别")
LIST_SEPARATOR = re.compile(r"^\s*(?:、|和|及|与|或)\s*$")
GIVE = re.compile(r"给予|予以")
# An award named without a number: 给予贴息, 采用直接股权投资的方式, 以股权投资方式.
OPEN_AWARD_BEFORE = re.compile(r"给予|予以|采用|采取|以|通过")

SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
PARENTHESIS = re.compile(r"（[^（）]*）|\([^()]*\)")


@dataclass
class _Item:
    award: Award
    fixed: bool = False  # a fixed amount: later ceilings do not apply to it
    numbered: bool = True  # has a number of its own (an award named without one has not)
    standalone_cap: bool = False  # a ceiling with nothing before it, not phrased as an award (no 给予)


@dataclass
class _Event:
    start: int
    end: int
    kind: str  # "items", "cap", "period"
    items: list[_Item] = field(default_factory=list)
    inline_cap: bool = False  # the items carry their own ceiling
    money: Money | None = None
    moneys: list[Money] = field(default_factory=list)  # a list of ceilings ("caps")
    word_kind: str | None = None  # the award word naming a ceiling
    self_contained: bool = False  # "给予最高…元奖励": a ceiling phrased as an award of its own
    per: str | None = None
    period: Period | None = None


def _award_words(text: str) -> list[tuple[int, int, str]]:
    """Award words with their kinds, outside parentheses ((事后奖补等除外) names none)."""
    masked = PARENTHESIS.sub(lambda m: "□" * len(m.group(0)), text)
    words: list[tuple[int, int, str]] = []
    for m in AWARD_WORD.finditer(masked):
        kind = _KIND[m.group(0)]
        if words and words[-1][1] == m.start():  # one word run: 贴息支持, 奖励补助, 股权投资支持
            start, _, previous = words.pop()
            words.append((start, m.end(), _finer(previous, kind) or kind))
        else:
            words.append((m.start(), m.end(), kind))
    return words


def _kind_of(word: str) -> str:
    """The kind an award word names (支持 and 扶持 alone too: 支持额度最高可达…)."""
    if word in _KIND:
        return _KIND[word]
    m = AWARD_WORD.search(word)
    if m is None:
        raise ValueError(f"no award word in {word!r}")
    return _KIND[m.group(0)]


@overload
def _finer(a: str, b: str | None) -> str: ...
@overload
def _finer(a: str | None, b: str | None) -> str | None: ...
def _finer(a: str | None, b: str | None) -> str | None:
    """The more specific of two kinds: anything beats funding; otherwise the first."""
    if a is None or (a == FUNDING and b is not None):
        return b
    return a


def _share(items: list[_Item], caps: list[Money]) -> list[_Item]:
    """Rates and a list of ceilings (分别最高不超过200万元、300万元、500万元): one rate
    stated once applies to each ceiling (one award per ceiling); as many rates as ceilings
    pair up in order; otherwise every rate keeps the last ceiling."""
    if len(items) == 1:
        return [_Item(replace(items[0].award, cap_yuan=cap.yuan)) for cap in caps]
    if len(items) == len(caps):
        for item, cap in zip(items, caps):
            item.award.cap_yuan = cap.yuan
    return items


def _per(words: str) -> str | None:
    found = [m.group(0) for m in PER.finditer(words)]
    return found[-1] if found else None


def _base(text: str, seg_start: int, end: int) -> str | None:
    """The words a rate applies to: between 按 (or 给予, 根据, 对) and the 的 before the rate;
    failing those, the phrase before the rate (最高不超过项目贷款利息额50% → 项目贷款利息额)."""
    left = text[seg_start:end]
    left = re.sub(r"的\s*$", "", left)
    for marker in BASE_MARKERS:
        hits = list(marker.finditer(left))
        if hits:
            hit = hits[-1] if marker.pattern != "对" else hits[0]
            base = BASE_SUFFIX.sub("", BASE_PREFIX.sub("", left[hit.end():])).strip()
            if base:
                return base
    m = None
    for m in WORD_BEFORE_RATE.finditer(left):
        pass
    if m:
        return BASE_PREFIX.sub("", left[m.end():]).strip() or None
    return BASE_SUFFIX.sub("", BASE_PREFIX.sub("", left)).strip() or None


# A rate of a loan above this is a share of its interest, not interest rate points: rules
# pay 1.5%（年利率）or 2% of a loan a year, but no rule pays half the loan as 贴息 (按不高于技改
# 贷款额的50%给予贴息 pays half the interest on it).
MAX_INTEREST_POINTS = 0.1
LOAN = re.compile(r"贷款|借款")
INTEREST = re.compile(r"利息|利率|贴息率|LPR", re.IGNORECASE)
LOAN_AMOUNT_WORDS = re.compile(r"(?:实际发生|发生)?(?:的)?(?:金额|总额|额度|额)$")


def _interest_base(base: str | None, rate: float) -> str | None:
    """The base of an interest subsidy: the interest on the loan when the rate is a share of
    it (技改贷款额 at 50% → 技改贷款利息); the loan itself for annual rate points.

    >>> _interest_base("技改贷款额", 0.5), _interest_base("实际发生贷款额", 0.015), _interest_base(None, 0.5)
    ('技改贷款利息', '实际发生贷款额', '贷款利息')
    """
    if base and INTEREST.search(base):
        return base
    if rate <= MAX_INTEREST_POINTS:
        return base
    if base is None:
        return "贷款利息"
    if LOAN.search(base):
        return LOAN_AMOUNT_WORDS.sub("", base) + "利息"
    return base


class _SentenceReader:
    """Finds the award events of one sentence ``text[start:end]``."""

    def __init__(self, text: str, start: int, end: int, words: list[tuple[int, int, str]],
                 moneys: list[Money], rates: list[Rate], periods: list[Period]) -> None:
        self.text, self.start, self.end = text, start, end
        self.words = [w for w in words if start <= w[0] < end]
        self.moneys = [m for m in moneys if start <= m.start < end]
        self.rates = [r for r in rates if start <= r.start < end]
        self.periods = [p for p in periods if start <= p.start < end]
        self.used_words: set[int] = set()
        self.used_money: set[int] = set()
        self.events: list[_Event] = []

    # -- helpers -------------------------------------------------------------------------
    def seg_start(self, pos: int) -> int:
        return phrase_start(self.text, pos, self.start, SEGMENT_BREAK, bracketed=True)

    def seg_end(self, pos: int) -> int:
        return phrase_end(self.text, pos, self.end, SEGMENT_BREAK, bracketed=True)

    def word_after(self, pos: int, limit: int, stop: str = "，,；;。") -> tuple[int, int, str] | None:
        for w in self.words:
            if w[0] >= pos and w[0] - pos <= limit:
                gap = self.text[pos:w[0]]
                if any(ch in stop for ch in gap):
                    return None
                return w
        return None

    def money_lists(self) -> list[list[Money]]:
        """Moneys joined by 、/和/及 into lists, in order."""
        lists: list[list[Money]] = []
        for m in self.moneys:
            if lists and LIST_SEPARATOR.match(self.text[lists[-1][-1].end:m.start]):
                lists[-1].append(m)
            else:
                lists.append([m])
        return lists

    def money_role(self, m: Money) -> str:
        seg = self.seg_start(m.start)
        before, after = self.text[seg:m.start], self.text[m.end:self.seg_end(m.end)]
        if THRESHOLD_AFTER.match(after):
            return "threshold"
        if BUDGET_BEFORE.search(before):
            return "budget"
        if CAP_BEFORE.search(before) or CAP_AFTER.match(after):
            return "cap"
        if after.lstrip().startswith("的") and not WORD_AFTER_MONEY.match(after) and not STANDARD_AFTER_MONEY.match(after):
            return "threshold"  # attributive: 规模不小于10亿元的基金, 年产值6亿元的基地
        if THRESHOLD_BEFORE.search(before):
            return "threshold"
        return "amount"

    # -- events --------------------------------------------------------------------------
    def read(self) -> list[_Event]:
        self.read_tiers()
        self.read_parallel_tiers()
        self.read_rates()
        self.read_money()
        self.read_open_awards()
        for p in self.periods:
            self.events.append(_Event(p.start, p.end, "period", period=p))
        self.events.sort(key=lambda e: (e.start, e.end))
        return self.events

    def read_tiers(self) -> None:
        lists = self.money_lists()
        for i, thresholds in enumerate(lists):
            if len(thresholds) < 2 or any(self.money_role(m) == "cap" for m in thresholds):
                continue
            after_first = self.text[thresholds[-1].end:self.seg_end(thresholds[-1].end)]
            if not (after_first.lstrip().startswith("的") or re.match(r"^\s*以上的", after_first)):
                continue
            for amounts in lists[i + 1:]:
                between = self.text[thresholds[-1].end:amounts[0].start]
                if len(amounts) != len(thresholds) or not RESPECTIVELY.search(between):
                    continue
                if self.money_role(amounts[0]) == "cap" and any(thresholds[-1].end <= r.start < amounts[0].start for r in self.rates):
                    # 达到1亿元、5亿元的，按增量的1%给予奖励，分别最高不超过100万元、300万元:
                    # the list bounds a rate (one award per ceiling), it pays no tier
                    continue
                word = self.word_after(amounts[-1].end, MAX_MONEY_TO_WORD)
                word_before = [w for w in self.words if thresholds[-1].end <= w[0] < amounts[0].start]
                kind = word[2] if word else (word_before[-1][2] if word_before else None)
                if kind is None:
                    continue
                seg = self.seg_start(thresholds[0].start)
                base = re.sub(r"^(?:对|当|凡)", "", re.split(r"达到|超过|突破|首次", self.text[seg:thresholds[0].start])[0]).strip() or None
                end = word[1] if word else amounts[-1].end
                tiers = [Tier(t.yuan, a.yuan) for t, a in zip(thresholds, amounts)]
                sentence = self.text[self.start:self.end]
                award = Award(kind=kind, base=base, tiers=tiers, top_up=bool(TOP_UP.search(sentence)),
                              text=self.text[seg:end], start=seg, end=end)
                self.events.append(_Event(amounts[0].start, end, "items", items=[_Item(award)]))
                self.used_money.update(id(m) for m in thresholds + amounts)
                if word:
                    self.used_words.add(word[0])
                break

    def read_parallel_tiers(self) -> None:
        """Tiers written as parallel phrases: 首次超过5亿元的，奖励50万元；首次超过10亿元的，
        奖励100万元 — each a threshold phrase followed by an amount named by one award word,
        two or more of them, thresholds rising."""
        free = [m for m in self.moneys if id(m) not in self.used_money]
        pairs: list[tuple[Money, Money, str]] = []
        runs: list[list[tuple[Money, Money, str]]] = []
        i = 0
        while i + 1 < len(free):
            threshold, amount = free[i], free[i + 1]
            kind = self.tier_kind(threshold, amount)
            if kind is None:
                if len(pairs) > 1:
                    runs.append(pairs)
                pairs, i = [], i + 1
                continue
            if pairs and (kind != pairs[-1][2] or threshold.yuan <= pairs[-1][0].yuan
                          or self.text[pairs[-1][1].end:threshold.start].count("的") > 1):
                if len(pairs) > 1:
                    runs.append(pairs)
                pairs = []
            pairs.append((threshold, amount, kind))
            i += 2
        if len(pairs) > 1:
            runs.append(pairs)
        for run in runs:
            first, last = run[0][0], run[-1][1]
            seg = self.seg_start(first.start)
            base = re.sub(r"^(?:对|当|凡)", "", re.split(r"达到|超过|突破|首次", self.text[seg:first.start])[0]).strip() or None
            end = self.seg_end(last.end)
            sentence = self.text[self.start:self.end]
            award = Award(kind=run[0][2], base=base, tiers=[Tier(t.yuan, a.yuan) for t, a, _ in run],
                          top_up=bool(TOP_UP.search(sentence)), text=self.text[seg:end], start=seg, end=end)
            self.events.append(_Event(first.start, end, "items", items=[_Item(award)]))
            for t, a, _ in run:
                self.used_money.update((id(t), id(a)))
            self.used_words.update(w[0] for w in self.words if first.start <= w[0] < end)

    def tier_kind(self, threshold: Money, amount: Money) -> str | None:
        """The award's kind when ``threshold`` reads as a tier's condition (超过5亿元的,
        达到30万元以上) and ``amount``, in the next phrase, as its award (奖励50万元 /
        给予50万元奖励); None otherwise."""
        seg = self.seg_start(threshold.start)
        if not THRESHOLD_BEFORE.search(self.text[seg:threshold.start]):
            return None
        if not TIER_CONDITION_END.match(self.text[threshold.end:]):
            return None
        amount_seg = self.seg_start(amount.start)
        if amount_seg <= threshold.end or self.money_role(amount) != "amount":
            return None
        before = self.text[amount_seg:amount.start]
        after = self.text[amount.end:self.seg_end(amount.end)]
        if WORD_BEFORE_MONEY.search(before):
            words = [w for w in self.words if amount_seg <= w[0] < amount.start]
            return words[-1][2] if words else None
        if WORD_AFTER_MONEY.match(after):
            word = self.word_after(amount.end, MAX_MONEY_TO_WORD)
            return word[2] if word else None
        return None

    def rate_accepted(self, i: int) -> bool:
        r = self.rates[i]
        seg = self.seg_start(r.start)
        before = self.text[seg:r.start]
        if RATE_AFTER_BLOCKERS.match(self.text[r.end:]):
            return False
        if RATE_AFTER_OF.search(before) or RATE_AFTER_MARKER.search(before):
            return True
        if i and re.fullmatch(r"\s*[、和]\s*", self.text[self.rates[i - 1].end:r.start]):
            return True
        if RATE_CONDITION_BEFORE.search(before):
            return False
        # 给予发行费用10%的一次性补贴, 按最高不超过投资额10%给予资助: a base without 的, in a
        # phrase that computes an award, with the award word later in the phrase.
        return bool(RATE_IN_COMPUTATION.search(before) and self.word_after(r.end, MAX_RATE_TO_WORD))

    def continues_list(self, i: int) -> bool:
        """Whether rate ``i`` continues the list of rate ``i - 1`` (50%、50%、30%;
        省级部分的60%、市级部分的50%): close by, no segment break, no award word between."""
        if i >= len(self.rates) or not self.rate_accepted(i):
            return False
        gap_start, gap_end = self.rates[i - 1].end, self.rates[i].start
        gap = self.text[gap_start:gap_end]
        return (len(gap) <= MAX_RATE_LIST_GAP and not SEGMENT_BREAK.search(gap) and gap.lstrip()[:1] in "、和及"
                and not any(gap_start <= w[0] < gap_end for w in self.words))

    def read_rates(self) -> None:
        pending: list[Rate] = []
        for i, r in enumerate(self.rates):
            if not pending and not self.rate_accepted(i):
                continue
            pending.append(r)
            if self.continues_list(i + 1):
                continue  # the list shares the award word after its last rate
            rates, pending = pending, []
            word = self.word_after(r.end, MAX_RATE_TO_WORD)
            named = self.named_before(rates[0])
            if word is not None and not RATE_BLOCKERS.search(self.text[r.end:word[0]]):
                kind, end = word[2], word[1]
                self.used_words.add(word[0])
            elif named is not None and (word is None or not RATE_TO_AWARD_BLOCKERS.search(self.text[r.end:word[0]])):
                kind, end = named, r.end
            else:
                continue
            self.add_rate_items(rates, kind, end)

    def named_before(self, rate: Rate) -> str | None:
        """The kind of the award a rate is named by before it, in its own phrase
        (补助比例不超过总投资的20%, 贴息率按照贷款市场报价利率的50%计算), or — for an equity
        investment named earlier in the sentence — by its amount (采取直接股权投资方式给予支持，
        投资额一般不超过项目总投资的20%; 单个项目出资额…，且不超过被投资企业注册资本的30%)."""
        m = None
        for m in WORD_BEFORE_RATE.finditer(self.text[self.seg_start(rate.start):rate.start]):
            pass
        if m is not None:
            return _kind_of(m.group("word"))
        phrase = self.text[self.seg_start(rate.start):rate.start]
        m = RATE_NAMED_BEFORE.match(phrase)
        if m is not None:
            return _kind_of(m.group("word"))
        before = self.text[self.start:rate.start]
        if EQUITY_SHARE_BEFORE.search(before) and CAP_ON_RATE.search(phrase):
            return "equity_investment"
        return None

    def add_rate_items(self, rates: list[Rate], kind: str, end: int) -> None:
        first_seg = self.seg_start(rates[0].start)
        # ceilings inside the phrase: 给予每年最高500万元的奖励支持; a list of them shared by
        # one rate: 按…的10%分别给予最高500万元、200万元奖励
        caps: list[Money] = []
        per = None
        for group in self.money_lists():
            inside = [m for m in group if rates[-1].end <= m.start < end]
            if inside and self.money_role(inside[0]) == "cap":
                caps = inside
                self.used_money.update(id(m) for m in inside)
                per = _per(self.text[rates[-1].end:inside[0].start])
        lead = self.text[first_seg:rates[0].start]
        per = per or _per(re.split(r"按照|按|给予", lead)[0])
        items = []
        base = None
        prev_end = None
        for r in rates:
            if prev_end is not None:
                between = self.text[prev_end:r.start]
                if "的" in between:
                    base = BASE_PREFIX.sub("", re.sub(r"^\s*[、和]\s*|的\s*$", "", between)).strip() or base
            else:
                base = _base(self.text, first_seg, r.start)
            prev_end = r.end
            rate_base = _interest_base(base, r.value) if kind == INTEREST_SUBSIDY else base
            award = Award(kind=kind, rate=r.value, base=rate_base, cap_yuan=caps[-1].yuan if caps else None,
                          per=per, text=self.text[first_seg:end], start=first_seg, end=end)
            items.append(_Item(award))
        if len(caps) > 1:
            items = _share(items, caps)
        self.events.append(_Event(rates[0].start, end, "items", items=items, inline_cap=bool(caps)))

    def read_money(self) -> None:
        for group in self.money_lists():
            group = [m for m in group if id(m) not in self.used_money]
            if not group:
                continue
            roles = [self.money_role(m) for m in group]
            first, last = group[0], group[-1]
            role = roles[0]
            if len(group) > 1 and role == "amount" and roles[-1] == "cap":
                role = "cap"
            if role not in ("cap", "amount"):
                continue
            seg = self.seg_start(first.start)
            after = self.text[last.end:self.seg_end(last.end)]
            word = self.word_after(last.end, MAX_MONEY_TO_WORD) if WORD_AFTER_MONEY.match(after) else None
            before = self.text[seg:first.start]
            word_before = None
            for w in self.words:
                if seg <= w[0] and w[1] <= first.start:
                    word_before = w
            kind = word[2] if word else None
            if role == "amount":
                if kind is None and word_before and WORD_BEFORE_MONEY.search(self.text[seg:first.start]):
                    kind = word_before[2]
                if kind is None and STANDARD_AFTER_MONEY.match(after):
                    later = [w for w in self.words if w[0] >= last.end and w[0] not in self.used_words]
                    if later and GIVE.search(self.text[last.end:later[0][0]]):
                        word = later[0]
                        kind = word[2]
                if kind is None:
                    continue
            else:
                if kind is None and word_before:
                    kind = word_before[2]
            end = word[1] if word else last.end
            if word:
                self.used_words.add(word[0])
            if word_before:
                self.used_words.add(word_before[0])
            per = _per(before)
            for m in group:
                self.used_money.add(id(m))
            if role == "cap" and len(group) == 1:
                self.events.append(_Event(first.start, end, "cap", money=first, word_kind=kind,
                                          self_contained=bool(GIVE.search(before)) and word is not None, per=per))
                continue
            if role == "cap" and not any(m.is_range for m in group):
                # a list of ceilings: shared by a rate before it, else awards of their own
                self.events.append(_Event(first.start, end, "caps", moneys=group, word_kind=kind,
                                          self_contained=bool(GIVE.search(before)) and word is not None, per=per))
                continue
            items = []
            for m in group:
                cap = m.yuan if role == "cap" or m.is_range else None
                amount = None if cap is not None else m.yuan
                award = Award(kind=kind or FUNDING, cap_yuan=cap, amount_yuan=amount, per=per,
                              text=self.text[seg:end], start=seg, end=end)
                items.append(_Item(award, fixed=amount is not None))
            self.events.append(_Event(first.start, end, "items", items=items, inline_cap=role == "cap" or all(m.is_range for m in group)))

    def read_open_awards(self) -> None:
        """Award words after 给予/采用/以… that no number claimed: 给予贴息. One per
        segment, of the most specific kind named in it (采用直接股权投资的方式给予支持)."""
        seen_segments: set[int] = set()
        for w in self.words:
            if w[0] in self.used_words:
                continue
            seg = self.seg_start(w[0])
            if seg in seen_segments or not OPEN_AWARD_BEFORE.search(self.text[seg:w[0]]):
                continue
            end = self.seg_end(w[1])
            if any(e.start <= w[0] < e.end or seg <= e.start < end for e in self.events if e.kind != "period"):
                continue  # the segment already has an award with a number
            seen_segments.add(seg)
            kind = None
            for x in self.words:
                if seg <= x[0] < end:
                    kind = _finer(kind, x[2])
            award = Award(kind=kind or w[2], text=self.text[seg:end], start=seg, end=end)
            self.events.append(_Event(seg, end, "items", items=[_Item(award, numbered=False)]))


class _Assembler:
    """Attaches ceilings and periods to the awards before them, in reading order."""

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self.group: list[_Item] = []
        self.capped = False

    def sentence(self, events: list[_Event]) -> None:
        has_items = any(e.kind == "items" for e in events)
        if has_items or not self.targets_for_cap():
            self.group, self.capped = [], False
        # else: a sentence of ceilings or periods only, which apply to the last group
        # (…的50%、50%、30%给予补助。同一家企业每年度…最高不超过1000万元。)
        pending_period: Period | None = None
        for e in events:
            if e.kind == "caps" and not self.share_caps(e):
                e = self.caps_as_items(e)
            if e.kind == "items" and self.cap_before_rate(e):
                continue
            if e.kind == "items":
                if self.capped:
                    self.group, self.capped = [], False
                # an award named without a number gives way to the next award: only a
                # ceiling or period right after it completes it
                self.group = [i for i in self.group if i.numbered]
                for item in e.items:
                    if pending_period and item.award.period_years is None:
                        item.award.period_years = pending_period.years
                self.group.extend(e.items)
                self.items.extend(e.items)
                self.capped = self.capped or e.inline_cap
            elif e.kind == "period":
                assert e.period is not None
                if self.group:
                    for item in self.group:
                        if item.award.period_years is None:
                            item.award.period_years = e.period.years
                            item.numbered = True
                else:
                    pending_period = e.period
            elif e.kind == "cap":
                self.cap(e)

    def cap_before_rate(self, e: _Event) -> bool:
        """A ceiling stated before the rate it bounds, in one sentence: 单个项目补贴金额最高
        不超过5000万元，按…贡献100%给予奖励. The ceiling read as an award of its own (it had
        nothing before it and was not phrased as one: no 给予) becomes the rate's ceiling."""
        if not self.group or len(e.items) != 1 or e.inline_cap:
            return False
        last = self.group[-1]
        rate = e.items[0].award
        if not last.standalone_cap or rate.rate is None or rate.cap_yuan is not None:
            return False
        rate.cap_yuan, rate.per = last.award.cap_yuan, rate.per or last.award.per
        rate.start = min(rate.start, last.award.start)
        self.items[self.items.index(last)] = e.items[0]
        self.group[-1] = e.items[0]
        return True

    def share_caps(self, e: _Event) -> bool:
        """A list of ceilings after rates that lack one (按50%给予补贴，分别最高不超过200万元、
        300万元、500万元): one rate applies to each ceiling, or as many rates pair with them.
        False when there are no such rates, or the ceilings are awards of another kind."""
        targets = [i for i in self.targets_for_cap() if i.award.rate is not None]
        if not targets or (len(targets) != 1 and len(targets) != len(e.moneys)):
            return False
        if e.self_contained and e.word_kind not in {i.award.kind for i in targets} | {FUNDING}:
            if not any(i.award.kind == FUNDING for i in targets):
                return False
        if len(targets) == 1:
            target = targets[0]
            copies = [_Item(replace(target.award)) for _ in e.moneys[1:]]
            at = self.items.index(target) + 1
            self.items[at:at] = copies
            self.group[self.group.index(target) + 1:self.group.index(target) + 1] = copies
            targets = [target, *copies]
        for item, money in zip(targets, e.moneys):
            item.award.cap_yuan = money.yuan
            item.award.per = e.per or item.award.per
            if item.award.kind == FUNDING:
                item.award.kind = _finer(item.award.kind, e.word_kind) or FUNDING
            item.award.end = max(item.award.end, e.end)
        self.capped = True
        return True

    @staticmethod
    def caps_as_items(e: _Event) -> _Event:
        """A list of ceilings no rate shares: one award per ceiling (分别给予最高1亿元、
        2000万元和800万元资金支持)."""
        items = [_Item(Award(kind=e.word_kind or FUNDING, cap_yuan=m.yuan, per=e.per, text="", start=e.start, end=e.end))
                 for m in e.moneys]
        return _Event(e.start, e.end, "items", items=items, inline_cap=True)

    def targets_for_cap(self) -> list[_Item]:
        targets = [i for i in self.group if i.award.cap_yuan is None and not i.fixed]
        if not targets and self.group and all(i.fixed and i.award.cap_yuan is None for i in self.group):
            targets = list(self.group)
        return targets

    def cap(self, e: _Event) -> None:
        assert e.money is not None
        targets = self.targets_for_cap()
        if e.self_contained:
            # "给予最高…元补助" is an award of its own; it completes only an award named
            # without a number before it (按“一事一议”给予综合资助，…给予最高500万元的资金资助)
            kinds = {i.award.kind for i in targets}
            compatible = e.word_kind in kinds or FUNDING in kinds or e.word_kind == FUNDING
            targets = [i for i in targets if not i.numbered] if compatible else []
        if targets:
            for item in targets:
                item.award.cap_yuan = e.money.yuan
                item.award.per = e.per or item.award.per
                item.award.kind = _finer(item.award.kind, e.word_kind) if item.award.kind == FUNDING else item.award.kind
                item.award.end = max(item.award.end, e.end)
                item.numbered = True
            self.capped = True
            return
        group_kinds = {i.award.kind for i in self.group}
        if e.word_kind is None or (self.capped and not e.self_contained and e.word_kind in group_kinds):
            return  # a second ceiling of the same awards (单个项目…，每家企业每年…), or nothing named
        award = Award(kind=e.word_kind, cap_yuan=e.money.yuan, per=e.per, text="", start=e.start, end=e.end)
        item = _Item(award, standalone_cap=not e.self_contained)
        self.group, self.capped = [item], True
        self.items.append(item)


def extract_awards(text: str) -> list[Award]:
    """Every award rule of a clause, in reading order.

    >>> [(a.kind, a.rate, a.cap_yuan, a.per) for a in extract_awards(
    ...     "对企业研发多项目晶圆（MPW）直接费用的80%给予补贴，每家企业每年累计最高补贴600万元。")]
    [('subsidy', 0.8, 6000000.0, '每家企业每年')]
    """
    words = _award_words(text)
    moneys, rates, periods = find_money(text), find_rates(text), find_periods(text)
    assembler = _Assembler()
    for s in SENTENCE.finditer(text):
        reader = _SentenceReader(text, s.start(), s.end(), words, moneys, rates, periods)
        assembler.sentence(reader.read())
    awards = []
    for item in assembler.items:
        a = item.award
        if a.rate is None and a.cap_yuan is None and a.amount_yuan is None and not a.tiers and a.period_years is None:
            continue  # named without any number: 给予资金支持
        if not a.text:
            seg = phrase_start(text, a.start, 0, SEGMENT_BREAK, bracketed=True)
            a.start, a.text = seg, text[seg:a.end]
        else:
            a.text = text[a.start:a.end]
        awards.append(a)
    return awards
