"""Typed records born in the graph stage: what extraction finds in a clause.

Offsets are into the clause's normalised ``text``; the graph links each fact to its clause
and span (PROV-O), so a reader can check it against the words."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .extract.conditions import AwardConditions


@dataclass
class DocumentContext:
    """What extraction needs to know about the document a clause comes from."""

    document_id: str
    title: str | None = None
    issuer: str | None = None
    city: str = "广州市"  # whose 市 bodies "市…局" names (from issuer / title; Guangzhou by default)
    district: str | None = None  # whose 区 bodies "区…局" names, e.g. "黄埔区"
    # The document's own rule for lists of responsible units: True when it says the first
    # listed leads (第一个责任单位为牵头单位 / 排在首位的为牵头单位), None when it says nothing.
    first_listed_leads: bool | None = None
    date: str | None = None


@dataclass
class Responsibility:
    """A department named by a clause, in a role."""

    department: str  # id of the department entity (stable across builds)
    label: str  # its full official name (skos:prefLabel), or the name as written if unknown
    labels: list[str] = field(default_factory=list)  # every surface form: as written, short forms, Traditional
    role: str = "lead"  # "lead" or "cooperating"
    convention: str = "explicit"  # "explicit", "first-listed" (document says so) or "inferred" (assumed)
    mention: str = ""  # the name as written in the clause (normalised, prefix distributed)
    start: int = 0
    end: int = 0
    jurisdiction: str = ""  # e.g. "广州市", "广州市黄埔区"; "" for generic groups
    generic: bool = False  # 各区政府, 有关部门, 相关区政府

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Tier:
    threshold_yuan: float
    amount_yuan: float


@dataclass
class Award:
    """One award rule of a clause: 'X% of base, at most cap per unit, for N years'."""

    kind: str  # subsidy, reward, interest_subsidy, equity_investment, matching_fund, funding, other
    rate: float | None = None  # 80% → 0.8
    base: str | None = None  # what the rate applies to: "MPW直接费用", "实际租金"
    cap_yuan: float | None = None
    amount_yuan: float | None = None  # a fixed amount
    per: str | None = None  # what the cap counts per: "每家企业每年", "单个项目"
    period_years: float | None = None
    tiers: list[Tier] | None = None
    top_up: bool = False  # 差额补足: moving up a tier pays the difference
    text: str = ""  # the words it was read from
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Target:
    """A quantified goal: 'by 2022, output over 10000亿元'."""

    metric: str
    value: float  # in base units: yuan, ratio (0.034), or a count
    unit: str  # "yuan", "ratio", "家", "个", "人" …
    year: int | None = None
    bound: str = "min"  # "min" (超, 不少于, 以上: the default), "max", "exact"
    text: str = ""
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Abbreviation:
    """全称（缩写） defined in the text: 多项目晶圆（MPW）."""

    full: str
    short: str
    start: int = 0
    end: int = 0


@dataclass
class SegmentFacts:
    """The facts of one segment of a clause: the sentences a responsibility note governs
    (offsets into the clause's text; see kg.segments)."""

    start: int
    end: int
    responsibilities: list[Responsibility] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)


@dataclass
class ClauseFacts:
    """Everything extraction found in one clause, and in each of its segments when it has
    several responsibility notes."""

    clause_id: str
    responsibilities: list[Responsibility] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    abbreviations: list[Abbreviation] = field(default_factory=list)
    segments: list[SegmentFacts] = field(default_factory=list)
    # the conditions of each award (kg.extract.conditions), stated or inherited from a preamble
    conditions: list[AwardConditions] = field(default_factory=list)
