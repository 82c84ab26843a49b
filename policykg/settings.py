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
