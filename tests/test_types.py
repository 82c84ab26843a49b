"""The packages type-check clean under mypy (configured in pyproject.toml's [tool.mypy]):
they ship py.typed, so their annotations are a promise to whoever imports them."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["corpus", "kg", "index", "api", "policykg"]


def test_packages_ship_py_typed():
    for package in PACKAGES:
        assert (ROOT / package / "py.typed").is_file(), package


def test_mypy_reports_no_error():
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "-p", "policykg"],  # the stages through policykg/<stage> links
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stdout + run.stderr
