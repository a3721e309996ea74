"""Inputs the fuzz targets found, kept as fixtures (see fixtures/fuzz/README.md)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fuzz.support import REGRESSIONS
from verscan.cli import main
from verscan.errors import InventoryError
from verscan.pe import Status, read_version_info
from verscan.system.inventory import dump_inventory, load_inventory

ORIGINAL_SIZE = 3072
"""The size of iischema_x86.dll, which the PE regressions were cut from."""


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("cut_in_pe_header.dll", "file ends inside the PE header (144 bytes read)"),
        ("cut_in_resource_directory.dll", "resource directory lies past the end of the file"),
    ],
)
def test_pe_file_cut_while_read(name: str, error: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fstat = os.fstat

    class Before:
        """The file's status as it was before it was cut."""

        def __init__(self, st: os.stat_result) -> None:
            self.st_mode = st.st_mode
            self.st_size = ORIGINAL_SIZE

    monkeypatch.setattr("verscan.pe.reader.os.fstat", lambda fd: Before(real_fstat(fd)))
    info = read_version_info(REGRESSIONS / "pe" / name)
    assert info.status is Status.CORRUPT
    assert info.error == error
    assert info.size == ORIGINAL_SIZE


@pytest.mark.parametrize("name", ["huge-integer.json", "deep-nesting.yaml"])
def test_inventory_faults_are_inventory_errors(name: str) -> None:
    path = REGRESSIONS / "inventory" / name
    with pytest.raises(InventoryError, match=f"^{path}: "):
        load_inventory(path)


def test_inventory_with_table_but_no_language_writes_back_the_same(tmp_path: Path) -> None:
    inv = load_inventory(REGRESSIONS / "inventory" / "table-without-language.json")
    again = tmp_path / "again.json"
    again.write_text(dump_inventory(inv), encoding="utf-8")
    assert load_inventory(again) == inv


def test_built_manifest_of_a_hostile_article_loads(tmp_path: Path) -> None:
    manifest = tmp_path / "KB999999.yaml"
    runner = CliRunner()
    article = str(REGRESSIONS / "kb" / "control-characters.txt")
    built = runner.invoke(main, ["manifest", "build", article, "--output", str(manifest)])
    assert built.exit_code in (0, 1)
    if manifest.exists():
        linted = runner.invoke(main, ["manifest", "lint", str(manifest)])
        assert linted.exit_code == 0, linted.output
