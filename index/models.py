"""Typed search answers, shared by the CLI and the API: ``policykg search --json`` and the
HTTP API dump the same objects. A hit carries the parts of its clause's record
(``kg.records.ClauseRecord``) as they are."""
from __future__ import annotations

from dataclasses import dataclass, field

from policykg.kg.models import Award, Responsibility, Target
from policykg.kg.records import DocumentRef, Source, as_json


@dataclass
class Match:
    """Where the question's words stand in the clause text, for highlighting: the stretch
    holding most of them, and each word's place inside it."""

    start: int
    end: int
    text: str
    words: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each word, merged where they touch


@dataclass
class Hit:
    """A clause that answers a question. ``text`` is the clause's text, preceded by
    ``lead`` and a line break when the clause is an item of a list that a sentence of its
    own introduces (the item alone does not say what rule it belongs to); the clause API
    gives the clause's own text."""

    clause_id: str
    score: float
    rank: int
    text: str
    path: list[str]
    kind: str
    document: DocumentRef
    source: Source
    departments: list[Responsibility] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    match: Match | None = None
    estimates: list[dict] = field(default_factory=list)  # one per award that yields one: value_yuan, rule, …
    named_awards: list[int] = field(default_factory=list)  # awards whose base the question names, best first
    ranks: dict[str, int] = field(default_factory=dict)  # rank on each side: {"keyword": 2, "dense": 1}
    lead: str | None = None  # the sentences introducing the list this clause is an item of (``text`` begins with them)
    validity: dict | None = None  # the document on the day asked: status in_force|expired|not_yet|unknown, on, until, label

    def to_dict(self) -> dict:
        return as_json(self)


@dataclass
class SearchResult:
    query: str
    mode: str = "hybrid"
    normalized: str = ""  # the query as searched: Simplified, expanded
    stated_amount_yuan: float | None = None  # an amount the question states, for estimates
    answered: bool = False  # whether some clause answers the question; False: the hits are only the nearest clauses
    evidence: dict = field(default_factory=dict)  # what ``answered`` was decided on (index.abstain.Evidence)
    total: int = 0  # clauses that passed the filters (of the ranked candidates); hits are a page of them
    hits: list[Hit] = field(default_factory=list)
    # When no clause answers (``answered`` false): the documents of the nearest clauses,
    # nearest first, to read around the question; empty when some clause answers.
    nearest_documents: list[DocumentRef] = field(default_factory=list)

    def to_dict(self) -> dict:
        return as_json(self)
