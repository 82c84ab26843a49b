"""The researchers' notebooks (``notebooks/*.ipynb``) run against the shipped build, and the
numbers their SPARQL queries show agree with the API's catalog, which counts from the
exported records instead; committed notebooks carry no outputs.

Each notebook runs once per module in a fresh kernel (jupyter_client starts the kernelspec
"python3" with this interpreter, so the kernel sees the project), with POLICYKG_DATA set to
the shipped build. A cell appended to the run prints the DataFrames the tests read, as JSON.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import matplotlib.font_manager  # noqa: F401  builds matplotlib's font cache here, not in a kernel's stderr
import nbformat
import pytest
from nbclient import NotebookClient

from policykg.index.catalog import Catalog
from policykg.index.filters import Filters

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# The DataFrames each notebook leaves in its namespace that the tests read back.
FRAMES = {
    "departments.ipynb": ["lead_table", "stale_names", "trace", "inherited"],
    "money.ipynb": ["kinds", "largest", "by_industry", "targets_by_year"],
    "eligibility.ipynb": ["kinds", "by_document", "industries"],
}
CELL_SECONDS = 120
DUMP = """
import json
print(json.dumps({name: json.loads(globals()[name].to_json(orient="records", force_ascii=False)) for name in %r}))
"""


def run_notebook(name: str, data_root: Path) -> tuple[nbformat.NotebookNode, dict[str, list[dict]]]:
    """Execute a notebook over the build in ``data_root``; the executed notebook (without the
    appended cell) and the frames of ``FRAMES[name]`` as lists of records."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(DUMP % FRAMES[name]))
    with pytest.MonkeyPatch.context() as patch:  # the kernel inherits this environment
        patch.setenv("POLICYKG_DATA", str(data_root))
        patch.delenv("MPLBACKEND", raising=False)  # charts go inline, as image/png outputs
        client = NotebookClient(
            notebook, timeout=CELL_SECONDS, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
        )
        client.execute()  # raises CellExecutionError, with the cell and traceback, if a cell fails
    dump = notebook.cells.pop()
    printed = "".join(out["text"] for out in dump.outputs if out.get("name") == "stdout")
    return notebook, json.loads(printed)


@pytest.fixture(scope="module")
def departments(built_data: Path) -> tuple[nbformat.NotebookNode, dict[str, list[dict]]]:
    return run_notebook("departments.ipynb", built_data)


@pytest.fixture(scope="module")
def money(built_data: Path) -> tuple[nbformat.NotebookNode, dict[str, list[dict]]]:
    return run_notebook("money.ipynb", built_data)


@pytest.fixture(scope="module")
def eligibility(built_data: Path) -> tuple[nbformat.NotebookNode, dict[str, list[dict]]]:
    return run_notebook("eligibility.ipynb", built_data)


@pytest.fixture(scope="module")
def catalog(generation: Path) -> Catalog:
    return Catalog.load(generation)


# --- the committed files --------------------------------------------------------------------


def test_every_notebook_is_tested():
    assert sorted(path.name for path in NOTEBOOKS.glob("*.ipynb")) == sorted(FRAMES)


