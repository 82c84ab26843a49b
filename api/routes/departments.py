"""GET /departments, /departments/{id} and /departments/{id}/clauses: the bodies clauses
name, their renamings, and the clauses they lead or cooperate on."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ..deps import CatalogDep
from ..schemas import ERRORS, DepartmentClause, DepartmentDetail, DepartmentSummary, ListOf, Page, Role

router = APIRouter(prefix="/departments", tags=["departments"])


@router.get("", response_model=ListOf[DepartmentSummary])
def list_departments(catalog: CatalogDep, page: Annotated[Page, Depends()]) -> dict:
    """Every body some clause names, most named first, with clause counts by role."""
    departments = catalog.departments()
    return {"data": page.slice(departments), "count": len(departments)}


# Declared before /{department_id:path}, which would otherwise swallow "/clauses".
@router.get("/{department_id:path}/clauses", response_model=ListOf[DepartmentClause], responses={404: ERRORS[404]})
def department_clauses(
    department_id: str,
    catalog: CatalogDep,
    page: Annotated[Page, Depends()],
    role: Annotated[Role | None, Query(description="Only clauses naming it in this role.")] = None,
    include_predecessors: Annotated[bool, Query(description="Also clauses naming the bodies it was renamed or merged from.")] = False,
    include_successors: Annotated[bool, Query(description="Also clauses naming the bodies it was renamed or merged into.")] = False,
) -> dict:
    """Clauses naming the body, in reading order; with its predecessors, the duties it inherited."""
    rows = catalog.department_clauses(
        department_id, role, predecessors=include_predecessors, successors=include_successors
    )
    return {"data": page.slice(rows), "count": len(rows)}


@router.get("/{department_id:path}", response_model=DepartmentDetail, responses={404: ERRORS[404]})
def read_department(department_id: str, catalog: CatalogDep) -> DepartmentDetail:
    """One body: its names, clause counts by role, and the bodies it was renamed from and into."""
    return catalog.department(department_id)
