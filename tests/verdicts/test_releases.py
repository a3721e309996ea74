"""Which Windows a system is, and which KB rows apply to it.

The systems are the trees of ``fixtures/systems/releases`` (real PE files, see
``build_releases.py``); the KBs are built from real articles in ``fixtures/kb`` by
``verscan manifest build``, as a user builds them, or are the hand-written manifests of
``fixtures/scan`` for the cases no article at hand shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from verscan.cli import main

ROOT = Path(__file__).resolve().parents[2]
TREES = ROOT / "fixtures" / "systems" / "releases"
DEMO = ROOT / "fixtures" / "systems" / "win2000-sp4"
KB = ROOT / "fixtures" / "kb"
SCAN = ROOT / "fixtures" / "scan"
KERNEL = "Windows/System32/ntoskrnl.exe"

ARTICLES = {
    "976398": KB / "KB976398.html",  # Windows 7 / Server 2008 R2: x86, x64 (WOW64), IA-64
    "2492386": KB / "KB2492386.html",  # Windows XP SP3 / Server 2003 SP2: x86, x64, IA-64
    "296885": KB / "KB296885-nt4.TXT",  # Windows NT 4.0 win32k.sys
    "323332": KB / "Q323332.TXT",  # IIS 4.0 and IIS 5.0 tables, no Windows release named
    "981506": KB / "KB981506.md",  # Windows 7 / 2008 R2; the x64 table lists x86 files too
    "2492386-full": KB / "KB2492386-full.md",  # XP, 2003, Vista / 2008, 7 / 2008 R2 in one
    "2654668": KB / "KB2654668.md",  # Vista / Server 2008 SP2 only (MSMQ's Mqqm.dll)
}


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The articles built into manifests, one folder each."""
    out = tmp_path_factory.mktemp("manifests")
    paths = {}
    for kb, article in ARTICLES.items():
        folder = out / kb
        folder.mkdir()
        code, _, err = run("manifest", "build", article, "--outdir", folder, "--kb", kb[:7])
        assert code == 0, err
        paths[kb] = folder
    return paths


