"""Answer a question with the clauses that match it.

At this stage search is keyword only (BM25 over jieba tokens); the dense side and fusion
come with the search issue. Copies of one document are indexed once: only the preferred
copy's clauses are searched."""
from __future__ import annotations

from pathlib import Path

from corpus.artifacts import clause_record, load_clauses, load_documents
from corpus.models import Clause, Document

from .keyword import KeywordIndex
from .models import Hit, SearchResult

DEFAULT_K = 10


def searchable(clauses: list[Clause], documents: list[Document]) -> list[Clause]:
    """Clauses of the documents search shows: one copy of each work."""
    shown = {d.id for d in documents if d.preferred}
    return [c for c in clauses if c.document in shown]


def build_index(folder: Path, clauses: list[Clause], documents: list[Document]) -> int:
    """Write the keyword index for ``clauses`` into a generation folder."""
    chosen = searchable(clauses, documents)
    KeywordIndex.build([c.id for c in chosen], [c.text for c in chosen]).save(folder)
    return len(chosen)


class Searcher:
    """Loaded once, answers many queries."""

    def __init__(self, folder: Path) -> None:
        self.documents = {d.id: d for d in load_documents(folder)}
        self.clauses = {c.id: c for c in load_clauses(folder)}
        self.keyword = KeywordIndex.load(folder)

    def search(self, query: str, k: int = DEFAULT_K) -> SearchResult:
        result = SearchResult(query=query)
        for rank, (clause_id, score) in enumerate(self.keyword.search(query, k), start=1):
            clause = self.clauses[clause_id]
            record = clause_record(clause, self.documents[clause.document])
            result.hits.append(
                Hit(
                    clause_id=clause_id,
                    score=round(score, 4),
                    text=clause.text,
                    path=clause.path,
                    document=record["document"],
                    source=record["source"],
                    rank=rank,
                )
            )
        return result
