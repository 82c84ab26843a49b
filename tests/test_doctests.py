"""The examples in our docstrings run and print what they say, so they stay true."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("policykg.corpus", "policykg.kg", "policykg.index", "policykg.api", "policykg")


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        names += [m.name for m in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}.")]
    return sorted(set(names))


def _has_examples(name: str) -> bool:
    return any(test.examples for test in doctest.DocTestFinder().find(importlib.import_module(name)))


MODULES = [name for name in _modules() if _has_examples(name)]


def test_there_are_docstring_examples():
    assert len(MODULES) >= 10


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
