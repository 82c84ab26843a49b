"""The API's data functions (the ``crud`` of the template): documents, clause records,
departments and awards of one generation, indexed once for lookups by id.

Lists of departments and awards count each passage once: they read the clauses search
shows (``index.search.searchable``: every clause of a preferred copy, and what other copies
add), so the IAB plan printed in two files does not name its departments twice. Single
clauses and documents are served whichever copy they come from."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from corpus.artifacts import load_clauses, load_documents
from corpus.models import Clause, Document
from index.filters import ROLES, Filters, matches
from index.search import searchable
from kg.extract.registry import Registry
from kg.records import clause_records


class NotFound(LookupError):
    """No record with the id asked for; the API answers 404 with this message."""


@dataclass
class Catalog:
    """Records of one generation, loaded once (``Catalog.load``) and read by many requests."""

    documents: dict[str, Document]
    records: dict[str, dict]  # clause and segment records by id, in reading order
    order: dict[str, list[str]]  # document id -> its clause ids in reading order
    shown: list[str]  # ids of the clauses search shows, in reading order
    registry: Registry

    @classmethod
    def load(cls, folder: Path, registry: Registry | None = None) -> Catalog:
        documents = {d.id: d for d in load_documents(folder)}
        clauses = sorted(load_clauses(folder), key=lambda c: (c.document, c.order))
        records = {r["clause_id"]: r for r in clause_records(folder, documents=documents.values(), clauses=clauses)}
        order: dict[str, list[str]] = {d: [] for d in documents}
        for clause in clauses:
            order[clause.document].append(clause.id)
        shown_ids = {c.id for c in searchable(clauses, list(documents.values()))}
        return cls(
            documents=documents,
            records={r: records[r] for r in sorted(records, key=_reading_order(clauses, records))},
            order=order,
            shown=[c.id for c in clauses if c.id in shown_ids],
            registry=registry or Registry.load(),
        )

    # --- clauses --------------------------------------------------------------------------

    def clause(self, clause_id: str) -> dict:
        """A clause or segment record with its segments and its neighbours in reading order."""
        record = self.records.get(clause_id)
        if record is None:
            raise NotFound(f"no clause with id {clause_id!r}")
        parent = record.get("parent")
        siblings = self.segments(parent) if parent else self.order[record["document"]["id"]]
        at = siblings.index(clause_id)
        return {
            **record,
            "segments": [] if parent else self.segments(clause_id),
            "neighbours": {
                "previous": siblings[at - 1] if at > 0 else None,
                "next": siblings[at + 1] if at + 1 < len(siblings) else None,
            },
        }

    def segments(self, clause_id: str) -> list[str]:
        return [r["clause_id"] for r in self.records.values() if r.get("parent") == clause_id]

    # --- documents ------------------------------------------------------------------------

    def document(self, document_id: str) -> tuple[Document, list[str]]:
        """A document and its clause ids in reading order."""
        found = self.documents.get(document_id)
        if found is None:
            raise NotFound(f"no document with id {document_id!r}")
        return found, self.order[document_id]

    # --- departments ----------------------------------------------------------------------

    def departments(self) -> list[dict]:
        """Every body some shown clause names, most named first, with clause counts by role
        (a clause counts once per role, however often it names the body)."""
        return [dict(entry, labels=list(entry["labels"]), clauses=dict(entry["clauses"])) for entry in self._departments]

    @cached_property
    def _departments(self) -> list[dict]:
        found: dict[str, dict] = {}
        for record in self._shown_records():
            roles: dict[str, set[str]] = {}
            for named in record.get("departments") or []:
                entry = found.get(named["id"])
                if entry is None:
                    entry = found[named["id"]] = self._department_entry(named)
                for label in [named["label"], *(named.get("labels") or [])]:
                    if label not in entry["labels"]:
                        entry["labels"].append(label)
                roles.setdefault(named["id"], set()).add(named["role"])
            for department_id, held in roles.items():
                for role in held:
                    found[department_id]["clauses"][role] += 1
        return sorted(found.values(), key=lambda d: (-sum(d["clauses"].values()), d["id"]))

    def department(self, department_id: str) -> dict:
        """One body with its clause counts and the bodies it was renamed from and into."""
        entry = next((d for d in self.departments() if d["id"] == department_id), None)  # a copy
        if entry is None:
            try:
                body = self.registry.body(department_id)
            except KeyError:
                raise NotFound(f"no department with id {department_id!r}") from None
            entry = self._department_entry({"id": body.id, "label": body.label, "labels": list(body.labels)})
        return {
            **entry,
            "predecessors": [self._ref(d) for d in self.registry.predecessors(department_id)] if entry["known"] else [],
            "successors": [self._ref(d) for d in self.registry.successors(department_id)] if entry["known"] else [],
        }

    def lineage(self, department_id: str) -> list[dict]:
        """The body's renamings and mergers as stages, oldest first: the bodies it was made
        from (and theirs, and so on), the body itself, then the bodies it was made into.
        Each stage has its ``bodies`` and the ``change`` (date, description) that made them
        out of the stage before; 国家税务总局广州市税务局 → [{bodies: [广州市国家税务局,
        广州市地方税务局]}, {bodies: [国家税务总局广州市税务局], change: {date: 2018-07-05, …}}]."""
        self.department(department_id)  # NotFound for an unknown id
        earlier = self._stages(department_id, self.registry.predecessors)
        later = self._stages(department_id, self.registry.successors)
        stages = [*reversed(earlier), [department_id], *later]
        return [
            {"bodies": [self._ref(body) for body in stage], "change": self._change(stages[n - 1], stage) if n else None}
            for n, stage in enumerate(stages)
        ]

    def _change(self, before: list[str], after: list[str]) -> dict | None:
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
    ) -> list[dict]:
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
        rows = []
        for record in self._shown_records():
            for named in record.get("departments") or []:
                if named["id"] in bodies and (role is None or named["role"] == role):
                    rows.append({
                        "clause_id": record["clause_id"],
                        "role": named["role"],
                        "department": {"id": named["id"], "label": named["label"]},
                        "text": record["text"],
                        "path": record["path"],
                        "document": record["document"],
                    })
        return _unique(rows, key=lambda r: (r["clause_id"], r["role"], r["department"]["id"]))

    def _department_entry(self, named: dict) -> dict:
        try:
            body = self.registry.body(named["id"])
        except KeyError:
            body = None
        generic = named["id"].startswith("generic/")
        return {
            "id": named["id"],
            "label": body.label if body else named["label"],
            "labels": list(dict.fromkeys([*(body.labels if body else [named["label"]]), *named.get("labels", [])])),
            "jurisdiction": body.jurisdiction if body else ("" if generic else named.get("jurisdiction", "")),
            "generic": body.generic if body else generic,
            "known": body is not None,
            "clauses": {role: 0 for role in ROLES},
        }

    def _ref(self, department_id: str) -> dict:
        try:
            return {"id": department_id, "label": self.registry.body(department_id).label}
        except KeyError:
            return {"id": department_id, "label": department_id}


    # --- awards ---------------------------------------------------------------------------

    def awards(self, filters: Filters) -> list[dict]:
        """Award rules of shown clauses, largest cap first (rules without a cap last), each
        with its clause and document. ``award_kind`` and ``min_cap_yuan`` apply to the rule
        itself, ``industry`` to its clause (text, headings or document title)."""
        clause_filters = Filters(industry=filters.industry)
        rows = []
        for position, record in enumerate(self._shown_records()):
            if not matches(record, clause_filters):
                continue
            for n, award in enumerate(record.get("awards") or []):
                if filters.award_kind and award["kind"] != filters.award_kind:
                    continue
                cap = award.get("cap_yuan")
                if filters.min_cap_yuan is not None and (cap is None or cap < filters.min_cap_yuan):
                    continue
                row = {**award, "award": n, "clause_id": record["clause_id"], "path": record["path"], "document": record["document"]}
                rows.append((cap is None, -(cap or 0), position, n, row))
        return [row for *_, row in sorted(rows, key=lambda r: r[:4])]

    def _shown_records(self) -> Iterable[dict]:
        return (self.records[c] for c in self.shown)


def _reading_order(clauses: list[Clause], records: dict[str, dict]):
    """Sort key for record ids: a document's clauses in reading order, each followed by
    its segments."""
    position = {c.id: n for n, c in enumerate(clauses)}

    def key(record_id: str) -> tuple[int, int]:
        parent = records[record_id].get("parent")
        if parent:
            return position[parent], int(record_id.rsplit("/s", 1)[1])
        return position[record_id], 0

    return key


def _unique(rows: list[dict], key: Callable[[dict], tuple]) -> list[dict]:
    seen = set()
    out = []
    for row in rows:
        k = key(row)
        if k not in seen:
            seen.add(k)
            out.append(row)
    return out
