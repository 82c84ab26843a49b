"""Build the RDF graph of documents, clauses and the facts extracted from them.

Each input file's part of the graph is built on its own (``file_graph``, in a worker
process), validated with SHACL and written as N-Triples; what only the whole corpus knows
(copies, citations, one label per body) is ``corpus_graph``; kg.store bulk-loads them all.
Every fact points to its clause (pk:clause) and, through the clause's source spans, to the
characters of the file it was read from (PROV-O)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from corpus.documents import title_key
from corpus.models import Clause, Document

from .iris import clause_iri, document_iri, money_iri, organization_iri, part_iri, term_iri
from .models import Award, ClauseFacts, Responsibility, Target
from .namespace import ELI, ID, ONTOLOGY_FILE, PK, SCHEMA
from .vocabulary import AWARD_KINDS, OTHER_AWARD, ROLES

ELI_NS = "http://data.europa.eu/eli/ontology#"
IN_FORCE = URIRef(ELI_NS + "InForce-inForce")
NOT_IN_FORCE = URIRef(ELI_NS + "InForce-notInForce")
PATH_SEPARATOR = " › "
_CITED = re.compile(r"《([^《》]{4,120})》")


# The prefixes our queries and serialisations use.
PREFIXES = {
    "pk": str(PK._NS),
    "eli": str(ELI._NS),
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dct": str(DCTERMS),
    "schema": str(SCHEMA),
    "id": str(ID),
}


def bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)


def load_ontology() -> Graph:
    """The ontology (ontology/policykg.ttl): classes, properties and the concept schemes
    of roles and award kinds, stored beside the data so queries can read their labels."""
    return Graph().parse(ONTOLOGY_FILE)


def build_graph(
    documents: list[Document],
    clauses: list[Clause],
    facts: dict[str, ClauseFacts] | None = None,
    *,
    today: date | None = None,
) -> Graph:
    """The data graph of a whole (small) corpus in memory: ``file_graph`` and
    ``corpus_graph`` together. ``today`` decides eli:in_force from each document's validity."""
    graph = file_graph(documents, clauses, facts)
    labels = take_agent_labels(graph)
    graph += corpus_graph(documents, cited_titles(clauses), labels, today=today)
    return graph


def file_graph(documents: list[Document], clauses: list[Clause], facts: dict[str, ClauseFacts] | None = None) -> Graph:
    """What one input file's documents, clauses and facts say on their own: everything but
    the links between documents (copies, citations), eli:in_force (it depends on the day)
    and one label per department across the corpus (``corpus_graph`` adds those).

    Built in the worker that read the file, so the whole corpus is never one graph."""
    graph = Graph()
    bind_prefixes(graph)
    for document in documents:
        _add_document(graph, document)
    for clause in clauses:
        _add_clause(graph, clause)
    for clause_id, found in (facts or {}).items():
        _add_facts(graph, clause_iri(clause_id), found)
    return graph


def take_agent_labels(graph: Graph) -> dict[str, str]:
    """Remove the skos:prefLabel of every responsible body (object of pk:agent) from a
    file's graph and return them (IRI -> label). A body named in many files gets the label
    of the first file that names it, as when the corpus was one graph."""
    labels: dict[str, str] = {}
    for agent in sorted(set(graph.objects(None, PK.agent)), key=str):
        label = graph.value(agent, SKOS.prefLabel)
        if label is not None:
            labels[str(agent)] = str(label)
            graph.remove((agent, SKOS.prefLabel, label))
    return labels


def cited_titles(clauses: list[Clause]) -> list[tuple[str, str]]:
    """(citing document id, folded title) of every 《title》 the clauses cite, in order."""
    return [(clause.document, title_key(cited)) for clause in clauses for cited in _CITED.findall(clause.text)]


