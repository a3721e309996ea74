"""Table layouts, one small article each: what becomes a row, a problem or a note."""

from __future__ import annotations

from pathlib import Path

import pytest

from verscan.kb import ParsedArticle, parse_article, read_article
from verscan.kb.align import label_prefix, tokenize
from verscan.kb.columns import Field
from verscan.kb.rows import RawRow, fill_block_platforms
from verscan.manifest.model import FileRow

KB_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "kb"


def parse(text: str, kind: str | None = None) -> ParsedArticle:
    return parse_article(text, kb="1", kind=kind)


def rows(text: str, kind: str | None = None) -> tuple[FileRow, ...]:
    return parse(text, kind).manifest.files


def brief(row: FileRow) -> tuple[object, ...]:
    return (row.name, row.version, row.size, row.date, row.time, row.platform)


class TestPlainText:
    def test_any_column_order_and_spelling(self) -> None:
        text = (
            "   Size (Bytes)  Name          Time/Date         File Version  Folder\n"
            "   ------------  ------------  ----------------  ------------  ---------\n"
            "        122,640  Iischema.dll  7/29/97 3:12p     5.0.2195.1    System32\n"
        )
        (row,) = rows(text)
        assert brief(row) == ("Iischema.dll", "5.0.2195.1", 122640, "1997-07-29", "15:12", None)
        assert row.path == "System32"

    def test_header_without_underline_and_single_spaces(self) -> None:
        text = "Date Time Version Size File name\n28-Jun-2002 13:07 5.0.2195.5917 333,072 Asp.dll\n"
        assert [brief(r) for r in rows(text)] == [
            ("Asp.dll", "5.0.2195.5917", 333072, "2002-06-28", "13:07", None)
        ]

    def test_empty_cells_by_shape(self) -> None:
        text = (
            "   Date         Version         Size     File name         Platform\n"
            "   ----------------------------------------------------------------\n"
            "   10-JUN-2001  2.0.133.00      643,444  Swdist32.exe      I386\n"
            "   10-JUN-2001                       67  Comverswdist.ini  Alpha\n"
        )
        got = [brief(r) for r in rows(text)]
        assert got == [
            ("Swdist32.exe", "2.0.133.00", 643444, "2001-06-10", None, "x86"),
            ("Comverswdist.ini", None, 67, "2001-06-10", None, "alpha"),
        ]

    def test_wrapped_platform_cell_joins_its_row(self) -> None:
        text = (
            "  Date      Time   Version      Size     File name  Platform\n"
            "  ----------------------------------------------------------\n"
            "  03/23/00  00:22  4.10.2225    549,696  User.exe   Windows 98\n"
            "                                                    Second Edition\n"
            "  04/07/00  11:06  4.00.953     462,560  User.exe   Windows 95\n"
        )
        got = rows(text)
        assert len(got) == 2
        assert got[0].platform is None
        assert got[0].section == "Windows 98 Second Edition"

    def test_block_marker_platform(self) -> None:
        text = (
            "This fix should have the following time stamp:\n\n"
            "03/04/99  07:18p                50,448 admwprox.dll (Alpha)\n"
            "03/04/99  07:20p               549,136 asp.dll\n\n"
            "03/04/99  07:17p                28,224 admwprox.dll (i386)\n"
            "03/04/99  07:20p               328,512 asp.dll\n"
        )
        assert [r.platform for r in rows(text)] == ["alpha", "alpha", "x86", "x86"]

    def test_platform_headings(self) -> None:
        text = (
            "For all supported x64-based versions of Windows Server 2003\n\n"
            "   Date         Time   Version        Size     File name\n"
            "   --------------------------------------------------------\n"
            "   28-Jun-2003  20:17  5.2.3790.40    87,040  Mrxsmb.sys\n"
        )
        (row,) = rows(text)
        assert row.platform == "x64"
        assert row.section == "For all supported x64-based versions of Windows Server 2003"

    def test_unknown_first_column(self) -> None:
        text = (
            "Control                                       File Name      Version Number\n"
            "---------------------------------------------------------------------------\n"
            "Windows Common Controls ActiveX Control DLL   comctl32.ocx   5.0.37.14\n"
            "Common Dialog ActiveX Control                 comdlg32.ocx   5.0.37.14\n"
        )
        assert [(r.name, r.version) for r in rows(text)] == [
            ("comctl32.ocx", "5.0.37.14"),
            ("comdlg32.ocx", "5.0.37.14"),
        ]

    def test_description_column_wraps(self) -> None:
        text = (
            "  Filename       Version       Description\n"
            "  ------------------------------------------------------\n\n"
            "  Msvcrt.dll     6.00.8337     Visual C++ run-time, no dependencies.\n\n"
            "  Oleaut32.dll   2.30.4265     Part of the OLE-AUT fileset that\n"
            "                               compliments Microsoft Foundation Classes\n"
            "                               (MFC) and Visual Basic run-time.\n"
        )
        assert [r.name for r in rows(text)] == ["Msvcrt.dll", "Oleaut32.dll"]

    def test_prose_specs_are_not_rows(self) -> None:
        text = (
            "This issue is resolved by the following updated file:\n\n"
            "   NWNP32.DLL  version 4.00.969  dated 12/20/95 10:09am  138,752 bytes\n\n"
            "Vip.386 version 4.10.1512 (dated 7/29/97) and later\n"
            "- \\WIN32\\Ssscc.dll, version 04.00.1310 (for Windows 95 and Windows NT)\n"
        )
        parsed = parse(text)
        assert parsed.manifest.files == ()
        assert parsed.problems == ()

    def test_dir_listing_is_not_a_table(self) -> None:
        parsed = read_article(KB_DIR / "dev-dir.txt")
        assert parsed.manifest.files == ()
        assert any("dir listing" in n.message for n in parsed.notes)

    def test_stack_dumps_and_logs_are_not_rows(self) -> None:
        text = (
            "   FramePtr ReturnAd Param#1  Param#2  Param#3  Param#4  Function Name\n"
            "   011840c0 001e0011 000e0000 00000000 001f0011 b1f80008 snaservr!s1practs\n"
            "18:02:40 - Open File <f:smtp\\smtpin.tbl> failed,\n"
            "   11:19:09 - f:smtp\\smtpin.tbl table translation loaded.\n"
        )
        assert rows(text) == ()

    def test_name_only_tables_are_noted(self) -> None:
        text = (
            "   NIC Driver Name                     New Files\n"
            "   -----------------------------------------------\n"
            "   Intel EtherExpress Pro              EPRO.DOS\n"
        )
        parsed = parse(text)
        assert parsed.manifest.files == ()
        assert "names" in parsed.notes[0].message

    def test_problems_keep_their_line(self) -> None:
        parsed = read_article(KB_DIR / "dev-problems.txt")
        (problem,) = parsed.problems
        assert problem.line == 24
        assert "Kernel32.dll" in problem.text
        assert str(problem).startswith("line 24: ")
        messages = [str(n) for n in parsed.notes]
        assert "line 23: size '1.79 MB' is not in bytes; size left empty" in messages
        assert any(m.startswith("line 26: row gives a file name only") for m in messages)
        assert any("31/31/2003" in m for m in messages)

    def test_version_column_of_dotted_sizes(self) -> None:
        parsed = read_article(KB_DIR / "Q195052.TXT")
        assert [r.size for r in parsed.manifest.files] == [1854736, 1279248]
        assert any("holds sizes" in n.message for n in parsed.notes)

    def test_download_tables_are_not_files(self) -> None:
        text = (
            "   File name                     Size        Date\n"
            "   ------------------------------------------------\n"
            "   Q277873_W2K_SP2_x86_en.exe    1,234,567   11/27/2000\n"
        )
        parsed = parse(text)
        assert parsed.manifest.files == ()
        assert "download" in parsed.notes[0].message


