"""The controlled vocabularies our records use — kinds of award and roles of departments —
read from the ontology (``ontology/policykg.ttl``), their one home: each is a SKOS concept
scheme whose concepts carry the code records use (``skos:notation``: "subsidy", "lead"),
Chinese and English labels, and a place in an ordered list (``pk:AwardKindList``,
``pk:RoleList``) that sets the order pages, messages and option lists show them in.

To add a kind of award, add its concept and list entry to the ontology (and to the SHACL
``sh:in`` of ``shapes.ttl``), then a rule in ``kg/extract/awards.py`` that finds it; search
filters, the API's parameters, the CLI's help and the pages' wording read it from here.

The ontology is read on first use, not at import, and what it says is kept as JSON in the
user's cache folder under the hash of the Turtle file: parsing it needs rdflib, which
costs a short command (a CLI search answered by a running server) more than everything
else it does. An edited ontology has another hash, so it is read again; the cache is only
ever a copy of the file's answer.

    >>> AWARD_KINDS["interest_subsidy"].label, ROLES["lead"].short
    ('贴息', '牵头')
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from policykg.ontology import ONTOLOGY_FILE

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

# Raise it when Term or the cached layout changes, so an old cache is not read.
CACHE_FORMAT = 1


@dataclass(frozen=True)
class Term:
    """One concept of a vocabulary."""

    notation: str  # the code records use: "subsidy", "lead"
    uri: str  # the concept's IRI as text; ``iri`` is the rdflib term
    label: str  # Chinese preferred label: 补贴, 牵头单位
    short: str  # the Chinese word pages print (pk:shortLabel, else the label): 牵头
    english: str

    @property
    def iri(self) -> URIRef:
        """The concept as an rdflib term, for graphs (imported here: most readers never need it)."""
        from rdflib import URIRef

        return URIRef(self.uri)


class Terms(Mapping[str, Term]):
    """A vocabulary by notation, in the ontology's order, read on first use."""

    def __init__(self, scheme: str) -> None:
        self._scheme = scheme  # "award_kinds" or "roles", a key of ``_vocabularies()``

    def _terms(self) -> dict[str, Term]:
        return _vocabularies()[self._scheme]

    def __getitem__(self, notation: str) -> Term:
        return self._terms()[notation]

    def __iter__(self) -> Iterator[str]:
        return iter(self._terms())

    def __len__(self) -> int:
        return len(self._terms())

    def __repr__(self) -> str:
        return f"Terms({list(self)!r})"


def _terms(graph: Graph, scheme: URIRef, order: URIRef) -> dict[str, Term]:
    """The concepts of ``scheme`` by notation, in the order of the list ``order``; an
    ontology whose list and scheme disagree is an error, said here rather than found later."""
    from rdflib import Literal
    from rdflib.collection import Collection
    from rdflib.namespace import SKOS

    from .namespace import PK

    head = graph.value(order, SKOS.memberList)
    if head is None:
        raise ValueError(f"{ONTOLOGY_FILE}: {order} has no skos:memberList")
    listed = list(Collection(graph, head))
    members = set(graph.subjects(SKOS.inScheme, scheme))
    if set(listed) != members:
        raise ValueError(f"{ONTOLOGY_FILE}: {order} lists {sorted(map(str, listed))} but {scheme} has {sorted(map(str, members))}")
    terms: dict[str, Term] = {}
    for concept in listed:
        labels = {o.language: str(o) for o in graph.objects(concept, SKOS.prefLabel) if isinstance(o, Literal)}
        label = labels["zh"]
        short = graph.value(concept, PK.shortLabel)
        terms[str(graph.value(concept, SKOS.notation))] = Term(
            notation=str(graph.value(concept, SKOS.notation)),
            uri=str(concept),
            label=label,
            short=str(short) if short is not None else label,
            english=labels["en"],
        )
    return terms


def parse_ontology(path: Path = ONTOLOGY_FILE) -> dict[str, dict[str, Term]]:
    """The vocabularies as the Turtle file states them (rdflib; about 0.3 s)."""
    from rdflib import Graph

    from .namespace import PK

    graph = Graph().parse(path, format="turtle")
    return {"award_kinds": _terms(graph, PK.AwardKinds, PK.AwardKindList), "roles": _terms(graph, PK.Roles, PK.RoleList)}


def cache_file(ontology: bytes, folder: Path | None = None) -> Path:
    """Where the vocabularies of this ontology text are kept."""
    digest = hashlib.sha256(ontology).hexdigest()[:16]
    return (folder or Path(platformdirs.user_cache_dir("policykg"))) / f"vocabulary-{CACHE_FORMAT}-{digest}.json"


def load_vocabularies(path: Path = ONTOLOGY_FILE, cache: Path | None = None) -> dict[str, dict[str, Term]]:
    """The vocabularies of the ontology at ``path``: from the cached copy for its text when
    there is one, else parsed and then cached (a cache that cannot be read or written is
    passed over: the Turtle file answers)."""
    where = cache_file(path.read_bytes(), cache)
    try:
        raw = json.loads(where.read_text(encoding="utf-8"))
        return {name: {t["notation"]: Term(**t) for t in terms} for name, terms in raw.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    found = parse_ontology(path)
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        temporary = where.with_name(f".{where.name}.{os.getpid()}")
        temporary.write_text(json.dumps({name: [asdict(t) for t in terms.values()] for name, terms in found.items()}, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, where)  # whole or not at all, for processes reading it meanwhile
    except OSError:
        pass
    return found


_loaded: dict[str, dict[str, Term]] = {}


def _vocabularies() -> dict[str, dict[str, Term]]:
    if not _loaded:
        _loaded.update(load_vocabularies())
    return _loaded


AWARD_KINDS = Terms("award_kinds")
ROLES = Terms("roles")
OTHER_AWARD = "other"  # the kind of an award rule no other kind describes


def listed(terms: Mapping[str, Term], last: str = "or") -> str:
    """The notations of a vocabulary as a reader lists them: "lead or cooperating"."""
    names = list(terms)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"
