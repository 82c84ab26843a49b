"""What both notebooks need: the built graph, SPARQL results as pandas DataFrames, and a
font that can draw Chinese labels when one is installed.

The queries themselves stay in the notebooks, where a reader sees them; this module only
opens the graph the way ``policykg sparql`` does (same prefixes) and converts values."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
from matplotlib import font_manager
from matplotlib import pyplot as plt
from rdflib import Graph, Literal
from rdflib.term import Node

from policykg.kg.queries import graph_for_queries, query_graph
from policykg.datadir import DataDir
from policykg.settings import Settings

# Fonts that draw Simplified Chinese, best first; the first one installed is used.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)


def current_generation() -> Path:
    """The current build in the data folder: POLICYKG_DATA, else the user data folder
    (the same rule as the command line). Raises NoBuild before `policykg build`."""
    return DataDir(Settings().data).require_current()


def open_graph() -> Graph:
    """The built graph, read-only, with the prefixes pk eli org skos prov dct schema id
    predefined (as in `policykg sparql` and the /sparql endpoint)."""
    return graph_for_queries(current_generation())


def select(graph: Graph, query: str) -> pd.DataFrame:
    """Run a SELECT query; one column per variable, in the query's order. Literals become
    Python values (xsd:integer and xsd:decimal numbers, xsd:date dates, text as str), IRIs
    become strings, unbound values missing; whole-number columns are shown as integers."""
    result = query_graph(graph, query)
    rows = [[python_value(term) for term in row] for row in result]
    return pd.DataFrame(rows, columns=[str(v) for v in result.vars]).convert_dtypes()


def python_value(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal):
            return float(value)
        return str(term) if isinstance(value, Literal) else value  # xsd:gYear and others stay text
    return str(term)


def use_cjk_font() -> str | None:
    """Make matplotlib draw Chinese with the first installed font of ``CJK_FONTS`` and
    return its name; None when there is none (then label charts with ids, not Chinese,
    so matplotlib has no missing glyphs to warn about)."""
    installed = {font.name for font in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            plt.rcParams["font.family"] = "sans-serif"
            plt.rcParams["font.sans-serif"] = [name, *plt.rcParams["font.sans-serif"]]
            plt.rcParams["axes.unicode_minus"] = False
            return name
    return None
