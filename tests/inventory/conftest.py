"""Fixtures for the inventory, diff and fleet tests: trees, manifests, a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.inventory.helpers import DIFF_A, DIFF_B, MANIFESTS


@pytest.fixture
def runner() -> CliRunner:
    """A CLI runner that keeps stderr apart from stdout."""
    return CliRunner()


@pytest.fixture
def manifests(tmp_path: Path) -> Path:
    """A folder of the test manifests above."""
    folder = tmp_path / "manifests"
    folder.mkdir()
    for name, text in MANIFESTS.items():
        (folder / name).write_text(text.lstrip(), encoding="utf-8")
    return folder


@pytest.fixture
def diff_a() -> Path:
    """Machine A's tree (fixtures/systems/diff-a)."""
    return DIFF_A


@pytest.fixture
def diff_b() -> Path:
    """Machine B's tree (fixtures/systems/diff-b)."""
    return DIFF_B
