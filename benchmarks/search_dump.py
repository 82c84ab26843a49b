"""Dump every answer a build gives to a set of questions, to compare two versions of the
code on one build (a change meant to make search faster must not change what it answers).

    .venv/bin/python benchmarks/search_dump.py --data /tmp/real > before.jsonl
    # change the code, then
    .venv/bin/python benchmarks/search_dump.py --data /tmp/real > after.jsonl
    cmp before.jsonl after.jsonl

Opens the build as ``policykg serve`` does (``api.serving.Served.open``) and prints one
JSON line per question and mode (hybrid, keyword, dense: those the build has): the whole
``SearchResult`` (hits with ids, order, scores, highlights, estimates; the normalised,
expanded question; whether it is answered), with validity judged on one fixed day so two
runs on different days compare. Start-up time goes to stderr. Not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from policykg.api.serving import Served
from policykg.datadir import DataDir
from policykg.index.search import MODES
from policykg.settings import Settings

HERE = Path(__file__).resolve().parent.parent
SHARED = next((p / "shared" for p in (HERE.parent, HERE.parent.parent) if (p / "shared").is_dir()), HERE.parent / "shared")
DAY = date(2026, 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="data folder with a build")
    parser.add_argument("--queries", type=Path, default=SHARED / "stard" / "queries_dev.jsonl", help="JSON lines with a \"query\"")
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    questions = [json.loads(line)["query"] for line in args.queries.read_text(encoding="utf-8").splitlines() if line.strip()]
    wall, cpu = time.perf_counter(), time.process_time()
    served = Served.open(DataDir(args.data), Settings(data=args.data, threads=os.cpu_count() or 1))
    print(f"start-up: wall {time.perf_counter() - wall:.1f} s, CPU {time.process_time() - cpu:.1f} s", file=sys.stderr)
    searcher = served.searcher
    modes = [m for m in MODES if searcher.dense is not None or m == "keyword"]
    try:
        for mode in modes:
            for question in questions:
                result = searcher.search(question, args.k, mode=mode, today=DAY)
                print(json.dumps({"mode": mode, **result.to_dict()}, ensure_ascii=False, sort_keys=True))
    finally:
        served.close()


if __name__ == "__main__":
    main()
