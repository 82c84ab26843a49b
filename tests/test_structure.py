"""The shape of the project: data flows one way (settings → corpus → kg → index → build →
api → CLI), and the README documents every command."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.main import get_command

from policykg.cli import app

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "kg", "index", "api", "policykg")
SUBPACKAGES = ("corpus", "kg", "index", "api", "ontology")  # installed as policykg.<name>
# The layers, lowest first: a module may import its own layer and the layers below it, never
# one above, so there is no loop and no exception to allow. Settings and the data folder are
# the floor every stage may stand on; the build runs the stages; the CLI (and ``serve``,
# which starts the API) is the roof. Modules are named by their longest listed prefix.
LAYERS = (
    {"policykg", "policykg.settings", "policykg.datadir"},
    {"corpus"},
    {"kg"},
    {"index"},
    {"policykg.build", "policykg.filework"},
    {"api"},
    {"policykg.cli", "policykg.answers", "policykg.remote"},
)


def _layer(module: str) -> int:
    """The layer of a module of ours, by the longest listed name it falls under."""
    found = [(len(name), n) for n, names in enumerate(LAYERS) for name in names if module == name or module.startswith(name + ".")]
    if not found:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in {Path(__file__).name}")
    return max(found)[1]


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path) -> set[str]:
    """Our modules ``path`` imports, relative imports resolved, imports inside functions too."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found |= {f"{base}.{alias.name}" for alias in node.names} if not node.module else {base}
    return {_ours(name) for name in found if _ours(name).split(".")[0] in PACKAGES}


def _ours(name: str) -> str:
    """A module's name by its folder: the stages install as ``policykg.corpus`` … (one
    distribution namespace) but live in the top-level folders ``corpus/`` …"""
    head, _, rest = name.partition(".")
    if head == "policykg" and rest.split(".")[0] in SUBPACKAGES:
        return rest
    return name


def _our_files() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).glob("**/*.py"))


def test_every_module_has_a_layer():
    assert {_module_of(path): _layer(_module_of(path)) for path in _our_files()}


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_go_down_the_layers(package):
    wrong = {}
    for path in (p for p in _our_files() if p.relative_to(ROOT).parts[0] == package):
        layer = _layer(_module_of(path))
        above = sorted(name for name in _imported_modules(path) if _layer(name) > layer)
        if above:
            wrong[str(path.relative_to(ROOT))] = above
    assert wrong == {}


def test_a_module_importing_a_layer_above_is_found():
    """The check itself: the API importing the CLI would be caught."""
    assert _layer(_ours("policykg.api.app")) < _layer("policykg.cli")
    assert _layer("policykg.settings") < _layer("corpus.read") < _layer("policykg.build") < _layer("api.present")


def _command_names() -> list[str]:
    group = get_command(app)
    names = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        names += [f"{name} {child}" for child in sub] if sub else [name]
    return sorted(names)


def test_commands_are_the_ones_we_document():
    assert _command_names() == ["build", "departments", "export clauses", "export documents", "export graph", "export problems", "match", "search", "serve", "sparql", "status"]


@pytest.mark.parametrize("command", _command_names())
def test_readme_documents_every_command(command):
    assert f"policykg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")
