"""Value parsers of KB file tables: every date, time, size, version and platform shape."""

from __future__ import annotations

import pytest

from verscan.kb import values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28-Jun-2002", "2002-06-28"),
        ("07- Oct-2003", "2003-10-07"),  # broken by a line wrap in flattened pages
        ("07 -Oct- 2003", "2003-10-07"),
        ("10-JUN-2001", "2001-06-10"),
        ("12-JUL-2002", "2002-07-12"),
        ("20-Sep-01", "2001-09-20"),
        ("02-May-01", "2001-05-02"),
        ("28-Feb-25", "2025-02-28"),
        ("28 Jun 2002", "2002-06-28"),
        ("Jun 28, 2002", "2002-06-28"),
        ("September 9, 1999", "1999-09-09"),
        ("09-25-1998", "1998-09-25"),
        ("10-28-2001", "2001-10-28"),
        ("01-05-95", "1995-01-05"),
        ("7/29/97", "1997-07-29"),
        ("5/17/2000", "2000-05-17"),
        ("10/13/95", "1995-10-13"),
        ("11/27/2000", "2000-11-27"),
        ("9/9/1999", "1999-09-09"),
        ("10/5/2016", "2016-10-05"),
        ("05-Oct-2016", "2016-10-05"),
        ("2016-10-05", "2016-10-05"),
        ("25/09/1998", "1998-09-25"),  # the first number cannot be a month
        ("01/01/70", "1970-01-01"),  # two-digit years 70-99 are 19xx
        ("12/31/69", "2069-12-31"),  # and 00-69 are 20xx
        ("1/1/00", "2000-01-01"),
    ],
)
def test_dates(text: str, expected: str) -> None:
    assert values.parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "31/31/2003", "30-Feb-2002", "4.10.1998", "13-Foo-2001", "2.0.133", "Asp.dll", "1999"],
)
def test_not_dates(text: str) -> None:
    assert values.parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08/06/2000", "2000-06-08"),
        ("21/09/1999", "1999-09-21"),
        ("28/08/01", "2001-08-28"),
        ("1-2-03", "2003-02-01"),
        ("08/14/99", "1999-08-14"),  # cannot be day first: read month first
        ("28-Aug-2001", "2001-08-28"),  # a month name is never reordered
        ("2001-08-06", "2001-08-06"),
    ],
)
def test_dates_day_first(text: str, expected: str) -> None:
    assert values.parse_date(text, day_first=True) == expected


def test_datetime_day_first() -> None:
    assert values.parse_datetime("08/06/2000 02:18", day_first=True) == ("2000-06-08", "02:18")
    assert values.parse_datetime("08/06/2000 02:18") == ("2000-08-06", "02:18")


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["21/09/1999", "08/06/2000"], True),  # 21 can only be a day
        (["08/06/2000", "21/09/1999 21:59"], True),
        (["28/08/01", "28/08/01"], True),
        (["08/06/2000", "09/01/2000"], False),  # nothing says: month first
        (["08/14/99", "08/06/2000"], False),  # 14 can only be a day: month first
        (["21/09/1999", "08/14/99"], False),  # both orders occur: each date on its own
        (["28-Aug-2001", "08/06/2000"], False),  # a month name says nothing of the numbers
        (["2001-08-28"], False),
        ([], False),
    ],
)
def test_numeric_day_first(texts: list[str], expected: bool) -> None:
    assert values.numeric_day_first(texts) is expected


def test_numeric_date_parts() -> None:
    assert values.numeric_date_parts("5/17/2000 7:45:31PM") == [(5, 17)]
    assert values.numeric_date_parts("21 /09/ 1999") == [(21, 9)]  # a wrapped cell
    assert values.numeric_date_parts("07- Oct-2003") == []
    assert values.numeric_date_parts("1" * (values.MAX_CELL + 1)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13:07", "13:07"),
        (" 9:37", "09:37"),
        ("00:22", "00:22"),
        ("3:12p", "15:12"),
        ("10:12p", "22:12"),
        ("09:17p", "21:17"),
        ("12:00p", "12:00"),
        ("12:08p", "12:08"),
        ("11:02a", "11:02"),
        ("4:53pm", "16:53"),
        ("10:00am", "10:00"),
        ("12:00AM", "00:00"),
        ("12:20PM", "12:20"),
        ("12:41:42 PM", "12:41"),  # seconds dropped, not rounded
        ("7:45:31PM", "19:45"),
        ("3:00a", "03:00"),
        ("2:32pm", "14:32"),
        ("11:14 a.m.", "11:14"),
    ],
)
def test_times(text: str, expected: str) -> None:
    assert values.parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "25:00", "13:07p", "0:00a", "12:61", "1307", "5.0.2195"])
