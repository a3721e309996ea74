"""The gates before any version is compared: release, system platform, service pack, line."""

from __future__ import annotations

from verscan.manifest.model import FileRow
from verscan.system.profile import UNKNOWN, Profile
from verscan.verdicts.applicability import for_system, needs_later_sp, on_version_line, row_lines

XP_SP3 = Profile("xp", "5.1.2600.5512", 3, "x86")
XP_SP2 = Profile("xp", "5.1.2600.3093", 2, "x86")
WIN7_X64 = Profile("7", "6.1.7601.17514", 1, "x64")


def row(version: str | None, **kw: object) -> FileRow:
    return FileRow(name="f.dll", version=version, **kw)  # type: ignore[arg-type]


def test_row_lines_from_releases_or_from_a_kernel_build() -> None:
    assert row_lines(row("1.0", releases=("Windows 7", "Windows Server 2008 R2"))) == {"7"}
    assert row_lines(row("6.0.6002.18005")) == {"vista"}
    assert row_lines(row("6.0.2900.5512")) == frozenset()  # XP's shell32: no kernel build
    assert row_lines(row("6.0.6002")) == frozenset()  # three parts: not a file version
    assert row_lines(row(None)) == frozenset()


def test_service_pack_rows_of_the_system_win() -> None:
    # XP files SP3 left alone keep SP2-era versions; the SP3 package's row judges them.
    rows = [
        row("5.1.2600.3660", sp_requirement="SP2", branch="GDR"),
        row("5.1.2600.5937", sp_requirement="SP3", branch="GDR"),
        row("5.1.2600.5937", sp_requirement=None),
    ]
    kept = for_system(rows, XP_SP3).rows
    assert [r.version for r in kept] == ["5.1.2600.5937", "5.1.2600.5937"]
    # On SP2, the SP2 row and the row without a requirement remain.
    assert [r.sp_requirement for r in for_system(rows, XP_SP2).rows] == ["SP2", None]
    # Nothing for SP1 among them: all remain, the floors choose.
    assert len(for_system(rows, Profile("xp", None, 1, "x86")).rows) == 3


def test_system_platform_gate() -> None:
    rows = [
        row("6.1.7600.16385", platform="x86", system_platform="x86"),
        row("6.1.7600.20667", platform="x86", branch="WOW", system_platform="x64"),
    ]
    assert [r.version for r in for_system(rows, WIN7_X64).rows] == ["6.1.7600.20667"]
    fit = for_system(rows[:1], WIN7_X64)
    assert fit.rows == ()
    assert fit.reason == "KB rows are for x86-based systems; this system is x64-based"
    assert len(for_system(rows, UNKNOWN).rows) == 2  # unknown system: no gate


def test_release_gate_names_both_sides() -> None:
    fit = for_system([row("6.0.6002.22774", releases=("Windows Vista",))], XP_SP3)
    assert fit.reason == (
        "KB rows are for Windows Vista / Server 2008; this system is Windows XP SP3 x86"
    )


def test_version_line() -> None:
    rows = [row("6.0.2900.6018"), row("8.0.6001.18939"), row(None)]
    assert [r.version for r in on_version_line(rows, (8, 0, 6001, 18702)).rows] == [
        "8.0.6001.18939",
        None,
    ]
    fit = on_version_line(rows[:2], (7, 0, 6000, 16386))
    assert fit.rows == ()
    assert fit.reason == (
        "copy is 7.0.6000.16386; the KB's rows are 6.0.x, 8.0.x: another version of the component"
    )
    # A row without a version does not make a copy of another line applicable...
    assert on_version_line([row("6.0.2900.6018"), row(None)], (8, 0, 6001, 1)).rows == ()
    # ...but stays when the KB gives the file no version at all.
    assert on_version_line([row(None)], (8, 0, 6001, 1)).rows == (row(None),)
    # A three-part Windows 9x version and its a.b.0.c fixed form are one line.
    assert on_version_line([row("4.10.1998")], (4, 10, 0, 1998)).rows


def test_needs_a_later_service_pack() -> None:
    rows = [row("5.1.2600.6093", sp_requirement="SP3"), row("5.1.2600.6093", sp_requirement="SP3")]
    assert needs_later_sp(rows, XP_SP2) == "needs SP3; the system has SP2"
    assert needs_later_sp(rows, XP_SP3) is None
    assert needs_later_sp([*rows, row("5.1.2600.6093")], XP_SP2) is None
    assert needs_later_sp(rows, UNKNOWN) is None
    rtm = Profile("7", None, 0, "x64")
    assert needs_later_sp([row("6.1.7601.1", sp_requirement="SP1")], rtm) == (
        "needs SP1; the system has RTM"
    )
    # On Vista and 7 the build is the service pack: 7601 rows need SP1.
    assert needs_later_sp([row("6.1.7601.17514"), row("6.1.7601.21674")], rtm) == (
        "needs SP1; the system has RTM"
    )
    assert needs_later_sp([row("6.1.7600.20555"), row("6.1.7601.17514")], rtm) is None
    vista_sp1 = Profile("vista", None, 1, "x86")
    assert needs_later_sp([row("6.0.6002.22774")], vista_sp1) == "needs SP2; the system has SP1"
