"""Search latency and server start-up on a large real build (issue 11: the realcorpus, 1,235
laws, ~82k searchable clauses), with real legal questions (STARD's development queries).

    policykg --data /tmp/real build ../shared/realcorpus/laws --model use   # or --model none
    .venv/bin/python benchmarks/realcorpus_search.py --data /tmp/real

A build with a dense index is searched as it is served: the build's own encoder embeds each
question (every question new on the first round, at hand on the next), its own index
answers, and e5's encoding of the same questions is timed beside it for comparison
(embedding the realcorpus with e5 takes hours on two cores, with ``use`` 17 minutes).
A keyword-only build's dense side is measured as it would run: each question is encoded by
e5 for real (timed on its own), then searched in an HNSW index of as many random unit
vectors as the build has dense units (FAISS's HNSW search time depends on the number and
size of vectors and ``efSearch``, not on where they came from; its graph is built with a
smaller ``efConstruction`` than a build uses, to save minutes); its ranking is random: the
latency of fusion over it is real, its hits are not. Start-up is the time ``policykg
serve`` spends opening the generation (``api.serving.Served.open``: catalog, keyword index,
vocabulary warm-up, and the build's encoder and dense index when it has them).
Prints one table; not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

from policykg.api.serving import Served
from policykg.corpus.words import sentences
from policykg.datadir import DataDir
from policykg.index.dense import HNSW_EF_SEARCH, HNSW_M, _faiss
from policykg.index.encoders import QueryVectors, get_encoder
from policykg.settings import Settings

HERE = Path(__file__).resolve().parent.parent
# ../shared beside the checkout (or beside the worktrees' folder, for a git worktree)
SHARED = next((p / "shared" for p in (HERE.parent, HERE.parent.parent) if (p / "shared").is_dir()), HERE.parent / "shared")
UNITS_PER_CLAUSE = 8  # as index.open asks FAISS for


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[max(0, int(len(times) * 0.99) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="data folder with a build of the realcorpus")
    parser.add_argument("--queries", type=Path, default=SHARED / "stard" / "queries_dev.jsonl")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    questions = [json.loads(line)["query"] for line in args.queries.read_text(encoding="utf-8").splitlines() if line.strip()]
    threads = os.cpu_count() or 1

    wall, cpu = time.perf_counter(), time.process_time()
    served = Served.open(DataDir(args.data), Settings(data=args.data, threads=threads))
    startup = (time.perf_counter() - wall, time.process_time() - cpu)
    searcher = served.searcher
    shown = [searcher.records[c] for c in searcher._shown_ids()]
    print(f"build: {served.folder} — {len(shown)} searchable clauses; {len(questions)} STARD questions × {args.rounds}")

    def timed(fn, rounds: int = args.rounds) -> tuple[float, float, float]:
        times, started = [], time.process_time()
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                fn(q)
                times.append((time.perf_counter() - t) * 1000)
        p50, p99 = percentiles(times)
        return p50, p99, (time.process_time() - started) * 1000 / len(times)

    keyword = timed(lambda q: searcher.search(q, 10, mode="keyword"))
    if searcher.dense is not None:
        built_dense(served, startup, keyword, timed, threads)
        return

    wall, cpu = time.perf_counter(), time.process_time()
    encoder = get_encoder("e5", threads)
    e5_load = (time.perf_counter() - wall, time.process_time() - cpu)
    encode_cold = timed(lambda q: encoder.encode_queries([q]), rounds=1)
    vectors = QueryVectors(encoder)

    # what a build would embed (index.search.dense_units): each clause, and its sentences when it has several
    units = sum(1 + (len(parts) if len(parts := sentences(r.text)) > 1 else 0) for r in shown)
    rng = np.random.default_rng(0)
    random_vectors = rng.standard_normal((units, encoder.dim), dtype=np.float32)
    random_vectors /= np.linalg.norm(random_vectors, axis=1, keepdims=True)
    faiss = _faiss()
    wall = time.perf_counter()
    index = faiss.index_factory(encoder.dim, f"HNSW{HNSW_M}", faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 40
    index.add(random_vectors)
    index.hnsw.efSearch = HNSW_EF_SEARCH
    hnsw_build = time.perf_counter() - wall
    clause_of_row = rng.integers(0, len(shown), size=units)
    ids = [r.clause_id for r in shown]

    def dense(query: str, k: int) -> list[tuple[str, float]]:
        scores, rows = index.search(vectors.vector(query).reshape(1, -1), k * UNITS_PER_CLAUSE)
        clauses = clause_of_row[rows[0]]
        _, first = np.unique(clauses, return_index=True)
        return [(ids[clauses[n]], float(scores[0][n])) for n in np.sort(first)[:k]]

    searcher.dense = dense
    searcher.encoder = encoder.name
    hybrid_cold_first = timed(lambda q: searcher.search(q, 10, mode="hybrid"), rounds=1)  # every question encoded
    hybrid_cached = timed(lambda q: searcher.search(q, 10, mode="hybrid"))

    print("\nstart-up (Served.open, keyword-only build): wall %.1f s, CPU %.1f s" % startup)
    print("e5 model load: wall %.1f s, CPU %.1f s; HNSW of %d random %d-d vectors built in %.0f s (not part of start-up: a build writes it)"
          % (*e5_load, units, encoder.dim, hnsw_build))
    print(f"\n{'what':58} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/q':>9}")
    rows = [
        ("keyword (BM25 + filters + hits)", keyword),
        ("e5 query encoding alone, every question new", encode_cold),
        (f"hybrid, e5 + HNSW of {units} random vectors, every question new", hybrid_cold_first),
        ("hybrid, the same questions again (query-vector cache)", hybrid_cached),
    ]
    for label, (p50, p99, cpu_ms) in rows:
        print(f"{label:58} {p50:8.1f} {p99:8.1f} {cpu_ms:9.1f}")
    print(f"\nmachine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (latencies are wall clock; CPU ms/q is this process's own)")
    served.close()


def built_dense(served: Served, startup: tuple[float, float], keyword: tuple, timed, threads: int) -> None:
    """Hybrid search with the build's own encoder and dense index, as ``policykg serve``
    answers; e5's encoding of the same questions beside it."""
    searcher = served.searcher
    hybrid_new = timed(lambda q: searcher.search(q, 10, mode="hybrid"), rounds=1)  # every question encoded
    hybrid_cached = timed(lambda q: searcher.search(q, 10, mode="hybrid"))
    e5 = get_encoder("e5", threads)
    e5_encoding = timed(lambda q: e5.encode_queries([q]), rounds=1)

    print(f"\nstart-up (Served.open, with the {searcher.encoder} model and the dense index): wall %.1f s, CPU %.1f s" % startup)
    print(f"\n{'what':58} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/q':>9}")
    rows = [
        ("keyword (BM25 + filters + hits)", keyword),
        (f"hybrid ({searcher.encoder}), every question new", hybrid_new),
        ("hybrid, the same questions again (query-vector cache)", hybrid_cached),
        ("e5 query encoding alone, for comparison", e5_encoding),
    ]
    for label, (p50, p99, cpu_ms) in rows:
        print(f"{label:58} {p50:8.1f} {p99:8.1f} {cpu_ms:9.1f}")
    print(f"\nmachine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (latencies are wall clock; CPU ms/q is this process's own, its encoder's threads included)")
    served.close()


if __name__ == "__main__":
    main()
