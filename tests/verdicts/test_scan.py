"""`verscan scan` on trees assembled from the real PE fixtures."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import FIXTURES, PE
from verscan.cli import main

SCAN = FIXTURES / "scan"


def tree(root: Path, files: dict[str, str]) -> Path:
    """Copy fixture PE files (values) to relative paths (keys) under root."""
    for rel, fixture in files.items():
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PE / fixture, dest)
    return root


def scan_json(target: Path, *manifests: str, extra: tuple[str, ...] = ()) -> tuple[int, Any, str]:
    args = ["scan", str(target), "--format", "json", *extra]
    for m in manifests:
        args += ["-m", str(SCAN / m)]
    result = CliRunner().invoke(main, args)
    data = json.loads(result.stdout) if result.stdout.strip() else None
    return result.exit_code, data, result.stderr


def files_of(data: Any, kb: str) -> list[dict[str, Any]]:
    (entry,) = [k for k in data["kbs"] if k["kb"] == kb]
    return list(entry["files"])


def verdict(data: Any, kb: str) -> str:
    (entry,) = [k for k in data["kbs"] if k["kb"] == kb]
    return str(entry["verdict"])


def test_ldr_copy_is_current(tmp_path: Path) -> None:
    tree(tmp_path, {"Windows/System32/kernelbase.dll": "win7ldr_x86.dll"})
    code, data, _ = scan_json(tmp_path, "kb-branches.yaml")
    assert code == 0
    assert verdict(data, "2000001") == "INSTALLED"
    (f,) = files_of(data, "2000001")
    assert f["path"] == "Windows/System32/kernelbase.dll"
    assert f["installed_version"] == "6.1.7601.22311"
    assert f["required_version"] == "6.1.7601.22311"
    assert f["branch"] == "LDR"
    assert f["verdict"] == "CURRENT"


def test_wow64_copies_each_get_their_row(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "Windows/System32/iischema.dll": "iischema_x64.dll",
            "Windows/SysWOW64/iischema.dll": "iischema_x86.dll",
        },
    )
    code, data, _ = scan_json(tmp_path, "kb-wow64.yaml")
    assert code == 1
    assert verdict(data, "2000002") == "MISSING"
    by_path = {f["path"]: f for f in files_of(data, "2000002")}
    x64 = by_path["Windows/System32/iischema.dll"]
    wow = by_path["Windows/SysWOW64/iischema.dll"]
    assert (x64["platform"], x64["required_version"], x64["verdict"]) == (
        "x64",
        "5.0.2195.7000",
        "OUTDATED",
    )
    assert (wow["platform"], wow["required_version"], wow["branch"], wow["verdict"]) == (
        "x86",
        "5.0.2195.6860",
        "WOW",
        "CURRENT",
    )


def test_w_prefixed_wow_row_matches_the_syswow64_copy(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "Windows/System32/iischema.dll": "iischema_x64.dll",
            "Windows/SysWOW64/iischema.dll": "iischema_x86.dll",
        },
    )
    code, data, _ = scan_json(tmp_path, "kb-wprefix.yaml")
    by_path = {f["path"]: f for f in files_of(data, "2000003")}
    wow = by_path["Windows/SysWOW64/iischema.dll"]
    assert (wow["required_version"], wow["verdict"]) == ("5.0.2195.6900", "OUTDATED")
    assert by_path["Windows/System32/iischema.dll"]["verdict"] == "CURRENT"
    assert code == 1


def test_platform_mismatch_is_not_applicable(tmp_path: Path) -> None:
    tree(tmp_path, {"WINNT/system32/iischema.dll": "iischema_x86.dll"})
    code, data, _ = scan_json(tmp_path, "kb-itanium.yaml")
    assert code == 0
    assert verdict(data, "2000004") == "NOT_APPLICABLE"
    (f,) = files_of(data, "2000004")
    assert f["verdict"] == "NOT_APPLICABLE" and f["note"] == "copy is x86; rows are for ia64"


def test_newer_copy_warns_of_downgrade(tmp_path: Path) -> None:
    tree(tmp_path, {"WINNT/system32/inetsrv/IISCHEMA.DLL": "iischema_x86.dll"})
    code, data, _ = scan_json(tmp_path, "kb-older.yaml")
    assert code == 0
    assert verdict(data, "2000005") == "INSTALLED"
    (f,) = files_of(data, "2000005")
    assert f["name"] == "Iischema.dll"  # the manifest's spelling
    assert f["path"] == "WINNT/system32/inetsrv/IISCHEMA.DLL"  # the disk's
    assert f["verdict"] == "NEWER"
    assert "installing this KB would downgrade it" in f["note"]


def test_unversioned_files(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "WINNT/system32/novers.dll": "no_version_x86.dll",
            "WINNT/system32/readme.dll": "no_version_x86.dll",
        },
    )
    assert (PE / "no_version_x86.dll").stat().st_size == 2560  # the manifest's size
    code, data, _ = scan_json(tmp_path, "kb-unversioned.yaml")
    by_name = {f["name"]: f for f in files_of(data, "2000006")}
    assert by_name["novers.dll"]["verdict"] == "CURRENT"
    assert by_name["novers.dll"]["note"] == "no version: size matches"
    assert by_name["readme.dll"]["verdict"] == "UNVERSIONED"
    assert by_name["readme.dll"]["note"] == "no version resource: undecided"
    assert verdict(data, "2000006") == "UNKNOWN"
    assert code == 0


def test_broken_copy_is_unreadable_and_absent_file_listed(tmp_path: Path) -> None:
    (tmp_path / "WINNT").mkdir()
    shutil.copy(PE / "broken" / "truncated_in_version.dll", tmp_path / "WINNT" / "Iischema.dll")
    code, data, _ = scan_json(tmp_path, "kb-broken.yaml")
    assert code == 1  # a copy could not be read: the verdicts may be incomplete
    assert verdict(data, "2000007") == "UNKNOWN"
    by_name = {f["name"]: f for f in files_of(data, "2000007")}
    assert by_name["Iischema.dll"]["verdict"] == "UNREADABLE"
    assert by_name["Iischema.dll"]["note"] == (
        "corrupt: file ends inside the version resource (54 of 872 bytes)"
    )
    assert by_name["Absentfile.dll"]["verdict"] == "ABSENT"
    assert by_name["Absentfile.dll"]["path"] is None


def test_absent_component_is_not_applicable(tmp_path: Path) -> None:
    tree(tmp_path, {"WINNT/system32/iischema.dll": "iischema_x86.dll"})
    code, data, _ = scan_json(tmp_path, "kb-absent.yaml")
    assert code == 0
    assert verdict(data, "2000010") == "NOT_APPLICABLE"
    assert [f["verdict"] for f in files_of(data, "2000010")] == ["ABSENT", "ABSENT"]


def test_path_hint_narrows_the_match(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "WINNT/system32/inetsrv/iischema.dll": "iischema_x86.dll",
            "Program Files/Other/iischema.dll": "win7ldr_x86.dll",
        },
    )
    _code, data, _ = scan_json(tmp_path, "kb-hint.yaml")
    assert [f["path"] for f in files_of(data, "2000009")] == ["WINNT/system32/inetsrv/iischema.dll"]
    assert verdict(data, "2000009") == "INSTALLED"


def test_backup_folders_are_skipped_unless_asked(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            "WINNT/system32/inetsrv/iischema.dll": "iischema_x86.dll",
            "WINNT/$NtUninstallKB829427$/iischema.dll": "win7ldr_x86.dll",
            "WINNT/system32/dllcache/iischema.dll": "win7ldr_x86.dll",
            "WINNT/WinSxS/x86_iis/iischema.dll": "win7ldr_x86.dll",
        },
    )
    code, data, _ = scan_json(tmp_path, "kb-older.yaml")
    assert code == 0
    assert [f["path"] for f in files_of(data, "2000005")] == ["WINNT/system32/inetsrv/iischema.dll"]
    _code, data, _ = scan_json(tmp_path, "kb-older.yaml", extra=("--include-backups",))
    copies = {f["path"]: f["copy"] for f in files_of(data, "2000005")}
    assert copies == {
        "WINNT/$NtUninstallKB829427$/iischema.dll": "hotfix uninstall backup",
        "WINNT/WinSxS/x86_iis/iischema.dll": "component store",
        "WINNT/system32/dllcache/iischema.dll": "Windows File Protection cache",
        "WINNT/system32/inetsrv/iischema.dll": None,
    }
    # Copies never decide the KB.
    assert verdict(data, "2000005") == "INSTALLED"


def test_output_formats(tmp_path: Path) -> None:
    tree(tmp_path, {"Windows/System32/kernelbase.dll": "win7ldr_x86.dll"})
    manifest = str(SCAN / "kb-branches.yaml")

    def out(*fmt: str) -> str:
        result = CliRunner().invoke(main, ["scan", str(tmp_path), "-m", manifest, *fmt])
        assert result.exit_code == 0, result.stderr
        return result.stdout

    table = out()
    assert "2000001" in table and "INSTALLED" in table
    files_table = out("--files")
    assert "Windows/System32/kernelbase.dll" in files_table and "CURRENT" in files_table
    data = yaml.safe_load(out("-f", "yaml"))
    assert data["kbs"][0]["verdict"] == "INSTALLED"
    rows = list(csv.reader(io.StringIO(out("-f", "csv"))))
    assert rows[0][:3] == ["kb", "title", "verdict"] and rows[1][2] == "INSTALLED"
    md = out("-f", "markdown", "--files")
    assert "### files" in md and "| 2000001 |" in md


def test_output_file_and_summary(tmp_path: Path) -> None:
    system = tree(tmp_path / "sys", {"Windows/System32/kernelbase.dll": "win7ldr_x86.dll"})
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        main,
        [
            "scan",
            str(system),
            "-m",
            str(SCAN / "kb-branches.yaml"),
            "-f",
            "json",
            "-o",
            str(report),
        ],
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(report.read_text())["summary"]["INSTALLED"] == 1
    assert "1 KB: 1 installed" in result.stderr


def test_missing_target_and_bad_manifest_exit_2(tmp_path: Path) -> None:
    code, _data, err = scan_json(tmp_path / "nowhere", "kb-branches.yaml")
    assert code == 2 and "no such directory or inventory file" in err
    bad = FIXTURES / "manifests" / "invalid" / "bad-date.yaml"
    result = CliRunner().invoke(
        main,
        ["scan", str(tmp_path), "-m", str(bad), "-m", str(SCAN / "kb-absent.yaml"), "-f", "json"],
    )
    assert result.exit_code == 2
    assert "bad-date.yaml:" in result.stderr
    # The good manifest was still scanned.
    assert json.loads(result.stdout)["kbs"][0]["kb"] == "2000010"


@pytest.mark.parametrize(("fixture", "row"), [("win7ldr_x86.dll", "6.1.7601.22311")])
def test_a_manifest_folder(tmp_path: Path, fixture: str, row: str) -> None:
    tree(tmp_path, {"Windows/System32/kernelbase.dll": fixture})
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "-m", str(SCAN), "-f", "json"])
    data = json.loads(result.stdout)
    assert len(data["kbs"]) == len(list(SCAN.glob("*.yaml")))
    (f,) = files_of(data, "2000001")
    assert f["required_version"] == row


def test_demo_system_shows_every_kb_verdict() -> None:
    from tests.conftest import ROOT

    demo = FIXTURES / "systems" / "win2000-sp4"
    result = CliRunner().invoke(
        main, ["scan", str(demo), "-m", str(ROOT / "manifests"), "-f", "json"]
    )
    assert result.exit_code == 1  # a KB is missing
    verdicts = {k["kb"]: k["verdict"] for k in json.loads(result.stdout)["kbs"]}
    assert verdicts == {
        "829427": "INSTALLED",
        "323332": "MISSING",
        "309644": "NOT_APPLICABLE",
        "2492386": "NOT_APPLICABLE",
        "976398": "NOT_APPLICABLE",
    }
    (iis,) = [
        f for k in json.loads(result.stdout)["kbs"] if k["kb"] == "829427" for f in k["files"]
    ]
    assert iis["path"] == "WINNT/system32/inetsrv/IISCHEMA.DLL"
    assert iis["installed_version"] == "5.0.2195.6860"


def test_data_files_are_decided_by_size(tmp_path: Path) -> None:
    (tmp_path / "inf").mkdir()
    (tmp_path / "inf" / "update.inf").write_text("[Version]\nSignature=$NT$\n")  # 25 bytes
    (tmp_path / "inf" / "other.inf").write_text("[Version]\n")
    code, data, _ = scan_json(tmp_path, "kb-datafile.yaml")
    by_name = {f["name"]: f for f in files_of(data, "2000011")}
    assert by_name["update.inf"]["verdict"] == "CURRENT"
    assert by_name["update.inf"]["note"] == "no version: size matches"
    assert by_name["other.inf"]["verdict"] == "UNVERSIONED"
    assert by_name["other.inf"]["note"] == "not a PE file; size 10 differs from 100: undecided"
    assert verdict(data, "2000011") == "UNKNOWN"
    assert code == 0
