"""POST /match: which award rules an enterprise may apply for, as ``policykg match --json``
judges them; and the web page's form (企业画像 → 可申报政策) at /ui/match.

The request is the profile contract of ../shared/eval/eval_match.py as a typed model, so a
malformed profile is a 422 naming the field; the response is ``index.match.ProfileMatch``."""
from __future__ import annotations

import re
from pathlib import Path
from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, BeforeValidator, Field, StrictBool, StrictFloat, StringConstraints

from policykg.index.encoders import Encoder
from policykg.index.match import STATUS_WORDS, VERDICT_WORDS, Matcher, Profile, ProfileError, ProfileMatch, award_of, matcher_for
from policykg.api.present import award_line

from ..deps import GenerationDep, get_served
from ..pages import PAGE_PREFIX, render
from ..schemas import ERRORS, Day, ErrorBody

router = APIRouter(prefix="/match", tags=["match"])
page_router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

Words = Annotated[str, Field(min_length=1, max_length=200)]
# Numbers are JSON numbers, as the schema says: pydantic would also read false as 0 and
# "5" as 5 (schemathesis sent "amount_yuan": false and it was judged as no spending).
Yuan = Annotated[StrictFloat, Field(ge=0, le=1e13)]


def _json_number(value: object) -> object:
    """A JSON number, as the schema's ``integer`` means it: 1949.0 is one, false and "1949" are not."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("expected a whole number")
    return value

# Amounts by year, {"2020": 120000000}: the schema says the keys are years (and nothing
# else), as the profile reader demands, so a client validating against it is not refused.
Year = Annotated[str, StringConstraints(pattern=r"^\d{4}$")]
ByYear = Annotated[dict[Year, Yuan], Field(max_length=30, json_schema_extra={"additionalProperties": False})]


class LocationIn(BaseModel):
    province: Annotated[str, Field(max_length=20)] | None = None
    city: Annotated[str, Field(max_length=20)] | None = None
    district: Annotated[str, Field(max_length=20)] | None = Field(None, description="工商注册地所在区, e.g. 黄埔区")


class ItemIn(BaseModel):
    item: Words = Field(description="The cost or investment in the firm's own words: MPW流片费, 租办公楼租金")
    amount_yuan: Yuan
    year: Annotated[int, Field(ge=1949, le=2100), BeforeValidator(_json_number)] | None = None


class MatchRequest(BaseModel):
    """An enterprise profile; a field left out is unknown (never zero or "no")."""

    name: Annotated[str, Field(max_length=100)] = "企业"
    location: LocationIn | None = None
    industry: Annotated[list[Words], Field(max_length=30)] | None = Field(None, description="集成电路设计, 生物医药, 软件 …")
    established: Day | None = None
    paid_in_capital_yuan: Yuan | None = None
    revenue_yuan: ByYear | None = Field(None, description='{"2020": 120000000}')
    output_value_yuan: ByYear | None = None
    rd_expense_yuan: ByYear | None = None
    employees: Annotated[int, Field(ge=0), BeforeValidator(_json_number)] | None = None
    qualifications: Annotated[list[Words], Field(max_length=30)] | None = Field(None, description="高新技术企业, 专精特新 …")
    spending: Annotated[list[ItemIn], Field(max_length=50)] | None = None
    investment: Annotated[list[ItemIn], Field(max_length=50)] | None = None
    as_of: Day | None = Field(None, description="The date asked (validity, application windows); default today")
    include_not_eligible: StrictBool = Field(False, description="Also list the rules the enterprise does not qualify for (--all)")

    def profile(self) -> Profile:
        row = self.model_dump(mode="json", exclude_none=True, exclude={"include_not_eligible"})
        return Profile.from_dict(row)


def get_matcher(generation: Path, encoder: Encoder | None = None) -> Matcher:
    """The generation's matcher, its semantic links embedding with the server's encoder."""
    return matcher_for(generation, encoder=encoder)


# FastAPI answers 400 itself when the body cannot be read as JSON at all.
MATCH_400 = {"model": ErrorBody, "description": "The body is not JSON."}


@router.post("", response_model=ProfileMatch, responses={400: MATCH_400, 422: ERRORS[422]})
async def match(request: MatchRequest, generation: GenerationDep, http: Request) -> ProfileMatch:
    """Every award rule of the build judged against the profile: verdict (eligible /
    not_eligible / unknown), the conditions that decided it with their words, the
    document's validity on ``as_of``, and an estimate with its arithmetic."""
    try:
        profile = request.profile()
    except ProfileError as problem:
        raise HTTPException(status_code=422, detail=str(problem)) from None
    matcher = await run_in_threadpool(get_matcher, generation, get_served(http).encoder)
    return await run_in_threadpool(matcher.match, profile, include_not_eligible=request.include_not_eligible)


