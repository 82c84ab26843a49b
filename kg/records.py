"""The clause record: one typed object for a clause with its document, source, departments,
awards and targets, made once here from a build's files and used as it is by search,
filters, estimates, the API and the pages. ``policykg export clauses --json`` prints
``as_json(record)`` for each; a clause whose sentences fall under several responsibility
notes is followed by one record per segment (kind "segment", with its ``parent``).

The facts are the graph stage's own records (``Responsibility``, ``Award``, ``Target``);
their JSON renderings leave out where in the text each was read (see ``kg.models``)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from policykg.corpus.artifacts import load_clauses, load_documents
from policykg.corpus.models import Clause, Document

from .artifacts import load_facts
from .models import RENDERED, Award, ClauseFacts, Responsibility, SegmentFacts, Target


@dataclass(frozen=True)
class DocumentRef:
    """What a clause record says of its document (made once per document, shared by its
    clauses); ``corpus.models.Document`` has the rest (file, copies, encoding, span)."""

    __pydantic_config__ = RENDERED

    id: Annotated[str, Field(description="Document id (stable across builds).")]
    title: Annotated[str | None, Field(description="Title as printed.")] = None
    number: Annotated[str | None, Field(description="文号, e.g. 穗府〔2018〕9号.")] = None
    issuer: Annotated[str | None, Field(description="Issuing body.")] = None
    jurisdiction: Annotated[
        str | None, Field(description="The place the document speaks for, province down: 广东省深圳市, 上海市普陀区.")
    ] = None
    date: Annotated[str | None, Field(description="ISO date of issue.")] = None
    validity: Annotated[str | None, Field(description="Validity as stated.")] = None
    valid_until: Annotated[str | None, Field(description="ISO date the document stops being in force, when known.")] = None
    script: Annotated[str, Field(description="Script of the source text: zh-Hans or zh-Hant.")] = "zh-Hans"
    work: Annotated[str, Field(description="Id shared by every copy of the same document.")] = ""
    preferred: Annotated[bool, Field(description="Whether this is the copy search shows.")] = True

    @classmethod
    def of(cls, document: Document) -> DocumentRef:
        return cls(**{f.name: getattr(document, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class SourceSpan:
    start: int
    end: int


@dataclass(frozen=True)
class Source:
    """Where a clause's text stands in its source file."""

    __pydantic_config__ = RENDERED

    file: Annotated[str, Field(description="Key of the source file (its stem).")]
    start: Annotated[int | None, Field(description="First character offset of the clause in the file.")]
    end: Annotated[int | None, Field(description="Offset just past its last character.")]
    spans: Annotated[list[SourceSpan], Field(description="The pieces of the file its text came from, in reading order.")]

    @classmethod
    def of(cls, clause: Clause, document: Document) -> Source:
        spans = [SourceSpan(s.start, s.end) for s in clause.spans]
        return cls(
            file=clause.spans[0].file if clause.spans else document.file,
            start=min([s.start for s in spans], default=None),
            end=max([s.end for s in spans], default=None),
            spans=spans,
        )


@dataclass
class ClauseRecord:
    """A clause (or a segment of one) with everything a reader asks about it."""

    __pydantic_config__ = RENDERED

    clause_id: Annotated[str, Field(description="Stable id: <document>/<numbering>; segments add /s<n>.")]
    kind: Annotated[
        str, Field(description="item, preamble, table, fragment, or segment (a part of a clause under one responsibility note).")
    ]
    number: Annotated[str | None, Field(description="Its own number as printed, e.g. （十一）.")]
    path: Annotated[list[str], Field(description="Headings above it and its own, outermost first.")]
    text: Annotated[str, Field(description="Normalised text: Simplified, PDF wrapping removed.")]
    text_original: Annotated[str, Field(description="Text as printed, in the original script.")]
    document: DocumentRef
    source: Source
    parent: Annotated[str | None, Field(description="For a segment: the clause it is part of.")] = None
    departments: list[Responsibility] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    @classmethod
    def of(cls, clause: Clause, document: Document, facts: ClauseFacts | None = None, ref: DocumentRef | None = None) -> ClauseRecord:
        """The record of a clause; pass ``ref`` to share one ``DocumentRef`` among a document's clauses."""
        return cls(
            clause_id=clause.id,
            kind=clause.kind,
            number=clause.number,
            path=clause.path,
            text=clause.text,
            text_original=clause.text_original,
            document=ref or DocumentRef.of(document),
            source=Source.of(clause, document),
            **_facts(facts),
        )

    def segment(self, clause: Clause, n: int, facts: SegmentFacts) -> ClauseRecord:
        """The record of this clause's ``n``-th segment (from 1)."""
        return ClauseRecord(
            clause_id=f"{clause.id}/s{n}",
            kind="segment",
            number=None,
            path=self.path,
            text=clause.text[facts.start : facts.end],
            text_original=original_slice(clause, facts.start, facts.end),
            document=self.document,
            source=self.source,
            parent=clause.id,
            **_facts(facts),
        )


