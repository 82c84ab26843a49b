"""The corpus stage's output in the data folder: documents.jsonl, clauses.jsonl and
problems.json, plain files the later stages and the export command read."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .models import Clause, Document, Span

if TYPE_CHECKING:  # readers of a build need no ingest code (segmenter, numerals, patterns)
    from .ingest import Corpus

DOCUMENTS = "documents.jsonl"
CLAUSES = "clauses.jsonl"
PROBLEMS = "problems.json"


def write_corpus(folder: Path, corpus: Corpus) -> None:
    write_jsonl(folder / DOCUMENTS, (d.to_dict() for d in corpus.documents))
    write_jsonl(folder / CLAUSES, (c.to_dict() for c in corpus.clauses))
    write_problems(folder, [{"file": str(p.path), "reason": p.reason} for p in corpus.problems])


def write_problems(folder: Path, problems: list[dict]) -> None:
    (folder / PROBLEMS).write_text(json.dumps(problems, ensure_ascii=False, indent=1), encoding="utf-8")


def load_documents(folder: Path) -> list[Document]:
    documents = []
    for row in _read_jsonl(folder / DOCUMENTS):
        span = row.pop("span", None)
        documents.append(Document(**row, span=Span(**span) if span else None))
    return documents


def load_clauses(folder: Path) -> list[Clause]:
    return list(iter_clauses(folder / CLAUSES))


def iter_clauses(path: Path) -> Iterator[Clause]:
    """The clauses of a clauses.jsonl file, one at a time (a large corpus need not be in
    memory at once)."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                row["spans"] = [Span(**s) for s in row["spans"]]
                yield Clause(**row)


def load_problems(folder: Path) -> list[dict]:
    path = folder / PROBLEMS
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
