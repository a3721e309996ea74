"""Choosing the row that applies: floors from builds, revision bands and service packs."""

from __future__ import annotations

import pytest

from verscan.manifest.model import FileRow
from verscan.verdicts.branches import choose_row, row_floors
from verscan.versions import compare, parse_version

GDR_LDR = [
    FileRow("Kernelbase.dll", "6.1.7601.18142", branch="GDR"),
    FileRow("Kernelbase.dll", "6.1.7601.22311", branch="LDR"),
]
XP_SP = [
    FileRow("Xpfile.dll", "5.1.2600.3520", sp_requirement="SP2"),
    FileRow("Xpfile.dll", "5.1.2600.5755", sp_requirement="SP3"),
]


@pytest.mark.parametrize(
    ("installed", "row", "patched"),
    [
        ((6, 1, 7601, 18200), "6.1.7601.18142", True),
        ((6, 1, 7601, 21500), "6.1.7601.22311", False),
        ((6, 1, 7601, 17900), "6.1.7601.18142", False),
        ((6, 1, 7601, 22400), "6.1.7601.22311", True),
    ],
)
def test_gdr_ldr(installed: tuple[int, ...], row: str, patched: bool) -> None:
    choice = choose_row(GDR_LDR, installed)
    assert choice is not None and choice.row.version == row
    assert (compare(parse_version(row) or (), installed) >= 0) is patched


@pytest.mark.parametrize(
    ("installed", "row"),
    [((5, 1, 2600, 3600), "5.1.2600.3520"), ((5, 1, 2600, 5512), "5.1.2600.5755")],
)
def test_service_pack_bases(installed: tuple[int, ...], row: str) -> None:
    choice = choose_row(XP_SP, installed)
    assert choice is not None and choice.row.version == row


def test_floors() -> None:
    assert row_floors(GDR_LDR) == [None, (6, 1, 7601, 20000)]
    assert row_floors(XP_SP) == [None, (5, 1, 2600, 5512)]
    # Different builds: each row but the lowest has its build as floor.
    rows = [FileRow("Asp.dll", "4.2.779.1"), FileRow("Asp.dll", "5.0.2195.5917")]
    assert row_floors(rows) == [None, (5, 0, 2195, 0)]
    # An only row has no floor; an explicit min_version wins.
    assert row_floors([FileRow("a.dll", "1.2.3.4")]) == [None]
    explicit = [FileRow("a.dll", "6.1.7601.22311", min_version="6.1.7601.21000")]
    assert row_floors(explicit) == [(6, 1, 7601, 21000)]


def test_different_builds_pick_the_installed_build() -> None:
    rows = [FileRow("Asp.dll", "4.2.779.1"), FileRow("Asp.dll", "5.0.2195.5917")]
    iis5 = choose_row(rows, (5, 0, 2195, 5255))
    iis4 = choose_row(rows, (4, 2, 700, 0))
    assert iis5 is not None and iis5.row.version == "5.0.2195.5917"
    assert iis4 is not None and iis4.row.version == "4.2.779.1"


def test_rows_nothing_tells_apart() -> None:
    # Same build, no band, no service pack: the highest row reached, else the lowest.
    rows = [FileRow("Sms.exe", "2.0.1493.2225"), FileRow("Sms.exe", "2.0.1493.3205")]
    reached = choose_row(rows, (2, 0, 1493, 3205))
    between = choose_row(rows, (2, 0, 1493, 3000))
    below = choose_row(rows, (2, 0, 1493, 2000))
    assert reached is not None and reached.row.version == "2.0.1493.3205"
    assert between is not None and between.row.version == "2.0.1493.2225"
    assert below is not None and below.row.version == "2.0.1493.2225"
