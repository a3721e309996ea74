"""`verscan prompt` with piped input: one answer line per name, exact answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from verscan.cli import main
from verscan.update.preflight import Planner, Reply, parse_typed_name

TREES = FIXTURES / "preflight"
SP = TREES / "sp"
SYSTEM = TREES / "system"


def ask(*names: str, extra: tuple[str, ...] = ()) -> tuple[int, list[str], str]:
    text = "".join(f"{n}\n" for n in names)
    result = CliRunner().invoke(
        main, ["prompt", "--source", str(SP), "--target", str(SYSTEM), *extra], input=text
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout.split("\n")[:-1], result.stderr


def test_piped_names_get_exact_answers() -> None:
    code, lines, err = ask(
        "kernelbase.dll",
        "IISCHEMA.DL_",
        "iischema.dll",
        "'Kernel32.dll'",
        '"C:\\WINDOWS\\system32\\shell32.dll"',
        "fsync.dll",
        "libcrypto.dll",
        "notepad.exe",
    )
    assert code == 0
    assert lines == [
        "kernelbase.dll: OVERWRITE — answer No: the new file is a later version:"
        " 6.1.7601.22311 > 6.1.7601.17514"
        " [warning: platforms differ (x64 → x86); crossing service branches (GDR → LDR)]",
        "IISCHEMA.DL_ (iischema.dll): SAME — answer Yes: both files are version 5.0.2195.6860:"
        " keep the existing file",
        "iischema.dll: SAME — answer Yes: both files are version 5.0.2195.6860:"
        " keep the existing file",
        "Kernel32.dll: SAME — answer Yes: both files are version 6.1.7601.17514:"
        " keep the existing file",
        "shell32.dll: OVERWRITE — answer No: the new file is a later version:"
        " 10.0.19041.1000 > 10.0.19041.999",
        "fsync.dll: OVERWRITE — answer No: the new file is a later version: 2.1.0.15 > 2.0.0.1",
        "libcrypto.dll: NEW — not installed under TARGET: no prompt expected for it",
        "notepad.exe: SAME — answer Yes: both files are version 10.0.19041.1000:"
        " keep the existing file",
    ]
    assert "\x1b[" not in "".join(lines)  # no colour when stdout is not a terminal
    assert err == ""


def test_a_path_chooses_among_installed_copies() -> None:
    code, lines, _ = ask(
        "colormgr.dll",
        "C:\\WINDOWS\\system32\\colormgr.dll",
        "c:/windows/system32/spool/COLORMGR.DLL",
    )
    assert code == 2  # the first name was ambiguous
    assert lines == [
        "colormgr.dll: AMBIGUOUS — new 3.2.1.0 against 2 copies:"
        " WINDOWS/system32/colormgr.dll 7.2.0.0: keep;"
        " WINDOWS/system32/spool/colormgr.dll 2.0.0.1: overwrite;"
        " type the full path the dialog shows",
        "colormgr.dll: KEEP — answer Yes: the existing file is a later version:"
        " 7.2.0.0 > 3.2.1.0; overwriting it would be a downgrade",
        "COLORMGR.DLL: OVERWRITE — answer No: the new file is a later version: 3.2.1.0 > 2.0.0.1",
    ]


def test_unknown_and_not_found_names() -> None:
    code, lines, _ = ask("report.dll", "fsynk.dll", "zzzz.sys")
    assert code == 2
    assert lines == [
        "report.dll: UNKNOWN — cannot decide: the new file has no version resource;"
        " compare size and date, or ask the vendor",
        "fsynk.dll: NOT FOUND — not in SOURCE; closest: FSYNC.DLL",
        "zzzz.sys: NOT FOUND — not in SOURCE; closest: none",
    ]


def test_a_cabinet_of_several_files_by_its_own_name() -> None:
    code, lines, _ = ask("extras.cab", "sqlos.dll")
    assert lines == [
        "extras.cab: AMBIGUOUS — 3 files in SOURCE answer to this name:"
        " notepad.exe → WINDOWS/system32/notepad.exe 10.0.19041.1000: same;"
        " sqlos.dll new; fabver.dll new; type the real name of one file",
        "sqlos.dll: NEW — not installed under TARGET: no prompt expected for it",
    ]
    assert code == 2


def test_blank_lines_keep_answers_in_step() -> None:
    code, lines, _ = ask("fsync.dll", "", "   ", "libcrypto.dll")
    assert code == 0
    assert len(lines) == 4
    assert lines[1] == "" and lines[2] == ""
    assert lines[3].startswith("libcrypto.dll: NEW")


def test_crlf_input() -> None:
    result = CliRunner().invoke(
        main, ["prompt", "-s", str(SP), "-t", str(SYSTEM)], input="fsync.dll\r\nshell32.dll\r\n"
    )
    assert result.exit_code == 0
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "fsync.dll",
        "shell32.dll",
    ]


def test_detail_on_request() -> None:
    code, lines, _ = ask("kernelbase.dll", extra=("--detail",))
    assert code == 0
    assert lines[0].startswith("kernelbase.dll: OVERWRITE")
    assert lines[1].startswith(
        f"  new      {SP / 'i386' / 'kernelbase.dll_'} [szdd: kernelbase.dll]  x86  6.1.7601.22311"
    )
    assert lines[2].startswith(
        f"  existing {SYSTEM / 'WINDOWS' / 'system32' / 'kernelbase.dll'}  x64  6.1.7601.17514"
    )
    assert lines[3].startswith("  warning  platforms differ")
    assert lines[4].startswith("  warning  crossing service branches")
    assert len(lines) == 5


def test_empty_input_ends_cleanly() -> None:
    code, lines, _ = ask()
    assert code == 0 and lines == []


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        (TREES / "missing", SYSTEM, "no such source folder"),
        (SP, SP / "i386" / "report.dll", "is a file, expected the target folder"),
    ],
)
def test_bad_folders(source: Path, target: Path, message: str) -> None:
    result = CliRunner().invoke(main, ["prompt", "-s", str(source), "-t", str(target)], input="x\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


@pytest.mark.parametrize(
    ("typed", "name", "folders"),
    [
        ("iischema.dll", "iischema.dll", ()),
        ("  IISCHEMA.DLL  ", "IISCHEMA.DLL", ()),
        ('"iischema.dll"', "iischema.dll", ()),
        ("“iischema.dll”", "iischema.dll", ()),
        (
            "'C:\\WINNT\\system32\\inetsrv\\iischema.dll'",
            "iischema.dll",
            ("winnt", "system32", "inetsrv"),
        ),
        (
            "/mnt/c/Windows/System32/kernel32.dll",
            "kernel32.dll",
            ("mnt", "c", "windows", "system32"),
        ),
        ("iischema.dll.", "iischema.dll", ()),
        ('""', "", ()),
        ("", "", ()),
    ],
)
def test_parse_typed_name(typed: str, name: str, folders: tuple[str, ...]) -> None:
    assert parse_typed_name(typed) == (name, folders)


def test_lookup_replies() -> None:
    planner = Planner(str(SP), str(SYSTEM))
    assert planner.lookup("kernelbase.dll_").reply is Reply.OVERWRITE
    assert planner.lookup("KERNEL32.DL_").reply is Reply.SAME
    assert planner.lookup("colormgr.dll").reply is Reply.AMBIGUOUS
    assert planner.lookup("report.dll").reply is Reply.UNKNOWN
    assert planner.lookup("libcrypto.dll").reply is Reply.NEW
    assert planner.lookup("").reply is Reply.EMPTY
    missing = planner.lookup("kernel33.dll")
    assert missing.reply is Reply.NOT_FOUND
    assert missing.suggestions[:2] == ("kernel32.dll", "kernel32.dl_")


def test_undecodable_input_still_gets_one_line_each() -> None:
    result = CliRunner().invoke(
        main, ["prompt", "-s", str(SP), "-t", str(SYSTEM)], input=b"\xff\xfe.dll\nfsync.dll\n"
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "NOT FOUND" in lines[0]
    assert lines[1].startswith("fsync.dll: OVERWRITE")
