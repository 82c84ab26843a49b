"""Award kinds and roles come from the ontology, and every other place that names them
agrees: the SHACL shapes, the extraction rules, the filters, the wording and the API."""
from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from policykg.index.filters import Filters
from policykg.api.present import ROLE_NAMES, kind_name
from policykg.kg.extract.awards import AWARD_WORDS
from policykg.kg.namespace import PK, SHAPES_FILE
from policykg.kg.vocabulary import AWARD_KINDS, ROLES, _terms, cache_file, listed, load_vocabularies, parse_ontology
from policykg.ontology import ONTOLOGY_FILE


def test_award_kinds_and_roles_are_the_ontologys_in_its_order():
    assert list(AWARD_KINDS) == ["subsidy", "reward", "interest_subsidy", "equity_investment", "matching_fund", "funding", "other"]
    assert [(t.label, t.english) for t in AWARD_KINDS.values()][:3] == [("补贴", "subsidy"), ("奖励", "reward"), ("贴息", "interest subsidy")]
    assert [(t.notation, t.label, t.short) for t in ROLES.values()] == [("lead", "牵头单位", "牵头"), ("cooperating", "配合单位", "配合")]
    assert AWARD_KINDS["equity_investment"].iri == PK.EquityInvestment


def _shape_in(path) -> list:
    shapes = Graph().parse(SHAPES_FILE)
    (prop,) = shapes.subjects(SH.path, path)
    return list(Collection(shapes, shapes.value(prop, SH["in"])))


def test_the_shapes_allow_exactly_the_vocabulary():
    assert _shape_in(PK.awardKind) == [t.iri for t in AWARD_KINDS.values()]
    assert _shape_in(PK.role) == [t.iri for t in ROLES.values()]


def test_extraction_finds_only_kinds_the_ontology_declares():
    assert {kind for _, kind in AWARD_WORDS} <= set(AWARD_KINDS)


def test_filters_and_wording_read_the_vocabulary():
    assert Filters(award_kind="interest_subsidy").award_kind == "interest_subsidy"
    with pytest.raises(ValueError, match=f"expected one of {', '.join(AWARD_KINDS)}"):
        Filters(award_kind="grant")
    assert kind_name("interest_subsidy") == "贴息"
    assert ROLE_NAMES == {"lead": "牵头", "cooperating": "配合"}
    assert listed(ROLES) == "lead or cooperating"


PK_NS = "https://w3id.org/policykg/ontology#"


def test_a_list_that_misses_a_concept_of_its_scheme_is_an_error():
    graph = Graph().parse(data="""
        @prefix pk: <https://w3id.org/policykg/ontology#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        pk:A skos:inScheme pk:S ; skos:notation "a" ; skos:prefLabel "a"@en , "甲"@zh .
        pk:B skos:inScheme pk:S ; skos:notation "b" ; skos:prefLabel "b"@en , "乙"@zh .
        pk:L skos:memberList ( pk:A ) .
    """, format="turtle")
    with pytest.raises(ValueError, match="lists"):
        _terms(graph, URIRef(PK_NS + "S"), URIRef(PK_NS + "L"))


def test_the_cached_vocabulary_is_the_ontologys_and_follows_its_edits(tmp_path):
    parsed = parse_ontology()
    assert load_vocabularies(cache=tmp_path) == parsed  # parsed, then written
    assert cache_file(ONTOLOGY_FILE.read_bytes(), tmp_path).exists()
    assert load_vocabularies(cache=tmp_path) == parsed  # read back from the copy
    edited = tmp_path / "edited.ttl"
    edited.write_text(ONTOLOGY_FILE.read_text(encoding="utf-8").replace('"贴息"@zh', '"利息补贴"@zh'), encoding="utf-8")
    assert load_vocabularies(edited, cache=tmp_path)["award_kinds"]["interest_subsidy"].label == "利息补贴"
    assert load_vocabularies(cache=tmp_path)["award_kinds"]["interest_subsidy"].label == "贴息"


def test_a_damaged_cache_is_passed_over(tmp_path):
    where = cache_file(ONTOLOGY_FILE.read_bytes(), tmp_path)
    for damage in ("{not json", '{"roles": [{"notation": "lead"}]}', "[]"):
        where.write_text(damage, encoding="utf-8")
        assert load_vocabularies(cache=tmp_path) == parse_ontology()


def test_reading_the_vocabulary_needs_no_rdflib():
    """The CLI lists the kinds in its help; that must not cost it rdflib."""
    script = (
        "import sys; from policykg.kg.vocabulary import AWARD_KINDS, listed; listed(AWARD_KINDS); "
        "print('rdflib' in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", script], check=True)  # the first run may parse and fill the cache
    printed = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    assert printed.stdout.strip() == "False"
