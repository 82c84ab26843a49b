"""GET /awards: award rules with their clause and document, largest cap first."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from ..deps import AwardFiltersDep, CatalogDep
from ..schemas import ERRORS, AwardRow, ListOf, Page

router = APIRouter(prefix="/awards", tags=["awards"])


@router.get("", response_model=ListOf[AwardRow], responses={422: ERRORS[422]})
def list_awards(catalog: CatalogDep, filters: AwardFiltersDep, page: Annotated[Page, Depends()]) -> dict:
    """Award rules (rate, base, cap, per, period, tiers) by kind, cap and industry."""
    rows = catalog.awards(filters)
    return {"data": page.slice(rows), "count": len(rows)}
