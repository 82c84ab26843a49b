"""The graph of the shipped corpus: it conforms to the SHACL shapes, uses only declared
terms, and answers the SPARQL queries a researcher writes."""
from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from conftest import run_cli
from policykg.kg.build import build_graph
from policykg.kg.namespace import ONTOLOGY_FILE, PK
from policykg.kg.queries import QueryError, run_query
from policykg.kg.validate import validate_graph
from policykg.build import read_manifest
from policykg.kg.store import STORE_DIR, load_ntriples


def test_shipped_graph_conforms_to_the_shapes(generation):
    manifest = read_manifest(generation)
    assert manifest["violations"] == []
    assert manifest["triples"] > 5000


def test_every_pk_term_is_declared_in_the_ontology():
    ontology = Graph().parse(ONTOLOGY_FILE)
    declared = {str(s) for s in ontology.subjects() if str(s).startswith(str(PK._NS))}
    listed = {str(PK._NS) + name for name in PK.__annotations__}
    assert listed == declared


def test_a_broken_clause_is_reported_with_its_clause(corpus_documents, corpus_clauses):
    graph = build_graph(corpus_documents[:1], [c for c in corpus_clauses if c.document == corpus_documents[0].id][:3])
    clause = next(graph.subjects(RDF.type, PK.Clause))
    graph.add((clause, PK.clauseKind, Literal("chapter")))
    (violation, *more) = [v for v in validate_graph(graph) if "not in list" in v.message]
    assert violation.clause == str(clause)
    assert more == []


def test_sparql_lists_documents_with_numbers(generation):
    rows = run_query(
        generation,
        "SELECT ?number WHERE { ?d a pk:Document ; eli:id_local ?number } ORDER BY ?number",
    )
    assert [str(r[0]) for r in rows] == [
        "穗府〔2018〕7号",
        "穗府〔2018〕9号",
        "穗府〔2018〕9号",
        "穗府办〔2022〕19号",
        "穗府办函〔2018〕105号",
        "穗府规〔2018〕15号",
    ]


def test_sparql_finds_the_copies_of_the_iab_plan_and_the_preferred_one(generation):
    rows = list(
        run_query(
            generation,
            """SELECT ?a ?b ?preferred WHERE {
                 ?a pk:sameWorkAs ?b ; pk:preferredCopy ?preferred ; dct:source ?file .
                 FILTER(STRSTARTS(?file, "002"))
               }""",
        )
    )
    assert len(rows) == 1
    a, b, preferred = rows[0]
    assert preferred == b  # the copy in 001 is preferred over the compilation's


def test_sparql_reads_clause_text_and_its_source_span(generation):
    rows = list(
        run_query(
            generation,
            """SELECT ?text ?start ?end WHERE {
                 ?c a pk:Clause ; pk:text ?text ; prov:wasDerivedFrom ?span .
                 ?span pk:start ?start ; pk:end ?end .
                 FILTER(CONTAINS(?text, "多项目晶圆（MPW）"))
               }""",
        )
    )
    assert rows, "the MPW clause is in the graph"
    assert all(int(end) > int(start) for _, start, end in rows)


def test_sparql_in_force_follows_validity(generation):
    rows = {
        str(number): str(state).rsplit("#", 1)[1]
        for number, state in run_query(
            generation,
            "SELECT ?number ?state WHERE { ?d eli:id_local ?number ; eli:in_force ?state }",
        )
    }
    assert rows == {"穗府规〔2018〕15号": "InForce-notInForce"}  # valid until 2021-08-27


def test_updates_are_refused(generation):
    with pytest.raises(QueryError):
        run_query(generation, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_cli_sparql_json_and_export_graph(built_data):
    result = run_cli(["sparql", "--json", "SELECT (COUNT(?c) AS ?n) WHERE { ?c a pk:Clause }"], data=built_data)
    assert result.exit_code == 0
    n = int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])
    records = [json.loads(line) for line in run_cli(["export", "clauses"], data=built_data).stdout.splitlines()]
    exported = sum(1 for r in records if r["kind"] != "segment")
    assert n == exported

    turtle = run_cli(["export", "graph", "--format", "turtle"], data=built_data)
    graph = Graph().parse(data=turtle.stdout, format="turtle")
    assert len(list(graph.subjects(RDF.type, PK.Clause))) == n
    assert run_cli(["export", "graph", "--format", "xml"], data=built_data).exit_code == 2


def test_cli_refuses_updates_with_a_clear_message(built_data):
    result = run_cli(["sparql", "DELETE WHERE { ?s ?p ?o }"], data=built_data)
    assert result.exit_code == 2
    assert "read-only" in result.stderr


def _dump(folder) -> tuple[set[str], int]:
    """A store's triples without blank nodes, and how many distinct blank nodes it holds."""
    import pyoxigraph

    store = pyoxigraph.Store.read_only(str(folder / STORE_DIR))
    named, blanks = set(), set()
    for quad in store:
        terms = (quad.subject, quad.object)
        blanks |= {str(t) for t in terms if isinstance(t, pyoxigraph.BlankNode)}
        if not any(isinstance(t, pyoxigraph.BlankNode) for t in terms):
            named.add(f"{quad.subject} {quad.predicate} {quad.object}")
    return named, len(blanks)


def test_loading_the_store_in_small_chunks_gives_the_same_graph(built_data, tmp_path):
    # the shipped build's per-file triples, plus a part whose blank node two triples share
    parts = sorted((built_data / "cache" / "files").glob("*/*/triples.nt"))
    assert len(parts) >= 5
    shared_blank = b'_:b0 <http://example.org/p> "x" .\n<http://example.org/s> <http://example.org/q> _:b0 .\n'
    (tmp_path / "whole").mkdir()
    (tmp_path / "chunked").mkdir()
    whole = load_ntriples(tmp_path / "whole", [*parts, shared_blank])
    chunked = load_ntriples(tmp_path / "chunked", [*parts, shared_blank], chunk_bytes=1)  # every part in a call of its own
    assert whole == chunked > 1000
    assert _dump(tmp_path / "whole") == _dump(tmp_path / "chunked")
    assert _dump(tmp_path / "chunked")[1] == 1  # the blank node stayed one node
