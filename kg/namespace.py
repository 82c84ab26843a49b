"""Closed namespaces for the terms we use: PK (our ontology, ``ontology/policykg.ttl``)
and the part of ELI we use. A typo raises instead of minting a new IRI;
tests/test_ontology.py checks that PK lists exactly the terms the Turtle file declares."""
from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

from policykg.ontology import ONTOLOGY_FILE, SHAPES_FILE  # re-exported: kg reads the files by these names

BASE = "https://w3id.org/policykg/"
ID = Namespace(BASE + "id/")
GRAPH = URIRef(BASE + "graph")
SCHEMA = Namespace("https://schema.org/")


class PK(DefinedNamespace):
    """https://w3id.org/policykg/ontology#"""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    Award: URIRef
    AwardKindList: URIRef
    AwardKinds: URIRef
    Clause: URIRef
    Condition: URIRef
    CooperatingRole: URIRef
    Document: URIRef
    EquityInvestment: URIRef
    Funding: URIRef
    GenericGroup: URIRef
    InterestSubsidy: URIRef
    LeadRole: URIRef
    MatchingFund: URIRef
    OtherAward: URIRef
    Responsibility: URIRef
    Reward: URIRef
    RoleList: URIRef
    Roles: URIRef
    SourceSpan: URIRef
    Subsidy: URIRef
    Target: URIRef
    Terms: URIRef
    Tier: URIRef
    agent: URIRef
    awardKind: URIRef
    base: URIRef
    bound: URIRef
    cap: URIRef
    cites: URIRef
    clause: URIRef
    clauseKind: URIRef
    definedIn: URIRef
    end: URIRef
    fixedAmount: URIRef
    headingPath: URIRef
    jurisdiction: URIRef
    mention: URIRef
    metric: URIRef
    order: URIRef
    per: URIRef
    periodYears: URIRef
    preferredCopy: URIRef
    rate: URIRef
    role: URIRef
    roleConvention: URIRef
    sameWorkAs: URIRef
    script: URIRef
    shortLabel: URIRef
    sourceFile: URIRef
    start: URIRef
    targetValue: URIRef
    text: URIRef
    textOriginal: URIRef
    threshold: URIRef
    tier: URIRef
    tierAmount: URIRef
    topUp: URIRef
    unit: URIRef
    validUntil: URIRef
    validityStatement: URIRef
    year: URIRef
    condition: URIRef
    conditionKind: URIRef
    conditionMetric: URIRef
    conditionScope: URIRef
    growthRate: URIRef
    industry: URIRef
    inherited: URIRef
    level: URIRef
    maxYears: URIRef
    minValue: URIRef
    place: URIRef
    qualification: URIRef
    windowEnd: URIRef
    windowStart: URIRef
    words: URIRef
    wordsEnd: URIRef
    wordsStart: URIRef


class ELI(DefinedNamespace):
    """The European Legislation Identifier ontology terms we use."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/eli/ontology#")

    LegalResource: URIRef
    LegalResourceSubdivision: URIRef
    LegalExpression: URIRef
    is_part_of: URIRef
    has_part: URIRef
    number: URIRef
    id_local: URIRef
    date_document: URIRef
    passed_by: URIRef
    in_force: URIRef
    cites: URIRef
    title: URIRef
    InForce: URIRef
    # in-force concepts of the ELI in-force scheme
    # http://data.europa.eu/eli/ontology#InForce-inForce etc. are minted in kg.build

