"""Run only the corpus stage (read → layout → documents → clauses) over some files, and
either time it or print its clauses the way ``policykg export clauses --json`` does, so
the clause evaluator can score a corpus-stage change without a full build:

    python benchmarks/corpus_stage.py --clauses ../shared/realcorpus/laws > /tmp/clauses.jsonl
    python ../shared/eval/eval_clauses.py --gold ../shared/gold/realcorpus_clauses.jsonl \
        --cmd "cat /tmp/clauses.jsonl #"

``--gold FILE`` limits the files read to those a gold file names (by file stem without
its number prefix), a quick sample; ``--scale`` times the stage on one synthetic law
repeated to growing sizes and prints the time per character at each size, which stays
flat when every step is linear in its input.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from policykg.corpus.ingest import read_corpus
from policykg.corpus.read import list_sources


def _gold_files(gold: Path) -> set[str]:
    return {json.loads(line)["file"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()}


def _select(paths: list[Path], gold: Path | None) -> list[Path]:
    files = list_sources(paths)
    if gold is None:
        return files
    wanted = _gold_files(gold)
    return [f for f in files if re.sub(r"^\d+_", "", f.stem) in wanted or f.stem in wanted]


def print_clauses(paths: list[Path], gold: Path | None) -> None:
    files = _select(paths, gold)
    started = time.perf_counter()
    corpus = read_corpus(files)
    chars = sum(len(s.text) for s in corpus.sources)
    for clause in corpus.clauses:
        sys.stdout.write(json.dumps({"id": clause.id, "kind": clause.kind, "text": clause.text}, ensure_ascii=False) + "\n")
    took = time.perf_counter() - started
    print(f"corpus stage: {len(files)} files, {chars} chars, {len(corpus.clauses)} clauses, {took:.1f}s "
          f"({chars / max(took, 1e-9):,.0f} chars/s)", file=sys.stderr)


def _sample_law(articles: int) -> str:
    out = ["# 示例条例", ""]
    for k in range(1, articles + 1):
        out.append(f"第{k}条 本条例所称单位，是指在本市行政区域内从事相关活动的机关、企业事业单位和其他组织，"
                   f"应当遵守有关法律、法规的规定（第{k}项）。")
        out.append("有下列情形之一的，由主管部门责令改正：")
        out.append("（一）未按照规定报告的；")
        out.append("（二）拒绝接受监督检查的。")
        out.append("")
    return "\n".join(out)


def scale(sizes: list[int], single_line: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = None
        for articles in sizes:
            text = _sample_law(articles)
            if single_line:
                text = text.replace("\n", "")
            path = Path(tmp) / f"law{articles}.md"
            path.write_text(text, encoding="utf-8")
            started = time.perf_counter()
            read_corpus([path])
            took = time.perf_counter() - started
            per = took / len(text) * 1e6
            base = base or per
            print(f"{len(text):>10,} chars  {took:7.2f}s  {per:6.2f} µs/char  ×{per / base:.2f} of the smallest")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--clauses", action="store_true", help="print clauses as JSON lines")
    ap.add_argument("--gold", type=Path, help="read only the files this gold file names")
    ap.add_argument("--scale", action="store_true", help="time growing synthetic laws")
    ap.add_argument("--single-line", action="store_true", help="with --scale: the law on one line")
    ap.add_argument("--sizes", default="250,500,1000,2000", help="with --scale: article counts")
    args = ap.parse_args()
    if args.scale:
        scale([int(n) for n in args.sizes.split(",")], args.single_line)
    else:
        print_clauses(args.paths, args.gold)


if __name__ == "__main__":
    main()
