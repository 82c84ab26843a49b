"""The graph on disk: an Oxigraph store in the generation folder, opened through rdflib
(``Graph(store=OxigraphStore(...))``), so SPARQL runs in Oxigraph and the programming
interface stays rdflib's."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph
from oxrdflib import OxigraphStore
from rdflib import Graph

from .namespace import GRAPH

STORE_DIR = "graph"


def write_graph(folder: Path, graph: Graph) -> Path:
    """Bulk-load ``graph`` into a new Oxigraph store under ``folder``; returns its path."""
    path = folder / STORE_DIR
    store = pyoxigraph.Store(str(path))
    data = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(data, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(str(GRAPH)))
    store.flush()
    del store
    return path


def open_graph(folder: Path) -> Graph:
    """The built graph, read-only: safe while another process reads or builds."""
    store = pyoxigraph.Store.read_only(str(folder / STORE_DIR))
    return Graph(store=OxigraphStore(store=store), identifier=GRAPH)
