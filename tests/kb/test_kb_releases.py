"""manifest build records the Windows releases and system platform of each row."""

from __future__ import annotations

from pathlib import Path

import pytest

from verscan.kb import parse_article, read_article
from verscan.manifest.model import FileRow

KB_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "kb"


def scopes(rows: tuple[FileRow, ...]) -> set[tuple[str, str | None, str | None, tuple[str, ...]]]:
    return {(r.name, r.platform, r.system_platform, r.releases) for r in rows}


def test_headings_of_a_windows7_article() -> None:
    rows = read_article(KB_DIR / "KB976398.html").manifest.files
    both = ("Windows 7", "Windows Server 2008 R2")
    assert {
        ("Gpprefcl.dll", "x86", "x86", ("Windows 7",)),
        ("Gpprefcl.dll", "x64", "x64", both),
        # The WOW64 row of the x64 package: a 32-bit file for 64-bit systems.
        ("Gpprefcl.dll", "x86", "x64", both),
        ("Gpprefcl.dll", "ia64", "ia64", ("Windows Server 2008 R2",)),
    } <= scopes(rows)
    wow = next(r for r in rows if r.branch == "WOW")
    assert (wow.platform, wow.system_platform) == ("x86", "x64")


def test_xp_in_an_x64_heading_is_xp_x64() -> None:
    rows = read_article(KB_DIR / "KB2492386.html").manifest.files
    by_section = {r.section: (r.releases, r.system_platform) for r in rows}
    assert by_section["For all supported x86-based versions of Windows XP"] == (
        ("Windows XP",),
        "x86",
    )
    assert by_section[
        "For all supported x64-based versions of Windows XP and of Windows Server 2003"
    ] == (("Windows XP x64", "Windows Server 2003"), "x64")
    assert by_section["For all supported IA-64-based versions of Windows Server 2003"] == (
        ("Windows Server 2003",),
        "ia64",
    )
    # The tables' SP requirement column is kept as printed.
    assert {r.sp_requirement for r in rows if r.releases == ("Windows XP",)} == {"SP3"}


def test_products_name_the_release_when_no_heading_does() -> None:
    manifest = read_article(KB_DIR / "KB296885-nt4.TXT").manifest
    assert {r.section for r in manifest.files} == {None}
    assert {r.releases for r in manifest.files} == {("Windows NT 4.0",)}
    assert {r.system_platform for r in manifest.files} == {None}


def test_no_release_named_leaves_rows_unscoped() -> None:
    manifest = read_article(KB_DIR / "Q323332.TXT").manifest
    assert {r.section for r in manifest.files} == {"IIS 4.0", "IIS 5.0"}
    assert {r.releases for r in manifest.files} == {()}


def test_products_of_several_kernel_lines_name_none() -> None:
    text = (
        "Applies to:\n"
        " - Microsoft Windows NT Server version 4.0\n"
        " - Microsoft Windows 2000 Server\n\n"
        "   Date         Time   Version        Size       File name\n"
        "   -------------------------------------------------------\n"
        "   26-Mar-2001  18:41  4.0.1381.7095  1,254,512  Win32k.sys\n"
    )
    rows = parse_article(text, kb="1").manifest.files
    assert [r.releases for r in rows] == [()]


@pytest.mark.parametrize(
    ("header", "releases"),
    [
        ("PRODUCT :Microsoft Windows NT\nPROD/VER::4.0\n", ("Windows NT 4.0",)),
        ("PRODUCT :Microsoft Windows NT\nPROD/VER:winnt:2000\n", ("Windows 2000",)),
        ("PRODUCT :Microsoft Windows NT\nPROD/VER:winnt:4.0 SP6\n", ("Windows NT 4.0",)),
        ("PRODUCT :Microsoft Windows NT\nPROD/VER::2000,2000 SP1,4.0\n", ()),
        ("PRODUCT :Microsoft Exchange\nPROD/VER:winnt:5.5\n", ()),
    ],
)
def test_prod_ver_header(header: str, releases: tuple[str, ...]) -> None:
    text = (
        f"DOCUMENT:Q999999  08-MAY-2002  [winnt]\nTITLE   :A fix\n{header}\n"
        "   Date         Time   Version        Size       File name\n"
        "   -------------------------------------------------------\n"
        "   26-Mar-2001  18:41  4.0.1381.7095  1,254,512  Win32k.sys\n"
    )
    assert parse_article(text).manifest.files[0].releases == releases


def test_heading_service_pack_goes_to_rows_without_one() -> None:
    text = (
        "Windows Server 2003 with Service Pack 1, x64-based versions\n\n"
        "   Date         Time   Version        Size       File name   Platform\n"
        "   ------------------------------------------------------------------\n"
        "   12-Mar-2006  03:43  5.2.3790.2653  1,254,512  Win32k.sys  x64\n"
    )
    (row,) = parse_article(text, kb="1").manifest.files
    assert (row.releases, row.system_platform, row.sp_requirement) == (
        ("Windows Server 2003",),
        "x64",
        "SP1",
    )
