"""The web page's templates (Jinja2, in ``api/templates``) and the helpers they use to
write facts in Chinese. Pages render on the server from the same read model (``index.catalog``) and searcher the
JSON API reads; the browser needs no script to use them."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from policykg.corpus.models import Document
from policykg.index.estimate import CAVEAT, format_yuan
from policykg.index.validity import validity_on
from policykg.index.models import Hit
from policykg.kg.records import DocumentRef

from .deps import get_catalog
from .present import NEAREST_DOCUMENTS_LABEL, ROLE_NAMES, award_line, document_label, kind_name, named_first, own_text, snippet, target_line, validity_line

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
STATIC = HERE / "static"
# What a page's path starts with; errors on these paths are answered as pages, not JSON.
PAGE_PREFIX = "/ui"


def page_url(kind: str, id: str) -> str:
    """The page of a clause, document or department: ids keep their "/" (d8b79ebff25/3.1.2)."""
    return f"{PAGE_PREFIX}/{kind}/{quote(id, safe='/')}"


def highlighted(hit: Hit) -> Markup:
    """The hit's snippet with the question's words in ``<mark>``, escaped."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(piece) if marked else escape(piece) for piece, marked in snippet(*own_text(hit))
    )


def validity_status(document: DocumentRef | Document) -> str:
    """A document record's standing today: in_force, expired, not_yet or unknown
    (``index.validity``); the page styles each, and warns on unknown."""
    return validity_on(document, date.today()).status


@pass_context
def copies_of(context: Context, document: DocumentRef | Document) -> list[str]:
    """Ids of the other copies of a document: a clause's ``DocumentRef`` does not carry
    them, so they are read from the generation the request reads. Templates that use it
    import their macros ``with context``."""
    if isinstance(document, Document):
        return document.copies
    found = get_catalog(context["request"]).documents.get(document.id)
    return found.copies if found is not None else []


TEMPLATES.env.filters["validity_status"] = validity_status
TEMPLATES.env.globals.update(
    page_url=page_url, caveat=CAVEAT, role_names=ROLE_NAMES, copies_of=copies_of,
    document_label=document_label, nearest_documents_label=NEAREST_DOCUMENTS_LABEL,
)  # fmt: skip
TEMPLATES.env.filters.update(
    yuan=format_yuan, kind_name=kind_name, award_line=award_line, validity=validity_line,
    highlighted=highlighted, target_line=target_line, named_first=named_first,
)


def is_page(request: Request) -> bool:
    """Whether the request is for a web page (so an error is shown as a page)."""
    path = request.url.path
    return path == "/" or path.startswith(PAGE_PREFIX + "/") or path == PAGE_PREFIX


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    titles = {404: "找不到该页面", 422: "参数有误"}
    return render(request, "error.html", status_code=status, status=status, title=titles.get(status, "出错了"), message=message)
