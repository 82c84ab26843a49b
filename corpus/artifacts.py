"""The corpus stage's output in the data folder: documents.jsonl, clauses.jsonl and
problems.json, plain files the later stages and the export command read."""
from __future__ import annotations

import json
from pathlib import Path

from .ingest import Corpus
from .models import Clause, Document, Span

DOCUMENTS = "documents.jsonl"
CLAUSES = "clauses.jsonl"
PROBLEMS = "problems.json"


def write_corpus(folder: Path, corpus: Corpus) -> None:
    _write_jsonl(folder / DOCUMENTS, [d.to_dict() for d in corpus.documents])
    _write_jsonl(folder / CLAUSES, [c.to_dict() for c in corpus.clauses])
    problems = [{"file": str(p.path), "reason": p.reason} for p in corpus.problems]
    (folder / PROBLEMS).write_text(json.dumps(problems, ensure_ascii=False, indent=1), encoding="utf-8")


def load_documents(folder: Path) -> list[Document]:
    documents = []
    for row in _read_jsonl(folder / DOCUMENTS):
        span = row.pop("span", None)
        documents.append(Document(**row, span=Span(**span) if span else None))
    return documents


def load_clauses(folder: Path) -> list[Clause]:
    clauses = []
    for row in _read_jsonl(folder / CLAUSES):
        row["spans"] = [Span(**s) for s in row["spans"]]
        clauses.append(Clause(**row))
    return clauses


def load_problems(folder: Path) -> list[dict]:
    path = folder / PROBLEMS
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
