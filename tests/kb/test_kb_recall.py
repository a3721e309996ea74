"""Rows the parser once lost: the smallest text that shows each case, and real articles.

Each case is one general rule, tested on the few lines that show it. The real
articles are fixtures copied from the public archive (their rows are in
``tests/kb/expected/``) or, for the larger ones, read straight from the shared
archive when it is there (those tests are skipped where it is not).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.kb.archive import ARCHIVE
from verscan.kb import ParsedArticle, parse_article, read_article
from verscan.kb.source import Kind, detect
from verscan.manifest.model import FileRow

KB_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "kb"


def parse(text: str) -> ParsedArticle:
    return parse_article(text, kb="1")


def brief(row: FileRow) -> tuple[object, ...]:
    return (row.name, row.version, row.size, row.date, row.time, row.platform)


def notes(parsed: ParsedArticle) -> list[str]:
    return [str(n) for n in parsed.notes]


def shared(relative: str) -> Path:
    path = ARCHIVE / relative
    if not path.is_file():
        pytest.skip(f"the shared archive is not here ({ARCHIVE})")
    return path


def shared_article(relative: str) -> ParsedArticle:
    path = shared(relative)
    number = re.search(r"Q(\d+)", path.name)
    assert number is not None
    return read_article(path, kb=str(int(number.group(1))))


class TestRowsWithoutAVersion:
    def test_a_row_without_a_version_does_not_end_the_table(self) -> None:
        text = (
            "   File Name      Directory          Filesize   Version\n"
            "   ------------------------------------------------------\n"
            "   MFCANS32.DLL   \\WINDOWS\\SYSTEM\\   149504     3.2.0.0\n"
            "   MSVCRT10.DLL   \\WINDOWS\\SYSTEM\\   210944\n"
            "   OLE2.DLL       \\WINDOWS\\SYSTEM\\   304640     2.10.35.35\n"
            "   OLE2DISP.DLL   \\WINDOWS\\SYSTEM\\   164864     2.10.3050.1\n"
        )
        parsed = parse(text)
        assert [(r.name, r.version, r.size, r.path) for r in parsed.manifest.files] == [
            ("MFCANS32.DLL", "3.2.0.0", 149504, "WINDOWS\\SYSTEM"),
            ("MSVCRT10.DLL", None, 210944, "WINDOWS\\SYSTEM"),
            ("OLE2.DLL", "2.10.35.35", 304640, "WINDOWS\\SYSTEM"),
            ("OLE2DISP.DLL", "2.10.3050.1", 164864, "WINDOWS\\SYSTEM"),
        ]

    def test_a_name_without_values_is_noted_and_the_table_goes_on(self) -> None:
        text = (
            "   File Name      Directory          Version\n"
            "   -------------------------------------------\n"
            "   MFCANS32.DLL   \\WINDOWS\\SYSTEM\\   3.2.0.0\n"
            "   README.TXT     \\WINDOWS\\\n"
            "   OLE2.DLL       \\WINDOWS\\SYSTEM\\   2.10.35.35\n"
        )
        parsed = parse(text)
        assert [r.name for r in parsed.manifest.files] == ["MFCANS32.DLL", "OLE2.DLL"]
        assert "line 4: row gives a file name only; not read as a file" in notes(parsed)

    @pytest.mark.parametrize("empty", ["N/A", "NA", "Not applicable", "", "-"])
    def test_a_grid_row_without_a_version_is_a_file(self, empty: str) -> None:
        text = (
            "+---------------------------+\n"
            "| File name    | Version    |\n"
            "+---------------------------+\n"
            "| Async.exe    | 5.5.2512.0 |\n"
            f"| Dbserver.sch | {empty:<10} |\n"
            "+---------------------------+\n"
        )
        got = [(r.name, r.version) for r in parse(text).manifest.files]
        assert got == [("Async.exe", "5.5.2512.0"), ("Dbserver.sch", None)]

    def test_a_name_only_list_is_still_not_a_file_table(self) -> None:
        text = "| File name | Description |\n|---|---|\n| Readme.txt | Notes |\n"
        assert parse(text).manifest.files == ()

    def test_real_article(self) -> None:
        files = read_article(KB_DIR / "Q215368.TXT").manifest.files
        assert len(files) == 14
        assert sum(r.version is None for r in files) == 8


class TestHeaderWords:
    def test_current_version_is_the_version(self) -> None:
        text = "| File name   | Current version |\n| Ese.dll     | 5.5.2652.6      |\n"
        assert [(r.name, r.version) for r in parse(text).manifest.files] == [
            ("Ese.dll", "5.5.2652.6")
        ]

    def test_date_and_time_created(self) -> None:
        text = (
            "   Filename        Version   Date Created       Time Created\n"
            "   ------------------------------------------------------------\n"
            "   FoxMac25.esl    2.5       Wed, Jan 5, 1994   5:51:52 PM\n"
        )
        (row,) = parse(text).manifest.files
        assert brief(row) == ("FoxMac25.esl", "2.5", None, "1994-01-05", "17:51", None)

    def test_a_first_column_that_describes_the_file(self) -> None:
        text = (
            "ActiveX Control                     FileName        Version      Edition\n"
            "-------------------------------------------------------------------------\n"
            "ADO Data Control 6.0                 MSADODC.OCX    6.00.8171    L,P,E\n"
            "Chart Control 6.0                   MSCHRT20.OCX    6.00.8177      P,E\n"
        )
        assert [(r.name, r.version) for r in parse(text).manifest.files] == [
            ("MSADODC.OCX", "6.00.8171"),
            ("MSCHRT20.OCX", "6.00.8177"),
        ]

    def test_rows_that_name_products_are_noted(self) -> None:
        text = (
            "   Filename              Version    Date Created        Time Created\n"
            "   --------------------------------------------------------------\n"
            "   Microsoft FoxPro         2.5b       Sat, Dec 4, 1993    1:34:18 PM\n"
            "   FoxMac25.esl             2.5b       Wed, Jan 5, 1994    5:51:52 PM\n"
        )
        parsed = parse(text)
        assert [r.name for r in parsed.manifest.files] == ["FoxMac25.esl"]
        assert "line 3: row names no file ('Microsoft FoxPro'); not read as a file" in (
            notes(parsed)
        )

    def test_real_articles(self) -> None:
        assert len(read_article(KB_DIR / "Q254682.TXT").manifest.files) == 3
        assert len(read_article(KB_DIR / "Q116038.TXT").manifest.files) == 2

    def test_real_article_with_a_descriptive_first_column(self) -> None:
        parsed = shared_article("txt/194/Q194784.TXT")
        files = parsed.manifest.files
        assert len(files) == 62 and parsed.problems == ()
        assert ("MSADODC.ocx", "6.00.8171") in [(r.name, r.version) for r in files]


class TestValues:
    @pytest.mark.parametrize(
        ("date", "iso"), [("Aug-12-2000", "2000-08-12"), ("JUL-10-2002", "2002-07-10")]
    )
    def test_month_first_dates(self, date: str, iso: str) -> None:
        text = (
            "   Date          Time    Version      Size        File name\n"
            "   -------------------------------------------------------\n"
            f"   {date:<12}  10:37   5.5.2654.35  2,953,216   Emsmta.exe\n"
        )
        (row,) = parse(text).manifest.files
        assert row.date == iso

    def test_a_build_number_keeps_the_row_without_a_version(self) -> None:
        text = (
            "   Date        Time    Version  Size     File name     Platform\n"
            "   ------------------------------------------------------------\n"
            "   03/23/2000  09:27p  786      649,488  Sightnt.dll   alpha\n"
        )
        parsed = parse(text)
        (row,) = parsed.manifest.files
        assert brief(row) == ("Sightnt.dll", None, 649488, "2000-03-23", "21:27", "alpha")
        assert (
            "line 3: version '786' is a build number, not a file version; version left empty"
            in notes(parsed)
        )

    @pytest.mark.parametrize(
        ("cell", "version"),
        [
            ("1.2(build 786)", "1.2"),
            ("2.20.4054 or greater", "2.20.4054"),
            ("4.71 or later", "4.71"),
            ("1, 0, 0, 72", "1.0.0.72"),
            ("3,1,0,2124", "3.1.0.2124"),
        ],
    )
    def test_versions_with_more_around_them(self, cell: str, version: str) -> None:
        grid = f"| File name | Version |\n| Oleaut32.dll | {cell} |\n"
        aligned = (
            "   File name       Version                Size\n"
            "   ---------------------------------------------\n"
            f"   Oleaut32.dll    {cell:<22} 598,288\n"
        )
        for text in (grid, aligned):
            parsed = parse(text)
            assert [r.version for r in parsed.manifest.files] == [version], text
            assert f"line 2: version {cell!r} read as {version!r}" in notes(parsed) or (
                f"line 3: version {cell!r} read as {version!r}" in notes(parsed)
            )

    def test_sizes_with_a_unit_letter_and_odd_times(self) -> None:
        text = (
            "   Date        Time        Version      Size       File name     Platform\n"
            "   ----------------------------------------------------------------------\n"
            "   1/28/2000   02:32:16p   4.2.739.1    185,760b   Infocomm.dll  x86\n"
            "   11/18/99    22.36       8.30.2651.60 121104     Msoutl32.dll  x86\n"
            "   03/09/00    xx:xx       4.2.739.1    33,632     Getsfwr.exe   x86\n"
        )
        parsed = parse(text)
        assert [brief(r) for r in parsed.manifest.files] == [
            ("Infocomm.dll", "4.2.739.1", 185760, "2000-01-28", "14:32", "x86"),
            ("Msoutl32.dll", "8.30.2651.60", 121104, "1999-11-18", "22:36", "x86"),
            ("Getsfwr.exe", "4.2.739.1", 33632, "2000-03-09", None, "x86"),
        ]
        assert "line 4: time '22.36' read as '22:36'" in notes(parsed)
        assert "line 5: time 'xx:xx' not understood; time left empty" in notes(parsed)

    def test_file_names_with_spaces(self) -> None:
        text = (
            "   File Name          File Size File Date  File Time  File Version\n"
            "   ---------------------------------------------------------------\n"
            "   3d Flower Box.scr      94112 05/11/1998 20:01:00   5.00.1679.1\n"
            "   Show Desktop.scf          81 05/11/1998 20:01:00\n"
        )
        assert [(r.name, r.version, r.size) for r in parse(text).manifest.files] == [
            ("3d Flower Box.scr", "5.00.1679.1", 94112),
            ("Show Desktop.scf", None, 81),
        ]

    def test_real_articles(self) -> None:
        assert {r.date for r in read_article(KB_DIR / "Q280411.TXT").manifest.files} == {
            "2000-08-12",
            "2000-08-09",
            "2000-07-12",
        }
        assert [r.size for r in read_article(KB_DIR / "Q252693.TXT").manifest.files][:2] == [
            185760,
            38256,
        ]
        assert {r.version for r in read_article(KB_DIR / "Q229097.TXT").manifest.files} == {None}

    def test_real_article_with_comma_versions_and_spaced_names(self) -> None:
        files = {r.name: r.version for r in shared_article("txt/197/Q197017.TXT").manifest.files}
        assert files["Br549.ocx"] == "1.0.0.72"
        assert files["3d Flying Objects.scr"] == "5.00.1679.1"
        assert files["Jgaw400.dll"] is None  # "036": a build number


class TestTablesThatGoOn:
    def test_rows_with_more_columns_than_the_header_are_read_by_shape(self) -> None:
        text = (
            "   Date       Version       File name   Platform\n"
            "   -------------------------------------------------\n"
            "   12/13/99   5.0.1461.82     203,024   Riched32.dll\n"
            "   -or-\n"
            "   12-14-99   5.30.23.1200    431,376   Riched20.dll\n"
        )
        parsed = parse(text)
        assert [(r.name, r.version, r.size) for r in parsed.manifest.files] == [
            ("Riched32.dll", "5.0.1461.82", 203024),
            ("Riched20.dll", "5.30.23.1200", 431376),
        ]
        assert any("read by the shapes of its values" in n for n in notes(parsed))
        assert parsed.problems == ()

    def test_a_footnote_between_rows(self) -> None:
        text = (
            "    Filename      Version   File size   File date\n"
            "   --------------------------------------------------\n"
            "   SRVMAIN.EXE   3.2.14    163941      02/07/95\n"
            "* SRVMAIN.EXE and ADMIN.EXE (or later)\n"
            "      need to be run together.\n"
            "   MSRMT.DLL     3.2.4010  234576      11/11/94\n"
        )
        parsed = parse(text)
        assert [r.name for r in parsed.manifest.files] == ["SRVMAIN.EXE", "MSRMT.DLL"]
        assert [n.line for n in parsed.notes] == [4, 5]

    def test_cells_out_of_their_columns_order(self) -> None:
        text = "| File name | Version |\n| 5.5.2632  | Ese.dll |\n"
        parsed = parse(text)
        assert [(r.name, r.version) for r in parsed.manifest.files] == [("Ese.dll", "5.5.2632")]
        assert "line 2: cells are not in their columns' order; read by their shapes" in (
            notes(parsed)
        )

    def test_a_locale_column_that_starts_with_its_number(self) -> None:
        text = (
            "File Name     Size        Date          File Version     Language\n"
            "-------------------------------------------------------------------\n"
            "Msscd32.dll     184,080   28-Dec-1999   7.05.1462.0007   001036 French (France)\n"
        )
        (row,) = parse(text).manifest.files
        assert (row.name, row.version, row.section) == (
            "Msscd32.dll",
            "7.05.1462.0007",
            "001036 French (France)",
        )

    def test_update_packages_are_noted_row_by_row(self) -> None:
        text = (
            "   Date      Time    Version      Size    File name        Platform\n"
            "   -------------------------------------------------------------\n"
            "   9/22/2000 7:11:57 -          3,837,952 Q272274jpnI.exe  i386\n"
            "   9/22/2000 7:07:12 -          4,587,520 Q272274jpnA.exe  Alpha\n"
        )
        parsed = parse(text)
        assert parsed.manifest.files == ()
        assert [n.line for n in parsed.notes] == [3, 4]


class TestFormat:
    def test_markdown_that_quotes_html_stays_markdown(self) -> None:
        text = (
            "# Title\n\n|Operating system|Update|\n|---|---|\n"
            + "|Windows XP| ![Download ](/media/download.gif)<br/> [Download](https://x) |\n" * 6
            + "\n|File name|File version|\n|---|---|\n|Aclayers.dll|5.1.2600.6093|\n"
        )
        assert detect(text, "KB2492386.md") is Kind.TEXT
        assert [r.name for r in parse(text).manifest.files] == ["Aclayers.dll"]

    def test_a_stack_dump_with_br_tags_stays_text(self) -> None:
        text = (
            "FramePtr  RetAddr   Function Name<BR/>\n" + "06b9f9b4  0532f9b8  A!B+0x97<BR/>\n" * 8
        )
        assert detect(text, "Q226328.TXT") is Kind.TEXT
        parsed = read_article(KB_DIR / "Q226328.TXT")
        assert [r.name for r in parsed.manifest.files] == ["Cdohtml.dll"]

    @pytest.mark.parametrize(
        "text",
        [
            "<!DOCTYPE html><html><body><p>x</p></body></html>",
            "\n  <div><p>a</p><p>b</p><p>c</p><table><tr><td>d</td></tr></table></div>",
        ],
    )
    def test_html_documents_are_html(self, text: str) -> None:
        assert detect(text, None) is Kind.HTML
