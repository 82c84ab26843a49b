"""The shape of the project: data flows one way (corpus → kg → index → api/CLI), and the
README documents every command."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.main import get_command

from policykg.cli import app

ROOT = Path(__file__).resolve().parent.parent
OURS = {"corpus", "kg", "index", "api", "policykg"}
# What each stage may import of ours: only the stages before it.
ALLOWED = {
    "corpus": set(),
    "kg": {"corpus"},
    "index": {"corpus", "kg"},
    "api": {"corpus", "kg", "index", "policykg"},
    "policykg": {"corpus", "kg", "index", "api"},  # `serve` starts the API
}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_follow_the_data(package):
    wrong = {}
    for path in sorted((ROOT / package).glob("**/*.py")):
        bad = _imported_packages(path) - ALLOWED[package] - {package}
        if bad:
            wrong[str(path.relative_to(ROOT))] = sorted(bad)
    assert wrong == {}


def _command_names() -> list[str]:
    group = get_command(app)
    names = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        names += [f"{name} {child}" for child in sub] if sub else [name]
    return sorted(names)


def test_commands_are_the_ones_we_document():
    assert _command_names() == ["build", "export clauses", "export documents", "export graph", "export problems", "search", "serve", "sparql", "status"]


@pytest.mark.parametrize("command", _command_names())
def test_readme_documents_every_command(command):
    assert f"policykg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")
