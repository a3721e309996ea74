"""`verscan diff`: exactly the known changes, from directories and from inventories alike."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.inventory.helpers import DIFF_A, DIFF_B, PE, copy_tree
from verscan.cli import main
from verscan.compare.diff import Change, Side, diff
from verscan.pe import Status, VersionInfo
from verscan.pe.reader import read_version_and_stat
from verscan.system.inventory import take_inventory

# The changes build_diff.py made, B against A.
EXPECTED = {
    ("Program Files (x86)/Fabrikam/fabver.dll", "only_b", None, "3.2.1.0"),
    (
        "Program Files (x86)/Fabrikam/fsync.dll",
        "same_version_different_content",
        "2.0.0.1",
        "2.0.0.1",
    ),
    (
        "Program Files/OpenSSL/libcrypto-1_1-x64.dll",
        "same_version_different_content",
        "1.1.1.2",
        "1.1.1.2",
    ),
    ("Windows/System32/inetsrv/iischema.dll", "b_newer", "5.0.2195.6860", "5.0.2195.6870"),
    ("Windows/System32/kernel32.dll", "a_newer", "6.1.7601.17514", "6.1.7601.17510"),
    ("Windows/SysWOW64/colormgr.dll", "only_a", "7.2.0.0", None),
    ("Windows/SysWOW64/iischema.dll", "platform_differs", "5.0.2195.6860", "5.0.2195.6860"),
    ("Windows/SysWOW64/stub.dll", "b_newer", None, "2.1.0.15"),
}
# Same size, other bytes: only a hash tells. Inventories taken without --hash cannot.
HASH_ONLY = "Program Files/OpenSSL/libcrypto-1_1-x64.dll"


def _run(runner: CliRunner, *args: object) -> tuple[int, str, str]:
    result = runner.invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def _changes(stdout: str) -> set[tuple[object, ...]]:
    data = json.loads(stdout)
    return {(d["path"], d["change"], d["a_version"], d["b_version"]) for d in data["differences"]}


def _inventory(runner: CliRunner, root: Path, out: Path, *extra: str) -> Path:
    code, _, err = _run(runner, "inventory", root, "-o", out, *extra)
    assert code == 0, err
    return out


def test_directories(runner: CliRunner) -> None:
    code, out, err = _run(runner, "diff", DIFF_A, DIFF_B, "--format", "json")
    assert code == 1
    assert _changes(out) == EXPECTED
    assert err.strip().endswith(
        "1 A newer, 2 B newer, 1 only in A, 1 only in B, "
        "2 same version but different content, 1 platform differs; "
        "systems differ: kernel 6.1.7601.17514 against 6.1.7601.17510"
    )
    data = json.loads(out)
    assert data["a_system"]["os"] == data["b_system"]["os"] == "Windows 7 / Server 2008 R2"
    assert data["a_system"]["source"] == "Windows/System32/kernel32.dll"
    assert data["system_differences"] == [
        {"field": "version", "a": "6.1.7601.17514", "b": "6.1.7601.17510"}
    ]


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_inventories_with_hashes(runner: CliRunner, tmp_path: Path, suffix: str) -> None:
    a = _inventory(runner, DIFF_A, tmp_path / f"a{suffix}", "--hash", "sha256", "--label", "srvA")
    b = _inventory(runner, DIFF_B, tmp_path / f"b{suffix}", "--hash", "sha256", "--label", "srvB")
    code, out, _ = _run(runner, "diff", a, b, "-f", "json")
    assert code == 1
    assert _changes(out) == EXPECTED
    data = json.loads(out)
    assert data["a"] == "srvA" and data["b"] == "srvB"


def test_inventories_without_hashes_compare_sizes(runner: CliRunner, tmp_path: Path) -> None:
    a = _inventory(runner, DIFF_A, tmp_path / "a.json")
    b = _inventory(runner, DIFF_B, tmp_path / "b.json")
    code, out, _ = _run(runner, "diff", a, b, "-f", "json", "--show-all")
    assert code == 1
    found = _changes(out)
    assert {c for c in found if c[1] != "same"} == {c for c in EXPECTED if c[0] != HASH_ONLY}
    note = next(d["note"] for d in json.loads(out)["differences"] if d["path"] == HASH_ONLY)
    assert note == "same size; content not compared (no hashes)"


def test_directory_against_inventory(runner: CliRunner, tmp_path: Path) -> None:
    # The directory's side hashes on demand; the inventory's side has hashes recorded.
    b = _inventory(runner, DIFF_B, tmp_path / "b.json", "--hash", "sha256")
    code, out, _ = _run(runner, "diff", DIFF_A, b, "-f", "json")
    assert code == 1
    assert _changes(out) == EXPECTED
    # ... and the other way round, every change mirrored.
    code, out, _ = _run(runner, "diff", b, DIFF_A, "-f", "json")
    mirror = {"a_newer": "b_newer", "b_newer": "a_newer", "only_a": "only_b", "only_b": "only_a"}
    assert _changes(out) == {
        (path, mirror.get(change, change), bv, av) for path, change, av, bv in EXPECTED
    }


def test_same_machine_exit_0(runner: CliRunner, tmp_path: Path) -> None:
    a = _inventory(runner, DIFF_A, tmp_path / "a.json")
    for args in ((DIFF_A, DIFF_A), (DIFF_A, a), (a, a)):
        code, out, err = _run(runner, "diff", *args, "-f", "json")
        assert code == 0, err
        data = json.loads(out)
        assert data["differences"] == [] and data["differ"] is False
        assert err.strip().endswith("no differences")


def test_show_all_lists_everything(runner: CliRunner) -> None:
    code, out, _ = _run(runner, "diff", DIFF_A, DIFF_B, "-f", "json", "--show-all")
    assert code == 1
    data = json.loads(out)
    same = {d["path"] for d in data["differences"] if d["change"] == "same"}
    assert same == {
        "Program Files/Contoso/report.dll",
        "Windows/$NtUninstallKB2479943$/kernel32.dll",
        "Windows/notepad.exe",  # NOTEPAD.EXE in B: names match without regard to case
        "Windows/System32/setupapi.dll",  # a text file named like a DLL, the same on both
        "Windows/System32/shell32.dll",
        "Windows/System32/sqlos.dll",
        "Windows/SysWOW64/kernelbase.dll",
    }
    notepad = next(d for d in data["differences"] if d["path"] == "Windows/notepad.exe")
    assert notepad["b_path"] == "Windows/NOTEPAD.EXE"
    assert data["summary"]["same"] == 7
    # Files that are not PE files take no part (hosts differs, but is not compared).
    assert all("hosts" not in d["path"] for d in data["differences"])
    _, default, _ = _run(runner, "diff", DIFF_A, DIFF_B, "-f", "json", "--ignore-unchanged")
    assert len(json.loads(default)["differences"]) == len(EXPECTED)


def test_table_output(runner: CliRunner) -> None:
    code, out, _ = _run(runner, "diff", DIFF_A, DIFF_B)
    assert code == 1
    lines = out.splitlines()
    assert lines[:4] == [
        "A: Windows 7 / Server 2008 R2 SP1 x64, kernel 6.1.7601.17514",
        "B: Windows 7 / Server 2008 R2 SP1 x64, kernel 6.1.7601.17510",
        "systems differ: kernel 6.1.7601.17514 against 6.1.7601.17510",
        "",
    ]
    lines = lines[4:]
    assert lines[0].split() == [
        "path",
        "change",
        "A",
        "B",
        "A",
        "platform",
        "B",
        "platform",
        "note",
    ]
    kernel = next(line for line in lines if "kernel32.dll" in line)
    assert "A newer" in kernel and "6.1.7601.17514" in kernel and "6.1.7601.17510" in kernel
    stub = next(line for line in lines if "stub.dll" in line)
    assert "A has no version (no version resource): a versioned file counts as newer" in stub


def test_unreadable_files_reported_per_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run as root, which reads any file: the reader is told to fail for two files."""
    real = read_version_and_stat
    refused = ("kernel32.dll", "colormgr.dll")

    def reader(path: str) -> tuple[VersionInfo, os.stat_result | None]:
        if os.path.basename(path) in refused and "diff-a" in path:
            return VersionInfo(path, Status.UNREADABLE, error="Permission denied"), None
        return real(path)

    # The name the reading module looks up (the same function the inventory reads with).
    monkeypatch.setattr("verscan.system.parallel.read_version_and_stat", reader)
    code, out, err = _run(runner, "diff", DIFF_A, DIFF_B, "-f", "json")
    assert code == 1
    data = json.loads(out)
    assert {(p["side"], p["path"], p["message"]) for p in data["problems"]} == {
        ("a", "Windows/System32/kernel32.dll", "unreadable: Permission denied"),
        # The uninstall backup's kernel32.dll too: it has the same name.
        ("a", "Windows/$NtUninstallKB2479943$/kernel32.dll", "unreadable: Permission denied"),
    }
    # The rest is compared as before. A file on A only is still "only in A", with a note.
    unread = {p["path"] for p in data["problems"]}
    colormgr = ("Windows/SysWOW64/colormgr.dll", "only_a", None, None)
    assert _changes(out) == {c for c in EXPECTED if c[0] not in unread and c[1] != "only_a"} | {
        colormgr
    }
    only_a = next(d for d in data["differences"] if d["change"] == "only_a")
    assert only_a["note"] == "unreadable: Permission denied"
    assert "verscan: A: Windows/System32/kernel32.dll: unreadable: Permission denied" in err