def test_not_times(text: str) -> None:
    assert values.parse_time(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5/17/2000 7:45:31PM", ("2000-05-17", "19:45")),
        ("7/29/97 3:12p", ("1997-07-29", "15:12")),
        ("6/2/97 11:14a", ("1997-06-02", "11:14")),
        ("09-25-1998 12:41:42 PM", ("1998-09-25", "12:41")),
        ("10/13/95 12:00p", ("1995-10-13", "12:00")),
        ("12:00p 10/13/95", ("1995-10-13", "12:00")),  # a Time/Date column
        ("28-Jun-2002", ("2002-06-28", None)),
        ("2016-10-05T04:12:00", ("2016-10-05", "04:12")),
    ],
)
def test_datetimes(text: str, expected: tuple[str, str | None]) -> None:
    assert values.parse_datetime(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("122,640", 122640),
        ("1,925,227", 1925227),
        ("147.010", 147010),  # a dot as the thousands separator
        ("1.854.736", 1854736),
        ("24,426 bytes", 24426),
        ("156,773 bytes", 156773),
        ("352528", 352528),
        ("67", 67),
        ("0", 0),
        ("122 640", 122640),
        ("122\u00a0640", 122640),
    ],
)
def test_sizes(text: str, expected: int) -> None:
    assert values.parse_size(text) == expected


@pytest.mark.parametrize("text", ["1.79 MB", "685 KB", "105KB", "2 GB"])
def test_sizes_in_units_are_not_bytes(text: str) -> None:
    assert values.parse_size(text) is None
    assert values.size_in_units(text)


@pytest.mark.parametrize("text", ["", "12,34", "1,2345", "4.00.950", "Asp.dll", "n/a"])
def test_not_sizes(text: str) -> None:
    assert values.parse_size(text) is None
    assert not values.size_in_units(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.0.2195.6860", "5.0.2195.6860"),
        ("4.02.0752", "4.02.0752"),  # leading zeros kept
        ("3.00.0.0665", "3.00.0.0665"),
        ("4.10.1512", "4.10.1512"),
        ("2.573.3002.24", "2.573.3002.24"),
        ("2.0.133.00", "2.0.133.00"),
        ("5.0.2195.4555 shp", "5.0.2195.4555"),
        ("6.1.7601.17514 (win7sp1_rtm.101119-1850)", "6.1.7601.17514"),
        ("Gen 1.35", "1.35"),
        ("1.00/1.00", "1.00"),
        ("3.4", "3.4"),
        ("4", "4"),
        ("Not applicable", None),
        ("Not Applicable", None),
        ("N/A", None),
        ("", None),
        ("A.03.01", None),
    ],
)
def test_clean_version(text: str, expected: str | None) -> None:
    assert values.clean_version(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x86", "x86"),
        ("I386", "x86"),
        ("i386", "x86"),
        ("Intel", "x86"),
        ("(x86)", "x86"),
        ("(i386)", "x86"),
        ("Alpha", "alpha"),
        ("ALPHA", "alpha"),
        ("(Alpha)", "alpha"),
        ("IA-64", "ia64"),
        ("Itanium", "ia64"),
        ("Itanium-based", "ia64"),
        ("x64", "x64"),
        ("X64", "x64"),
        ("AMD64", "x64"),
        ("x64-based", "x64"),
        ("MIPS", "mips"),
        ("PPC", "ppc"),
        ("PowerPC", "ppc"),
        ("ARM64", "arm64"),
        # CPU models give their family; build flavours are not part of the platform.
        ("R3000  (Debug)", "mips"),
        ("R4100", "mips"),
        ("R4300 (Retail)", "mips"),
        ("PPC403 (Debug)", "ppc"),
        ("PPC821", "ppc"),
        ("i486   (Debug)", "x86"),
        ("i686", "x86"),
        ("Pentium", "x86"),
        ("x86 checked", "x86"),
        ("Alpha (free)", "alpha"),
        ("x86 free build", "x86"),
        ("(Debug)", None),
        ("ARM720 (Debug)", None),  # 32-bit ARM: no manifest platform
        ("SA1100", None),
        ("SH3", None),
        ("SH4 (Retail)", None),
        ("Windows", None),
        ("Windows 98", None),
        ("Windows 98 Second Edition", None),
        ("Not applicable", None),
        ("US", None),
        ("MS-DOS", None),
    ],
)
def test_platforms(text: str, expected: str | None) -> None:
    assert values.parse_platform(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R4100 (Debug)", "R4100 (Debug)"),
        ("i486 (Retail)", "i486 (Retail)"),
        ("x86 checked", "x86 checked"),
        ("x86", None),
        ("(Alpha)", None),
        ("x64-based", None),
        ("ARM720 (Debug)", None),  # no platform: the cell goes to the section whole
        ("Windows 98", None),
    ],
)
def test_platform_detail(text: str, expected: str | None) -> None:
    assert values.platform_detail(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("For all supported x64-based versions of Windows Server 2003", "x64"),
        ("For all supported IA-64-based versions of Windows Server 2008 R2", "ia64"),
        ("For all supported x86-based versions of Windows 7", "x86"),
        ("This fix should have the following timestamp for Windows NT Alpha:", "alpha"),
        ("Windows NT Intel", "x86"),
        ("x86 and x64 versions", None),  # two platforms: no single scope
        ("Windows 95", None),
    ],
)
def test_platform_in_text(text: str, expected: str | None) -> None:
    assert values.platform_in_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SP2GDR", ("SP2", "GDR")),
        ("SP2QFE", ("SP2", "QFE")),
        ("SP3QFE", ("SP3", "QFE")),
        ("RTMLDR", ("RTM", "LDR")),
        ("WOW", (None, "WOW")),
        ("Not Applicable", (None, None)),
    ],
)
def test_branches(text: str, expected: tuple[str | None, str | None]) -> None:
    assert values.parse_branch(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("SP2", "SP2"), ("Service Pack 1", "SP1"), ("SP6a", "SP6a"), ("RTM", "RTM"), ("n/a", None)],
)
def test_sp_requirements(text: str, expected: str | None) -> None:
    assert values.parse_sp(text) == expected