def scan(target: Path | str, *manifests: Path, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    args: list[object] = ["scan", target, "--files", "--format", "json"]
    for m in manifests:
        args += ["-m", m]
    code, out, err = run(*args, *extra)
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    data["exit"] = code
    data["stderr"] = err
    return data


def kb_of(data: dict[str, Any], number: str) -> dict[str, Any]:
    return next(k for k in data["kbs"] if k["kb"] == number)


def files_of(kb: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Each copy's verdict and backup kind, by path (absent files by name)."""
    return {f["path"] or f["name"]: (f["verdict"], f["copy"]) for f in kb["files"]}


# -- the profile ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tree", "os", "version", "sp", "platform", "source"),
    [
        ("2000-sp4", "Windows 2000", "5.0.2195.6717", 4, "x86", "WINNT/system32/ntoskrnl.exe"),
        ("nt4-x86", "Windows NT 4.0", "4.0.1381.7224", None, "x86", "WINNT/system32/ntoskrnl.exe"),
        ("xp-sp3-x86", "Windows XP", "5.1.2600.5512", 3, "x86", "WINDOWS/system32/ntoskrnl.exe"),
        ("xp-sp2-x86", "Windows XP", "5.1.2600.3093", 2, "x86", "WINDOWS/system32/ntoskrnl.exe"),
        (
            "2003-sp2-x64",
            "Windows Server 2003 / XP x64",
            "5.2.3790.4354",
            2,
            "x64",
            "WINDOWS/system32/ntoskrnl.exe",
        ),
        (
            "vista-sp2-x86",
            "Windows Vista / Server 2008",
            "6.0.6002.18005",
            2,
            "x86",
            "Windows/System32/ntoskrnl.exe",
        ),
        (
            "win7-sp1-x64",
            "Windows 7 / Server 2008 R2",
            "6.1.7601.17514",
            1,
            "x64",
            "Windows/System32/ntoskrnl.exe",
        ),
        (
            "win7-rtm-x64",
            "Windows 7 / Server 2008 R2",
            "6.1.7600.16385",
            0,
            "x64",
            "Windows/System32/ntoskrnl.exe",
        ),
        (
            "2008r2-ia64",
            "Windows 7 / Server 2008 R2",
            "6.1.7600.16385",
            0,
            "ia64",
            "Windows/System32/ntoskrnl.exe",
        ),
        (
            "win10-22h2-x64",
            "Windows 10 version 2004 to 22H2",
            "10.0.19041.3636",
            None,
            "x64",
            "Windows/System32/ntoskrnl.exe",
        ),
        ("98se", "Windows 98 SE", "4.10.0.2222", None, "x86", "WINDOWS/SYSTEM/KERNEL32.DLL"),
        ("8-x64", "Windows 8 / Server 2012", "6.2.9200.16384", None, "x64", KERNEL),
        ("81-x64", "Windows 8.1 / Server 2012 R2", "6.3.9600.17031", None, "x64", KERNEL),
        ("2016-x64", "Windows 10 version 1607 / Server 2016", "10.0.14393.0", None, "x64", KERNEL),
        ("2019-x64", "Windows 10 version 1809 / Server 2019", "10.0.17763.1", None, "x64", KERNEL),
        ("2022-x64", "Windows Server 2022", "10.0.20348.1", None, "x64", KERNEL),
        (
            "11-23h2-arm64",
            "Windows 11 version 22H2 / 23H2",
            "10.0.22621.2506",
            None,
            "arm64",
            KERNEL,
        ),
    ],
)
def test_profile_in_json(
    tree: str, os: str, version: str, sp: int | None, platform: str, source: str
) -> None:
    system = scan(TREES / tree, SCAN / "kb-win10-1607.yaml")["system"]
    assert system["os"] == os
    assert system["version"] == version
    assert system["service_pack"] == sp
    assert system["platform"] == platform
    assert system["source"] == source
    assert system["warning"] is None


def test_profile_from_the_windows_folder_or_system32() -> None:
    for target in (DEMO / "WINNT", DEMO / "WINNT" / "system32"):
        system = scan(target, SCAN / "kb-win10-1607.yaml")["system"]
        assert (system["os"], system["service_pack"]) == ("Windows 2000", 4)
        assert system["windows_folder"] == ""


def test_profile_line_above_the_table(built: dict[str, Path]) -> None:
    code, out, _ = run("scan", TREES / "xp-sp3-x86", "-m", built["2492386"])
    assert code == 1
    assert out.splitlines()[0] == (
        "system: Windows XP SP3 x86 (kernel 5.1.2600.5512, WINDOWS/system32/ntoskrnl.exe)"
    )
    assert scan(TREES / "xp-sp3-x86", built["2492386"])["system"]["build_tag"] == (
        "xpsp.080413-2111"
    )


@pytest.mark.parametrize(
    ("tree", "why"),
    [
        ("apps-only", "no Windows folder with a kernel"),
        ("two-windows", "two Windows folders ('WINDOWS', 'WINNT')"),
        ("corrupt-kernel", "Windows/System32/ntoskrnl.exe: no version (truncated optional header)"),
        ("strange-kernel", "version 7.0.1.1 is no Windows release verscan knows"),
    ],
)
def test_unknown_profile_says_why_and_the_scan_goes_on(tree: str, why: str) -> None:
    data = scan(TREES / tree, SCAN / "kb-win7-sspicli.yaml")
    assert data["system"]["os"] is None
    assert why in data["system"]["warning"]
    assert why in data["stderr"] and "state it with --os" in data["stderr"]
    assert data["exit"] == 0  # nothing MISSING; an unknown profile is not a fault


# -- rows for other releases -----------------------------------------------------------------


def test_windows7_kb_on_vista_is_not_applicable(built: dict[str, Path]) -> None:
    kb = kb_of(scan(TREES / "vista-sp2-x86", built["976398"]), "976398")
    assert kb["verdict"] == "NOT_APPLICABLE"
    assert kb["reason"] == (
        "KB rows are for Windows 7 / Server 2008 R2; this system is Windows Vista / Server 2008 "
        "SP2 x86"
    )
    # The copy is there, but no row is for it: not ABSENT rows of another release either.
    assert {f["verdict"] for f in kb["files"]} <= {"NOT_APPLICABLE"}


def test_vista_only_kb_on_xp_where_the_version_line_cannot_decide(tmp_path: Path) -> None:
    for manifest in ("kb-vista-shell32.yaml", "kb-vista-shell32-bare.yaml"):
        data = scan(TREES / "xp-sp3-x86", SCAN / manifest)
        kb = data["kbs"][0]
        assert kb["verdict"] == "NOT_APPLICABLE", manifest
        assert "Windows Vista / Server 2008; this system is Windows XP SP3 x86" in kb["reason"]
    # Without the kernel, only the version line is left, and it cannot tell: XP's 6.0.2900
    # is "older" than Vista's 6.0.6002. This is what the profile is for.
    (tmp_path / "shell32.dll").write_bytes(
        (TREES / "xp-sp3-x86" / "WINDOWS" / "system32" / "shell32.dll").read_bytes()
    )
    data = scan(tmp_path, SCAN / "kb-vista-shell32.yaml")
    assert data["system"]["os"] is None
    assert data["kbs"][0]["verdict"] == "MISSING"
    # Stated with --os, it is right again.
    data = scan(tmp_path, SCAN / "kb-vista-shell32.yaml", extra=("--os", "Windows XP SP3"))
    assert data["kbs"][0]["verdict"] == "NOT_APPLICABLE"


def test_nt4_win32k_fix_on_other_releases(built: dict[str, Path]) -> None:
    for tree in ("2000-sp4", "xp-sp3-x86", "win7-sp1-x64"):
        kb = kb_of(scan(TREES / tree, built["296885"]), "296885")
        assert kb["verdict"] == "NOT_APPLICABLE", tree
        assert "KB rows are for Windows NT 4.0" in kb["reason"]
    kb = kb_of(scan(TREES / "nt4-x86", built["296885"]), "296885")
    assert kb["verdict"] == "INSTALLED"
    assert files_of(kb)["WINNT/system32/win32k.sys"] == ("CURRENT", None)


def test_xp_2003_win32k_fix_is_neither_missing_on_2000_nor_installed_on_7() -> None:
    manifest = SCAN / "kb-xp2003-win32k.yaml"
    on_2000 = kb_of(scan(TREES / "2000-sp4", manifest), "2000107")
    on_7 = kb_of(scan(TREES / "win7-sp1-x64", manifest), "2000107")
    on_xp = kb_of(scan(TREES / "xp-sp3-x86", manifest), "2000107")
    assert on_2000["verdict"] == "NOT_APPLICABLE"
    assert on_7["verdict"] == "NOT_APPLICABLE"
    assert not any("downgrade" in (f["note"] or "") for f in on_7["files"])
    assert on_xp["verdict"] == "MISSING"
    assert files_of(on_xp)["WINDOWS/system32/win32k.sys"] == ("OUTDATED", None)


def test_windows10_1607_fix_on_22h2() -> None:
    kb = kb_of(scan(TREES / "win10-22h2-x64", SCAN / "kb-win10-1607.yaml"), "2000106")
    assert kb["verdict"] == "NOT_APPLICABLE"
    assert "Windows 10 version 1607 / Server 2016" in kb["reason"]


# -- the system's own rows ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tree", "verdict", "copy", "required"),
    [
        ("xp-sp3-x86", "MISSING", "WINDOWS/system32/aclayers.dll", "5.1.2600.6093"),
        ("2003-sp2-x64", "MISSING", "WINDOWS/SysWOW64/aclayers.dll", "5.2.3790.4844"),
        ("vista-sp2-x86", "MISSING", "Windows/System32/aclayers.dll", "6.0.6002.18417"),
        ("win7-sp1-x64", "MISSING", "Windows/System32/aclayers.dll", "6.1.7601.17571"),
        ("2000-sp4", "NOT_APPLICABLE", None, None),
        ("win10-22h2-x64", "NOT_APPLICABLE", None, None),
    ],
)
def test_one_kb_for_six_releases(
    built: dict[str, Path], tree: str, verdict: str, copy: str | None, required: str | None
) -> None:
    """KB2492386 lists Aclayers.dll for XP, 2003, Vista and 7: each system gets its own row."""
    kb = kb_of(scan(TREES / tree, built["2492386-full"]), "2492386")
    assert kb["verdict"] == verdict
    if copy is None:
        assert kb["reason"].startswith("KB rows are for Windows XP, Windows Server 2003 / XP x64, ")
        return
    files = {f["path"]: f for f in kb["files"] if f["path"]}
    assert (files[copy]["verdict"], files[copy]["required_version"]) == ("OUTDATED", required)
    # No row of another release is listed as absent on this system.
    own = {"xp-sp3-x86": "5.1.", "2003-sp2-x64": "5.2.", "vista-sp2-x86": "6.0.",
           "win7-sp1-x64": "6.1."}[tree]  # fmt: skip
    others = tuple(p for p in ("5.1.", "5.2.", "6.0.", "6.1.") if p != own)
    for f in kb["files"]:
        if f["verdict"] == "ABSENT" and f["required_version"]:
            assert not f["required_version"].startswith(others), f


