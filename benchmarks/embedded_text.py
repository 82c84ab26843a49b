"""What to embed for the dense side, and how to fuse it with keyword search, measured on the
judged queries, their paraphrases and STARD (its dev and held-out halves, ``stard.py``).

    python benchmarks/embedded_text.py --data SHIPPED_DATA [--stard-data STARD_DATA] [--embed-only]

Over one keyword build (``--model none`` is enough) it embeds each variant of the dense
units with e5 into the data folder's embedding cache (keyed by text, so a variant shared
with another, or with a later ``policykg build``, is embedded once) and scores the same
searcher with each, in one run:

- ``path``: the clause with its heading path (one vector a clause);
- ``title``: the document title, heading path and clause (one vector a clause);
- ``path+sentences`` / ``title+sentences``: the same, and each sentence of a clause of
  several with its heading path; a clause scores as its best unit.

Variants are embedded in that order, so a run cut short still measures the first ones.
Then, over the chosen units, fusion weight and RRF constant, and the query side (the
question as typed or with its abbreviations expanded).
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from policykg.corpus.artifacts import CLAUSES, iter_clauses, load_documents  # noqa: E402
from policykg.corpus.models import Clause  # noqa: E402
from policykg.corpus.words import sentences  # noqa: E402
from policykg.datadir import DataDir  # noqa: E402
from policykg.index.dense import DenseIndex  # noqa: E402
from policykg.index.embed_cache import EmbeddingCache, embed_passages, text_key  # noqa: E402
from policykg.index.encoders import QueryVectors, get_encoder  # noqa: E402
from policykg.index.search import UNIT_SEPARATOR, Searcher, clause_of_unit  # noqa: E402
from policykg.index.keyword import KeywordIndex  # noqa: E402

from stard import SHARED, answerable_in, measure, read, split  # noqa: E402

EMBEDDINGS = "cache/embeddings"
Units = Callable[[Clause, str], list[tuple[str, str]]]


def _sentence_units(clause: Clause) -> list[tuple[str, str]]:
    path = " ".join(clause.path)
    parts = sentences(clause.text)
    if len(parts) <= 1:
        return []
    return [(f"{clause.id}{UNIT_SEPARATOR}{n}", f"{path} {part}".strip()) for n, part in enumerate(parts, start=1)]


def path_units(clause: Clause, title: str) -> list[tuple[str, str]]:
    return [(clause.id, " ".join([*clause.path, clause.text]).strip())]


def title_units(clause: Clause, title: str) -> list[tuple[str, str]]:
    return [(clause.id, " ".join([title, *clause.path, clause.text]).strip())]


VARIANTS: dict[str, Units] = {
    "path": path_units,
    "title": title_units,
    "path+sentences": lambda c, t: path_units(c, t) + _sentence_units(c),
    "title+sentences": lambda c, t: title_units(c, t) + _sentence_units(c),
}


def chosen_clauses(folder: Path) -> tuple[list[Clause], dict[str, str]]:
    """The clauses the keyword index holds (those search shows), and document titles."""
    ids = set(KeywordIndex.load(folder).ids)
    titles = {d.id: d.title or "" for d in load_documents(folder)}
    return [c for c in iter_clauses(folder / CLAUSES) if c.id in ids], titles


def dense_search(encoder, ids: list[str], vectors: np.ndarray):
    """A DenseSearch over ``ids``' vectors: clauses by their best unit (as ``index.open``)."""
    index = DenseIndex.build(ids, vectors, encoder_name=encoder.name)
    queries = QueryVectors(encoder)
    clause_ids = list(dict.fromkeys(clause_of_unit(u) for u in ids))
    ordinal = {c: n for n, c in enumerate(clause_ids)}
    clause_of_row = np.array([ordinal[clause_of_unit(u)] for u in ids], dtype=np.int64)

    def search(query: str, k: int) -> list[tuple[str, float]]:
        rows, scores = index.search_rows(queries.vector(query), k * 8)
        clauses = clause_of_row[rows]
        _, first = np.unique(clauses, return_index=True)
        return [(clause_ids[clauses[n]], float(scores[n])) for n in np.sort(first)[:k]]

    return search


