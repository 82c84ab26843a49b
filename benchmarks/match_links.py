"""Calibrating the semantic links of eligibility matching (``index.links``): how often a
firm's wording links to the rule's wording it means, and how often to one it does not.

    .venv/bin/python benchmarks/match_links.py            # e5; prints the grid's choice and both halves

The pairs (``benchmarks/data/match_links.jsonl``, written by hand: a firm's words, a rule's
words, whether they mean the same, which half) include near misses (房租 vs 租金补贴, 贷款本金
vs 贷款利息, 电动自行车 vs 新能源汽车). Each firm word is linked as matching links it: to the
nearest of all targets of its kind — every rule word in the file, and for industries the
lexicon's labels (one target per concept) — when that similarity reaches the threshold and
beats the next target (not a concept above or below it) by the margin. A positive pair counts as found when the firm word links
to its rule word; a negative pair is a false link when it does. The threshold and margin are
chosen per kind on the "choose" half (no false link there, then the most pairs found, then
the higher threshold); the "held-out" half is scored with them. Prints a table; not a test.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from policykg.index.encoders import get_encoder
from policykg.index.links import MARGINS, THRESHOLDS, LinkTable, Target, decide, rule_targets
from policykg.index.match import related_concepts
from policykg.kg.lexicon import vocabulary

PAIRS = Path(__file__).parent / "data" / "match_links.jsonl"
GRID = [round(0.85 + 0.005 * n, 3) for n in range(30)]
MARGIN_GRID = [0.0, 0.005, 0.01, 0.02, 0.03]


def score(rows: list[dict], chosen: dict[str, tuple[float, Target] | None]) -> tuple[int, int, int, int]:
    """(positives found, positives, false links, negatives)."""
    found = sum(1 for r in rows if r["same"] and chosen[r["firm"]] and chosen[r["firm"]][1].text == r["rule"])  # type: ignore[index]
    false = sum(1 for r in rows if not r["same"] and chosen[r["firm"]] and chosen[r["firm"]][1].text == r["rule"])  # type: ignore[index]
    return found, sum(r["same"] for r in rows), false, sum(not r["same"] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="e5")
    args = ap.parse_args()
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    encoder = get_encoder(args.model, threads=1)
    vocab = vocabulary()
    labels = [(c.id, label) for c in vocab.concepts.values() if c.scheme == "industry" for label in c.written]
    industry_words = sorted({r["rule"] for r in rows if r["kind"] == "industry"} - {label for _, label in labels})
    bases = sorted({r["rule"] for r in rows if r["kind"] == "base"})
    table = LinkTable.embed(rule_targets(labels, industry_words, bases), encoder)
    related = related_concepts(vocab)
    print(f"{len(rows)} pairs; targets: {sum(t.kind == 'industry' for t in table.targets)} industry texts, {len(bases)} bases; encoder {encoder.name}")
    print(f"{'kind':<10}{'threshold':>10}{'margin':>8}{'half':>10}{'precision':>11}{'recall':>8}{'found':>7}{'false':>7}")
    for kind in ("industry", "base"):
        mine = [r for r in rows if r["kind"] == kind]
        vectors = dict(zip(dict.fromkeys(r["firm"] for r in mine), encoder.encode_queries(list(dict.fromkeys(r["firm"] for r in mine)))))
        ranked = {word: table.ranked(v, kind) for word, v in vectors.items()}

        def run(half: str, threshold: float, margin: float) -> tuple[int, int, int, int]:
            part = [r for r in mine if r["split"] == half]
            return score(part, {w: decide(ranked[w], threshold, margin, related) for w in ranked})

        best = None
        for threshold in GRID:
            for margin in MARGIN_GRID:
                found, _, false, _ = run("choose", threshold, margin)
                key = (false == 0, found, threshold, margin)
                if best is None or key > best[0]:
                    best = (key, threshold, margin)
        assert best is not None
        for label, (threshold, margin) in (("chosen", (best[1], best[2])), ("in use", (THRESHOLDS[kind], MARGINS[kind]))):
            for half in ("choose", "held-out"):
                found, positives, false, negatives = run(half, threshold, margin)
                precision = found / (found + false) if found + false else float("nan")
                print(f"{kind:<10}{threshold:>10.3f}{margin:>8.3f}{half:>10}{precision:>11.3f}{found / positives:>8.3f}"
                      f"{found:>4}/{positives:<3}{false:>3}/{negatives:<3} {label}")


if __name__ == "__main__":
    main()