def test_vista_msmq_fix(built: dict[str, Path]) -> None:
    kb = kb_of(scan(TREES / "vista-sp2-x86", built["2654668"]), "2654668")
    assert kb["verdict"] == "MISSING"
    assert files_of(kb)["Windows/System32/mqqm.dll"] == ("OUTDATED", None)
    for tree in ("xp-sp3-x86", "win7-sp1-x64", "2003-sp2-x64"):
        kb = kb_of(scan(TREES / tree, built["2654668"]), "2654668")
        assert kb["verdict"] == "NOT_APPLICABLE", tree
        assert "KB rows are for Windows Vista / Server 2008" in kb["reason"]


def test_xp_sp3_missing_and_xp_sp2_needs_sp3(built: dict[str, Path]) -> None:
    sp3 = kb_of(scan(TREES / "xp-sp3-x86", built["2492386"]), "2492386")
    assert sp3["verdict"] == "MISSING"
    assert files_of(sp3)["WINDOWS/system32/aclayers.dll"] == ("OUTDATED", None)
    assert "WINDOWS/system32/dllcache/aclayers.dll" not in files_of(sp3)  # a backup folder
    sp2 = kb_of(scan(TREES / "xp-sp2-x86", built["2492386"]), "2492386")
    assert sp2["verdict"] == "MISSING"
    assert sp2["reason"] == "needs SP3; the system has SP2"


