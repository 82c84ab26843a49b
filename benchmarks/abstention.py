"""Calibrate and check search's "no clause answers this" (``index.abstain``) on questions the
thresholds were not chosen on.

    python benchmarks/abstention.py --data DATA [--stard-data STARD_DATA]

The questions fall in two parts:

- **calibration**: the judged development queries and one half of their paraphrases
  (answerable), and one half of the questions the shipped corpus cannot answer
  (``benchmarks/queries/unanswerable.jsonl``); each set halved by a hash of the id;
- **held out**: the other half of the paraphrases and of the unanswerable questions, and,
  given a build of ../shared/stard/corpus, STARD's questions (every one answered by its
  laws: people's words over statutes, texts the thresholds never saw).

Half the paraphrases calibrate because without questions in a firm's words there, nothing
holds the similarity threshold down: the development queries share the texts' words and
are answered on cover alone, so the grid raised the threshold freely (held-out paraphrases
answered 0.750 where half of them in calibration gives 0.923).

It prints each question's evidence (cover, similarity), chooses the thresholds by a grid
search on the calibration part alone (best mean of the two rates: answerable answered,
unanswerable abstained; ties go to the lower thresholds, which answer more), and reports
both rates on both parts for the thresholds in ``index.abstain`` and for the grid's choice —
for hybrid search (e5) and for keyword search alone (cover only).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

sys.path.insert(0, str(HERE))

from policykg.corpus.artifacts import CLAUSES, iter_clauses  # noqa: E402
from policykg.datadir import DataDir  # noqa: E402
from policykg.index import abstain  # noqa: E402
from policykg.index.abstain import Evidence, answered  # noqa: E402
from policykg.index.open import open_searcher  # noqa: E402
from stard import answerable_in  # noqa: E402

# The shared evaluation data beside the checkout (../shared), or beside its parent folder
# for a worktree one level deeper.
SHARED = next((p / "shared" for p in HERE.parents[1:3] if (p / "shared").is_dir()), HERE.parent.parent / "shared")
DEV = SHARED / "gold" / "dev_queries.jsonl"
STARD = SHARED / "stard" / "queries_dev.jsonl"
QUERIES = HERE / "queries"
E5 = "e5:multilingual-e5-small"


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def halves(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """(calibration, held out) by the parity of a hash of each id: fixed however the file
    grows or is reordered."""
    first, second = [], []
    for item in items:
        (first if hashlib.sha1(item["id"].encode()).digest()[0] % 2 == 0 else second).append(item)
    return first, second


@dataclass
class Part:
    """Questions of one set, with whether the corpus answers them and their evidence."""

    name: str
    questions: list[str]
    answerable: bool
    evidence: list[Evidence]


_SEARCHERS: dict[Path, Any] = {}


def searcher_of(data: Path, variant: str | None = None) -> Any:
    """The build's searcher, loaded once (the model and vocabulary are slow to load); with
    ``variant``, its dense side is that variant's units from the embedding cache
    (``embedded_text.cached_searcher``: for a STARD build without a dense index)."""
    if data not in _SEARCHERS:
        if variant is None:
            _SEARCHERS[data] = open_searcher(DataDir(data).require_current(), threads=2)
        else:
            from embedded_text import cached_searcher
            from policykg.index.encoders import get_encoder

            _SEARCHERS[data] = cached_searcher(data, variant, get_encoder("e5", 2))
    return _SEARCHERS[data]


def evidence_of(data: Path, texts: list[str], mode: str, variant: str | None = None) -> list[Evidence]:
    searcher = searcher_of(data, variant)
    return [Evidence(**searcher.search(q, 10, mode=mode).evidence) for q in texts]


def rate(part: Part, cover: float, similarity: float | None) -> float:
    """Share of ``part`` decided rightly under these thresholds (similarity None: cover
    alone, as keyword search decides)."""
    saved = abstain.MIN_COVER, abstain.MIN_COVER_KEYWORD, abstain.MIN_SIMILARITY
    abstain.MIN_COVER, abstain.MIN_COVER_KEYWORD = cover, cover
    abstain.MIN_SIMILARITY = {E5: similarity} if similarity is not None else {}
    try:
        return sum(answered(e, E5) == part.answerable for e in part.evidence) / len(part.evidence)
    finally:
        abstain.MIN_COVER, abstain.MIN_COVER_KEYWORD, abstain.MIN_SIMILARITY = saved


def balanced(parts: list[Part], cover: float, similarity: float | None) -> float:
    """Mean of the answered rate over answerable questions and the abstained rate over
    unanswerable ones (each weighted by its number of questions within its kind)."""
    sides = []
    for want in (True, False):
        chosen = [p for p in parts if p.answerable is want]
        total = sum(len(p.evidence) for p in chosen)
        sides.append(sum(rate(p, cover, similarity) * len(p.evidence) for p in chosen) / total)
    return sum(sides) / 2


def parts(args: argparse.Namespace, mode: str) -> tuple[list[Part], list[Part]]:
    unanswerable_cal, unanswerable_held = halves(rows(QUERIES / "unanswerable.jsonl"))
    paraphrases_cal, paraphrases_held = halves(rows(QUERIES / "paraphrases.jsonl"))
    calibration = [
        ("dev", rows(args.dev), True), ("paraphrases (half 1)", paraphrases_cal, True), ("unanswerable (half 1)", unanswerable_cal, False),
    ]
    held = [("paraphrases (half 2)", paraphrases_held, True), ("unanswerable (half 2)", unanswerable_held, False)]
    made = [[Part(n, [i["query"] for i in items], want, cached(args, args.data, [i["query"] for i in items], mode)) for n, items, want in group] for group in (calibration, held)]
    if args.stard_data:
        # every question its laws answer (all of them over a build of the 69 laws)
        folder = DataDir(args.stard_data).require_current()
        texts = [i["query"] for i in answerable_in(rows(STARD), [c.text for c in iter_clauses(folder / CLAUSES)])]
        made[1].append(Part("STARD (its own build)", texts, True, cached(args, args.stard_data, texts, mode, args.stard_variant)))
    return made[0], made[1]


def cached(args: argparse.Namespace, data: Path, texts: list[str], mode: str, variant: str | None = None) -> list[Evidence]:
    """Evidence of ``texts``, kept in ``--evidence FILE`` when given (searching is the slow
    part; the grid is then rerun at once)."""
    store: dict[str, dict] = {}
    if args.evidence and args.evidence.exists():
        store = json.loads(args.evidence.read_text(encoding="utf-8"))
    keys = [f"{data}|{variant}|{mode}|{t}" for t in texts]
    if not all(k in store for k in keys):
        for key, found in zip(keys, evidence_of(data, texts, mode, variant)):
            store[key] = found.to_dict()
        if args.evidence:
            args.evidence.write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    return [Evidence(**store[k]) for k in keys]


def choose(calibration: list[Part], grid: list[tuple[float, float | None]]) -> tuple[float, float | None]:
    """The thresholds with the best balanced rate on ``calibration``; ties go to the lower
    thresholds (which answer more)."""
    return max(grid, key=lambda t: (balanced(calibration, *t), -t[0], -(t[1] or 0.0)))


def report(label: str, calibration: list[Part], held: list[Part], cover: float, similarity: float | None) -> None:
    rule = f"cover ≥ {cover:.2f}" + (f" or similarity ≥ {similarity:.3f}" if similarity is not None else "")
    print(f"{label}: {rule}")
    for title, group in (("calibration", calibration), ("held out", held)):
        said = ", ".join(f"{p.name} {'answered' if p.answerable else 'abstained'} {rate(p, cover, similarity):.3f}" for p in group)
        print(f"  {title}: {said}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="data folder with a build of the shipped corpus (e5)")
    parser.add_argument("--stard-data", type=Path, help="data folder with a build of the STARD corpus (e5)")
    parser.add_argument("--stard-variant", help="read STARD's dense side from the embedding cache as this variant of benchmarks/embedded_text.py (for a build without a dense index)")
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--evidence", type=Path, help="keep each question's evidence in this JSON file, to rerun the grid at once")
    parser.add_argument("--quiet", action="store_true", help="do not list each question's evidence")
    args = parser.parse_args()

    calibration, held = parts(args, "hybrid")
    if not args.quiet:
        for part in calibration + held:
            print(f"## {part.name} ({'answerable' if part.answerable else 'unanswerable'})")
            for text, e in zip(part.questions, part.evidence):
                print(f"  cover {e.cover:.2f}  similarity {e.similarity:.3f}  {'answered ' if answered(e, E5) else 'abstained'}  {text}")
    # e5's cosines of answerable and unanswerable questions overlap within a few hundredths
    # (0.87–0.90 on the shipped corpus), so the grid steps by 0.0025 there.
    grid: list[tuple[float, float | None]] = [(c / 20, s / 400) for c in range(4, 21) for s in range(320, 392)]
    best = choose(calibration, grid)
    report("hybrid (e5), in index.abstain", calibration, held, abstain.MIN_COVER, abstain.MIN_SIMILARITY[E5])
    report("hybrid (e5), grid's choice on calibration", calibration, held, best[0], best[1])

    calibration, held = parts(args, "keyword")
    best_cover, _ = choose(calibration, [(c / 20, None) for c in range(2, 21)])
    report("keyword, in index.abstain", calibration, held, abstain.MIN_COVER_KEYWORD, None)
    report("keyword, grid's choice on calibration", calibration, held, best_cover, None)


if __name__ == "__main__":
    main()
