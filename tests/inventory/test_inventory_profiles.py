"""Inventories record which Windows a machine is; scans, diffs and reports of them agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from verscan.cli import main
from verscan.system.inventory import load_inventory

ROOT = Path(__file__).resolve().parents[2]
TREES = ROOT / "fixtures" / "systems" / "releases"
SCAN = ROOT / "fixtures" / "scan"
KB = ROOT / "fixtures" / "kb"
MANIFESTS = [
    SCAN / "kb-win7-sspicli.yaml",
    SCAN / "kb-win7-secur32.yaml",
    SCAN / "kb-vista-shell32.yaml",
    SCAN / "kb-xp2003-win32k.yaml",
    SCAN / "kb-ie8-xp.yaml",
    SCAN / "kb-win10-1607.yaml",
    ROOT / "manifests" / "KB976398.yaml",
    ROOT / "manifests" / "KB2492386.yaml",
]


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def scan_json(target: Path, *extra: str) -> dict[str, Any]:
    args: list[object] = ["scan", target, "--files", "-f", "json", *extra]
    for m in MANIFESTS:
        args += ["-m", m]
    code, out, err = run(*args)
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    data.pop("target")
    return data


def take(tree: Path, out: Path) -> Path:
    code, _, err = run("inventory", tree, "--output", out, "--label", tree.name)
    assert code == 0, err
    return out


@pytest.mark.parametrize(
    "tree",
    [
        "xp-sp3-x86",
        "xp-sp2-x86",
        "2003-sp2-x64",
        "vista-sp2-x86",
        "win7-sp1-x64",
        "win7-rtm-x64",
        "2008r2-ia64",
        "win10-22h2-x64",
        "apps-only",
        "two-windows",
    ],
)
def test_scan_of_the_inventory_equals_scan_of_the_directory(tree: str, tmp_path: Path) -> None:
    inventory = take(TREES / tree, tmp_path / "inv.json")
    assert scan_json(inventory) == scan_json(TREES / tree)
    # With --os and --exclude too.
    extra = ("--os", "Windows 7 SP1 x64", "--exclude", "Program Files")
    assert scan_json(inventory, *extra) == scan_json(TREES / tree, *extra)


def test_inventory_records_the_profile(tmp_path: Path) -> None:
    inv = load_inventory(take(TREES / "win7-sp1-x64", tmp_path / "inv.json"))
    assert inv.system is not None
    assert (inv.system.os, inv.system.service_pack, inv.system.platform) == (
        "Windows 7 / Server 2008 R2",
        1,
        "x64",
    )
    raw = json.loads((tmp_path / "inv.json").read_text(encoding="utf-8"))
    assert raw["system"]["source"] == "Windows/System32/ntoskrnl.exe"
    assert raw["system"]["releases"] == ["Windows 7", "Windows Server 2008 R2"]
    assert raw["format_version"] == 1


def test_inventory_without_a_profile_gets_it_from_its_files(tmp_path: Path) -> None:
    new = take(TREES / "xp-sp2-x86", tmp_path / "new.json")
    data = json.loads(new.read_text(encoding="utf-8"))
    del data["system"]  # as inventories were written before profiles
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    assert load_inventory(old).system is None
    assert scan_json(old) == scan_json(new)
    assert scan_json(old)["system"]["os"] == "Windows XP"


def test_yaml_inventory_keeps_the_profile(tmp_path: Path) -> None:
    inventory = take(TREES / "2003-sp2-x64", tmp_path / "inv.yaml")
    assert scan_json(inventory) == scan_json(TREES / "2003-sp2-x64")


@pytest.mark.parametrize(
    ("system", "message"),
    [
        ('"Windows XP"', "system: expected an object or null"),
        ('{"line": "xp", "service_pack": "3"}', "system.service_pack: expected a number"),
        ('{"line": "windows-12"}', "system.line: 'windows-12' is not a kernel line"),
        ('{"os": 7}', "system.os: expected a string or null"),
    ],
)
def test_malformed_profile_is_refused(tmp_path: Path, system: str, message: str) -> None:
    good = take(TREES / "xp-sp3-x86", tmp_path / "inv.json")
    text = good.read_text(encoding="utf-8")
    start = text.index('"system": ')
    end = text.index('"files": ')
    bad = tmp_path / "bad.json"
    bad.write_text(text[:start] + f'"system": {system},\n  ' + text[end:], encoding="utf-8")
    code, out, err = run("scan", bad, "-m", SCAN / "kb-ie8-xp.yaml")
    assert code == 2 and out == ""
    assert f"{bad}: not a valid inventory at " in err and message.split(": ", 1)[1] in err
    assert "Traceback" not in err


def test_diff_shows_both_profiles_and_how_they_differ(tmp_path: Path) -> None:
    a = take(TREES / "xp-sp2-x86", tmp_path / "a.json")
    b = take(TREES / "xp-sp3-x86", tmp_path / "b.json")
    code, out, err = run("diff", a, b, "-m", ROOT / "manifests" / "KB2492386.yaml", "-f", "json")
    data = json.loads(out)
    assert data["a_system"]["service_pack"] == 2 and data["b_system"]["service_pack"] == 3
    assert {d["field"] for d in data["system_differences"]} == {"service_pack", "version"}
    assert "systems differ: service pack SP2 against SP3" in err
    code, out, _ = run("diff", a, b, "-m", ROOT / "manifests" / "KB2492386.yaml")
    assert out.splitlines()[:3] == [
        "A: Windows XP SP2 x86, kernel 5.1.2600.3093",
        "B: Windows XP SP3 x86, kernel 5.1.2600.5512",
        "systems differ: service pack SP2 against SP3; kernel 5.1.2600.3093 against 5.1.2600.5512",
    ]
    # --os for one side: the other keeps its own.
    code, out, _ = run(
        "diff", a, b, "-m", ROOT / "manifests" / "KB2492386.yaml", "-f", "json",
        "--os", "B=Windows XP SP2",
    )  # fmt: skip
    assert code == 0  # same verdicts
    data = json.loads(out)
    assert data["b_system"]["source"] == "--os" and data["a_system"]["source"] != "--os"
    assert data["system_differences"] == [
        {"field": "version", "a": "5.1.2600.3093", "b": "5.1.2600.5512"}
    ]


def test_report_shows_each_machines_profile(tmp_path: Path) -> None:
    inventories = [
        take(TREES / name, tmp_path / f"{name}.json")
        for name in ("xp-sp3-x86", "vista-sp2-x86", "win7-rtm-x64", "apps-only")
    ]
    args: list[object] = ["report", *inventories, "-f", "json"]
    for m in MANIFESTS:
        args += ["-m", m]
    code, out, err = run(*args)
    data = json.loads(out)
    systems = {m["name"]: m["system"]["os"] for m in data["machines"]}
    assert systems == {
        "xp-sp3-x86": "Windows XP",
        "vista-sp2-x86": "Windows Vista / Server 2008",
        "win7-rtm-x64": "Windows 7 / Server 2008 R2",
        "apps-only": None,
    }
    assert "apps-only: the Windows release is unknown" in err
    cells = {(c["machine"], c["kb"]): c["verdict"] for c in data["cells"]}
    assert cells[("vista-sp2-x86", "976398")] == "NOT_APPLICABLE"
    assert cells[("win7-rtm-x64", "976398")] == "MISSING"
    assert cells[("win7-rtm-x64", "2000104")] == "MISSING"
    assert cells[("xp-sp3-x86", "2492386")] == "MISSING"
    assert cells[("vista-sp2-x86", "2492386")] == "NOT_APPLICABLE"
    code, out, _ = run(*[a for a in args if a != "json" and a != "-f"])
    line = next(x for x in out.splitlines() if x.startswith("win7-rtm-x64"))
    assert "Windows 7 / Server 2008 R2 RTM x64" in line
    page = tmp_path / "fleet.html"
    code, _, _ = run(*[a for a in args if a != "json" and a != "-f"], "-f", "html", "-o", page)
    assert "<td>Windows XP SP3 x86</td>" in page.read_text(encoding="utf-8")
    # --os LABEL=TEXT states one machine's profile.
    code, out, err = run(*args, "--os", "apps-only=Windows 7 SP1 x64")
    assert code == 1  # MISSING cells
    data = json.loads(out)
    named = {m["name"]: m["system"] for m in data["machines"]}
    assert named["apps-only"]["os"] == "Windows 7 / Server 2008 R2"
    assert named["apps-only"]["source"] == "--os"
    assert "apps-only: the Windows release is unknown" not in err


def test_diff_exclude_leaves_paths_out_of_both_modes(tmp_path: Path) -> None:
    a, b = ROOT / "fixtures" / "systems" / "diff-a", ROOT / "fixtures" / "systems" / "diff-b"
    code, out, _ = run("diff", a, b, "-f", "json")
    paths = {d["path"] for d in json.loads(out)["differences"]}
    assert any(p.startswith("Program Files") for p in paths)
    code, out, _ = run("diff", a, b, "-f", "json", "--exclude", "Program Files*")
    kept = {d["path"] for d in json.loads(out)["differences"]}
    assert kept == {p for p in paths if not p.startswith("Program Files")}
    assert code == 1  # the Windows folders still differ
    # With --manifests, the scans leave the same paths out.
    manifest = tmp_path / "kb.yaml"
    manifest.write_text(
        'kb: "3333333"\nfiles:\n  - {name: fabver.dll, version: "3.2.1.0", platform: x86}\n',
        encoding="utf-8",
    )
    code, out, _ = run("diff", a, b, "-m", manifest, "-f", "json", "--show-all")
    assert json.loads(out)["differences"][0]["b_verdict"] == "INSTALLED"
    code, out, _ = run(
        "diff", a, b, "-m", manifest, "-f", "json", "--show-all", "--exclude", "Program Files*"
    )
    assert json.loads(out)["differences"][0]["b_verdict"] == "NOT_APPLICABLE"
    assert code == 0