def test_a_windows7_sp1_fix_needs_sp1_on_rtm() -> None:
    # 6.1.7601 is SP1's build: a fix whose every row is on it needs SP1.
    kb = kb_of(scan(TREES / "win7-rtm-x64", SCAN / "kb-win7-sspicli.yaml"), "2000103")
    assert kb["verdict"] == "MISSING"
    assert kb["reason"] == "needs SP1; the system has RTM"


def test_server_2003_x64_wow64_row(built: dict[str, Path]) -> None:
    kb = kb_of(scan(TREES / "2003-sp2-x64", built["2492386"]), "2492386")
    assert kb["verdict"] == "MISSING"
    files = {f["path"]: f for f in kb["files"] if f["path"]}
    wow = files["WINDOWS/SysWOW64/aclayers.dll"]
    assert (wow["verdict"], wow["required_version"], wow["branch"]) == (
        "OUTDATED",
        "5.2.3790.4844",
        "WOW",
    )
    # The x86 package's row is for x86-based systems; the 64-bit copy has no row of its own.
    native = files["WINDOWS/system32/aclayers.dll"]
    assert native["verdict"] == "NOT_APPLICABLE"


def test_wow64_copy_is_judged_by_the_x64_package_real_article(built: dict[str, Path]) -> None:
    # KB981506's x86 table has Secur32.dll 6.1.7600.16385; its x64 table lists the 32-bit
    # Secur32.dll at 6.1.7600.20667. SysWOW64's 16385 copy lacks the fix.
    kb = kb_of(scan(TREES / "win7-rtm-x64", built["981506"]), "981506")
    assert kb["verdict"] == "MISSING"
    # Named by as much of its path as tells it from System32's secur32.dll, with both versions.
    assert kb["reason"] == "SysWOW64/secur32.dll 6.1.7600.16385 < 6.1.7600.20667"
    files = {f["path"]: f for f in kb["files"] if f["path"]}
    wow = files["Windows/SysWOW64/secur32.dll"]
    assert (wow["verdict"], wow["required_version"]) == ("OUTDATED", "6.1.7600.20667")
    assert files["Windows/System32/secur32.dll"]["verdict"] == "CURRENT"
    assert files["Windows/SysWOW64/sspicli.dll"]["verdict"] == "CURRENT"


