"""Example SPARQL queries for researchers (``kg/sparql/examples/*.rq``), shown on the web
page's SPARQL page. Each file starts with a comment line giving its title in Chinese and
one in English; the rest is the query, run with our prefixes predefined."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "sparql" / "examples"


@dataclass(frozen=True)
class Example:
    name: str  # the file's stem: "1_department_load"
    title: str  # 各部门牵头、配合的条款数
    description: str  # Clauses per department and role, most first.
    query: str


def load_examples(folder: Path = FOLDER) -> list[Example]:
    examples = []
    for path in sorted(folder.glob("*.rq")):
        lines = path.read_text(encoding="utf-8").splitlines()
        title, description = (line.removeprefix("#").strip() for line in lines[:2])
        examples.append(Example(path.stem, title, description, "\n".join(lines[2:]).strip() + "\n"))
    return examples


EXAMPLES = load_examples()