class TestBlockPlatforms:
    """A CPU on a block's first row, the rest of the block empty: the CPU is the block's."""

    HEADER = (
        "  Date        Time    Size     File name     Platform\n"
        "  ---------------------------------------------------\n"
    )

    def platforms(self, body: str) -> list[str | None]:
        return [r.platform for r in rows(self.HEADER + body)]

    def test_bare_cpu_on_the_first_row_marks_its_block(self) -> None:
        body = (
            "  10/12/1999  08:44p   36,112  Wlbs.exe      x86\n"
            "  10/29/1999  02:06p   60,208  Wlbs.sys\n"
            "  10/12/1999  08:43p  121,744  Ndis.sys\n"
            "\n"
            "  10/12/1999  08:43p   51,472  Wlbs.exe      Alpha\n"
            "  10/29/1999  02:05p  101,104  Wlbs.sys\n"
        )
        assert self.platforms(body) == ["x86", "x86", "x86", "alpha", "alpha"]

    def test_the_marker_stops_at_a_blank_line(self) -> None:
        body = (
            "  10/12/1999  08:44p   36,112  Wlbs.exe      x86\n"
            "  10/29/1999  02:06p   60,208  Wlbs.sys\n"
            "\n"
            "  10/12/1999  08:43p   51,472  Wlbs.exe\n"
            "  10/29/1999  02:05p  101,104  Wlbs.sys\n"
        )
        assert self.platforms(body) == ["x86", "x86", None, None]

    def test_not_when_other_rows_of_the_block_fill_the_cell(self) -> None:
        body = (
            "  10/12/1999  08:44p   36,112  Wlbs.exe      x86\n"
            "  10/29/1999  02:06p   60,208  Wlbs.sys\n"
            "  10/12/1999  08:43p  121,744  Ndis.sys      Alpha\n"
        )
        assert self.platforms(body) == ["x86", None, "alpha"]

    def test_not_from_the_last_row(self) -> None:
        body = (
            "  10/12/1999  08:44p   36,112  Wlbs.exe\n"
            "  10/29/1999  02:06p   60,208  Wlbs.sys\n"
            "  10/12/1999  08:43p  121,744  Ndis.sys      Alpha\n"
        )
        assert self.platforms(body) == [None, None, "alpha"]

    def test_not_from_an_operating_system(self) -> None:
        body = (
            "  10/12/1999  08:44p   36,112  Wlbs.exe      Windows 95\n"
            "  10/29/1999  02:06p   60,208  Wlbs.sys\n"
        )
        got = rows(self.HEADER + body)
        assert [r.platform for r in got] == [None, None]
        assert [r.section for r in got] == ["Windows 95", None]

    def test_over_the_heading_cpu(self) -> None:
        body = (
            "  10/12/1999  08:44p   36,112  Wlbs.exe      x86\n"
            "  10/29/1999  02:06p   60,208  Wlbs.sys\n"
            "\n"
            "  10/12/1999  08:43p   51,472  Wlbs.exe\n"
        )
        text = f"Windows NT 4.0 Alpha\n\n{self.HEADER}{body}"
        assert [r.platform for r in rows(text)] == ["x86", "x86", "alpha"]

    def test_header_less_rows(self) -> None:
        text = (
            "This fix should have the following time stamp:\n\n"
            "09/16/97  12:08p   128,272 emsui32.dll  Alpha\n"
            "09/16/97  11:01p 1,652,496 wmsui32.dll\n\n"
            "09/16/97  11:03p 1,078,032 wmsui32.dll\n"
        )
        assert [r.platform for r in rows(text)] == ["alpha", "alpha", None]

    def test_pipe_tables_split_by_empty_rows(self) -> None:
        text = (
            "| File name | File version | File size | Platform |\n"
            "|---|---|---|---|\n"
            "| A.dll | 1.0.0.1 | 1,000 | x86 |\n"
            "| B.dll | 1.0.0.1 | 2,000 | |\n"
            "| | | | |\n"
            "| C.dll | 1.0.0.1 | 3,000 | |\n"
        )
        assert [r.platform for r in rows(text)] == ["x86", "x86", None]

    def test_fill_block_platforms(self) -> None:
        def raw(line: int, block: int, platform: str = "") -> RawRow:
            cells = {Field.NAME: f"f{line}.dll", Field.SIZE: "1"}
            if platform:
                cells[Field.PLATFORM] = platform
            return RawRow(line, "", cells, platform="ia64", block=block)

        got = fill_block_platforms(
            [raw(1, 0, "Alpha"), raw(2, 0), raw(3, 1, "x86"), raw(4, 1, "N/A"), raw(5, 2, "x86")]
        )
        assert [r.platform for r in got] == ["ia64", "alpha", "ia64", "ia64", "ia64"]


