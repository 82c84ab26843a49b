"""Corpus stage: read policy texts, clean PDF artefacts, split documents and clauses."""
