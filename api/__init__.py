"""The HTTP API over a build: ``create_app(settings)`` (``policykg serve`` runs it).

The app is imported when first asked for, so the CLI can use ``api.present`` (wording and
formats) without loading the web stack and the search side."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'api' has no attribute {name!r}")
