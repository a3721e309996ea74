"""Shared fixtures for the manifest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

MANIFESTS = Path(__file__).resolve().parents[2] / "fixtures" / "manifests"


@pytest.fixture
def valid_dir() -> Path:
    """Folder of manifests that load."""
    return MANIFESTS / "valid"


@pytest.fixture
def invalid_dir() -> Path:
    """Folder of manifests with one problem each."""
    return MANIFESTS / "invalid"