def cached_searcher(data: Path, variant: str, encoder) -> Searcher:
    """A searcher over the build in ``data`` whose dense side is ``variant``'s units, read
    from the data folder's embedding cache (``SystemExit`` if some are not embedded yet)."""
    folder = DataDir(data).require_current()
    clauses, titles = chosen_clauses(folder)
    units = [u for c in clauses for u in VARIANTS[variant](c, titles.get(c.document, ""))]
    cache = EmbeddingCache(data / EMBEDDINGS, encoder.name, encoder.dim)
    found = cache.get([text_key(t) for _, t in units])
    missing = sum(v is None for v in found)
    if missing:
        raise SystemExit(f"{data}: {missing} of {len(units)} units of {variant!r} are not embedded: run with --embed-only first")
    vectors = np.stack([v for v in found if v is not None])
    return replace(Searcher.open(folder), dense=dense_search(encoder, [u for u, _ in units], vectors), encoder=encoder.name)


# Fusion settings tried for each variant: the dense side's weight (keyword's is 1) and the
# rank constant.
DENSE_WEIGHTS = (0.3, 0.5, 0.7, 1.0)
FUSION_KS = (10, 30, 60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a build of the shipped corpus")
    parser.add_argument("--stard-data", type=Path, help="a build of STARD's laws (or of some of them)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--embed-only", action="store_true", help="fill the embedding caches, measure nothing")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--stard-only", action="store_true", help="measure STARD alone")
    args = parser.parse_args()
    encoder = get_encoder("e5", args.threads)
    names = args.variants.split(",")
    sets = [(args.data, {"dev": read(SHARED / "gold" / "dev_queries.jsonl"), "paraphrases": read(HERE / "queries" / "paraphrases.jsonl")})]
    if args.stard_only:
        sets = []
    if args.stard_data:
        # a build of part of STARD's laws is scored on the questions those laws answer
        folder = DataDir(args.stard_data).require_current()
        stard = answerable_in(read(SHARED / "stard" / "queries_dev.jsonl"), [c.text for c in iter_clauses(folder / CLAUSES)])
        stard_dev, stard_test = split(stard)
        sets.append((args.stard_data, {"stard-dev": stard_dev, "stard-test": stard_test}))
    for data, queries in sets:
        folder = DataDir(data).require_current()
        clauses, titles = chosen_clauses(folder)
        for name in names:
            units = [u for c in clauses for u in VARIANTS[name](c, titles.get(c.document, ""))]
            started = time.process_time()
            embedded = embed_passages(encoder, [t for _, t in units], data / EMBEDDINGS, progress=lambda m: print(m, flush=True))
            print(f"{data.name} {name}: {len(units)} units, {embedded.encoded} embedded in {time.process_time() - started:.0f} CPU s", flush=True)
            if args.embed_only:
                continue
            searcher = cached_searcher(data, name, encoder)
            for set_name, items in queries.items():
                print(f"{set_name:12s} {name:16s} dense            MRR@10 %.3f recall@10 %.3f (%d)" % (*measure(searcher, items, "dense"), len(items)), flush=True)
                for weight in DENSE_WEIGHTS:
                    for k in FUSION_KS:
                        fused = replace(searcher, weights={"keyword": 1.0, "dense": weight}, fusion_k=k)
                        mrr, recall = measure(fused, items, "hybrid")
                        print(f"{set_name:12s} {name:16s} hybrid w={weight} k={k:<3d} MRR@10 {mrr:.3f} recall@10 {recall:.3f}", flush=True)
        if not args.embed_only:
            keyword = Searcher.open(folder)
            for set_name, items in queries.items():
                print(f"{set_name:12s} {'-':16s} keyword          MRR@10 %.3f recall@10 %.3f (%d)" % (*measure(keyword, items, "keyword"), len(items)), flush=True)


if __name__ == "__main__":
    main()
