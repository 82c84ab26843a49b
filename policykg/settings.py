"""Settings in one place: the CLI (and later the API) builds one ``Settings`` and passes
plain values down; library functions never read the environment."""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .datadir import default_data_dir


class Settings(BaseSettings):
    """Read from POLICYKG_* environment variables, overridden by command-line options."""

    model_config = SettingsConfigDict(env_prefix="POLICYKG_")

    data: Path = Field(default_factory=default_data_dir, description="Folder holding the built graph and index (POLICYKG_DATA).")
    model: str = Field(
        default="e5",
        description="Encoder of the dense index (POLICYKG_MODEL): e5, use, minilm, st:<name or folder>, or none for keyword search only.",
    )
    threads: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, description="Threads for the encoder (POLICYKG_THREADS).")
    sparql_timeout_seconds: float = Field(default=10.0, gt=0, description="A SPARQL query running longer is stopped (POLICYKG_SPARQL_TIMEOUT_SECONDS).")
    sparql_max_results: int = Field(default=10_000, ge=1, description="Most rows (or triples) a SPARQL query may return (POLICYKG_SPARQL_MAX_RESULTS).")
    sparql_allowed_services: list[str] = Field(
        default_factory=list,
        description="SPARQL endpoints a query may call with SERVICE, as full IRIs in a JSON list; empty (the default) refuses every SERVICE call (POLICYKG_SPARQL_ALLOWED_SERVICES).",
    )
    sparql_workers: int = Field(default=2, ge=1, description="Worker processes that run SPARQL queries for the server, each one query at a time (POLICYKG_SPARQL_WORKERS).")
    sparql_queue: int = Field(default=8, ge=0, description="SPARQL queries that may wait for a worker; past that the server answers 503 with Retry-After (POLICYKG_SPARQL_QUEUE).")
    sparql_per_client: int = Field(default=4, ge=1, description="SPARQL queries one client address may have running or waiting; past that 429 with Retry-After (POLICYKG_SPARQL_PER_CLIENT).")
    sparql_max_memory_mb: int = Field(
        default=1024, ge=64,
        description="Memory (MB of heap) one SPARQL worker may allocate; a query needing more ends its worker and answers 503 (POLICYKG_SPARQL_MAX_MEMORY_MB).",
    )
    sparql_max_query_chars: int = Field(default=20_000, ge=1, description="Longest SPARQL query text accepted, in characters; longer is 413 (POLICYKG_SPARQL_MAX_QUERY_CHARS).")
    max_q_chars: int = Field(default=500, ge=1, description="Longest search question (q) accepted, in characters; longer is 422 (POLICYKG_MAX_Q_CHARS).")
    max_body_bytes: int = Field(default=1_000_000, ge=1, description="Largest request body accepted, in bytes; larger is 413 (POLICYKG_MAX_BODY_BYTES).")
    sparql_upstream: str | None = Field(
        default=None,
        description="A read-only SPARQL 1.1 endpoint serving the same generation's store (e.g. `oxigraph serve-read-only` replicas behind nginx, http://127.0.0.1:8080/store/query); user queries run there instead of in the server's workers' own store, with the same refusals and limits (POLICYKG_SPARQL_UPSTREAM).",
    )
    generation: str | None = Field(
        default=None,
        description="Serve this generation (its folder name under generations/) and never switch: replicas of one deployment pin the same build (POLICYKG_GENERATION). Default: the current one, followed.",
    )
    follow_seconds: float = Field(
        default=2.0, ge=0, description="How often a server checks for a newer build and switches to it; 0 keeps the build it started with (POLICYKG_FOLLOW_SECONDS).",
    )