class TestDateOrder:
    HEADER = (
        "  Date      Time     Size     File name     Platform\n"
        "  --------------------------------------------------\n"
    )

    def test_one_order_per_table(self) -> None:
        body = (
            "  21/09/1999  21:59  226,064  Netapi32.dll  Intel\n"
            "  08/06/2000  02:18  368,912  Netapi32.dll  Alpha\n"
        )
        parsed = parse(self.HEADER + body)
        assert [r.date for r in parsed.manifest.files] == ["1999-09-21", "2000-06-08"]
        assert any("day first" in n.message and "21/09/1999" in n.message for n in parsed.notes)

    def test_each_table_has_its_own_order(self) -> None:
        nt = (
            "  08/14/99  15:54  150,800  Tcpip.sys  x86\n"
            "  08/06/99  15:53  274,032  Tcpip.sys  Alpha\n"
        )
        ce = (
            "  28/08/01  16:57  752,398  Ip.lib     x86\n"
            "  08/06/01  16:52  602,798  Ip.lib     x86\n"
        )
        text = f"Windows NT\n\n{self.HEADER}{nt}\n\n\nWindows CE\n\n{self.HEADER}{ce}"
        assert [r.date for r in rows(text)] == [
            "1999-08-14",
            "1999-08-06",
            "2001-08-28",
            "2001-06-08",
        ]

    def test_both_orders_in_one_table(self) -> None:
        body = (
            "  21/09/1999  21:59  226,064  Netapi32.dll  Intel\n"
            "  08/14/2000  02:18  368,912  Netapi32.dll  Alpha\n"
            "  08/06/2000  02:18  368,912  Netapi32.dll  Alpha\n"
        )
        parsed = parse(self.HEADER + body)
        got = [r.date for r in parsed.manifest.files]
        assert got == ["1999-09-21", "2000-08-14", "2000-08-06"]  # each as it can be read
        assert not any("day first" in n.message for n in parsed.notes)

    def test_date_and_time_cells(self) -> None:
        text = (
            "   File name      Date/Time              Size\n"
            "   -------------------------------------------\n"
            "   Vip.386        25/07/97 3:12p         71,754\n"
            "   Vnetsup.vxd    01/08/97 3:13p         20,000\n"
        )
        assert [(r.date, r.time) for r in rows(text)] == [
            ("1997-07-25", "15:12"),
            ("1997-08-01", "15:13"),
        ]


