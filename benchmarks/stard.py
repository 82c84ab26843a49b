"""Search on STARD (``../shared/stard``): questions ordinary people asked, judged against the
statute articles that answer them, over a build of its 69 laws.

    policykg --data /tmp/stard build ../shared/stard/corpus --model e5
    python benchmarks/stard.py --stard-data /tmp/stard

The 260 questions are split in two fixed halves by a hash of their id (``split``):
``dev`` to choose methods and settings on, ``test`` held out to report them. Scores with the
shared evaluator's ``score`` (MRR@10, recall@10) in each mode of the same searcher, in one
run (the CLI's ``search --batch`` gives the same hits; this avoids loading the build per
mode).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SHARED = next((p / "shared" for p in HERE.parents[1:3] if (p / "shared").is_dir()), HERE.parent.parent / "shared")
sys.path.insert(0, str(SHARED / "eval"))

from eval_search import score  # noqa: E402


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """(dev, test): each question goes to one half by the parity of a hash of its id, so
    the halves do not change when questions are added or reordered."""
    dev, test = [], []
    for item in items:
        (dev if hashlib.sha1(item["id"].encode()).digest()[0] % 2 == 0 else test).append(item)
    return dev, test


def answerable_in(items: list[dict], texts: list[str]) -> list[dict]:
    """The questions whose every answer (grade 2) some clause text holds: for a build of
    part of STARD's laws (its dense side is costly to embed whole on a shared machine)."""
    from common import normalize

    held = "\n".join(normalize(t) for t in texts)
    kept = []
    for item in items:
        groups: dict[str, list[str]] = {}
        for n, rel in enumerate(item["relevant"]):
            if int(rel["grade"]) >= 2:
                groups.setdefault(str(rel.get("group", n)), []).append(normalize(rel["anchor"]))
        if all(any(a in held for a in anchors) for anchors in groups.values()):
            kept.append(item)
    return kept


def measure(searcher: Any, items: list[dict], mode: str, k: int = 10) -> tuple[float, float]:
    """Mean reciprocal rank and recall of ``searcher``'s top ``k`` in ``mode``."""
    rows = []
    for item in items:
        result = searcher.search(item["query"], k, mode=mode)
        rows.append(score(item, [{"clause_id": h.clause_id, "text": h.text} for h in result.hits], k))
    return sum(r["rr"] for r in rows) / len(rows), sum(r["recall"] for r in rows) / len(rows)


def main() -> None:
    from policykg.datadir import DataDir
    from policykg.index.open import open_searcher

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stard-data", type=Path, required=True, help="a build of ../shared/stard/corpus")
    parser.add_argument("--queries", type=Path, default=SHARED / "stard" / "queries_dev.jsonl")
    args = parser.parse_args()
    searcher = open_searcher(DataDir(args.stard_data).require_current(), threads=2)
    dev, test = split(read(args.queries))
    modes = ("keyword", "dense", "hybrid") if searcher.dense is not None else ("keyword",)
    for name, items in (("dev", dev), ("test", test)):
        for mode in modes:
            mrr, recall = measure(searcher, items, mode)
            print(f"STARD {name:5s} {mode:8s} MRR@10 {mrr:.3f}  recall@10 {recall:.3f}  ({len(items)} questions)")


if __name__ == "__main__":
    main()
