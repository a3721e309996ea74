"""Every fixture article through the parser: KB number, row count and hand-checked rows.

The counts and rows below were read off the articles by hand. A row is written
``(name, version, size, date, time, platform)``; ``ROWS`` picks a few per article,
first, last and odd ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verscan.errors import ArticleError
from verscan.kb import read_article
from verscan.manifest.model import FileRow

KB_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "kb"

Row = tuple[str, str | None, int | None, str | None, str | None, str | None]

# fixture -> (KB number, number of file rows)
COUNTS: dict[str, tuple[str, int]] = {
    "Q101461.TXT": ("101461", 14),
    "Q131035.TXT": ("131035", 21),
    "Q142532.TXT": ("142532", 0),
    "Q142803.TXT": ("142803", 2),
    "Q148363.TXT": ("148363", 83),
    "Q150215.TXT": ("150215", 0),
    "Q151411.TXT": ("151411", 0),
    "Q157114.TXT": ("157114", 1),
    "Q160807.TXT": ("160807", 0),
    "Q160982.TXT": ("160982", 23),
    "Q165402.TXT": ("165402", 15),
    "Q174095.TXT": ("174095", 1),
    "Q176187.TXT": ("176187", 7),
    "Q178254.TXT": ("178254", 4),
    "Q181743.TXT": ("181743", 18),
    "Q183493.TXT": ("183493", 1),
    "Q183720.TXT": ("183720", 0),
    "Q185093.TXT": ("185093", 44),
    "Q192841.TXT": ("192841", 9),
    "Q194387.TXT": ("194387", 1),
    "Q195052.TXT": ("195052", 2),
    "Q220847.TXT": ("220847", 10),
    "Q240979.TXT": ("240979", 3),
    "Q243220.TXT": ("243220", 4),
    "Q245731.TXT": ("245731", 38),
    "Q246527.TXT": ("246527", 71),
    "Q258070.TXT": ("258070", 3),
    "Q259488.TXT": ("259488", 1),
    "Q277873.TXT": ("277873", 12),
    "Q279341.TXT": ("279341", 7),
    "Q281253.TXT": ("281253", 15),
    "Q286504.TXT": ("286504", 21),
    "Q303818.TXT": ("303818", 5),
    "Q303848.TXT": ("303848", 7),
    "Q304018.TXT": ("304018", 2),
    "Q309562.TXT": ("309562", 11),
    "Q309644.TXT": ("309644", 82),
    "Q323332.TXT": ("323332", 21),
    "Q326322.TXT": ("326322", 2),
    "Q77048.TXT": ("77048", 42),
    # Archive articles copied for the cases the development set does not show.
    "Q116038.TXT": ("116038", 2),
    "Q215368.TXT": ("215368", 14),
    "Q226328.TXT": ("226328", 1),
    "Q229097.TXT": ("229097", 16),
    "Q252693.TXT": ("252693", 8),
    "Q254682.TXT": ("254682", 3),
    "Q280411.TXT": ("280411", 19),
    "Q148479.md": ("148479", 1),
    "Q238329.md": ("238329", 32),
    "Q248279.md": ("248279", 6),
    "Q265170.md": ("265170", 2),
    "Q265714.md": ("265714", 6),
    "Q269862.md": ("269862", 11),
    "Q319936.md": ("319936", 12),
    "KB981506.md": ("981506", 45),
    "KB251143-seed.txt": ("251143", 0),
    "KB258547-seed.txt": ("258547", 0),
    "KB235978-seed.txt": ("235978", 0),
    "KB829427-seed.txt": ("829427", 1),
    "KB2492386.html": ("2492386", 28),
    "KB2492386-xp2003.md": ("2492386", 28),
    "KB2492386.md": ("2492386", 84),
    "KB323332-flattened.txt": ("323332", 21),
    "KB5050771-files.csv": ("5050771", 25),
    "KB5050771-summary.txt": ("5050771", 0),
    "KB5054833-files.csv": ("5054833", 10),
    "KB976398.html": ("976398", 11),
    "dev-vertical.html": ("2769369", 8),
    "dev-tabs.txt": ("921883", 5),
    "dev-markdown.md": ("958644", 4),
    "dev-problems.txt": ("999001", 6),
    "dev-dir.txt": ("123456", 0),
    "dev-archive-page.html": ("323332", 21),
}

# Articles that name no KB number anywhere: the number is given.
GIVEN = {"003_59b70c74220786f9.txt": ("829427", 1), "dev-split.csv": ("4041688", 4)}

ROWS: dict[str, list[Row]] = {
    "Q101461.TXT": [
        ("SMTPFTP.EXE", None, 80567, "1995-01-05", "14:35", None),
        ("SWEDISHO.TBL", None, 264, "1993-12-15", "09:46", None),
    ],
    "Q131035.TXT": [
        ("DNR.EXE", None, 31312, "1995-05-26", None, None),
        ("RPLUPD.BAT", None, 2531, "1995-05-26", None, None),
    ],
    "Q142803.TXT": [("Vredir.vxd", "4.00.1116", 156773, "1997-06-02", "11:16", None)],
    "Q148363.TXT": [
        ("EXTERNAL.EXE", None, 5530, "1992-07-07", None, None),
        ("X25eicon.Ovl", None, 395962, "1994-08-17", None, None),
        ("MACGATE.EXE", None, 126790, "1993-11-03", None, None),
    ],
    "Q157114.TXT": [("VREDIR.VXD", "4.00.960", 140403, "1996-09-20", "10:00", None)],
    "Q160982.TXT": [
        ("_NWNDS.BAT", None, 366, "1995-10-13", "12:00", None),
        ("README.TXT", None, 8014, "1995-10-13", "12:00", None),
    ],
    "Q165402.TXT": [
        ("Mprserv.dll", "4.00.955", 127488, "1997-06-12", "09:54", None),
        ("Rasapi32.dll", "4.00.1113", 175104, "1997-04-25", "11:13", None),
        ("Nwredir.vxd", "4.00.975", 178714, "1997-04-21", "10:15", None),
    ],
    "Q174095.TXT": [("Vip.386", "4.10.1512", 71754, "1997-07-29", "15:12", None)],
    "Q176187.TXT": [
        ("emsui32.dll", None, 128272, "1997-09-16", "12:08", "x86"),
        ("wmsui32.dll", None, 1652496, "1997-09-16", "11:01", "alpha"),
        ("wmsui32.dll", None, 1078032, "1997-09-16", "11:03", None),
        ("wmsui.dll", None, 1268608, "1997-09-16", "11:04", None),
    ],
    "Q178254.TXT": [
        ("snaservr.exe", None, 437440, "1997-11-21", "10:58", None),
        ("trcservr.exe", None, 751608, "1997-11-21", "10:58", None),
    ],
    "Q181743.TXT": [
        ("Asp.dll", None, 330976, "1998-10-15", "21:17", "x86"),
        ("Wam.dll", None, 60192, "1998-10-15", "21:16", "x86"),
        ("Ftpctrs2.dll", None, 17168, "1998-10-15", "21:36", "alpha"),
        ("W3svc.dll", None, 380688, "1998-10-15", "21:36", "alpha"),
    ],
    "Q183493.TXT": [("Vredir.vxd", "4.00.1118", 156773, "1998-01-16", "14:32", None)],
    "Q185093.TXT": [
        ("admwprox.dll", None, 50448, "1999-03-04", "19:18", "alpha"),
        ("wam.dll", None, 149264, "1999-03-04", "19:19", "alpha"),
        ("admwprox.dll", None, 28224, "1999-03-04", "19:17", "x86"),
        ("wam.dll", None, 87504, "1999-03-04", "19:18", "x86"),
    ],
    "Q192841.TXT": [
        ("Esdi_506.pdr", "4.00.1118", 24426, "1998-09-04", "11:18", None),
        ("Ntkern.vxd", "4.00.1213", 111678, "1998-12-04", "12:13", None),
    ],
    "Q194387.TXT": [("msorcl32.dll", "2.573.3002.24", 138512, "1998-09-25", "12:41", None)],
    "Q195052.TXT": [
        ("Shell32.dll", None, 1854736, "1999-11-12", "00:16", "alpha"),
        ("Shell32.dll", None, 1279248, "1999-11-12", "00:18", "x86"),
    ],
    "Q220847.TXT": [
        ("Ftpsvc2.dll", None, 69136, "1999-03-18", "17:08", "x86"),
        ("Ftpsvc2.dll", None, 104720, "1999-03-18", "17:08", "alpha"),
    ],
    "Q240979.TXT": [("Ifsmgr.vxd", "4.00.1114", 185922, "1998-01-23", "11:14", None)],
    "Q243220.TXT": [("Rpcltccm.dll", "4.71.3328.0", 26112, "1999-09-08", "19:00", None)],
    "Q245731.TXT": [
        ("Ddraw.dll", "4.07.00.0700", 352528, "1999-09-09", None, None),
        ("D3drm.dll", "4.06.02.0436", 437008, "1999-01-08", None, None),
        ("Dx7vb.dll", "4.07.00.0700", 605456, "1999-09-09", None, None),
    ],
    "Q246527.TXT": [
        ("54831.sql", None, 5677, "1999-12-30", "15:34", "x86"),
        ("Abnwcli.dll", "2.00.1380.1055", 232288, "1999-10-14", "19:58", "x86"),
        ("Wbemsdk.exe", "2.0.91.03", 7100159, "1999-10-27", "14:52", "alpha"),
    ],
    "Q258070.TXT": [
        ("User.exe", "4.10.2225", 549696, "2000-03-23", "00:22", None),
        ("User.exe", "4.10.0.2000", 549632, "2000-04-07", "08:37", None),
    ],
    "Q259488.TXT": [("locale.nls", None, 147010, "2000-04-25", "14:13", None)],
    "Q277873.TXT": [
        ("Iisrtl.dll", "5.0.2195.2785", 122640, "2000-11-27", "22:12", None),
        ("httpext.h", None, 11396, "2000-11-08", "14:39", None),
        ("w3svc.dll", "4.2.753.1", 229008, "2000-11-09", "17:37", None),
    ],
    "Q279341.TXT": [
        ("Drda.dll", None, None, "2000-10-20", "12:20", None),
        ("Db2oledb.dll", None, None, "2001-01-10", "08:04", None),
    ],
    "Q281253.TXT": [
        ("Asp.dll", "4.2.745.1", 330080, "2000-05-17", "19:45", "x86"),
        ("W3svc.dll", "4.2.745.1", 383760, "2000-05-17", "19:46", "alpha"),
        ("W3ctrs.dll", "5.0.2195.3649", 7440, "2001-05-31", "15:32", "x86"),
    ],
    "Q286504.TXT": [("pdm.dll", "3.00.0.0665", None, "2001-10-26", None, None)],
    "Q303818.TXT": [
        ("ole32.dll", None, 941328, "2001-09-20", "14:48", None),
        ("Rpcss.exe", None, None, "2001-07-14", "18:31", None),
    ],
    "Q303848.TXT": [
        ("Update.sql", None, 3395, "2001-09-05", "09:37", "x86"),
        ("Sms_ppkg.dll", "2.0.1493.4101", 264464, "2002-03-01", "08:00", "alpha"),
    ],
    "Q304018.TXT": [("Rpcrt4.dll", "4.0.1381.33474", 344848, "2001-05-02", None, "x86")],
    "Q309562.TXT": [("W3svc.dll", "5.0.2195.4560", 348432, "2001-10-28", None, None)],
    "Q309644.TXT": [
        ("Swdist32.exe", "2.0.133.00", 643444, "2001-06-10", None, "x86"),
        ("Comverswdist.ini", None, 67, "2001-06-10", None, "alpha"),
        ("Mslmclin.dll", "2.00.1493.3125", 578832, "2001-03-01", None, "alpha"),
    ],
    "Q323332.TXT": [
        ("Asp.dll", "5.0.2195.5917", 333072, "2002-06-28", "13:07", None),
        ("Wam.dll", "4.2.779.1", 88032, "2002-07-19", "12:44", None),
    ],
    "Q326322.TXT": [("Imcmsg.dll", "5.5.2656.59", 209680, "2002-07-12", "12:58", None)],
    "Q77048.TXT": [
        ("CANONIII.DRV", None, 34033, "1990-10-31", "03:00", None),
        ("CR12RPA.PJF", None, 5847, "1990-10-31", "03:00", None),
        ("TTY.HLP", None, 8483, "1990-10-31", "03:00", None),
    ],
    "KB829427-seed.txt": [("Iischema.dll", "5.0.2195.6860", 122640, "2003-10-07", "17:20", None)],
    "KB2492386.html": [("Aclayers.dll", "5.1.2600.6093", 471552, "2011-03-11", "14:10", "x86")],
    "KB323332-flattened.txt": [("Isatq.dll", "5.0.2195.5810", 62736, "2002-06-28", "13:07", None)],
    "KB5050771-files.csv": [
        ("Sql_dqc_keyfile.dll", "2022.160.4185.3", 137256, "2025-02-28", "19:02", "x64")
    ],
    "KB5054833-files.csv": [
        ("Dqsinstaller.exe", "15.0.4430.1", 2771000, "2025-02-21", "18:06", None)
    ],
    "dev-vertical.html": [
        ("Localspl.dll", "6.1.7600.21361", 663040, "2012-11-19", "07:14", "x64"),
        ("Update.mum", None, 2047, "2012-11-19", "18:24", None),
        ("Spoolsv.exe", "5.2.3790.5093", 152576, "2012-11-20", "08:01", None),
    ],
    "dev-tabs.txt": [("Wnetapi32.dll", "5.2.3790.2765", 342528, "2006-07-08", "04:20", "x86")],
    "dev-markdown.md": [("Netapi32.dll", "6.0.6001.22288", 328192, "2008-10-16", "05:05", "x64")],
    "dev-problems.txt": [
        ("Ntoskrnl.exe", "5.0.2195.6666", None, "2003-03-12", "10:04", "x86"),
        ("Readme.txt", None, 9999, "2003-03-12", "10:05", "alpha"),
        ("SOMETHING.DLL", "4.0.1381.7211", 12000, None, None, None),
    ],
}


def _row(row: FileRow) -> Row:
    return (row.name, row.version, row.size, row.date, row.time, row.platform)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_kb_number_and_row_count(name: str) -> None:
    kb, count = COUNTS[name]
    parsed = read_article(KB_DIR / name)
    assert parsed.manifest.kb == kb
    assert len(parsed.manifest.files) == count
    assert parsed.manifest.source == str(KB_DIR / name)


@pytest.mark.parametrize("name", sorted(GIVEN))
def test_articles_without_a_number(name: str) -> None:
    with pytest.raises(ArticleError, match=r"no KB number found in .*; give one with --kb"):
        read_article(KB_DIR / name)
    kb, count = GIVEN[name]
    parsed = read_article(KB_DIR / name, kb=kb)
    assert parsed.manifest.kb == kb
    assert len(parsed.manifest.files) == count


@pytest.mark.parametrize("name", sorted(ROWS))
def test_hand_checked_rows(name: str) -> None:
    kb = GIVEN[name][0] if name in GIVEN else None
    rows = [_row(r) for r in read_article(KB_DIR / name, kb=kb).manifest.files]
    for expected in ROWS[name]:
        assert expected in rows


def test_every_fixture_parses() -> None:
    """Fixtures added later (not in the tables above) must parse too."""
    for path in sorted(KB_DIR.iterdir()):
        if path.name.startswith("README"):
            continue
        kb = GIVEN[path.name][0] if path.name in GIVEN else None
        try:
            read_article(path, kb=kb)
        except ArticleError as exc:  # only a missing number is acceptable
            assert "no KB number" in str(exc), path


def test_all_fixtures_are_listed() -> None:
    listed = set(COUNTS) | set(GIVEN)
    samples = {p.name for p in KB_DIR.glob("Q*.TXT")}
    assert samples <= listed
    assert len(samples) == 47  # the 40 development samples and 7 more archive articles


def test_negatives_have_no_rows_and_no_problems() -> None:
    for name in ("Q142532.TXT", "Q160807.TXT", "Q183720.TXT", "Q150215.TXT", "Q151411.TXT"):
        parsed = read_article(KB_DIR / name)
        assert parsed.manifest.files == ()
        assert parsed.problems == ()


def test_samples_report_no_problems() -> None:
    for path in sorted(KB_DIR.glob("Q*.TXT")) + sorted(KB_DIR.glob("Q*.md")):
        assert read_article(path).problems == (), path.name


class TestSections:
    """Headings and introducing sentences scope the rows under them."""

    def sections(self, name: str) -> list[str | None]:
        return [r.section for r in read_article(KB_DIR / name).manifest.files]

    def test_colon_headings(self) -> None:
        sections = self.sections("Q323332.TXT")
        assert sections[:9] == ["IIS 5.0"] * 9
        assert sections[9:] == ["IIS 4.0"] * 12

    def test_underlined_headings(self) -> None:
        sections = self.sections("Q277873.TXT")
        assert sections[:2] == ["Windows 2000"] * 2
        assert set(sections[2:]) == {"Windows NT 4.0"}

    def test_introducing_sentences(self) -> None:
        assert sorted(set(self.sections("Q309644.TXT"))) == [
            "International Client Pack 1 (ICP1) SP3",
            "Service Pack 2 (SP2)",
            "Service Pack 3 (SP3)",
        ]
        assert set(self.sections("Q165402.TXT")) == {"Secupd.exe", "Secupd2.exe", "Nwredup4.exe"}
        assert self.sections("Q176187.TXT")[0] == "Windows NT Intel"

    def test_label_lines(self) -> None:
        assert self.sections("Q220847.TXT")[::2] == [
            "Pan-Chinese",
            "Simplified Chinese",
            "Traditional Chinese",
            "Korean",
            "Japanese",
        ]

    def test_locale_and_os_cells_scope_rows(self) -> None:
        assert self.sections("Q240979.TXT") == ["US", "Japanese", "NEC"]
        assert self.sections("Q243220.TXT")[0] == "Windows 95 (retail)"

    def test_flattened_headings(self) -> None:
        sections = self.sections("KB323332-flattened.txt")
        assert sections[0] == "IIS 5.0"
        assert sections[-1] == "IIS 4.0"

    def test_pre_block_of_a_web_page(self) -> None:
        sections = self.sections("dev-archive-page.html")
        assert sections[0] == "IIS 5.0"
        assert sections[-1] == "IIS 4.0"

    def test_boilerplate_sentences_name_no_section(self) -> None:
        assert set(self.sections("Q185093.TXT")) == {None}


def test_paths() -> None:
    rows = read_article(KB_DIR / "Q326322.TXT").manifest.files
    assert [r.path for r in rows] == ["%EXSRVROOT%\\Bin"] * 2
    rows = read_article(KB_DIR / "Q178254.TXT").manifest.files
    assert [r.path for r in rows] == [
        "<snaroot>\\system",
        "<ntroot>\\symbols\\exe",
        "<snaroot>\\system",
        "<ntroot>\\symbols\\exe",
    ]
    rows = read_article(KB_DIR / "Q160982.TXT").manifest.files
    assert rows[1].path == "Windows\\Inf"
    assert rows[-1].path is None


def test_branches_and_service_packs() -> None:
    rows = read_article(KB_DIR / "KB2492386.html").manifest.files
    assert (rows[0].sp_requirement, rows[0].branch) == ("SP3", "GDR")
    assert (rows[3].sp_requirement, rows[3].branch) == ("SP3", "QFE")
    wow = [r for r in rows if r.branch == "WOW"]
    assert wow and all(r.name.startswith("W") for r in wow)


def test_identity() -> None:
    manifest = read_article(KB_DIR / "Q323332.TXT").manifest
    assert manifest.title == "ASP Generates a New ASP SessionID Cookie for Every User Access"
    assert manifest.products == (
        "Internet Information Server",
        "Microsoft Internet Information Server version 4.0",
        "Microsoft Internet Information Services version 5.0",
    )
    manifest = read_article(KB_DIR / "KB235978-seed.txt").manifest
    assert manifest.title == (
        "XGEN: Helpful Tips and Suggestions for Applying Exchange Server Service Packs"
    )
    assert manifest.products == (
        "Microsoft Exchange Server 4.0",
        "Microsoft Exchange Server 5.0",
        "Microsoft Exchange Server 5.5",
    )
    assert read_article(KB_DIR / "KB829427-seed.txt").manifest.title is None
    assert read_article(KB_DIR / "dev-archive-page.html").manifest.title == (
        "ASP Generates a New ASP SessionID Cookie for Every User Access"
    )
    assert read_article(KB_DIR / "KB976398.html").manifest.title == (
        "LDAP filters in the Group Policy preference settings do not take effect on a "
        "computer that is running Windows Server 2008 R2 or Windows 7"
    )
