"""The HTTP API over a build: ``create_app(settings)`` (``policykg serve`` runs it)."""
from .app import create_app

__all__ = ["create_app"]
