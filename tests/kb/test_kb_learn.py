"""learn.microsoft.com support articles in their Markdown source: every row of every table.

``fixtures/kb/KB2492386.md`` is KB 2492386 as Microsoft publishes it (front
matter, ``#`` title, a download table with images and ``<br/>`` in its cells,
``#####`` headings over the file tables, ``|||`` spacer rows, ``Not applicable``
cells, ``SP3GDR`` branches). The rows expected are read off the fixture here by
the plainest reading of a Markdown table, independent of the parser.
"""

from __future__ import annotations

from pathlib import Path

from verscan.kb import parse_article, read_article

KB_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "kb"
PAGE = KB_DIR / "KB2492386.md"


def markdown_file_rows(text: str) -> list[tuple[str, str, list[str], str]]:
    """``(heading, name, cells, header)`` of every row under a ``|File name|`` header."""
    out: list[tuple[str, str, list[str], str]] = []
    heading = ""
    header: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if not line.startswith("|"):
            header = None
            continue
        cells = line.strip("|").split("|")
        if cells[0] == "File name":
            header = cells
        elif header is not None and cells[0] and not cells[0].startswith("---"):
            out.append((heading, cells[0], cells, "|".join(header)))
    return out


def test_every_row_of_the_page() -> None:
    text = PAGE.read_text(encoding="utf-8")
    want = markdown_file_rows(text)
    assert len(want) == 84
    parsed = read_article(PAGE)
    assert parsed.problems == ()
    got = parsed.manifest.files
    assert len(got) == len(want)
    for row, (heading, name, cells, header) in zip(got, want):
        version = None if cells[1] == "Not applicable" else cells[1]
        assert (row.name, row.version) == (name, version)
        assert row.size == int(cells[2].replace(",", ""))
        assert row.section == heading
        if "Service branch" in header:
            assert (row.sp_requirement, row.branch) == (cells[6], cells[7][-3:])


def test_identity_of_the_page() -> None:
    manifest = read_article(PAGE).manifest
    assert manifest.kb == "2492386"
    assert manifest.title == (
        "Application Compatibility Update for Windows XP, Windows Server 2003, Windows Vista, "
        "Windows Server 2008, Windows 7, and Windows Server 2008 R2: April 2011"
    )
    assert manifest.products[:2] == (
        "Microsoft Windows XP Home Edition",
        "Microsoft Windows XP Professional",
    )
    assert "Windows Server 2008 R2 Web Edition" in manifest.products
    assert len(manifest.products) == 45


def test_platforms_of_the_page() -> None:
    files = read_article(PAGE).manifest.files
    by_platform = {(r.name, r.platform) for r in files}
    assert ("Msimain.sdb", None) in by_platform  # "Not applicable"
    assert ("Waclayers.dll", "x86") in by_platform  # WOW row under an x64 heading
    assert {r.platform for r in files if r.section and "IA-64" in r.section} == {None, "x86"}


SMALL = """---
title:
ms.date: 12/31/2020
---
# "SSL Certificate add failed, Error: 1312" error message

_Applies to:_ &nbsp; Windows 10, version 1809, Windows Server 2019
_Original KB number:_ &nbsp; 981506

|Operating system|Update|
|---|---|
|All supported x86-based versions| ![Download](/media/download.gif)<br/> [Download](https://x) |
|||

##### Additional files for all supported x64-based versions of Windows 7 and of {server}

|File name|File version|File size|Date|Time|Platform|
|---|---|---|---|---|---|
|[Lsasrv.dll](https://x/lsasrv)|6.1.7600.20667<br/>|1,037,312|13-Mar-2010|07:13|x64|
|Lsasrv.mof|Not applicable|13,780|10-Jun-2009|21:33|Not applicable|
|||||||
""".replace("{server}", "Windows Server 2008 R2")  # a heading over 100 characters


def test_the_smallest_page() -> None:
    parsed = parse_article(SMALL)
    manifest = parsed.manifest
    assert manifest.kb == "981506"
    assert manifest.title == '"SSL Certificate add failed, Error: 1312" error message'
    assert manifest.products == ("Windows 10, version 1809", "Windows Server 2019")
    heading = (
        "Additional files for all supported x64-based versions of Windows 7 and of "
        "Windows Server 2008 R2"
    )
    assert [(r.name, r.version, r.size, r.platform, r.section) for r in manifest.files] == [
        ("Lsasrv.dll", "6.1.7600.20667", 1037312, "x64", heading),
        ("Lsasrv.mof", None, 13780, None, heading),
    ]
    assert parsed.problems == ()


def test_a_generic_heading_looks_to_the_headings_that_enclose_it() -> None:
    table = "|File name|File version|\n|---|---|\n|Vsfile.dll|12.0.31112.0|\n"
    page = (
        "# You can't dismiss developer license notifications\n\n## Resolution\n\n"
        "[!INCLUDE [Virus-scan claim](../../../includes/virus-scan-claim.md)]\n\n"
        "## File information\n\n" + table
    )
    ((row,),) = [parse_article(page, kb="1").manifest.files]
    assert row.section is None  # not the include line, not the title
    nested = "# Title\n\n## Windows Vista\n\nSome text.\n\n### File information\n\n" + table
    ((row,),) = [parse_article(nested, kb="1").manifest.files]
    assert row.section == "Windows Vista"