def corpus_graph(
    documents: list[Document],
    citations: Iterable[tuple[str, str]],
    agent_labels: dict[str, str],
    *,
    today: date | None = None,
) -> Graph:
    """What only the whole corpus knows: copies of one work and the preferred one,
    citations between documents, each document's eli:in_force on ``today``, and one label
    per responsible body (``agent_labels``: IRI -> label, first file first)."""
    graph = Graph()
    bind_prefixes(graph)
    today = today or date.today()
    for document in documents:
        node = document_iri(document.id)
        if document.valid_until:
            in_force = date.fromisoformat(document.valid_until) >= today
            graph.add((node, ELI.in_force, IN_FORCE if in_force else NOT_IN_FORCE))
        for other in document.copies:
            graph.add((node, PK.sameWorkAs, document_iri(other)))
        if document.copies and document.preferred:
            graph.add((node, PK.preferredCopy, node))
            for other in document.copies:
                graph.add((document_iri(other), PK.preferredCopy, node))
    _add_citations(graph, documents, citations)
    for agent, label in agent_labels.items():
        graph.add((URIRef(agent), SKOS.prefLabel, Literal(label, lang="zh")))
    return graph


def _add_document(graph: Graph, document: Document) -> None:
    node = document_iri(document.id)
    graph.add((node, RDF.type, PK.Document))
    if document.title:
        graph.add((node, DCTERMS.title, Literal(document.title, lang="zh-Hans")))
    if document.number:
        graph.add((node, ELI.id_local, Literal(document.number)))
    if document.date:
        graph.add((node, ELI.date_document, Literal(document.date, datatype=XSD.date)))
    if document.issuer:
        issuer = organization_iri(f"issuer/{document.issuer}")
        graph.add((node, ELI.passed_by, issuer))
        graph.add((issuer, RDF.type, ORG.Organization))
        graph.add((issuer, SKOS.prefLabel, Literal(document.issuer, lang="zh")))
    if document.validity:
        graph.add((node, PK.validityStatement, Literal(document.validity, lang="zh")))
    if document.valid_until:
        graph.add((node, PK.validUntil, Literal(document.valid_until, datatype=XSD.date)))
    graph.add((node, PK.script, Literal(document.script)))
    graph.add((node, DCTERMS.language, Literal(document.script)))
    graph.add((node, DCTERMS.source, Literal(document.file)))


def _add_citations(graph: Graph, documents: list[Document], citations: Iterable[tuple[str, str]]) -> None:
    """Documents cite others by 《title》: link them when the corpus holds the cited one."""
    by_title: dict[str, list[str]] = {}
    for document in documents:
        if document.title:
            by_title.setdefault(title_key(document.title), []).append(document.id)
            m = re.search(r"印发(.+?)的通知$", document.title)
            if m:  # a notice also carries the title of the plan it issues
                by_title.setdefault(title_key(m.group(1)), []).append(document.id)
    copies = {d.id: {d.id, *d.copies} for d in documents}
    for citing, cited in citations:
        for target in by_title.get(cited, []):
            if target not in copies.get(citing, {citing}):
                graph.add((document_iri(citing), PK.cites, document_iri(target)))


def _add_clause(graph: Graph, clause: Clause) -> None:
    node = clause_iri(clause.id)
    document = document_iri(clause.document)
    graph.add((node, RDF.type, PK.Clause))
    graph.add((node, ELI.is_part_of, document))
    graph.add((document, ELI.has_part, node))
    graph.add((node, PK.clauseKind, Literal(clause.kind)))
    if clause.number:
        graph.add((node, ELI.number, Literal(clause.number)))
    if clause.path:
        graph.add((node, PK.headingPath, Literal(PATH_SEPARATOR.join(clause.path), lang="zh-Hans")))
    graph.add((node, PK.text, Literal(clause.text, lang="zh-Hans")))
    graph.add((node, PK.textOriginal, Literal(clause.text_original, lang="zh")))
    graph.add((node, PK.order, Literal(clause.order)))
    for n, span in enumerate(clause.spans, start=1):
        span_node = part_iri(node, "span", n)
        graph.add((node, PROV.wasDerivedFrom, span_node))
        graph.add((span_node, RDF.type, PK.SourceSpan))
        graph.add((span_node, PK.sourceFile, Literal(span.file)))
        graph.add((span_node, PK.start, Literal(span.start)))
        graph.add((span_node, PK.end, Literal(span.end)))


