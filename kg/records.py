"""Exported clause records with their facts: what ``policykg export clauses --json``
prints, one dict per clause, followed by one per segment of a clause that has several
responsibility notes (kind "segment", with its ``parent``)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from corpus.artifacts import clause_record, load_clauses, load_documents
from corpus.models import Clause, Document

from .artifacts import facts_record, load_facts
from .models import ClauseFacts


def clause_records(
    folder: Path,
    *,
    documents: Iterable[Document] | None = None,
    clauses: Iterable[Clause] | None = None,
    facts: dict[str, ClauseFacts] | None = None,
) -> Iterator[dict]:
    """Records of a build's clauses; pass what the caller has loaded already so the files
    are read once."""
    by_id = {d.id: d for d in (documents if documents is not None else load_documents(folder))}
    facts = facts if facts is not None else load_facts(folder)
    for clause in clauses if clauses is not None else load_clauses(folder):
        record = clause_record(clause, by_id[clause.document])
        found = facts.get(clause.id)
        yield {**record, **facts_record(found)}
        for n, segment in enumerate(found.segments if found else [], start=1):
            yield {
                **record,
                "clause_id": f"{clause.id}/s{n}",
                "kind": "segment",
                "parent": clause.id,
                "number": None,
                "text": clause.text[segment.start : segment.end],
                "text_original": original_slice(clause, segment.start, segment.end),
                **facts_record(segment),
            }


def original_slice(clause: Clause, start: int, end: int) -> str:
    """The part of ``text_original`` that normalised ``text[start:end]`` comes from.
    Segments start and end right after a full stop or a closing bracket, which
    normalising keeps, so the n-th such mark is found in both texts."""
    return clause.text_original[_original_offset(clause, start) : _original_offset(clause, end)]


_SAME = {"）": "）)", ")": "）)", "。": "。", "；": "；;", ";": "；;", "\n": "\n"}


def _original_offset(clause: Clause, position: int) -> int:
    text, original = clause.text, clause.text_original
    if position <= 0:
        return 0
    if position >= len(text):
        return len(original)
    marks = _SAME.get(text[position - 1])
    if marks is None:
        return round(position * len(original) / len(text))
    wanted = sum(1 for ch in text[:position] if ch in marks)
    seen = 0
    for i, ch in enumerate(original):
        if ch in marks:
            seen += 1
            if seen == wanted:
                return i + 1
    return len(original)