# --------------------------------------------------------------------------- the form


FORM_FIELDS = ("name", "city", "district", "industry", "established", "paid_in_capital", "revenue", "revenue_year",
               "qualifications", "item", "amount", "item_year", "as_of")


def form_profile(form: dict[str, str]) -> dict | None:
    """A profile from the form's fields (money in 万元, lists split on 、，, and spaces), or
    None when the form is empty."""
    f = {k: (form.get(k) or "").strip() for k in FORM_FIELDS}
    if not any(f[k] for k in FORM_FIELDS if k not in ("as_of",)):
        return None
    split = lambda text: [w for w in _SPLIT.split(text) if w]  # noqa: E731
    row: dict = {"name": f["name"] or "我的企业"}
    if f["city"] or f["district"]:
        row["location"] = {k: f[k] for k in ("city", "district") if f[k]}
    if f["industry"]:
        row["industry"] = split(f["industry"])
    if f["established"]:
        row["established"] = f["established"]
    if f["paid_in_capital"]:
        row["paid_in_capital_yuan"] = _wan(f["paid_in_capital"], "实缴注册资本")
    if f["revenue"]:
        year = f["revenue_year"] or str((date.fromisoformat(f["as_of"]) if f["as_of"] else date.today()).year - 1)
        row["revenue_yuan"] = {year: _wan(f["revenue"], "营业收入")}
    if f["qualifications"]:
        row["qualifications"] = split(f["qualifications"])
    if f["item"]:
        if not f["amount"]:
            raise ProfileError("支出项目需要填写金额")
        entry = {"item": f["item"], "amount_yuan": _wan(f["amount"], "金额")}
        if f["item_year"]:
            entry["year"] = int(f["item_year"]) if f["item_year"].isdigit() else _bad("年份", f["item_year"])
        row["spending"] = [entry]
    if f["as_of"]:
        row["as_of"] = f["as_of"]
    return row


_SPLIT = re.compile(r"[、，,;；\s]+")


def _wan(text: str, what: str) -> float:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return _bad(what, text)
    if value < 0:
        return _bad(what, text)
    return value * 10_000


def _bad(what: str, text: str):
    raise ProfileError(f"{what}“{text}”不是有效的数字")


@page_router.get(PAGE_PREFIX + "/match")
async def match_page(request: Request, generation: GenerationDep) -> HTMLResponse:
    """企业画像 → 可申报政策: the form, and with it filled, the rules grouped by verdict."""
    form = dict(request.query_params)
    found = error = None
    try:
        row = form_profile(form)
        if row is not None:
            profile = Profile.from_dict(row)
            matcher = await run_in_threadpool(get_matcher, generation, get_served(request).encoder)
            found = await run_in_threadpool(matcher.match, profile, include_not_eligible=form.get("all") == "true")
    except ProfileError as problem:
        error = str(problem)
    groups = []
    if found is not None:
        for verdict in ("eligible", "unknown", "not_eligible"):
            shown = [r for r in found.results if r.verdict == verdict]
            if shown:
                groups.append({"verdict": verdict, "words": VERDICT_WORDS[verdict], "results": shown})
    return render(request, "match.html", status_code=422 if error else 200, form=form, found=found, groups=groups,
                  error=error, status_words=STATUS_WORDS,
                  award_lines={(r.clause_id, r.award_index): award_line(award_of(r.award)) for r in (found.results if found else [])})
