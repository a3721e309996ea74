"""Shared test helpers: fixture locations."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PE = FIXTURES / "pe"


@pytest.fixture
def pe_dir() -> Path:
    """The folder of real PE fixtures."""
    return PE
