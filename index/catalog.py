"""The read model of one generation: its documents and clause records, loaded once
(``Catalog.load``) and read by search, the API and the pages alike.

Which clauses count is the build's decision, read rather than made again: the clauses
search shows are the ids the keyword index was built over (``policykg.build.build_index``
chose them: every clause of a preferred copy, and what other copies add). Lists of
departments and awards read those, so the IAB plan printed in two files does not name its
departments twice; single clauses and documents are served whichever copy they come from."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field

from policykg.corpus.artifacts import load_clauses, load_documents
from policykg.corpus.models import Document
from policykg.kg.artifacts import load_facts
from policykg.kg.extract.registry import Change, Registry
from policykg.kg.models import ROLE, Award, ClauseFacts
from policykg.kg.records import ClauseRecord, DocumentRef, clause_records
from policykg.kg.vocabulary import ROLES

from .filters import Filters, award_matches, matches
from .keyword import KeywordIndex

# The city a jurisdiction names ("广州市黄埔区" -> "广州市").
CITY_OF = re.compile(r"^.{2,6}?市")


def cities_named(jurisdictions: Iterable[str | None]) -> list[str | None]:
    """The cities ``jurisdictions`` name, sorted, where a department name typed without its
    city (市科技局) is read; [None] when they name no city's (the name is then read as the
    registry reads it without one)."""
    found = {m.group(0) for jurisdiction in jurisdictions if (m := CITY_OF.match(jurisdiction or ""))}
    return [*sorted(found)] or [None]


class NotFound(LookupError):
    """No record with the id asked for; the API answers 404 with this message."""


@dataclass(frozen=True)
class Neighbours:
    previous: Annotated[
        str | None,
        Field(description="Id of the clause before it in reading order of its document (for a segment: the segment before it)."),
    ]
    next: Annotated[str | None, Field(description="Id of the clause after it.")]


@dataclass(kw_only=True)
class ClauseDetail(ClauseRecord):
    """A clause record with its place in the document."""

    segments: Annotated[list[str], Field(description="Ids of its segments, when it has several responsibility notes.")] = field(
        default_factory=list
    )
    neighbours: Neighbours


@dataclass(frozen=True)
class DepartmentRef:
    id: str
    label: str


@dataclass
class DepartmentSummary:
    """A body some clause names, with how many clauses name it in each role."""

    id: Annotated[str, Field(description="Department id; registry bodies have short ids such as guangzhou/gongxin-ju.")]
    label: Annotated[str, Field(description="Full official name.")]
    labels: Annotated[list[str], Field(description="Every name it is known by.")]
    jurisdiction: Annotated[str, Field(description="广州市, 广州市黄埔区 …; empty for generic groups.")]
    generic: Annotated[bool, Field(description="A group such as 各区政府 or 有关部门 rather than one body.")]
    known: Annotated[bool, Field(description="Whether the curated registry holds it.")]
    clauses: Annotated[dict[str, int], Field(description="How many clauses name it, by role: {\"lead\": 12, \"cooperating\": 3}.")]


@dataclass(kw_only=True)
class DepartmentDetail(DepartmentSummary):
    """A body with the bodies it was renamed or merged from and into."""

    predecessors: Annotated[list[DepartmentRef], Field(description="Bodies it was made from by a renaming or merger.")]
    successors: Annotated[list[DepartmentRef], Field(description="Bodies a renaming or merger made out of it.")]


@dataclass(frozen=True)
class LineageStage:
    """One stage of a body's renamings: the bodies of that time, and the change that made
    them out of the stage before (None for the first)."""

    bodies: list[DepartmentRef]
    change: Change | None


@dataclass(frozen=True)
class DepartmentClause:
    """A clause naming a body in a role."""

    clause_id: str
    role: Annotated[str, ROLE]
    department: Annotated[
        DepartmentRef, Field(description="The body the clause names: the one asked for, or a predecessor or successor of it.")
    ]
    text: str
    path: list[str]
    document: DocumentRef


@dataclass(kw_only=True)
class AwardRow(Award):
    """One award rule with the clause it is written in."""

    award: Annotated[int, Field(description="Its index in its clause's awards, from 0 (as a search estimate's award).")]
    clause_id: str
    path: list[str]
    document: DocumentRef


@dataclass
class Catalog:
    """Documents and clause records of one generation, indexed once for lookups by id."""

    documents: dict[str, Document]
    records: dict[str, ClauseRecord]  # clause and segment records by id, in reading order
    order: dict[str, list[str]]  # document id -> its clause ids in reading order
    segments: dict[str, list[str]]  # clause id -> ids of its segments
    shown: list[str]  # ids of the clauses search shows, in reading order
    facts: dict[str, ClauseFacts]
    registry: Registry

    @classmethod
    def load(cls, folder: Path, registry: Registry | None = None) -> Catalog:
        documents = {d.id: d for d in load_documents(folder)}
        clauses = sorted(load_clauses(folder), key=lambda c: (c.document, c.order))
        facts = load_facts(folder)
        records = {r.clause_id: r for r in clause_records(folder, documents=documents.values(), clauses=clauses, facts=facts)}
        order: dict[str, list[str]] = {d: [] for d in documents}
        segments: dict[str, list[str]] = {}
        for clause in clauses:
            order[clause.document].append(clause.id)
        for record in records.values():  # each clause is followed by its segments
            if record.parent is not None:
                segments.setdefault(record.parent, []).append(record.clause_id)
        shown_ids = set(KeywordIndex.read_ids(folder))
        return cls(
            documents=documents,
            records=records,
            order=order,
            segments=segments,
            shown=[c.id for c in clauses if c.id in shown_ids],
            facts=facts,
            registry=registry or Registry.load(),
        )

    # --- clauses --------------------------------------------------------------------------

    def clause(self, clause_id: str) -> ClauseDetail:
        """A clause or segment record with its segments and its neighbours in reading order."""
        record = self.records.get(clause_id)
        if record is None:
            raise NotFound(f"no clause with id {clause_id!r}")
        parent = record.parent
        siblings = self.segments.get(parent, []) if parent else self.order[record.document.id]
        at = siblings.index(clause_id)
        return ClauseDetail(
            **vars(record),
            segments=[] if parent else self.segments.get(clause_id, []),
            neighbours=Neighbours(
                previous=siblings[at - 1] if at > 0 else None,
                next=siblings[at + 1] if at + 1 < len(siblings) else None,
            ),
        )

    # --- documents ------------------------------------------------------------------------

    def document(self, document_id: str) -> tuple[Document, list[str]]:
        """A document and its clause ids in reading order."""
        found = self.documents.get(document_id)
        if found is None:
            raise NotFound(f"no document with id {document_id!r}")
        return found, self.order[document_id]

    # --- departments ----------------------------------------------------------------------

    def cities(self) -> list[str | None]:
        """The cities whose bodies the shown clauses name (广州市, 深圳市 …), where a department
        name typed without its city (市科技局) is read; [None] when they name no city's."""
        return cities_named(entry.jurisdiction for entry in self._departments)

    def departments(self) -> list[DepartmentSummary]:
        """Every body some shown clause names, most named first, with clause counts by role
        (a clause counts once per role, however often it names the body)."""
        return [replace(entry, labels=list(entry.labels), clauses=dict(entry.clauses)) for entry in self._departments]

    @cached_property
    def _departments(self) -> list[DepartmentSummary]:
        found: dict[str, DepartmentSummary] = {}
        for record in self._shown_records():
            roles: dict[str, set[str]] = {}
            for named in record.departments:
                entry = found.get(named.id)
                if entry is None:
                    entry = found[named.id] = self._department_entry(named.id, named.label, named.labels, named.jurisdiction)
                for label in [named.label, *named.labels]:
                    if label not in entry.labels:
                        entry.labels.append(label)
                roles.setdefault(named.id, set()).add(named.role)
            for department_id, held in roles.items():
                for role in held:
                    found[department_id].clauses[role] += 1
        return sorted(found.values(), key=lambda d: (-sum(d.clauses.values()), d.id))

    def department(self, department_id: str) -> DepartmentDetail:
        """One body with its clause counts and the bodies it was renamed from and into."""
        entry = next((d for d in self.departments() if d.id == department_id), None)  # a copy
        if entry is None:
            try:
                body = self.registry.body(department_id)
            except KeyError:
                raise NotFound(f"no department with id {department_id!r}") from None
            entry = self._department_entry(body.id, body.label, list(body.labels))
        return DepartmentDetail(
            **vars(entry),
            predecessors=[self._ref(d) for d in self.registry.predecessors(department_id)] if entry.known else [],
            successors=[self._ref(d) for d in self.registry.successors(department_id)] if entry.known else [],
        )

    def lineage(self, department_id: str) -> list[LineageStage]:
        """The body's renamings and mergers as stages, oldest first: the bodies it was made
        from (and theirs, and so on), the body itself, then the bodies it was made into.
        Each stage has its ``bodies`` and the ``change`` (date, description) that made them
        out of the stage before; 国家税务总局广州市税务局 → [(bodies: [广州市国家税务局,
        广州市地方税务局]), (bodies: [国家税务总局广州市税务局], change: (2018-07-05, …))]."""
        self.department(department_id)  # NotFound for an unknown id
        earlier = self._stages(department_id, self.registry.predecessors)
        later = self._stages(department_id, self.registry.successors)
        stages = [*reversed(earlier), [department_id], *later]
        return [
            LineageStage(bodies=[self._ref(body) for body in stage], change=self._change(stages[n - 1], stage) if n else None)
            for n, stage in enumerate(stages)
        ]

    def _change(self, before: list[str], after: list[str]) -> Change | None:
        return next((found for a in before for b in after if (found := self.registry.change(a, b))), None)

    def _reached(self, start: str, step: Callable[[str], list[str]]) -> set[str]:
        """Every body reached from ``start`` by repeating ``step`` (renamed, then renamed again)."""
        return {body for stage in self._stages(start, step) for body in stage}

    def _stages(self, start: str, step: Callable[[str], list[str]]) -> list[list[str]]:
        """The bodies ``step`` reaches from ``start``, one stage per step, none twice."""
        stages: list[list[str]] = []
        seen, stage = {start}, [start]
        while True:
            stage = sorted({other for body in stage for other in step(body)} - seen)
            if not stage:
                return stages
            seen.update(stage)
            stages.append(stage)

    def department_clauses(
        self, department_id: str, role: str | None = None, *, predecessors: bool = False, successors: bool = False
    ) -> list[DepartmentClause]:
        """Shown clauses naming the body (in ``role``), and, when asked, naming the bodies it
        was made from (``predecessors``) or was made into (``successors``), followed through
        every renaming: 市工业和信息化局's clauses with its predecessor's are the duties it
        inherited."""
        self.department(department_id)  # NotFound for an unknown id
        bodies = {department_id}
        if predecessors:
            bodies |= self._reached(department_id, self.registry.predecessors)
        if successors:
            bodies |= self._reached(department_id, self.registry.successors)
        rows: dict[tuple[str, str, str], DepartmentClause] = {}
        for record in self._shown_records():
            for named in record.departments:
                if named.id in bodies and (role is None or named.role == role):
                    key = (record.clause_id, named.role, named.id)
                    rows.setdefault(key, DepartmentClause(
                        clause_id=record.clause_id,
                        role=named.role,
                        department=DepartmentRef(named.id, named.label),
                        text=record.text,
                        path=record.path,
                        document=record.document,
                    ))
        return list(rows.values())

    def _department_entry(self, department_id: str, label: str, labels: list[str], jurisdiction: str = "") -> DepartmentSummary:
        try:
            body = self.registry.body(department_id)
        except KeyError:
            body = None
        generic = department_id.startswith("generic/")
        return DepartmentSummary(
            id=department_id,
            label=body.label if body else label,
            labels=list(dict.fromkeys([*(body.labels if body else [label]), *labels])),
            jurisdiction=body.jurisdiction if body else ("" if generic else jurisdiction),
            generic=body.generic if body else generic,
            known=body is not None,
            clauses={role: 0 for role in ROLES},
        )

    def _ref(self, department_id: str) -> DepartmentRef:
        try:
            return DepartmentRef(department_id, self.registry.body(department_id).label)
        except KeyError:
            return DepartmentRef(department_id, department_id)

    # --- awards ---------------------------------------------------------------------------

    def awards(self, filters: Filters) -> list[AwardRow]:
        """Award rules of shown clauses, largest cap first (rules without a cap last), each
        with its clause and document. ``award_kind`` and ``min_cap_yuan`` apply to the rule
        itself, ``industry`` to its clause (text, headings or document title)."""
        clause_filters = Filters(industry=filters.industry)
        rows = []
        for position, record in enumerate(self._shown_records()):
            if not matches(record, clause_filters):
                continue
            for n, award in enumerate(record.awards):
                if award_matches(award, filters):
                    row = AwardRow(**vars(award), award=n, clause_id=record.clause_id, path=record.path, document=record.document)
                    rows.append((award.cap_yuan is None, -(award.cap_yuan or 0), position, n, row))
        return [row for *_, row in sorted(rows, key=lambda r: r[:4])]

    def _shown_records(self) -> Iterable[ClauseRecord]:
        return (self.records[c] for c in self.shown)