def test_wow64_copy_is_judged_by_the_x64_package() -> None:
    kb = kb_of(scan(TREES / "win7-rtm-x64", SCAN / "kb-win7-secur32.yaml"), "2000104")
    assert kb["verdict"] == "MISSING"
    files = {f["path"]: f for f in kb["files"] if f["path"]}
    wow = files["Windows/SysWOW64/secur32.dll"]
    assert (wow["verdict"], wow["required_version"]) == ("OUTDATED", "6.1.7600.20667")
    assert files["Windows/System32/secur32.dll"]["verdict"] == "CURRENT"


def test_windows7_rtm_sp1_and_itanium(built: dict[str, Path]) -> None:
    sp1 = kb_of(scan(TREES / "win7-sp1-x64", built["976398"]), "976398")
    assert sp1["verdict"] == "INSTALLED"
    assert files_of(sp1)["Windows/System32/gpprefcl.dll"] == ("NEWER", None)
    assert files_of(sp1)["Windows/SysWOW64/gpprefcl.dll"] == ("NEWER", None)
    rtm = kb_of(scan(TREES / "win7-rtm-x64", built["976398"]), "976398")
    assert rtm["verdict"] == "MISSING"
    assert files_of(rtm)["Windows/System32/gpprefcl.dll"] == ("OUTDATED", None)
    assert files_of(rtm)["Windows/SysWOW64/gpprefcl.dll"] == ("CURRENT", None)
    ia64 = kb_of(scan(TREES / "2008r2-ia64", built["976398"]), "976398")
    assert ia64["verdict"] == "MISSING"
    (copy,) = [f for f in ia64["files"] if f["path"]]
    assert (copy["platform"], copy["required_version"]) == ("ia64", "6.1.7600.20555")
    # Rows of the x86 and x64 tables are not listed as absent on an Itanium system.
    assert all(f["verdict"] != "ABSENT" or "ia64" in f["name"].lower() for f in ia64["files"])


def test_private_copy_and_windows_old_do_not_decide() -> None:
    data = scan(TREES / "win7-sp1-x64", SCAN / "kb-win7-sspicli.yaml")
    kb = data["kbs"][0]
    assert kb["verdict"] == "INSTALLED"
    assert files_of(kb) == {
        "Windows/System32/sspicli.dll": ("CURRENT", None),
        "Program Files/Fabrikam/sspicli.dll": ("OUTDATED", "outside the Windows folder"),
    }
    assert kb["counts"]["copies"] == 1
    assert kb["counts"]["outdated"] == 0


