"""Settings in one place: the CLI (and later the API) builds one ``Settings`` and passes
plain values down; library functions never read the environment."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .datadir import default_data_dir


class Settings(BaseSettings):
    """Read from POLICYKG_* environment variables, overridden by command-line options."""

    model_config = SettingsConfigDict(env_prefix="POLICYKG_")

    data: Path = Field(default_factory=default_data_dir, description="Folder holding the built graph and index (POLICYKG_DATA).")
