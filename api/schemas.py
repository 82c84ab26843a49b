"""What the HTTP API reads and writes besides the records of ``corpus``, ``kg`` and ``index``:
query parameters and list and error envelopes.

Typed records are reused where they are born: ``index.models.SearchResult`` for /search,
``kg.records.ClauseRecord`` (as ``index.catalog.ClauseDetail``) for /clauses,
``corpus.models.Document`` for /documents, ``index.catalog.AwardRow`` for /awards,
``index.catalog.DepartmentSummary``/``DepartmentDetail`` for /departments."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date
from typing import TYPE_CHECKING, Annotated, Generic, Literal, TypeVar

from fastapi import Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from policykg.corpus.models import Document
from policykg.index.catalog import AwardRow, ClauseDetail, DepartmentClause, DepartmentDetail, DepartmentRef, DepartmentSummary
from policykg.index.search import MODES
from policykg.kg.vocabulary import ROLES

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


# Closed sets as OpenAPI enums, from their one home.
Mode = Literal[MODES]  # type: ignore[valid-type]
if TYPE_CHECKING:  # the roles are read from the ontology at run time; a checker sees a str
    Role = str
else:
    Role = Literal[tuple(ROLES)]


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


DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _written_day(value: object) -> object:
    """Only a day written YYYY-MM-DD, as the schema's ``format: date`` says: pydantic also
    reads a number or a string of digits as a Unix time (``"as_of": 0`` was 1970-01-01,
    which schemathesis found) and a datetime at midnight as its day."""
    if isinstance(value, date) or (isinstance(value, str) and re.fullmatch(DAY_PATTERN, value)):
        return value
    raise ValueError("expected a day written YYYY-MM-DD")


# A date field of a JSON body: the calendar checks the day, the pattern how it is written.
Day = Annotated[date, BeforeValidator(_written_day)]

ERRORS = {404: {"model": ErrorBody, "description": "No such id."}, 422: {"model": ErrorBody, "description": "A parameter cannot be read."}}


# --- views of the read model ---------------------------------------------------------------
# Records are not declared here: a clause is ``kg.records.ClauseRecord`` (its parts are the
# graph stage's ``Responsibility``, ``Award``, ``Target``), a clause with its neighbours
# ``index.catalog.ClauseDetail``, an award row ``index.catalog.AwardRow``, a department
# ``index.catalog.DepartmentSummary`` or ``DepartmentDetail``.


@dataclass
class DocumentDetail(Document):
    """A document with the ids of its clauses in reading order."""

    clause_ids: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, document: Document, clause_ids: list[str]) -> DocumentDetail:
        return cls(**{f.name: getattr(document, f.name) for f in fields(document)}, clause_ids=clause_ids)
