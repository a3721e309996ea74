"""Fixtures for the disk-image tests: the images expanded once per session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.images.helpers import expand


@pytest.fixture(scope="session")
def image(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``image(NAME)``: the path of fixtures/images/NAME, expanded (read-only use)."""
    folder = tmp_path_factory.mktemp("images")

    def get(name: str) -> Path:
        return expand(name, folder)

    return get
