"""What the HTTP API reads and writes besides the records of ``corpus``, ``kg`` and ``index``:
query parameters, list and error envelopes, and response models for the exported record
shapes that have no typed model of their own (``kg.records`` yields dicts).

Typed records are reused where they are born: ``index.models.SearchResult`` for /search,
``corpus.models.Document`` for /documents."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Annotated, Generic, Literal, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from corpus.models import Document

T = TypeVar("T")

# Page sizes of list endpoints: a page large enough for every department or award of a
# city's policies, small enough that a client cannot ask for the whole graph at once.
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Hits /search returns: as many as a person reads; the CLI allows more for batch runs.
DEFAULT_K = 10
MAX_K = 50


# --- parameters ---------------------------------------------------------------------------


@dataclass
class Page:
    """Which slice of a list to return (``?limit=&offset=``)."""

    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"How many items to return (1–{MAX_LIMIT}).")] = DEFAULT_LIMIT
    offset: Annotated[int, Query(ge=0, description="How many items to skip.")] = 0

    def slice(self, items: list[T]) -> list[T]:
        return items[self.offset : self.offset + self.limit]


Mode = Literal["hybrid", "keyword", "dense"]  # index.search.MODES, spelled out for OpenAPI
Role = Literal["lead", "cooperating"]  # index.filters.ROLES


# --- envelopes ----------------------------------------------------------------------------


class ListOf(BaseModel, Generic[T]):
    """A page of a list: ``data`` holds the page, ``count`` every item that matched."""

    data: list[T] = Field(description="The items of this page.")
    count: int = Field(description="How many items matched, on every page together.")


class ErrorBody(BaseModel):
    """Every error the API returns (404 unknown id, 422 bad parameter, …)."""

    status: int = Field(description="The HTTP status code, repeated.", examples=[404])
    message: str = Field(description="What went wrong, for a person.", examples=["no clause with id 'x/1'"])
    errors: list[dict] = Field(
        default_factory=list, description="For bad parameters: one entry per parameter (loc, msg, type), as FastAPI reports them."
    )


ERRORS = {404: {"model": ErrorBody, "description": "No such id."}, 422: {"model": ErrorBody, "description": "A parameter cannot be read."}}


# --- record shapes ------------------------------------------------------------------------


class Record(BaseModel):
    """Base of the exported record shapes: extra keys in a record pass through."""

    model_config = ConfigDict(extra="allow")


class DocumentRef(Record):
    id: str = Field(description="Document id (stable across builds).")
    title: str | None = Field(default=None, description="Title as printed.")
    number: str | None = Field(default=None, description="文号, e.g. 穗府〔2018〕9号.")
    issuer: str | None = Field(default=None, description="Issuing body.")
    date: str | None = Field(default=None, description="ISO date of issue.")
    validity: str | None = Field(default=None, description="Validity as stated.")
    valid_until: str | None = Field(default=None, description="ISO date the document stops being in force, when known.")
    script: str = Field(description="Script of the source text: zh-Hans or zh-Hant.")
    work: str = Field(description="Id shared by every copy of the same document.")
    preferred: bool = Field(description="Whether this is the copy search shows.")


class SourceSpan(Record):
    start: int
    end: int


class Source(Record):
    file: str = Field(description="Key of the source file (its stem).")
    start: int | None = Field(description="First character offset of the clause in the file.")
    end: int | None = Field(description="Offset just past its last character.")
    spans: list[SourceSpan] = Field(description="The pieces of the file its text came from, in reading order.")


class ClauseDepartment(Record):
    id: str = Field(description="Department id (the registry's, or made from jurisdiction and name).")
    label: str = Field(description="Full official name.")
    labels: list[str] = Field(description="Every surface form: as written, short forms, Traditional.")
    role: Role = Field(description="lead or cooperating.")
    convention: str = Field(description="How the role was read: explicit, first-listed or inferred.")
    mention: str = Field(description="The name as written in the clause.")


class Tier(Record):
    threshold_yuan: float
    amount_yuan: float


class ClauseAward(Record):
    kind: str = Field(description="subsidy, reward, interest_subsidy, equity_investment, matching_fund, funding or other.")
    rate: float | None = Field(description="Share of the base: 80% → 0.8.")
    base: str | None = Field(description="What the rate applies to.")
    cap_yuan: float | None = Field(description="Upper limit in yuan.")
    amount_yuan: float | None = Field(description="A fixed amount in yuan.")
    per: str | None = Field(description="What the cap counts per: 每家企业每年, 单个项目 …")
    period_years: float | None = Field(description="For how many years.")
    tiers: list[Tier] | None = Field(description="Amounts by threshold, when the award is tiered.")
    top_up: bool = Field(description="Moving up a tier pays only the difference (差额补足).")


class ClauseTarget(Record):
    metric: str
    value: float = Field(description="In base units: yuan, a ratio, or a count.")
    unit: str
    year: int | None
    bound: str = Field(description="min, max or exact.")


class Neighbours(BaseModel):
    previous: str | None = Field(description="Id of the clause before it in reading order of its document (for a segment: the segment before it).")
    next: str | None = Field(description="Id of the clause after it.")


class ClauseDetail(Record):
    """A clause as ``policykg export clauses --json`` prints it, with its place in the document."""

    clause_id: str = Field(description="Stable id: <document>/<numbering>; segments add /s<n>.")
    kind: str = Field(description="item, preamble, table, fragment, or segment (a part of a clause under one responsibility note).")
    number: str | None = Field(description="Its own number as printed, e.g. （十一）.")
    path: list[str] = Field(description="Headings above it and its own, outermost first.")
    text: str = Field(description="Normalised text: Simplified, PDF wrapping removed.")
    text_original: str = Field(description="Text as printed, in the original script.")
    document: DocumentRef
    source: Source
    departments: list[ClauseDepartment]
    awards: list[ClauseAward]
    targets: list[ClauseTarget]
    parent: str | None = Field(default=None, description="For a segment: the clause it is part of.")
    segments: list[str] = Field(default_factory=list, description="Ids of its segments, when it has several responsibility notes.")
    neighbours: Neighbours


@dataclass
class DocumentDetail(Document):
    """A document with the ids of its clauses in reading order."""

    clause_ids: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, document: Document, clause_ids: list[str]) -> DocumentDetail:
        return cls(**{f.name: getattr(document, f.name) for f in fields(document)}, clause_ids=clause_ids)


class DepartmentRef(BaseModel):
    id: str
    label: str


class DepartmentSummary(BaseModel):
    id: str = Field(description="Department id; registry bodies have short ids such as guangzhou/gongxin-ju.")
    label: str = Field(description="Full official name.")
    labels: list[str] = Field(description="Every name it is known by.")
    jurisdiction: str = Field(description="广州市, 广州市黄埔区 …; empty for generic groups.")
    generic: bool = Field(description="A group such as 各区政府 or 有关部门 rather than one body.")
    known: bool = Field(description="Whether the curated registry holds it.")
    clauses: dict[str, int] = Field(description="How many clauses name it, by role: {\"lead\": 12, \"cooperating\": 3}.")


class DepartmentDetail(DepartmentSummary):
    predecessors: list[DepartmentRef] = Field(description="Bodies it was made from by a renaming or merger.")
    successors: list[DepartmentRef] = Field(description="Bodies a renaming or merger made out of it.")


class DepartmentClause(BaseModel):
    clause_id: str
    role: Role
    department: DepartmentRef = Field(description="The body the clause names: the one asked for, or a predecessor or successor of it.")
    text: str
    path: list[str]
    document: DocumentRef


class AwardRow(ClauseAward):
    """One award rule with the clause it is written in."""

    award: int = Field(description="Its index in its clause's awards, from 0 (as a search estimate's award).")
    clause_id: str
    path: list[str]
    document: DocumentRef