class TestCpuModels:
    def test_windows_ce_platform_cells(self) -> None:
        text = (
            "  Date      Time   Size     File Name  Platform\n"
            "  ----------------------------------------------------\n"
            "  28/08/01  16:57  752,398  Ip.lib     ARM720 (Debug)\n"
            "  28/08/01  15:58  853,168  Ip.lib     R3000  (Debug)\n"
            "  28/08/01  16:04  722,718  Ip.lib     R4100  (Retail)\n"
            "  28/08/01  16:38  834,326  Ip.lib     PPC403 (Debug)\n"
            "  28/08/01  15:37  767,984  Ip.lib     SH3    (Debug)\n"
            "  28/08/01  15:23  532,528  Ip.lib     i486   (Retail)\n"
        )
        got = [(r.platform, r.section) for r in rows(text)]
        assert got == [
            (None, "ARM720 (Debug)"),
            ("mips", "R3000 (Debug)"),
            ("mips", "R4100 (Retail)"),
            ("ppc", "PPC403 (Debug)"),
            (None, "SH3 (Debug)"),
            ("x86", "i486 (Retail)"),
        ]


class TestLabelledLines:
    """Lines that begin with ``Words:`` are metadata or prose, never rows or problems."""

    def test_after_an_aligned_table(self) -> None:
        text = (
            "   File name      Size    Date      Version\n"
            "   ----------------------------------------\n"
            "   Dblspace.bin   64,246  09/30/93  6.20\n"
            "   Additional query words: 6.22 drvspace drvspace.exe\n"
            "   Keywords          : kbfile drvspace.exe 6.22 09/30/93\n"
        )
        parsed = parse(text)
        assert [r.name for r in parsed.manifest.files] == ["Dblspace.bin"]
        assert parsed.problems == ()

    def test_after_header_less_rows(self) -> None:
        text = (
            "This fix should have the following time stamp:\n\n"
            "09/16/97  12:08p   128,272 emsui32.dll\n"
            "Additional query words: emsui32.dll 4.0.1 09/16/97\n"
        )
        parsed = parse(text)
        assert [r.name for r in parsed.manifest.files] == ["emsui32.dll"]
        assert parsed.problems == ()

    def test_a_row_that_does_not_fit_is_still_a_problem(self) -> None:
        text = (
            "   File name      Size    Date      Version\n"
            "   ----------------------------------------\n"
            "   Dblspace.bin   64,246  09/30/93  6.20\n"
            "   Drvspace.bin   64,246  09/30/93  6.22  extra words\n"
        )
        assert len(parse(text).problems) == 1

    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            ("Additional query words: 6.22 drvspace drvspace.exe", True),
            ("Keywords          : kbfile", True),
            ("NOTE: The Ntoskrnl.exe file version 5.0.2195.6666", True),
            ("Component: Outlook Web Access", True),
            ("09/16/97  12:08p   128,272 emsui32.dll", False),
            ("Dblspace.bin   64,246  09/30/93  6.20", False),
            ("C:\\Windows\\System32\\Asp.dll  5.0.2195.1", False),
            ("one two three four five: six", False),  # too long to be a label
        ],
    )
    def test_label_prefix(self, line: str, expected: bool) -> None:
        assert label_prefix(tokenize(line)) is expected