@pytest.mark.parametrize("name", sorted(FRAMES))
def test_committed_notebooks_carry_no_outputs(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    stored = [
        n for n, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert stored == [], f"{name}: clear the outputs of cells {stored}"
    assert notebook.metadata.kernelspec.name == "python3"


# --- both notebooks, executed ---------------------------------------------------------------


@pytest.mark.parametrize("which", ["departments", "money"])
def test_notebook_draws_its_charts_quietly(which, request):
    notebook, _ = request.getfixturevalue(which)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    charts = [cell for cell in code if "chart" in cell.metadata.get("tags", [])]
    assert len(charts) >= 2
    for cell in charts:
        assert any("image/png" in out.get("data", {}) for out in cell.outputs), cell.source[:80]
    # no warnings (missing glyphs, deprecations) and no errors in any cell
    noise = [out["text"] for cell in code for out in cell.outputs if out.get("name") == "stderr"]
    assert noise == []
    assert not [out for cell in code for out in cell.outputs if out.output_type == "error"]


# --- departments.ipynb ----------------------------------------------------------------------


def test_lead_table_equals_the_api_departments(departments, catalog):
    _, frames = departments
    shown = {unquote(row["id"]): (row["department"], row["lead"], row["cooperating"]) for row in frames["lead_table"]}
    expected = {d.id: (d.label, d.clauses["lead"], d.clauses["cooperating"]) for d in catalog.departments()}
    assert shown == expected
    assert all(row["total"] == row["lead"] + row["cooperating"] for row in frames["lead_table"])
    # the body that leads the most clauses of the shipped corpus: the 2018 texts' 市工业和信息化委
    top = max(frames["lead_table"], key=lambda row: row["lead"])
    assert (top["id"], top["department"]) == ("guangzhou/gongxin-wei", "广州市工业和信息化委员会")


def test_trace_names_the_2019_renaming(departments):
    _, frames = departments
    assert frames["trace"] == [
        {"earlier": "广州市工业和信息化委员会", "later": "广州市工业和信息化局", "date": "2019-01", "event": "guangzhou/2019-gongxin"}
    ]


def test_inherited_clauses_equal_the_api_lineage(departments, catalog):
    _, frames = departments
    rows = catalog.department_clauses("guangzhou/gongxin-ju", predecessors=True)
    expected = Counter((row.department.label, row.role) for row in rows)
    shown = {(row["as_named"], row["role"]): row["clauses"] for row in frames["inherited"]}
    assert shown == dict(expected)
    assert set(shown) == {(body, role) for body in ("广州市工业和信息化委员会", "广州市工业和信息化局") for role in ("lead", "cooperating")}


def test_no_text_names_a_body_after_it_was_replaced(departments):
    _, frames = departments
    assert frames["stale_names"] == []


# --- money.ipynb ----------------------------------------------------------------------------


def test_award_kinds_equal_the_api_awards(money, catalog):
    _, frames = money
    awards = catalog.awards(Filters())
    shown = {row["kind"]: (row["rules"], row["with_cap"], row["with_rate"]) for row in frames["kinds"]}
    expected = {
        kind: (
            sum(1 for a in awards if a.kind == kind),
            sum(1 for a in awards if a.kind == kind and a.cap_yuan is not None),
            sum(1 for a in awards if a.kind == kind and a.rate is not None),
        )
        for kind in {a.kind for a in awards}
    }
    assert shown == expected
    assert all(row["rules"] == row["with_cap"] + row["without_cap"] for row in frames["kinds"])


def test_largest_caps_equal_the_api_awards(money, catalog):
    _, frames = money
    largest = frames["largest"]
    capped = [a for a in catalog.awards(Filters()) if a.cap_yuan is not None]  # largest first
    assert [row["cap_wan"] * 10_000 for row in largest] == [a.cap_yuan for a in capped[: len(largest)]]
    # the largest: the 黄埔区 reward for fixed-asset investment, 2亿元 reached over seven tiers
    assert {k: largest[0][k] for k in ("clause", "kind", "cap_wan", "tiers")} == {
        "clause": "d8b79ebff25/3.1.1", "kind": "reward", "cap_wan": 20_000, "tiers": 7,
    }
    assert capped[0].clause_id == "d8b79ebff25/3.1.1"


def test_industries_equal_the_api_industry_filter(money, catalog):
    _, frames = money
    assert len(frames["by_industry"]) == 7
    for row in frames["by_industry"]:
        awards = catalog.awards(Filters(industry=row["industry"]))
        caps = [a.cap_yuan for a in awards if a.cap_yuan is not None]
        assert (row["rules"], row["with_cap"], row["largest_cap_wan"] * 10_000) == (len(awards), len(caps), max(caps)), row["industry"]


def test_targets_by_year_equal_the_exported_records(money, catalog):
    _, frames = money
    shown = Counter()
    for row in frames["targets_by_year"]:
        shown[row["year"]] += row["targets"]
    expected = Counter(
        target.year for clause in catalog.shown for target in catalog.records[clause].targets
        if target.year is not None
    )
    assert shown == expected
    assert sorted(shown) == [2018, 2019, 2020, 2022, 2025]


def test_condition_kinds_equal_the_stored_facts(eligibility, generation):
    from policykg.corpus.artifacts import load_documents
    from policykg.kg.artifacts import load_facts

    _, frames = eligibility
    shown = {d.id for d in load_documents(generation) if d.preferred}
    expected = Counter(
        c.kind for clause_id, found in load_facts(generation).items() if clause_id.split("/")[0] in shown
        for award in found.conditions for c in award.conditions
    )
    assert {row["kind"]: row["conditions"] for row in frames["kinds"]} == dict(expected)
    assert "location" in expected and any(row["field"] == "集成电路" for row in frames["industries"])
