"""The ontology, SHACL shapes and department registry as Turtle files. A package only so
that an installed policykg (a wheel, not just this checkout) carries them; ``kg`` reads
them from here. Their paths live here, not in ``kg.namespace``, so that reading them needs
no rdflib (``kg.vocabulary`` reads a cached copy of the vocabulary without it)."""
from __future__ import annotations

from pathlib import Path

ONTOLOGY_FILE = Path(__file__).resolve().parent / "policykg.ttl"
SHAPES_FILE = Path(__file__).resolve().parent / "shapes.ttl"

__all__ = ["ONTOLOGY_FILE", "SHAPES_FILE"]