def _facts(found: ClauseFacts | SegmentFacts | None) -> dict[str, Any]:
    if found is None:
        return {}
    return {"departments": found.responsibilities, "awards": found.awards, "targets": found.targets}


def clause_records(
    folder: Path,
    *,
    documents: Iterable[Document] | None = None,
    clauses: Iterable[Clause] | None = None,
    facts: dict[str, ClauseFacts] | None = None,
) -> Iterator[ClauseRecord]:
    """Records of a build's clauses, each followed by its segments; pass what the caller
    has loaded already so the files are read once."""
    by_id = {d.id: d for d in (documents if documents is not None else load_documents(folder))}
    refs = {d: DocumentRef.of(document) for d, document in by_id.items()}
    facts = facts if facts is not None else load_facts(folder)
    for clause in clauses if clauses is not None else load_clauses(folder):
        found = facts.get(clause.id)
        record = ClauseRecord.of(clause, by_id[clause.document], found, refs[clause.document])
        yield record
        for n, segment in enumerate(found.segments if found else [], start=1):
            yield record.segment(clause, n, segment)


def exported(records: Iterable[ClauseRecord]) -> Iterator[ClauseRecord]:
    """What ``policykg export clauses`` lists: every clause, and of its segments only those
    that carry facts of their own (departments, awards or targets). A segment without any is
    only a piece of its clause's text, and a reader taking the shortest row that holds an
    article's opening words would get half the article (realcorpus boundaries 0.795 with
    them, 0.995 without; the development rows unchanged).

    Nor is a segment that opens a preamble's paragraph: a preamble is cited by the opening
    words of its paragraph, without its title ("一、总体目标" / "大力实施…"), and the shortest
    row holding them would be that segment, not the paragraph."""
    parent: ClauseRecord | None = None
    for record in records:
        if record.parent is None:
            parent = record
            yield record
        elif (record.departments or record.awards or record.targets) and not _opens_preamble(record, parent):
            yield record


def _opens_preamble(segment: ClauseRecord, parent: ClauseRecord | None) -> bool:
    """Whether ``segment`` starts where its preamble's own paragraph starts (after the title
    the preamble repeats, which is the last label of its path)."""
    if parent is None or parent.kind != "preamble" or segment.parent != parent.clause_id:
        return False
    at = parent.text.find(segment.text)
    if at < 0:
        return False
    head = parent.text[:at].rstrip("。；;：:")  # the title as printed, "（一）加强组织领导。"
    title = parent.path[-1] if parent.path else ""
    return head.startswith(title[:-1]) if title.endswith("…") else head == title


@lru_cache(maxsize=None)
def _adapter(kind: type) -> TypeAdapter:
    return TypeAdapter(kind)


def as_json(value: Any) -> dict:
    """A record (or any of our dataclasses) as JSON-ready data: the shape the API answers
    with and the CLI prints. A clause record names its ``parent`` only when it has one."""
    kind: type = type(value)
    data = _adapter(kind).dump_python(value, mode="json", by_alias=True)
    if isinstance(value, ClauseRecord) and value.parent is None:
        del data["parent"]
    return data


def original_slice(clause: Clause, start: int, end: int) -> str:
    """The part of ``text_original`` that normalised ``text[start:end]`` comes from.
    Segments start and end right after a full stop or a closing bracket, which
    normalising keeps, so the n-th such mark is found in both texts."""
    return clause.text_original[_original_offset(clause, start) : _original_offset(clause, end)]


_SAME = {"）": "）)", ")": "）)", "。": "。", "；": "；;", ";": "；;", "\n": "\n"}
# Each set of marks as a pattern, so the marks of a text are found by the regex engine
# rather than a Python loop over its characters (a second of a server's start-up).
_MARKS = {marks: re.compile(f"[{re.escape(marks)}]") for marks in set(_SAME.values())}


def _original_offset(clause: Clause, position: int) -> int:
    text, original = clause.text, clause.text_original
    if position <= 0:
        return 0
    if position >= len(text):
        return len(original)
    marks = _SAME.get(text[position - 1])
    if marks is None:
        return round(position * len(original) / len(text))
    wanted = sum(text.count(mark, 0, position) for mark in marks)
    found = next(islice(_MARKS[marks].finditer(original), wanted - 1, None), None)  # the wanted-th mark
    return found.end() if found is not None else len(original)
