"""Eligibility matching speed: one profile against every award rule of the shipped build
(1×, 9 documents) and of a build about 1,000 documents large (the 1× rules replicated with
varied ids and amounts), as a ratio against the 1× time measured in the same run; and, with
``--real``, against every rule of real builds as they are (no replication).

    .venv/bin/python benchmarks/match.py                      # builds the shipped corpus (--model none) in a temp folder
    .venv/bin/python benchmarks/match.py --data /tmp/pk       # an existing data folder's current build
    .venv/bin/python benchmarks/match.py --documents 2000
    .venv/bin/python benchmarks/match.py --data /tmp/pk --real /tmp/realcorpus-data   # + the rules of real builds, together

Replicating rules rather than building 1,000 documents keeps the run to seconds: matching
costs per rule and per profile item, not per document text, and the conditions a build reads
are stored with the rules, so copies cost what originals do. Prints one table; not a test.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from policykg.corpus.ingest import SHIPPED_TEXTS
from policykg.index.match import Matcher, Profile
from policykg.build import build
from policykg.datadir import DataDir

PROFILES: list[dict] = [
    {"name": "MPW", "location": {"city": "广州市", "district": "黄埔区"}, "industry": ["集成电路设计"],
     "spending": [{"item": "MPW流片费", "amount_yuan": 5e6, "year": 2020}], "as_of": "2021-03-15"},
    {"name": "租金", "location": {"city": "广州市", "district": "黄埔区"}, "industry": ["软件", "云计算"], "established": "2019-06-18",
     "paid_in_capital_yuan": 2e7, "spending": [{"item": "租办公楼租金", "amount_yuan": 1.2e6, "year": 2020}], "as_of": "2021-01-10"},
    {"name": "全面", "location": {"city": "广州市", "district": "南沙区"}, "industry": ["生物醫藥", "体外诊断"], "established": "2015-01-01",
     "paid_in_capital_yuan": 5e7, "revenue_yuan": {"2019": 8e7, "2020": 1.2e8}, "rd_expense_yuan": {"2020": 1e7},
     "qualifications": ["高新技术企业", "省级专精特新中小企业"],
     "spending": [{"item": "参加展会展位费", "amount_yuan": 3e5, "year": 2020}, {"item": "购买设备", "amount_yuan": 8e6, "year": 2020}],
     "investment": [{"item": "新建产线固定资产投资", "amount_yuan": 2e8, "year": 2020}], "as_of": "2021-03-01"},
]
ROUNDS = 5


def replicated(matcher: Matcher, times: int) -> Matcher:
    rules = []
    for n in range(times):
        for rule in matcher.rules:
            award = rule.award
            scale = 1 + (n % 7) / 10
            award = replace(award, cap_yuan=award.cap_yuan * scale if award.cap_yuan else None,
                            amount_yuan=award.amount_yuan * scale if award.amount_yuan else None)
            rules.append(replace(rule, clause_id=f"{rule.clause_id}#{n}", award=award))
    return Matcher(rules, matcher.abbreviations, matcher.vocab, matcher.links)


def timed(matcher: Matcher, profiles: list[Profile]) -> tuple[float, float]:
    """Median milliseconds to match one profile against every rule: wall clock, and CPU time
    of this process (on a shared machine the wall clock also counts other processes' turns).
    On a build with semantic links each match embeds the firm's words anew, as a new
    profile's would be."""
    wall, cpu = [], []
    for _ in range(ROUNDS):
        for profile in profiles:
            if matcher.links is not None:
                matcher.links.forget()
            start, start_cpu = time.perf_counter(), time.process_time()
            matcher.match(profile, include_not_eligible=True)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="a data folder with a current build (default: build the shipped corpus)")
    ap.add_argument("--documents", type=int, default=1000, help="documents of the large build (default 1000)")
    ap.add_argument("--real", type=Path, nargs="*", default=[],
                    help="data folders of real builds: their rules and the 1× build's are matched together, as they are")
    args = ap.parse_args()
    if args.data is None:
        args.data = Path(tempfile.mkdtemp(prefix="policykg-bench-"))
        build(DataDir(args.data), [SHIPPED_TEXTS], model="none", threads=1)
    folder = DataDir(args.data).require_current()
    start = time.perf_counter()
    small = Matcher.load(folder)
    load_ms = (time.perf_counter() - start) * 1000
    from policykg.corpus.artifacts import load_documents

    documents = sum(d.preferred for d in load_documents(folder)) or 1  # every document, with awards or not
    times = max(1, round(args.documents / documents))
    large = replicated(small, times)
    profiles = [Profile.from_dict(p) for p in PROFILES]
    (base, base_cpu), (big, big_cpu) = timed(small, profiles), timed(large, profiles)
    print(f"{'build':<28}{'rules':>8}{'wall ms':>10}{'cpu ms':>9}{'× 1× (cpu)':>12}{'cpu µs / rule':>15}")
    for name, rules, w, c in ((f"shipped (1×, {documents} docs)", len(small.rules), base, base_cpu),
                              (f"~{documents * times} documents ({times}×)", len(large.rules), big, big_cpu)):
        print(f"{name:<28}{rules:>8}{w:>10.1f}{c:>9.1f}{c / base_cpu:>12.1f}{c * 1000 / rules:>15.1f}")
    if args.real:
        from policykg.corpus.artifacts import load_documents as documents_of

        folders = [folder, *(DataDir(d).require_current() for d in args.real)]
        loaded = [small, *(Matcher.load(f) for f in folders[1:])]
        together = Matcher([r for m in loaded for r in m.rules], {k: v for m in loaded for k, v in m.abbreviations.items()},
                           small.vocab, small.links)
        docs = sum(sum(d.preferred for d in documents_of(f)) for f in folders)
        for name, matcher in (*((f"real: {d.name}", m) for d, m in zip(args.real, loaded[1:])),
                              (f"real + 1× ({docs} docs)", together)):
            w, c = timed(matcher, profiles)
            print(f"{name:<28}{len(matcher.rules):>8}{w:>10.1f}{c:>9.1f}{c / base_cpu:>12.1f}{c * 1000 / max(1, len(matcher.rules)):>15.1f}")
    print(f"semantic links: {'on, ' + str(len(small.links.targets)) + ' targets (' + small.links.encoder.name + ')' if small.links else 'off (no encoder)'}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"loading the shipped build's rules: {load_ms:.0f} ms")


if __name__ == "__main__":
    main()
