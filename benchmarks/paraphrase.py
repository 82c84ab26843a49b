"""What each part of search gains on the judged queries, their paraphrases (a firm's words,
``benchmarks/queries/paraphrases.jsonl``) and, given a build of it, STARD.

    python benchmarks/paraphrase.py --data DATA [--stard-data STARD_DATA]

Scores with the shared evaluator's ``score`` (MRR@10, recall@10) the same searcher in
configurations that each leave one part out: keyword alone, dense alone, hybrid (fusion),
and hybrid without query-side expansion (the abbreviations the texts define). What is
embedded (title and heading path with the clause, sentences or not) and the fusion settings
are compared by ``benchmarks/embedded_text.py``; STARD's halves by ``benchmarks/stard.py``.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from policykg.index.models import SearchResult  # noqa: E402
from policykg.index.open import open_searcher  # noqa: E402
from policykg.datadir import DataDir  # noqa: E402

SHARED = next((p / "shared" for p in HERE.parents[1:3] if (p / "shared").is_dir()), HERE.parent.parent / "shared")
sys.path.insert(0, str(SHARED / "eval"))

from eval_search import score  # noqa: E402


def measure(searcher, items: list[dict], mode: str, k: int = 10) -> tuple[float, float]:
    rows = []
    for item in items:
        result: SearchResult = searcher.search(item["query"], k, mode=mode)
        rows.append(score(item, [{"clause_id": h.clause_id, "text": h.text} for h in result.hits], k))
    mrr = sum(r["rr"] for r in rows) / len(rows)
    recall = sum(r["recall"] for r in rows) / len(rows)
    return mrr, recall


def report(name: str, data: Path, items: list[dict]) -> None:
    searcher = open_searcher(DataDir(data).require_current(), threads=2)
    bare = replace(searcher, expander=None)
    for label, chosen, mode in (
        ("keyword", searcher, "keyword"), ("dense", searcher, "dense"), ("hybrid", searcher, "hybrid"),
        ("hybrid, no expansion", bare, "hybrid"),
    ):
        mrr, recall = measure(chosen, items, mode)
        print(f"{name:12s} {label:22s} MRR@10 {mrr:.3f}  recall@10 {recall:.3f}  ({len(items)} queries)")


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--stard-data", type=Path)
    args = parser.parse_args()
    report("dev", args.data, read(SHARED / "gold" / "dev_queries.jsonl"))
    report("paraphrases", args.data, read(HERE / "queries" / "paraphrases.jsonl"))
    if args.stard_data:
        from stard import split

        dev, test = split(read(SHARED / "stard" / "queries_dev.jsonl"))
        report("STARD dev", args.stard_data, dev)
        report("STARD test", args.stard_data, test)


if __name__ == "__main__":
    main()
