"""Minting IRIs: one function per kind of thing, from stable ids, so the same document or
clause gets the same IRI in every build (https://w3id.org/policykg/id/…)."""
from __future__ import annotations

import hashlib
from urllib.parse import quote

from rdflib import URIRef

from .namespace import ID


def _safe(key: str) -> str:
    return quote(key, safe="/~-._")


def document_iri(document_id: str) -> URIRef:
    return ID[f"doc/{_safe(document_id)}"]


def clause_iri(clause_id: str) -> URIRef:
    return ID[f"clause/{_safe(clause_id)}"]


def part_iri(owner: URIRef, kind: str, n: int) -> URIRef:
    """A fact or span of a clause: <clause>/award-1, <award>/tier-2, <clause>/span-1."""
    return URIRef(f"{owner}/{kind}-{n}")


def money_iri(owner: URIRef, role: str) -> URIRef:
    return URIRef(f"{owner}/{role}")


def organization_iri(department_id: str) -> URIRef:
    if department_id.startswith(("http://", "https://")):
        return URIRef(department_id)
    return ID[f"org/{_safe(department_id)}"]


def term_iri(full: str) -> URIRef:
    return ID[f"term/{hashlib.sha1(full.encode('utf-8')).hexdigest()[:12]}"]
