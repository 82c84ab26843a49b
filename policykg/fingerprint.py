"""Fingerprints of what shapes a build, so a cached result is reused only while nothing
that made it has changed.

Two scopes: ``file_fingerprint`` covers what one file's entry depends on (the corpus and
graph code, the ontology with its shapes and registries, the SPARQL files, the shipped
texts that layout reads as its reference, the worker itself and the versions of the
libraries that read and segment text); ``build_fingerprint`` adds the index code, the
command line and the encoder, for the "up to date" shortcut of a whole build."""
from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

# The policykg package: the stages are its subpackages (policykg/corpus …, links to the
# checkout's top-level folders, or the installed folders in a wheel), so one root serves both.
ROOT = Path(__file__).resolve().parent
# (folder under the package, glob): the inputs of one file's work.
FILE_INPUTS = (
    ("corpus", "**/*.py"),
    ("corpus/texts", "*.txt"),
    ("kg", "**/*.py"),
    ("kg", "**/*.rq"),
    ("ontology", "**/*.ttl"),
    (".", "filework.py"),
    ("index", "keyword.py"),  # the keyword units each file's worker counts
)
BUILD_INPUTS = FILE_INPUTS + (("index", "**/*.py"), (".", "*.py"))
# Libraries whose upgrade can change clauses or facts.
LIBRARIES = ("jieba", "opencc", "rdflib", "pyshacl")


def _digest(inputs: tuple[tuple[str, str], ...], root: Path, extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode("utf-8"))
    files = sorted({path for folder, pattern in inputs for path in (root / folder).glob(pattern) if path.is_file()})
    for path in files:
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=absent".encode())
    return digest.hexdigest()


def file_fingerprint(root: Path = ROOT) -> str:
    """What one file's entry depends on besides the file itself (``root``: the package)."""
    return _digest(FILE_INPUTS, root)


def build_fingerprint(sources: list[tuple[Path, str]], model: str, root: Path = ROOT) -> str:
    """The whole build: every input's name and content hash, the encoder and all code."""
    listing = "\n".join(f"{path}\t{sha}" for path, sha in sources)
    return _digest(BUILD_INPUTS, root, f"{model}\n{listing}")


__all__ = ["BUILD_INPUTS", "FILE_INPUTS", "build_fingerprint", "file_fingerprint"]
