"""Search speed and memory on the shipped corpus (1×) and on a 100× corpus, as ratios
against keyword search on the 1× corpus measured in the same run.

    .venv/bin/python benchmarks/search.py              # 1× and 100×
    .venv/bin/python benchmarks/search.py --times 10   # a smaller multiple

The 100× corpus replicates every searchable clause, each copy's text varied (a copy number
and a shifted figure woven into the text), so neither BM25 statistics nor an embedding cache
make the copies free. Encoding 100× with e5 would take hours on two cores, so build
throughput per model is measured on the 1× clauses (each clause and its sentences, as a
build embeds them), and the 100× dense index holds the 1× vectors with small random
perturbations (FAISS search time depends on the number and size of vectors, not on their
source). Prints one table; not a test.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from dataclasses import replace

import numpy as np

from policykg.corpus.ingest import SHIPPED_TEXTS, read_corpus
from policykg.index.dense import DenseIndex
from policykg.index.encoders import get_encoder
from policykg.index.keyword import KeywordIndex
from policykg.index.search import Searcher, clause_of_unit, dense_passages, searchable, searched_text
from policykg.kg.records import ClauseRecord

QUERIES = [
    "MPW流片费用能补贴多少",
    "租办公室有补贴吗",
    "EDA服务平台有没有奖励",
    "哪个部门牵头价值创新园区土地审批",
    "到2022年IAB产业总规模目标",
    "公司新上市有什么奖励",
    "企業研發投入後補助比例",
    "首台套装备推广应用补助比例",
]
ROUNDS = 10


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def latencies(fn) -> tuple[float, float]:
    times = []
    for _ in range(ROUNDS):
        for q in QUERIES:
            t = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def varied(clauses, times: int):
    out = []
    for n in range(times):
        for c in clauses:
            text = f"{c.text}（第{n}版，{n * 7 % 97}项）" if n else c.text
            out.append(replace(c, id=f"{c.id}@{n}", text=text))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--times", type=int, default=100)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    corpus = read_corpus([SHIPPED_TEXTS])
    base = searchable(corpus.clauses, corpus.documents)
    rows: list[tuple[str, float, str]] = []

    encoders = {spec: get_encoder(spec, args.threads) for spec in ("e5", "use")}
    units = dense_passages(base, corpus.documents)
    vectors = {}
    for spec, encoder in encoders.items():
        t = time.perf_counter()
        vectors[spec] = encoder.encode_passages([text for _, text in units])
        seconds = time.perf_counter() - t
        rows.append((f"build: embed with {spec} ({len(units)} units of {len(base)} clauses, 1×)", len(base) / seconds, "clauses/s"))

    baseline_ms = None
    rng = np.random.default_rng(0)
    for times in (1, args.times):
        clauses = varied(base, times)
        documents = {d.id: d for d in corpus.documents}
        records = {c.id: ClauseRecord.of(c, documents[c.document]) for c in clauses}
        t = time.perf_counter()
        keyword = KeywordIndex.build([c.id for c in clauses], [searched_text(c) for c in clauses])
        rows.append((f"build: keyword index ({times}×, {len(clauses)} clauses)", len(clauses) / (time.perf_counter() - t), "clauses/s"))
        ids = [f"{clause_of_unit(u)}@{n}{u[len(clause_of_unit(u)) :]}" for n in range(times) for u, _ in units]
        for spec, encoder in encoders.items():
            matrix = np.concatenate([vectors[spec]] * times)
            if times > 1:
                matrix = matrix + rng.normal(0, 0.01, matrix.shape).astype(np.float32)
                matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
            dense_index = DenseIndex.build(ids, matrix, encoder_name=encoder.name)

            def dense(q: str, k: int, encoder=encoder, dense_index=dense_index):
                best: dict[str, float] = {}
                for unit_id, score in dense_index.search(encoder.encode_queries([q])[0], k * 8):
                    best.setdefault(clause_of_unit(unit_id), score)
                return list(best.items())[:k]

            searcher = Searcher(records=records, keyword=keyword, dense=dense)
            for mode in ("keyword", "dense", "hybrid"):
                if mode == "keyword" and spec != "e5":
                    continue
                p50, p95 = latencies(lambda q: searcher.search(q, k=10, mode=mode))
                label = f"query {mode}{'' if mode == 'keyword' else ' ' + spec} ({times}×)"
                if baseline_ms is None:
                    baseline_ms = p50
                rows.append((label + " p50", p50, "ms"))
                rows.append((label + " p95", p95, "ms"))
        rows.append((f"memory: peak RSS after {times}×", rss_mb(), "MB"))

    print(f"{'measure':58} {'value':>10} {'unit':10} {'× keyword 1× p50':>18}")
    for label, value, unit in rows:
        ratio = f"{value / baseline_ms:.2f}" if unit == "ms" and baseline_ms else ""
        print(f"{label:58} {value:10.1f} {unit:10} {ratio:>18}")


if __name__ == "__main__":
    main()
