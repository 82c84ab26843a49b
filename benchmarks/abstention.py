"""Calibrate and check search's "no clause answers this" (``index.abstain``).

    python benchmarks/abstention.py --data DATA [--stard-data STARD_DATA]

Runs the judged development queries and their paraphrases (answerable) and the questions
the corpus cannot answer (``benchmarks/queries/unanswerable.jsonl``) through search over
the build in DATA, prints each question's evidence (cover, similarity), then the two rates
for the thresholds in ``index.abstain`` — answerable answered, unanswerable abstained —
and the thresholds a grid search would choose (best balanced rate; ties: the lower
thresholds). With --stard-data (a build of ../shared/stard/corpus), the answered rate on
STARD's questions, which its corpus answers, checks the thresholds on texts and people they
were not chosen on.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from index import abstain  # noqa: E402
from index.abstain import Evidence, answered  # noqa: E402
from index.open import open_searcher  # noqa: E402
from policykg.datadir import DataDir  # noqa: E402

# The shared evaluation data beside the checkout (../shared), or beside its parent folder
# for a worktree one level deeper.
SHARED = next((p / "shared" for p in HERE.parents[1:3] if (p / "shared").is_dir()), HERE.parent.parent / "shared")
DEV = SHARED / "gold" / "dev_queries.jsonl"
STARD = SHARED / "stard" / "queries_dev.jsonl"
QUERIES = HERE / "queries"


def questions(path: Path) -> list[str]:
    return [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


E5 = "e5:multilingual-e5-small"


def evidence_of(data: Path, texts: list[str], mode: str = "hybrid") -> list[Evidence]:
    searcher = open_searcher(DataDir(data).require_current(), threads=2)
    return [Evidence(**searcher.search(q, 10, mode=mode).evidence) for q in texts]


def rate(found: list[Evidence], want: bool, cover: float, similarity: float | None) -> float:
    """Share of ``found`` whose answered-ness is ``want`` under these thresholds
    (similarity None: cover alone, as keyword search decides)."""
    abstain.MIN_COVER, abstain.MIN_COVER_KEYWORD = cover, cover
    abstain.MIN_SIMILARITY = {E5: similarity} if similarity is not None else {}
    return sum(answered(e, E5) == want for e in found) / len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="data folder with a build of the shipped corpus (e5)")
    parser.add_argument("--stard-data", type=Path, help="data folder with a build of the STARD corpus (e5)")
    parser.add_argument("--stard-keyword-data", type=Path, help="a keyword-only (--model none) build of the STARD corpus")
    parser.add_argument("--dev", type=Path, default=DEV)
    args = parser.parse_args()

    saved = (abstain.MIN_COVER, abstain.MIN_COVER_KEYWORD, dict(abstain.MIN_SIMILARITY))
    chosen = (abstain.MIN_COVER, abstain.MIN_SIMILARITY[E5])
    sets = {
        "dev": (questions(args.dev), True),
        "paraphrases": (questions(QUERIES / "paraphrases.jsonl"), True),
        "unanswerable": (questions(QUERIES / "unanswerable.jsonl"), False),
    }
    found = {name: evidence_of(args.data, texts) for name, (texts, _) in sets.items()}
    for name, (texts, want) in sets.items():
        print(f"## {name} ({'answerable' if want else 'unanswerable'})")
        for text, e in zip(texts, found[name]):
            print(f"  cover {e.cover:.2f}  similarity {e.similarity:.3f}  {'answered ' if answered(e, E5) else 'abstained'}  {text}")

    answerable = found["dev"] + found["paraphrases"]
    grid = [(c / 20, s / 200) for c in range(4, 21) for s in range(160, 191)]
    best = max(grid, key=lambda t: (rate(answerable, True, *t) + rate(found["unanswerable"], False, *t), -t[0], -t[1]))
    stard = evidence_of(args.stard_data, questions(STARD)) if args.stard_data else None
    for label, thresholds in (("in index.abstain", chosen), ("grid's best", best)):
        line = (
            f"{label}: cover ≥ {thresholds[0]:.2f} or similarity ≥ {thresholds[1]:.3f} — "
            f"dev answered {rate(found['dev'], True, *thresholds):.3f}, "
            f"paraphrases answered {rate(found['paraphrases'], True, *thresholds):.3f}, "
            f"unanswerable abstained {rate(found['unanswerable'], False, *thresholds):.3f}"
        )
        if stard is not None:
            line += f", STARD answered {rate(stard, True, *thresholds):.3f}"
        print(line)
    # Keyword search alone decides on cover over BM25's best hits.
    keyword = {name: evidence_of(args.data, texts, "keyword") for name, (texts, _) in sets.items()}
    keyword_answerable = keyword["dev"] + keyword["paraphrases"]
    covers = [c / 20 for c in range(2, 21)]
    best_cover = max(covers, key=lambda c: (rate(keyword_answerable, True, c, None) + rate(keyword["unanswerable"], False, c, None), -c))
    for label, cover in (("keyword, in index.abstain", saved[1]), ("keyword, grid's best", best_cover)):
        print(
            f"{label}: cover ≥ {cover:.2f} — dev answered {rate(keyword['dev'], True, cover, None):.3f}, "
            f"paraphrases answered {rate(keyword['paraphrases'], True, cover, None):.3f}, "
            f"unanswerable abstained {rate(keyword['unanswerable'], False, cover, None):.3f}"
        )
    if args.stard_keyword_data:
        stard_keyword = evidence_of(args.stard_keyword_data, questions(STARD), "keyword")
        print(f"keyword, STARD answered at cover ≥ {saved[1]:.2f}: {rate(stard_keyword, True, saved[1], None):.3f}")
    abstain.MIN_COVER, abstain.MIN_COVER_KEYWORD, abstain.MIN_SIMILARITY = saved


if __name__ == "__main__":
    main()
