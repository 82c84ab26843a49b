"""Typed search answers, shared by the CLI and (later) the API."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Hit:
    clause_id: str
    score: float
    text: str
    path: list[str]
    document: dict
    source: dict
    rank: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"query": self.query, "hits": [h.to_dict() for h in self.hits]}