class TestPipes:
    def test_flattened_row_without_header(self) -> None:
        text = (
            "File information\n|\n"
            "07- Oct-2003 | 17:20 | 5.0.2195.6860 | 122,640 | Iischema.dll | |\n|\n"
        )
        assert [brief(r) for r in rows(text)] == [
            ("Iischema.dll", "5.0.2195.6860", 122640, "2003-10-07", "17:20", None)
        ]

    def test_flattened_rows_with_header(self) -> None:
        text = (
            "File name | File version | File size | Date | Time | Platform | SP requirement |"
            " Service branch |\n"
            "Netapi32.dll | 5.1.2600.2976 | 332,288 | 08-Jul-2006 | 11:03 | x86 | SP2 | SP2GDR |\n"
        )
        (row,) = rows(text)
        assert (row.version, row.sp_requirement, row.branch) == ("5.1.2600.2976", "SP2", "GDR")

    def test_markdown(self) -> None:
        parsed = read_article(KB_DIR / "dev-markdown.md")
        assert parsed.manifest.kb == "958644"
        assert parsed.manifest.title == (
            "MS08-067: Vulnerability in Server service could allow remote code execution"
        )
        assert [r.platform for r in parsed.manifest.files] == ["x86", "x86", "x64", "x64"]
        assert parsed.manifest.files[0].section == (
            "For all supported x86-based versions of Windows Vista and of Windows Server 2008"
        )

    def test_boxed_grid_with_wrapped_cells(self) -> None:
        text = (
            "+--------------+-------------+-------------+\n"
            "| File name    | Version     | Platform    |\n"
            "+--------------+-------------+-------------+\n"
            "| Rpcltccm.dll | 4.71.3328.0 | Windows 95  |\n"
            "|              |             | (retail)    |\n"
            "+--------------+-------------+-------------+\n"
        )
        (row,) = rows(text)
        assert row.section == "Windows 95 (retail)"

    def test_pipe_tables_of_other_things(self) -> None:
        text = (
            "   Character set    | Inbound      | Outbound    | Reference\n"
            "   -------------------------------------------------------------\n"
            "   Swedish/Finnish  | SWEDISHI.TBL | SWEDISHO.TBL| SIS 63 61 27\n"
        )
        assert rows(text) == ()