def test_folder_not_listed_is_not_only_b(tmp_path: Path) -> None:
    a = copy_tree(DIFF_A, tmp_path / "a")
    b = copy_tree(DIFF_A, tmp_path / "b")
    # On A, a link stands where B has a folder: its files are not compared, not "only in B".
    shutil.rmtree(a / "Program Files" / "OpenSSL")
    os.symlink("Contoso", a / "Program Files" / "OpenSSL")
    result = diff(
        Side(take_inventory(str(a), label="a"), live=True),
        Side(take_inventory(str(b), label="b"), live=True),
    )
    assert result.differences == ()
    assert [(p.side, p.path) for p in result.problems] == [("a", "Program Files/OpenSSL")]
    assert result.differ  # a problem on one side: the machines may differ


def test_same_problem_on_both_sides_is_not_a_difference(tmp_path: Path) -> None:
    a = copy_tree(DIFF_A, tmp_path / "a")
    b = copy_tree(DIFF_A, tmp_path / "b")
    for root in (a, b):
        os.symlink("Windows", root / "WINNT")
    result = diff(Side(take_inventory(str(a))), Side(take_inventory(str(b))))
    assert [(p.side, p.path) for p in result.problems] == [("both", "WINNT")]
    assert not result.differ


def test_case_twins_are_not_compared(tmp_path: Path) -> None:
    a = copy_tree(DIFF_A, tmp_path / "a")
    shutil.copy(PE / "iischema_x86.dll", a / "Windows" / "NotePad.exe")
    result = diff(Side(take_inventory(str(a))), Side(take_inventory(str(DIFF_A))))
    # Which of the two would Windows see? Neither is compared; both are named.
    assert [(p.side, p.path, p.message) for p in result.problems] == [
        (
            "a",
            "Windows/NotePad.exe",
            "names differ only in case: Windows/NotePad.exe, Windows/notepad.exe",
        )
    ]
    assert result.differences == ()