def _add_facts(graph: Graph, clause: URIRef, found: ClauseFacts) -> None:
    for n, responsibility in enumerate(found.responsibilities, start=1):
        _add_responsibility(graph, part_iri(clause, "resp", n), clause, responsibility)
    for n, award in enumerate(found.awards, start=1):
        _add_award(graph, part_iri(clause, "award", n), clause, award)
    for n, target in enumerate(found.targets, start=1):
        _add_target(graph, part_iri(clause, "target", n), clause, target)
    add_conditions(graph, clause, found)
    for abbreviation in found.abbreviations:
        term = term_iri(abbreviation.full)
        graph.add((term, RDF.type, SKOS.Concept))
        graph.add((term, SKOS.inScheme, PK.Terms))
        graph.add((term, SKOS.prefLabel, Literal(abbreviation.full, lang="zh")))
        graph.add((term, SKOS.altLabel, Literal(abbreviation.short, lang="zh")))
        graph.add((term, PK.definedIn, clause))


def add_conditions(graph: Graph, clause: URIRef, found: ClauseFacts) -> None:
    """Each award's conditions (kg.extract.conditions): a pk:Condition linked from the award,
    pointing at the clause and offsets of its words; industries are concepts of
    ontology/lexicon.ttl, whose triples come along the first time one is used."""
    from .lexicon import BASE as VOCAB, VOCABULARY_FILE

    for award_conditions in found.conditions:
        award = part_iri(clause, "award", award_conditions.award + 1)
        for n, c in enumerate(award_conditions.conditions, start=1):
            node = part_iri(award, "condition", n)
            graph.add((award, PK.condition, node))
            graph.add((node, RDF.type, PK.Condition))
            graph.add((node, PK.clause, clause_iri(c.clause)))
            graph.add((node, PK.conditionKind, Literal(c.kind)))
            graph.add((node, PK.words, Literal(c.words, lang="zh-Hans")))
            graph.add((node, PK.wordsStart, Literal(c.start)))
            graph.add((node, PK.wordsEnd, Literal(c.end)))
            graph.add((node, PK.inherited, Literal(bool(c.inherited))))
            graph.add((node, PK.conditionScope, Literal(c.scope)))
            for place in c.places:
                graph.add((node, PK.place, Literal(place, lang="zh")))
            if c.kind == "industry":
                if (URIRef(VOCAB + "industries"), None, None) not in graph:
                    graph += Graph().parse(VOCABULARY_FILE)
                for term in c.terms:
                    graph.add((node, PK.industry, URIRef(VOCAB + term)))
            if c.kind == "qualification":
                for term in c.terms:
                    graph.add((node, PK.qualification, Literal(term, lang="zh")))
            if c.level:
                graph.add((node, PK.level, Literal(c.level, lang="zh")))
            if c.metric:
                graph.add((node, PK.conditionMetric, Literal(c.metric)))
            if c.min_value is not None:
                graph.add((node, PK.minValue, Literal(_decimal(c.min_value), datatype=XSD.decimal)))
            if c.max_years is not None:
                graph.add((node, PK.maxYears, Literal(_decimal(c.max_years), datatype=XSD.decimal)))
            if c.growth_rate is not None:
                graph.add((node, PK.growthRate, Literal(_decimal(c.growth_rate), datatype=XSD.decimal)))
            if c.window:
                graph.add((node, PK.windowStart, Literal(c.window[0], datatype=XSD.date)))
                graph.add((node, PK.windowEnd, Literal(c.window[1], datatype=XSD.date)))