class TestHtml:
    def test_tables_headings_and_spans(self) -> None:
        parsed = read_article(KB_DIR / "dev-vertical.html")
        manifest = parsed.manifest
        assert manifest.kb == "2769369"
        assert manifest.title == (
            "MS13-001: Vulnerability in Windows Print Spooler could allow remote code execution"
        )
        got = [brief(r) for r in manifest.files]
        assert got[:4] == [
            ("Localspl.dll", "6.1.7600.17151", 474624, "2012-11-19", "06:36", "x86"),
            ("Localspl.dll", "6.1.7600.21361", 474624, "2012-11-19", "06:32", "x86"),
            ("Localspl.dll", "6.1.7600.17151", 662528, "2012-11-19", "07:25", "x64"),
            ("Localspl.dll", "6.1.7600.21361", 663040, "2012-11-19", "07:14", "x64"),  # rowspan
        ]
        # The colspan row "Windows-on-Windows" labels the rows below it.
        assert manifest.files[4].platform == "x86"
        assert manifest.files[4].section is not None
        assert manifest.files[4].section.endswith("/ Windows-on-Windows")

    def test_property_value_tables(self) -> None:
        files = read_article(KB_DIR / "dev-vertical.html").manifest.files
        manifest_row = files[5]
        assert manifest_row.name.endswith(".manifest")
        assert (manifest_row.version, manifest_row.size, manifest_row.time) == (None, 4825, "07:09")
        assert manifest_row.platform is None  # "Not applicable" in its own Platform row
        assert files[6].name == "Update.mum"
        assert files[6].section == files[5].section == "Additional file information for Windows 7"

    def test_pre_blocks_and_non_file_tables(self) -> None:
        parsed = read_article(KB_DIR / "dev-vertical.html")
        assert parsed.manifest.files[-1].name == "Spoolsv.exe"
        assert len(parsed.manifest.files) == 8  # no hash or download rows
        assert any("hashes" in n.message for n in parsed.notes)

    def test_detected_by_content(self) -> None:
        html = (
            "<html><body><h2>Windows 2000</h2><table><tr><td>File name</td><td>Version</td>"
            "<td>Size</td></tr><tr><td>Asp.dll</td><td>5.0.2195.1</td><td>1,024</td></tr>"
            "</table><p>Article ID: 123456</p></body></html>"
        )
        manifest = parse_article(html).manifest
        assert manifest.kb == "123456"
        assert [(r.name, r.section) for r in manifest.files] == [("Asp.dll", "Windows 2000")]

    def test_one_unknown_header_label(self) -> None:
        html = (
            "<table><tr><th>File name</th><th>File version</th><th>File size</th>"
            "<th>Date</th><th>Changed</th></tr><tr><td>A.dll</td><td>1.2.3.4</td>"
            "<td>1,000</td><td>01-Jan-2010</td><td>yes</td></tr></table>"
        )
        assert [brief(r) for r in rows(html, kind="html")] == [
            ("A.dll", "1.2.3.4", 1000, "2010-01-01", None, None)
        ]

    def test_headerless_rows_with_not_applicable(self) -> None:
        html = (
            "<table><tr><td>A.dll</td><td>Not applicable</td><td>1,000</td>"
            "<td>01-Jan-2010</td><td>10:00</td><td>Not applicable</td></tr></table>"
        )
        assert [brief(r) for r in rows(html, kind="html")] == [
            ("A.dll", None, 1000, "2010-01-01", "10:00", None)
        ]

    def test_comment_url_gives_the_number(self) -> None:
        html = (
            "<!-- saved from url=(0047)http://support.microsoft.com/kb/829427/en-us -->\n"
            "<html><head><title>Help and Support</title></head><body><h1>Fix title</h1>"
            "<p>See KB 123456.</p></body></html>"
        )
        manifest = parse_article(html).manifest
        assert manifest.kb == "829427"
        assert manifest.title == "Fix title"