@pytest.mark.parametrize(
    ("text", "name", "path", "hint"),
    [
        ("Iischema.dll", "Iischema.dll", None, None),
        ("%EXSRVROOT%\\Bin\\Imcmsg.dll", "Imcmsg.dll", "%EXSRVROOT%\\Bin", None),
        ("<snaroot>\\system\\snaservr.exe", "snaservr.exe", "<snaroot>\\system", None),
        ("EXTERNAL.EXE (MS-DOS)", "EXTERNAL.EXE", None, "MS-DOS"),
        ("EXTERNAL.EXE(MS-DOS)", "EXTERNAL.EXE", None, "MS-DOS"),
        ("admwprox.dll (Alpha)", "admwprox.dll", None, "Alpha"),
        ("Microsoft-Windows-Foo.manifest", "Microsoft-Windows-Foo.manifest", None, None),
    ],
)
def test_split_name(text: str, name: str, path: str | None, hint: str | None) -> None:
    assert values.split_name(text) == values.Name(name=name, path=path, hint=hint)


@pytest.mark.parametrize("text", ["", "4.10.1512", "28-Jun-2002", "Not applicable", "1,234"])
def test_split_name_refuses_values(text: str) -> None:
    assert values.split_name(text) is None


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("Asp.dll", True),
        ("Vip.386", True),
        ("NDIS.386", True),
        ("54831.sql", True),
        ("iischema.dl_", True),
        ("_NWNDS.BAT", True),
        ("X25eicon.Ovl", True),
        ("4.10.1512", False),
        ("1.854.736", False),
        ("v4.0", False),
        ("4.0a", False),
        ("Asp.dll,", False),
        ("file.", False),
        ("http://support.microsoft.com/kb.asp", False),
    ],
)
def test_name_tokens(token: str, expected: bool) -> None:
    assert values.is_name_token(token) is expected


def test_sha256() -> None:
    digest = "A7C178021008D6C8A081BEBBE576F4EEB845896DD7220730B046CAE0619FC2B5"
    assert values.parse_sha256(digest) == digest.lower()
    assert values.parse_sha256(digest[:40]) is None


@pytest.mark.parametrize("parser", [values.parse_date, values.parse_time, values.parse_size])
def test_overlong_cells_are_refused(parser: object) -> None:
    assert callable(parser)
    assert parser("1" * (values.MAX_CELL + 1)) is None
