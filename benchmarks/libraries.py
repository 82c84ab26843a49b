"""Where corpus/ keeps code of its own beside a library, measured on texts it was not tuned on.

Encodings: every law of the realcorpus (UTF-8) is decoded as it is, and copies of it are
made in GB18030 and in Big5 (after OpenCC s2tw; laws with characters Big5 lacks are left
out), whole and one random line of each (8 characters or more). Each copy is decoded by
``corpus.read`` and by charset-normalizer, free and restricted to the codecs read.py tries;
a decoding is right when it gives the text back.

Numerals: every numeral the extraction patterns take in the laws and the shipped texts is
read by ``corpus.patterns.numeral_value`` and by cn2an (smart mode); the counts say where
they agree and which reads what the other refuses.

    python benchmarks/libraries.py [--laws ../shared/realcorpus/laws] [--limit N]
"""
from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import charset_normalizer
import cn2an
import opencc

from policykg.corpus.errors import UnreadableSource
from policykg.corpus.patterns import numeral_value
from policykg.corpus.read import read_source
from policykg.kg.extract.amounts import ARABIC, MAGNITUDE, NUMBER

ROOT = Path(__file__).resolve().parent.parent
LAWS = ROOT.parent / "shared" / "realcorpus" / "laws"  # ../shared beside the checkout
RESTRICTED = ["utf_8", "gb18030", "big5", "big5hkscs"]
MIN_LINE_CHARS = 8


def _copies(text: str, line: str, to_traditional: opencc.OpenCC) -> dict[str, tuple[str, bytes]]:
    """name -> (text, bytes) of one law in each encoding tried."""
    copies = {"utf-8": (text, text.encode("utf-8")), "gb18030": (text, text.encode("gb18030")),
              "gb18030 line": (line, line.encode("gb18030"))}
    for name, original in (("big5", text), ("big5 line", line)):
        traditional = to_traditional.convert(original)
        try:
            copies[name] = (traditional, traditional.encode("big5"))
        except UnicodeEncodeError:
            continue  # a character Big5 lacks
    return copies


def _ours(raw: bytes, folder: Path) -> str | None:
    path = folder / "copy.txt"
    path.write_bytes(raw)
    try:
        return read_source(path).text
    except UnreadableSource:
        return None


def _theirs(raw: bytes, restricted: bool) -> str | None:
    best = charset_normalizer.from_bytes(raw, cp_isolation=RESTRICTED if restricted else None).best()
    return str(best) if best is not None else None


def encodings(laws: list[Path], folder: Path) -> None:
    rng = random.Random(1)
    to_traditional = opencc.OpenCC("s2tw")
    right: Counter[tuple[str, str]] = Counter()
    seconds: Counter[str] = Counter()
    for law in laws:
        text = law.read_text(encoding="utf-8")
        lines = [line.strip() for line in text.splitlines() if len(line.strip()) >= MIN_LINE_CHARS]
        line = rng.choice(lines) if lines else text[:40]
        for name, (expected, raw) in _copies(text, line, to_traditional).items():
            right[name, "texts"] += 1
            # read_source normalises line breaks; the laws have none but \n
            for reader, read in (("corpus.read", lambda: _ours(raw, folder)), ("restricted", lambda: _theirs(raw, True)),
                                 ("free", lambda: _theirs(raw, False))):
                started = time.process_time()
                got = read()
                seconds[reader] += time.process_time() - started
                right[name, reader] += got == expected
    print(f"{'copy':14} {'texts':>6} {'corpus.read':>12} {'c-n restricted':>15} {'c-n free':>9}")
    for name in ("utf-8", "gb18030", "gb18030 line", "big5", "big5 line"):
        print(f"{name:14} {right[name, 'texts']:6} {right[name, 'corpus.read']:12} {right[name, 'restricted']:15} {right[name, 'free']:9}")
    print("CPU seconds: " + ", ".join(f"{reader} {s:.1f}" for reader, s in seconds.items()))


def numerals(files: list[Path]) -> None:
    token = re.compile(rf"{ARABIC}\s*{MAGNITUDE}?|{NUMBER}")
    seen: Counter[str] = Counter()
    for path in files:
        seen.update(m.group(0) for m in token.finditer(path.read_text(encoding="utf-8")))
    outcome: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for numeral, count in seen.items():
        ours = numeral_value(numeral)
        try:
            theirs: Decimal | None = Decimal(str(cn2an.cn2an(re.sub(r"\s+", "", numeral), "smart")))
        except ValueError:
            theirs = None
        kind = ("neither" if theirs is None else "cn2an only") if ours is None else (
            "ours only" if theirs is None else "agree" if ours == theirs else "differ")
        outcome[kind] += count
        examples.setdefault(kind, []).append(numeral)
    print(f"{sum(seen.values())} numerals ({len(seen)} distinct):")
    for kind in ("agree", "differ", "ours only", "cn2an only", "neither"):
        print(f"  {kind:11} {outcome[kind]:7}  {' '.join(examples.get(kind, [])[:6]) if kind != 'agree' else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laws", type=Path, default=LAWS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N laws")
    args = parser.parse_args()
    laws = sorted(args.laws.glob("*.md"))[: args.limit]
    if not laws:
        parser.error(f"no laws (*.md) in {args.laws}; name the realcorpus folder with --laws")
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        encodings(laws, Path(folder))
    numerals(laws + sorted((ROOT / "corpus" / "texts").glob("*.txt")))


if __name__ == "__main__":
    main()