class TestCsv:
    def test_split_sizes_and_quoted_cells(self) -> None:
        parsed = read_article(KB_DIR / "dev-split.csv", kb="4041688")
        got = [brief(r) for r in parsed.manifest.files]
        assert got == [
            ("Ntoskrnl.exe", "10.0.14393.1770", 7547744, "2017-10-06", "11:05", None),
            ("Acpi.sys", "10.0.14393.1066", 4608, "2017-03-22", "05:45", None),
            ("Win32k.sys", "10.0.14393.0", 1245184, "2016-07-16", "02:16", None),
            (
                "Microsoft.Windows.Common-Controls,version=6.0.0.0.manifest",
                None,
                1024,
                "2016-10-05",
                "14:12",
                None,
            ),
        ]
        assert parsed.manifest.title is None

    def test_sections_and_semicolons(self) -> None:
        text = (
            "Windows 10 Version 1607 for x64-based Systems;;;;\n"
            "File name;File version;Date;Time;File size\n"
            "Acpi.sys;10.0.14393.1066;22-Mar-2017;05:45;715,672\n"
        )
        (row,) = rows(text, kind="csv")
        assert row.platform == "x64"
        assert row.section == "Windows 10 Version 1607 for x64-based Systems"
        assert row.size == 715672

    def test_hash_columns(self) -> None:
        digest = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
        text = f"File name,SHA256 hash,File size,Date\nA.dll,{digest},1,01-Jan-2020\n"
        (row,) = rows(text, kind="csv")
        assert row.sha256 == digest


class TestTabs:
    def test_tab_separated_cells(self) -> None:
        files = read_article(KB_DIR / "dev-tabs.txt").manifest.files
        assert [(r.platform, r.sp_requirement, r.branch) for r in files] == [
            ("x86", "SP1", "QFE"),
            ("x86", "SP2", "GDR"),
            ("x86", "SP2", "QFE"),
            ("x64", "SP1", None),
            ("x86", "SP1", "WOW"),
        ]
        assert files[-1].section == "Windows Server 2003 x64 Edition"


class TestOneCellPerLine:
    def test_stacked_cells(self) -> None:
        text = (
            "For all supported x86-based versions of Windows 7\n"
            "File name\nFile version\nFile size\nDate\nTime\nPlatform\n"
            "Gpprefcl.dll\n6.1.7600.20555\n582,656\n22-Oct-2009\n06:19\nx86\n"
            "Gpprefcl.dll\n6.1.7600.16385\n582,144\n14-Jul-2009\n01:16\nx86\n"
            "Notes\nThe end.\n"
        )
        got = [brief(r) for r in rows(text)]
        assert got == [
            ("Gpprefcl.dll", "6.1.7600.20555", 582656, "2009-10-22", "06:19", "x86"),
            ("Gpprefcl.dll", "6.1.7600.16385", 582144, "2009-07-14", "01:16", "x86"),
        ]

    def test_stacked_cells_between_blank_lines(self) -> None:
        cells = ["File name", "Version", "Size", "Asp.dll", "5.0.2195.1", "1,024"]
        (row,) = rows("\n\n".join(cells) + "\n")
        assert (row.name, row.version, row.size) == ("Asp.dll", "5.0.2195.1", 1024)


class TestCellMarkup:
    def test_markdown_cells_are_plain_text(self) -> None:
        text = (
            "| File name | File version | File size | Date |\n"
            "|---|---|---|---|\n"
            "| **Asp.dll** | Not applicable<br/> | 1,024 | [28-Jun-2002](http://x.invalid/d) |\n"
        )
        (row,) = rows(text)
        assert brief(row) == ("Asp.dll", None, 1024, "2002-06-28", None, None)

    def test_nested_tables_and_captions(self) -> None:
        html = (
            "<html><body><table><tr><td><b>For all supported IA-64-based versions</b>"
            "<table><tr><th>File name</th><th>File version</th><th>Size</th></tr>"
            "<tr><td>A.dll</td><td>1.2.3.4</td><td>1,000</td></tr></table></td></tr></table>"
            "<table><caption>Windows XP</caption><tr><th>File name</th><th>Size</th></tr>"
            "<tr><td>B.dll</td><td>2,000</td></tr></table></body></html>"
        )
        got = [(r.name, r.platform, r.section) for r in rows(html)]
        assert got == [
            ("A.dll", "ia64", "For all supported IA-64-based versions"),
            ("B.dll", None, "Windows XP"),
        ]
