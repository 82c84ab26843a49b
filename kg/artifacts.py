"""The graph stage's per-clause facts as a plain file in the generation (facts.jsonl), so
exports and search read them without querying the graph clause by clause."""
from __future__ import annotations

import json
from pathlib import Path

from .models import Abbreviation, Award, ClauseFacts, Responsibility, SegmentFacts, Target, Tier

FACTS = "facts.jsonl"


def write_facts(folder: Path, facts: dict[str, ClauseFacts]) -> None:
    with (folder / FACTS).open("w", encoding="utf-8") as fh:
        for found in facts.values():
            fh.write(json.dumps(fact_row(found), ensure_ascii=False) + "\n")


def fact_row(found: ClauseFacts) -> dict:
    """One line of facts.jsonl."""
    return {
        "clause_id": found.clause_id,
        **_fact_lists(found),
        "abbreviations": [vars(a) for a in found.abbreviations],
        "segments": [{"start": s.start, "end": s.end, **_fact_lists(s)} for s in found.segments],
        "conditions": [c.to_dict() for c in found.conditions],
    }


def _fact_lists(found: ClauseFacts | SegmentFacts) -> dict:
    return {
        "responsibilities": [r.to_dict() for r in found.responsibilities],
        "awards": [a.to_dict() for a in found.awards],
        "targets": [t.to_dict() for t in found.targets],
    }


def _read_lists(row: dict) -> dict:
    awards = []
    for a in row["awards"]:
        tiers = [Tier(**t) for t in a.pop("tiers")] if a.get("tiers") else None
        a.pop("tiers", None)
        awards.append(Award(**a, tiers=tiers))
    return {
        "responsibilities": [Responsibility(**r) for r in row["responsibilities"]],
        "awards": awards,
        "targets": [Target(**t) for t in row["targets"]],
    }


def load_facts(folder: Path) -> dict[str, ClauseFacts]:
    # Imported here: the condition rules (and the lexicon's rdflib) only for reading facts,
    # not for a typed search result read back from JSON (``kg.records`` imports this module).
    from .extract.conditions import AwardConditions

    path = folder / FACTS
    if not path.exists():
        return {}
    facts = {}
    with path.open(encoding="utf-8") as fh:
        # parsed as one array: most lines are a clause without facts, and a parser call per
        # line cost as much again as the parsing (on 85k clauses, 1.4 s against 0.75 s)
        rows = json.loads("[" + ",".join(line for line in fh if line.strip()) + "]")
        for row in rows:
            facts[row["clause_id"]] = ClauseFacts(
                clause_id=row["clause_id"],
                **_read_lists(row),
                abbreviations=[Abbreviation(**a) for a in row["abbreviations"]],
                segments=[SegmentFacts(start=s["start"], end=s["end"], **_read_lists(s)) for s in row["segments"]],
                conditions=[AwardConditions.from_dict(c) for c in row.get("conditions", [])],
            )
    return facts
