"""`verscan preflight`: every file of an update against the installed copies."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import FIXTURES
from verscan.cli import main
from verscan.update.preflight import Action, Planner

TREES = FIXTURES / "preflight"
SP = TREES / "sp"
CLEAN = TREES / "clean-sp"
BAD = TREES / "bad-sp"
SYSTEM = TREES / "system"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def plan_json(source: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = run("preflight", "--format", "json", source, SYSTEM, *extra)
    return code, json.loads(out), err


def actions(record: dict[str, Any]) -> dict[tuple[str, str | None], str]:
    return {(f["source"], f["target"]): f["action"] for f in record["files"]}


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def test_every_action_of_the_service_pack() -> None:
    code, record, _ = plan_json(SP)
    assert code == 1  # colormgr.dll would be downgraded in system32
    assert actions(record) == {
        ("i386/FSYNC.DLL", "WINDOWS/system32/fsync.dll"): "upgrade",
        ("i386/IISCHEMA.DL_", "WINDOWS/system32/inetsrv/iischema.dll"): "same",
        ("i386/colormgr.dll", "WINDOWS/system32/colormgr.dll"): "downgrade",
        ("i386/colormgr.dll", "WINDOWS/system32/spool/colormgr.dll"): "upgrade",
        ("i386/extras.cab", "WINDOWS/system32/notepad.exe"): "same",
        ("i386/extras.cab", None): "new",
        ("i386/kernel32.dl_", "WINDOWS/system32/kernel32.dll"): "same",
        ("i386/kernelbase.dll_", "WINDOWS/system32/kernelbase.dll"): "upgrade",
        ("i386/libcrypto.dll", None): "new",
        ("i386/report.dll", "WINDOWS/system32/report.dll"): "unknown",
        ("i386/shell32.dll", "WINDOWS/system32/shell32.dll"): "upgrade",
    }
    assert record["summary"] == {"upgrade": 4, "same": 3, "downgrade": 1, "new": 3, "unknown": 1}
    assert len(record["files"]) == 12


def test_rows_carry_versions_and_real_names() -> None:
    _, record, _ = plan_json(SP)
    by_name = {}
    for f in record["files"]:
        by_name.setdefault(f["name"], []).append(f)
    (iis,) = by_name["iischema.dll"]
    assert (iis["source_version"], iis["target_version"]) == ("5.0.2195.6860", "5.0.2195.6860")
    assert (iis["packing"], iis["member"]) == ("cabinet", "iischema.dll")
    (k32,) = by_name["kernel32.dll"]
    assert (k32["packing"], k32["source_version"]) == ("szdd", "6.1.7601.17514")
    (kb,) = by_name["kernelbase.dll"]
    assert (kb["source_version"], kb["target_version"]) == ("6.1.7601.22311", "6.1.7601.17514")
    assert (kb["source_platform"], kb["target_platform"]) == ("x86", "x64")
    assert [w.split(":")[0] for w in kb["warnings"]] == [
        "platforms differ",
        "crossing service branches",
    ]
    (shell,) = by_name["shell32.dll"]
    assert (shell["source_version"], shell["target_version"]) == (
        "10.0.19041.1000",
        "10.0.19041.999",
    )
    assert shell["not_compared"] == ["WINDOWS/SysWOW64/shell32.dll"]
    assert shell["warnings"] == []
    (report,) = by_name["report.dll"]
    assert report["source_version"] is None and report["target_version"] == "9.0.50"
    assert report["target_version_source"] == "string"
    assert report["reason"].startswith("the new file has no version resource")
    assert [f["name"] for f in record["files"] if f["source"] == "i386/extras.cab"] == [
        "notepad.exe",
        "sqlos.dll",
        "fabver.dll",
    ]
    (fsync,) = by_name["FSYNC.DLL"]
    assert (fsync["source_version"], fsync["target_version"]) == ("2.1.0.15", "2.0.0.1")


def test_several_installed_copies_are_each_decided_and_listed() -> None:
    _, record, err = plan_json(SP)
    colour = [f for f in record["files"] if f["name"] == "colormgr.dll"]
    assert [(f["target_version"], f["action"], f["copies"]) for f in colour] == [
        ("7.2.0.0", "downgrade", 2),
        ("2.0.0.1", "upgrade", 2),
    ]
    assert record["ambiguous"] == {
        "colormgr.dll": ["WINDOWS/system32/colormgr.dll", "WINDOWS/system32/spool/colormgr.dll"]
    }
    assert (
        "verscan: colormgr.dll: 2 installed copies (WINDOWS/system32/colormgr.dll,"
        " WINDOWS/system32/spool/colormgr.dll); each is compared\n"
    ) in err
    assert err.endswith("verscan: 12 files: 4 upgrade, 3 same, 1 downgrade, 3 new, 1 unknown\n")


def test_backup_copies_are_skipped_unless_asked() -> None:
    _, record, _ = plan_json(SP)
    assert not any("$NtUninstall" in (f["target"] or "") for f in record["files"])
    _, record, _ = plan_json(SP, "--include-backups")
    backup = [
        f for f in record["files"] if f["target"] == "WINDOWS/$NtUninstallKB000001$/fsync.dll"
    ]
    assert [(f["action"], f["copy"], f["target_version"]) for f in backup] == [
        ("downgrade", "hotfix uninstall backup", "3.2.1.0")
    ]


def test_clean_update_exits_0() -> None:
    code, record, _ = plan_json(CLEAN)
    assert code == 0
    assert sorted(f["action"] for f in record["files"]) == ["new", "same", "upgrade", "upgrade"]


def test_damaged_update_exits_2_with_a_line_each() -> None:
    code, record, err = plan_json(BAD)
    assert code == 2
    assert actions(record) == {
        ("i386/colormgr.dl_", "WINDOWS/system32/colormgr.dll"): "unknown",
        ("i386/colormgr.dl_", "WINDOWS/system32/spool/colormgr.dll"): "unknown",
        ("i386/fsync.dll", "WINDOWS/system32/fsync.dll"): "unknown",
        ("i386/notepad.ex_", "WINDOWS/system32/notepad.exe"): "unknown",
        # The x86 file is compared with the x86 copy in SysWOW64 only.
        ("i386/shell32.dll", "WINDOWS/SysWOW64/shell32.dll"): "downgrade",
    }
    lines = err.splitlines()
    assert (
        f"verscan: {BAD / 'i386/colormgr.dl_'}: corrupt: colormgr.dll: cannot expand,"
        " damaged cabinet: checksum mismatch (libmspack error 9)"
    ) in lines
    assert (
        f"verscan: {BAD / 'i386/notepad.ex_'}: corrupt: truncated or damaged SZDD file:"
        " expanded 2276 of 3072 bytes declared"
    ) in lines
    assert (
        f"verscan: {BAD / 'i386/fsync.dll'}: corrupt: file ends inside the version resource"
        " (54 of 872 bytes)"
    ) in lines
    notepad = next(f for f in record["files"] if f["name"] == "notepad.exe")
    assert (
        notepad["source_error"]
        == "truncated or damaged SZDD file: expanded 2276 of 3072 bytes declared"
    )


@pytest.mark.parametrize("fmt", ["table", "json", "yaml", "csv", "markdown"])
def test_every_output_format(fmt: str) -> None:
    code, out, _ = run("preflight", "--format", fmt, SP, SYSTEM)
    assert code == 1
    if fmt == "json":
        assert len(json.loads(out)["files"]) == 12
    elif fmt == "yaml":
        assert yaml.safe_load(out)["summary"]["downgrade"] == 1
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out.split("\n\n")[0])))
        assert len(rows) == 12
        kb = next(r for r in rows if r["name"] == "kernelbase.dll")
        assert kb["action"] == "upgrade"
        assert kb["note"] == "platforms differ (x64 → x86); crossing service branches (GDR → LDR)"
        assert kb["source"] == "i386/kernelbase.dll_ [kernelbase.dll]"
    elif fmt == "markdown":
        assert "### files" in out and "| downgrade" in out
    else:
        line = next(
            x for x in out.splitlines() if x.startswith("colormgr.dll") and "downgrade" in x
        )
        assert "3.2.1.0" in line and "7.2.0.0" in line and "one of 2 installed copies" in line


def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    code, stdout, _ = run("preflight", "-f", "json", "-o", out, CLEAN, SYSTEM)
    assert code == 0 and stdout == ""
    assert json.loads(out.read_text())["summary"]["upgrade"] == 2


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        (TREES / "missing", SYSTEM, "no such source folder"),
        (SP, TREES / "missing", "no such target folder"),
        (SP / "i386" / "report.dll", SYSTEM, "is a file, expected the source folder"),
    ],
)
def test_bad_folders(source: Path, target: Path, message: str) -> None:
    code, out, err = run("preflight", source, target)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_nothing_is_written_to_source_or_target() -> None:
    before = snapshot(TREES)
    for source in (SP, CLEAN, BAD):
        run("preflight", source, SYSTEM, "--include-backups")
        CliRunner().invoke(
            main, ["prompt", "-s", str(source), "-t", str(SYSTEM)], input="colormgr.dll\n"
        )
    assert snapshot(TREES) == before


def test_planner_covers_every_action() -> None:
    rows = Planner(str(SP), str(SYSTEM)).plan().rows
    assert {r.action for r in rows} == set(Action)


def make_tree(root: Path, files: dict[str, Path | bytes]) -> Path:
    """A folder of copies of fixture files (or given bytes) under the given relative paths."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.read_bytes())
    return root


