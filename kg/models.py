"""Typed records born in the graph stage: what extraction finds in a clause.

Offsets are into the clause's normalised ``text``; the graph links each fact to its clause
and span (PROV-O), so a reader can check it against the words."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Annotated

from pydantic import ConfigDict, Field

from .vocabulary import AWARD_KINDS, ROLES, listed

if TYPE_CHECKING:
    from .extract.conditions import AwardConditions

# Where in the clause a fact was read: kept in the facts file and the graph (PROV-O), left
# out of the JSON renderings (export, search, API), which give the fact itself.
Offset = Annotated[int, Field(exclude=True)]
Evidence = Annotated[str, Field(exclude=True)]
# A role is a notation of the ontology's roles (an enum on the OpenAPI page).
ROLE = Field(description=f"{listed(ROLES)}.", json_schema_extra={"enum": list(ROLES)})
# Rendered records carry every field, defaults too: the OpenAPI page marks them required.
RENDERED = ConfigDict(json_schema_serialization_defaults_required=True)


@dataclass
class DocumentContext:
    """What extraction needs to know about the document a clause comes from."""

    document_id: str
    title: str | None = None
    issuer: str | None = None
    city: str | None = None  # whose 市 bodies "市…局" names (from issuer / title / text); None: the document does not say
    district: str | None = None  # whose 区 bodies "区…局" names, e.g. "黄埔区"
    province: str | None = None  # the province the city lies in, or the province a provincial document speaks for
    # The document's own rule for lists of responsible units: True when it says the first
    # listed leads (第一个责任单位为牵头单位 / 排在首位的为牵头单位), None when it says nothing.
    first_listed_leads: bool | None = None
    date: str | None = None


@dataclass
class Responsibility:
    """A department named by a clause, in a role."""

    __pydantic_config__ = RENDERED

    department: Annotated[
        str, Field(serialization_alias="id", description="Department id (the registry's, or made from jurisdiction and name).")
    ]
    label: Annotated[str, Field(description="Full official name (skos:prefLabel), or the name as written if unknown.")]
    labels: Annotated[list[str], Field(description="Every surface form: as written, short forms, Traditional.")] = field(
        default_factory=list
    )
    role: Annotated[str, ROLE] = "lead"
    convention: Annotated[
        str, Field(description="How the role was read: explicit, first-listed (the document says so) or inferred.")
    ] = "explicit"
    mention: Annotated[str, Field(description="The name as written in the clause (normalised, prefix distributed).")] = ""
    start: Offset = 0
    end: Offset = 0
    jurisdiction: Annotated[str, Field(exclude=True)] = ""  # e.g. "广州市", "广州市黄埔区"; "" for generic groups
    generic: Annotated[bool, Field(exclude=True)] = False  # 各区政府, 有关部门, 相关区政府

    @property
    def id(self) -> str:
        """The department's id, as the JSON renderings name it."""
        return self.department

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Tier:
    __pydantic_config__ = RENDERED

    threshold_yuan: float
    amount_yuan: float


@dataclass
class Award:
    """One award rule of a clause: 'X% of base, at most cap per unit, for N years'."""

    __pydantic_config__ = RENDERED

    kind: Annotated[str, Field(description=f"A kind of the ontology's pk:AwardKinds: {listed(AWARD_KINDS)}.")]
    rate: Annotated[float | None, Field(description="Share of the base: 80% → 0.8.")] = None
    base: Annotated[str | None, Field(description="What the rate applies to: MPW直接费用, 实际租金 …")] = None
    cap_yuan: Annotated[float | None, Field(description="Upper limit in yuan.")] = None
    amount_yuan: Annotated[float | None, Field(description="A fixed amount in yuan.")] = None
    per: Annotated[str | None, Field(description="What the cap counts per: 每家企业每年, 单个项目 …")] = None
    period_years: Annotated[float | None, Field(description="For how many years.")] = None
    tiers: Annotated[list[Tier] | None, Field(description="Amounts by threshold, when the award is tiered.")] = None
    top_up: Annotated[bool, Field(description="Moving up a tier pays only the difference (差额补足).")] = False
    text: Evidence = ""  # the words it was read from
    start: Offset = 0
    end: Offset = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Target:
    """A quantified goal: 'by 2022, output over 10000亿元'."""

    __pydantic_config__ = RENDERED

    metric: str
    value: Annotated[float, Field(description="In base units: yuan, a ratio (0.034), or a count.")]
    unit: Annotated[str, Field(description="yuan, ratio, 家, 个, 人 …")]
    year: int | None = None
    bound: Annotated[str, Field(description="min (超, 不少于, 以上: the default), max or exact.")] = "min"
    text: Evidence = ""
    start: Offset = 0
    end: Offset = 0

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
