"""Which SPARQL ``SERVICE`` calls a query may make: none, unless a deployment names them.

Oxigraph answers ``SERVICE <iri> { … }`` by sending the inner query to ``<iri>`` over HTTP
from the machine that runs it, so a public endpoint would let anyone make the server call
any address it can reach (loopback and private networks included) and read the answer or
the error. Federation is therefore refused unless every service a query names is on an
allow-list (``Settings.sparql_allowed_services``).

Oxigraph has no switch to turn ``SERVICE`` off, nor a way to see a parsed query's algebra
from Python, so the query text is read here with a small lexer that skips exactly what
cannot hold a keyword (comments, strings, IRIs) and finds every ``SERVICE`` keyword.
A ``SERVICE`` clause needs a ``{`` after its name, which no skipped token can contain, so a
keyword cannot hide from the lexer inside what Oxigraph reads as code.

    >>> check_services("SELECT * WHERE { ?s ?p 'SERVICE' } # SERVICE <x>", allowed=())
    >>> check_services("SELECT * WHERE { SERVICE <http://127.0.0.1:8080/x> { ?s ?p ?o } }", allowed=())
    Traceback (most recent call last):
    ...
    policykg.kg.federation.ServiceRefused: SPARQL SERVICE is refused: this endpoint makes no outbound calls (<http://127.0.0.1:8080/x>)
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

# What cannot hold a keyword: strings, IRIs and comments (longest alternatives first).
_SKIP = re.compile(
    r"""
        '''(?:[^'\\]|\\.|'(?!''))*'''              # long strings
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '(?:[^'\\\n\r]|\\.)*'                  # short strings (no line breaks)
      | "(?:[^"\\\n\r]|\\.)*"
      | <[^<>"{}|^`\\\x00-\x20]*>              # IRIs
      | \#[^\n\r]*                             # comments
    """,
    re.VERBOSE | re.DOTALL,
)
# The keyword, unless it is part of a variable (?service), a prefixed name (ex:service) or
# a longer word; anything else around it (1.SERVICE, }SERVICE<…>) still counts.
_KEYWORD = re.compile(r"(?<![\w?$:])SERVICE(?![\w:])", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w?$:])FROM(?![\w:])", re.IGNORECASE)
_SILENT = re.compile(r"\s*(?:SILENT(?![\w:])\s*)?", re.IGNORECASE)
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_NAME = re.compile(r"[^\s{\0]*")
# SPARQL reads \uXXXX and \UXXXXXXXX anywhere in a query before parsing it (SPARQL 1.1
# Query §19.2), so \u0053ERVICE is the keyword too; the text is unescaped the same way first.
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class ServiceRefused(ValueError):
    """A query that names a SPARQL service the deployment does not allow."""


def _masked(text: str) -> str:
    """``text`` with strings and comments blanked out and IRIs filled with NULs (which no
    keyword contains), every offset kept."""
    return _SKIP.sub(lambda m: ("\0" if m.group().startswith("<") else " ") * len(m.group()), text)


def _unescaped(text: str) -> str:
    return _CODEPOINT.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), text)


def names_dataset(text: str) -> bool:
    """Whether a query says which graphs it reads (``FROM`` / ``FROM NAMED``), read with the
    same lexer: the keyword appears nowhere else in a SPARQL query.

    >>> names_dataset("SELECT * FROM <http://x/g> { ?s ?p ?o }"), names_dataset("SELECT ('FROM' AS ?x) {} # FROM")
    (True, False)
    """
    return _FROM.search(_masked(_unescaped(text))) is not None


_FORM = re.compile(r"(?<![\w?$:])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:])", re.IGNORECASE)


def answers_with_a_graph(text: str) -> bool:
    """Whether a query is a CONSTRUCT or DESCRIBE (its first form keyword, read with the same
    lexer), so an upstream store is asked for RDF, not for results: Virtuoso writes a graph
    as SPARQL JSON results (?s ?p ?o) when the request accepts those.

    >>> answers_with_a_graph("PREFIX select: <x:> CONSTRUCT { ?s ?p 'ASK' } WHERE { ?s ?p ?o }")
    True
    >>> answers_with_a_graph("SELECT * { ?s ?p 'CONSTRUCT' } # DESCRIBE <x>")
    False
    """
    found = _FORM.search(_masked(_unescaped(text)))
    return found is not None and found.group(1).upper() in ("CONSTRUCT", "DESCRIBE")


def services(text: str) -> Iterator[str]:
    """What follows each ``SERVICE`` keyword of a query: an IRI as ``<…>``, or the word
    (a variable or a prefixed name) that names the service."""
    text = _unescaped(text)
    code = _masked(text)
    for keyword in _KEYWORD.finditer(code):
        silent = _SILENT.match(code, keyword.end())
        assert silent is not None  # the pattern matches the empty string
        at = silent.end()
        iri = _IRI.match(text, at)
        name = iri or _NAME.match(code, at)
        assert name is not None  # so does _NAME
        yield name.group()


def check_services(text: str, allowed: Sequence[str]) -> None:
    """Raise ``ServiceRefused`` unless every service ``text`` calls is named, as a full
    IRI, in ``allowed``."""
    for name in services(text):
        if not allowed:
            raise ServiceRefused(f"SPARQL SERVICE is refused: this endpoint makes no outbound calls ({name or 'no name'})")
        if not _IRI.fullmatch(name):
            raise ServiceRefused(f"SPARQL SERVICE must name its endpoint by a full IRI from the allowed list, not {name or 'nothing'}")
        if name[1:-1] not in allowed:
            raise ServiceRefused(f"SPARQL SERVICE {name} is not among the allowed services ({', '.join(allowed)})")