def test_change_values_are_the_published_ones() -> None:
    assert {c.value for c in Change} == {
        "a_newer",
        "b_newer",
        "only_a",
        "only_b",
        "same_version_different_content",
        "platform_differs",
        "same",
    }


def test_manifests_mode(runner: CliRunner, tmp_path: Path, manifests: Path) -> None:
    b = _inventory(runner, DIFF_B, tmp_path / "b.json", "--hash", "sha256", "--label", "srvB")
    code, out, err = _run(runner, "diff", DIFF_A, b, "--manifests", manifests, "-f", "json")
    assert code == 1, err
    data = json.loads(out)
    assert data["b"] == "srvB"
    assert {(d["kb"], d["a_verdict"], d["b_verdict"]) for d in data["differences"]} == {
        ("1111111", "MISSING", "INSTALLED"),
        ("2222222", "INSTALLED", "MISSING"),
        ("3333333", "NOT_APPLICABLE", "INSTALLED"),
        ("5555555", "INSTALLED", "MISSING"),
    }
    assert all(d["change"] == "verdict_differs" for d in data["differences"])
    assert err.strip().endswith(
        "4 of 6 KBs differ; systems differ: kernel 6.1.7601.17514 against 6.1.7601.17510"
    )
    code, out, _ = _run(runner, "diff", DIFF_A, DIFF_A, "-m", manifests, "--show-all", "-f", "json")
    assert code == 0
    assert len(json.loads(out)["differences"]) == 6


def test_bad_input(runner: CliRunner, tmp_path: Path, manifests: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "verscan-inventory", "format_version": 1, "root": "x"', "utf-8")
    code, out, err = _run(runner, "diff", bad, DIFF_B)
    assert code == 2 and out == ""
    assert err.strip() == (
        f"verscan: error: {bad}: not an inventory: "
        "the file is truncated (it ends before the JSON is complete)"
    )
    code, _, err = _run(runner, "diff", DIFF_A, tmp_path / "nowhere")
    assert code == 2 and "no such directory or inventory file" in err
    code, _, err = _run(runner, "diff", DIFF_A, bad, "-m", manifests)
    assert code == 2 and f"{bad}: not an inventory" in err


def test_fixtures_are_what_the_script_builds() -> None:
    script = DIFF_A.parent / "build_diff.py"
    spec = importlib.util.spec_from_file_location("build_diff", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for root, files in ((DIFF_A, module.tree_a()), (DIFF_B, module.tree_b())):
        on_disk = {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }
        assert on_disk == files