def test_unlistable_compressed_files_are_errors(tmp_path: Path) -> None:
    cab = (FIXTURES / "archives" / "iischema.dl_").read_bytes()
    source = make_tree(
        tmp_path / "src",
        {
            "cut.dl_": cab[:40],
            "setup.ex_": b"KWAJ\x88\xf0\x27\xd1" + bytes(32),
            "fsync.dll": FIXTURES / "pe" / "renamed_rsrc_x86.dll",
        },
    )
    target = make_tree(tmp_path / "dst", {"fsync.dll": FIXTURES / "pe" / "leading_space_x86.dll"})
    code, out, err = run("preflight", "-f", "json", source, target)
    assert code == 2
    record = json.loads(out)
    assert actions(record) == {
        ("cut.dl_", None): "unknown",
        ("fsync.dll", "fsync.dll"): "upgrade",
        ("setup.ex_", None): "unknown",
    }
    assert f"verscan: {source / 'cut.dl_'}: corrupt: damaged cabinet header" in err
    assert f"verscan: {source / 'setup.ex_'}: corrupt: KWAJ compressed file" in err


def test_copies_that_agree_on_keep(tmp_path: Path) -> None:
    pe = FIXTURES / "pe"
    source = make_tree(tmp_path / "src", {"x.dll": pe / "two_languages_x86.dll"})
    target = make_tree(
        tmp_path / "dst",
        {"a/x.dll": pe / "two_languages_x86.dll", "b/x.dll": pe / "table_mismatch_x86.dll"},
    )
    result = CliRunner().invoke(
        main, ["prompt", "-s", str(source), "-t", str(target)], input="X.DLL\n"
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "X.DLL: KEEP — answer Yes: no copy is older than the new file:"
        " a/x.dll 3.2.1.0: same; b/x.dll 7.2.0.0: keep\n"
    )
    code, out, _ = run("preflight", "-f", "json", source, target)
    assert code == 1
    assert actions(json.loads(out)) == {
        ("x.dll", "a/x.dll"): "same",
        ("x.dll", "b/x.dll"): "downgrade",
    }


def test_symbolic_links_are_reported_not_followed(tmp_path: Path) -> None:
    pe = FIXTURES / "pe"
    source = make_tree(tmp_path / "src", {"fsync.dll": pe / "renamed_rsrc_x86.dll"})
    (source / "link.dll").symlink_to(pe / "win10_x64.exe")
    target = make_tree(tmp_path / "dst", {"fsync.dll": pe / "leading_space_x86.dll"})
    code, out, err = run("preflight", "-f", "json", source, target)
    assert code == 0
    assert [f["source"] for f in json.loads(out)["files"]] == ["fsync.dll"]
    assert "link.dll: symbolic link, not followed (use --follow-links)" in err
    code, out, _ = run("preflight", "-f", "json", "--follow-links", source, target)
    assert [f["source"] for f in json.loads(out)["files"]] == ["fsync.dll", "link.dll"]