def _add_responsibility(graph: Graph, node: URIRef, clause: URIRef, responsibility: Responsibility) -> None:
    agent = organization_iri(responsibility.department)
    graph.add((node, RDF.type, PK.Responsibility))
    graph.add((node, PK.clause, clause))
    graph.add((node, PK.agent, agent))
    graph.add((node, PK.role, ROLES[responsibility.role].iri))
    graph.add((node, PK.roleConvention, Literal(responsibility.convention)))
    if responsibility.mention:
        graph.add((node, PK.mention, Literal(responsibility.mention, lang="zh")))
    graph.add((agent, RDF.type, PK.GenericGroup if responsibility.generic else ORG.Organization))
    if responsibility.generic:
        graph.add((agent, RDF.type, ORG.Organization))
    if (agent, SKOS.prefLabel, None) not in graph:
        graph.add((agent, SKOS.prefLabel, Literal(responsibility.label, lang="zh")))
    for label in responsibility.labels:
        if label != responsibility.label:
            graph.add((agent, SKOS.altLabel, Literal(label, lang="zh")))
    if responsibility.jurisdiction:
        graph.add((agent, PK.jurisdiction, Literal(responsibility.jurisdiction)))


def _money(graph: Graph, node: URIRef, yuan: float) -> URIRef:
    graph.add((node, RDF.type, SCHEMA.MonetaryAmount))
    graph.add((node, SCHEMA.value, Literal(_decimal(yuan), datatype=XSD.decimal)))
    graph.add((node, SCHEMA.currency, Literal("CNY")))
    return node


def _decimal(value: float) -> str:
    return format(value, "f").rstrip("0").rstrip(".") if "." in format(value, "f") else format(value, "f")


def _add_award(graph: Graph, node: URIRef, clause: URIRef, award: Award) -> None:
    graph.add((node, RDF.type, PK.Award))
    graph.add((node, PK.clause, clause))
    graph.add((node, PK.awardKind, AWARD_KINDS.get(award.kind, AWARD_KINDS[OTHER_AWARD]).iri))
    if award.rate is not None:
        graph.add((node, PK.rate, Literal(_decimal(award.rate), datatype=XSD.decimal)))
    if award.base:
        graph.add((node, PK.base, Literal(award.base, lang="zh")))
    if award.cap_yuan is not None:
        graph.add((node, PK.cap, _money(graph, money_iri(node, "cap"), award.cap_yuan)))
    if award.amount_yuan is not None:
        graph.add((node, PK.fixedAmount, _money(graph, money_iri(node, "amount"), award.amount_yuan)))
    if award.per:
        graph.add((node, PK.per, Literal(award.per, lang="zh")))
    if award.period_years is not None:
        graph.add((node, PK.periodYears, Literal(_decimal(award.period_years), datatype=XSD.decimal)))
    graph.add((node, PK.topUp, Literal(bool(award.top_up))))
    for n, tier in enumerate(award.tiers or [], start=1):
        tier_node = part_iri(node, "tier", n)
        graph.add((node, PK.tier, tier_node))
        graph.add((tier_node, RDF.type, PK.Tier))
        graph.add((tier_node, PK.threshold, _money(graph, money_iri(tier_node, "threshold"), tier.threshold_yuan)))
        graph.add((tier_node, PK.tierAmount, _money(graph, money_iri(tier_node, "amount"), tier.amount_yuan)))
    if award.text:
        graph.add((node, RDFS.comment, Literal(award.text, lang="zh-Hans")))


def _add_target(graph: Graph, node: URIRef, clause: URIRef, target: Target) -> None:
    graph.add((node, RDF.type, PK.Target))
    graph.add((node, PK.clause, clause))
    graph.add((node, PK.metric, Literal(target.metric, lang="zh")))
    graph.add((node, PK.targetValue, Literal(_decimal(target.value), datatype=XSD.decimal)))
    graph.add((node, PK.unit, Literal(target.unit)))
    graph.add((node, PK.bound, Literal(target.bound)))
    if target.year is not None:
        graph.add((node, PK.year, Literal(str(target.year), datatype=XSD.gYear)))
    if target.text:
        graph.add((node, RDFS.comment, Literal(target.text, lang="zh-Hans")))


__all__ = ["bind_prefixes", "build_graph", "cited_titles", "corpus_graph", "file_graph", "take_agent_labels"]