def test_windows_old_is_a_backup_folder(built: dict[str, Path]) -> None:
    data = scan(TREES / "win7-sp1-x64", built["976398"], extra=("--include-backups",))
    old = files_of(kb_of(data, "976398"))["Windows.old/Windows/System32/gpprefcl.dll"]
    assert old[1] == "previous Windows installation"
    data = scan(TREES / "win7-sp1-x64", built["976398"])
    assert not any(f["path"] and "Windows.old" in f["path"] for f in data["kbs"][0]["files"])


def test_only_copy_outside_the_windows_folder_is_judged_where_it_is() -> None:
    kb = kb_of(scan(TREES / "xp-sp3-x86", SCAN / "kb-ie8-xp.yaml"), "2000105")
    assert kb["verdict"] == "MISSING"
    assert files_of(kb) == {"Program Files/Internet Explorer/iexplore.exe": ("OUTDATED", None)}


def test_unknown_release_rows_go_by_version_line(built: dict[str, Path]) -> None:
    kb = kb_of(scan(DEMO, built["323332"]), "323332")
    assert kb["verdict"] == "MISSING"
    files = {f["path"]: f for f in kb["files"] if f["path"]}
    asp = files["WINNT/system32/inetsrv/asp.dll"]
    assert (asp["verdict"], asp["required_version"]) == ("OUTDATED", "5.0.2195.5917")
    schema = files["WINNT/system32/inetsrv/IISCHEMA.DLL"]
    assert schema["verdict"] == "NOT_APPLICABLE"
    assert schema["note"] == (
        "copy is 5.0.2195.6860; the KB's rows are 4.2.x: another version of the component"
    )


# -- --os and --exclude ------------------------------------------------------------------------


def test_os_states_the_profile(built: dict[str, Path]) -> None:
    data = scan(TREES / "apps-only", built["2492386"], extra=("--os", "Windows XP SP2 x86"))
    assert data["system"]["os"] == "Windows XP"
    assert data["system"]["source"] == "--os"
    assert "unknown" not in data["stderr"]
    assert kb_of(data, "2492386")["reason"] == "needs SP3; the system has SP2"
    # Over a detected profile: the stated one wins.
    data = scan(TREES / "xp-sp3-x86", built["2492386"], extra=("--os", "Windows XP SP2"))
    assert (data["system"]["service_pack"], data["system"]["version"]) == (2, "5.1.2600.5512")
    code, out, _ = run("scan", TREES / "xp-sp3-x86", "-m", built["2492386"], "--os", "XP SP2")
    assert code == 1
    assert (
        out.splitlines()[0] == "system: Windows XP SP2 x86 (stated with --os; kernel 5.1.2600.5512)"
    )


@pytest.mark.parametrize("text", ["Windows Vsta", "Windows 10", "Windows 8 SP1", "BeOS"])
def test_os_not_understood_is_a_usage_error(text: str, built: dict[str, Path]) -> None:
    code, out, err = run("scan", DEMO, "-m", built["323332"], "--os", text)
    assert code == 2
    assert out == ""
    assert "Invalid value for '--os'" in err
    assert "Traceback" not in err


def test_exclude_leaves_paths_out() -> None:
    data = scan(
        TREES / "win7-sp1-x64", SCAN / "kb-win7-sspicli.yaml", extra=("--exclude", "Program Files")
    )
    assert files_of(data["kbs"][0]) == {"Windows/System32/sspicli.dll": ("CURRENT", None)}
    data = scan(
        TREES / "win7-sp1-x64",
        SCAN / "kb-win7-sspicli.yaml",
        extra=("--exclude", "windows/system32/*"),
    )
    assert files_of(data["kbs"][0]) == {"Program Files/Fabrikam/sspicli.dll": ("OUTDATED", None)}
