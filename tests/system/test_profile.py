"""Finding the profile: where the kernel is looked for, and what is made of it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from verscan.pe import Status, VersionInfo
from verscan.system.profile import UNKNOWN, Profile, detect_profile, profile_from_record


def tree(files: dict[str, VersionInfo]) -> tuple[object, object]:
    """``children`` and ``read`` over a dict of files (folders implied by the paths)."""
    folders: dict[str, dict[str, None]] = {"": {}}
    for rel in files:
        parent = ""
        for part in rel.split("/"):
            folders.setdefault(parent, {})[part] = None
            parent = f"{parent}/{part}" if parent else part

    def children(rel: str) -> Sequence[str] | None:
        listing = folders.get(rel)
        return list(listing) if listing is not None else None

    return children, files.get


def kernel(version: tuple[int, int, int, int], platform: str = "x86", tag: str = "") -> VersionInfo:
    text = ".".join(map(str, version)) + (f" ({tag})" if tag else "")
    return VersionInfo(
        path="k",
        status=Status.OK,
        platform=platform,
        file_version=version,
        strings={"FileVersion": text},
    )


def test_ntoskrnl_before_kernel32_and_case_ignored() -> None:
    children, read = tree(
        {
            "winnt/SYSTEM32/NTOSKRNL.EXE": kernel((5, 0, 2195, 6717)),
            "winnt/SYSTEM32/kernel32.dll": kernel((5, 0, 2195, 1)),
        }
    )
    p = detect_profile(children, read)  # type: ignore[arg-type]
    assert (p.os, p.service_pack, p.source, p.windows_folder) == (
        "Windows 2000",
        4,
        "winnt/SYSTEM32/NTOSKRNL.EXE",
        "winnt",
    )


def test_kernel32_when_there_is_no_ntoskrnl_and_the_build_tag() -> None:
    children, read = tree(
        {"Windows/System32/kernel32.dll": kernel((6, 1, 7601, 17514), "x64", "win7sp1_rtm.101119")}
    )
    p = detect_profile(children, read)  # type: ignore[arg-type]
    assert (p.describe(), p.build_tag) == (
        "Windows 7 / Server 2008 R2 SP1 x64",
        "win7sp1_rtm.101119",
    )


def test_a_folder_named_system32_without_a_kernel_is_not_windows() -> None:
    children, read = tree({"Tools/System32/readme.dll": kernel((1, 0, 0, 0))})
    p = detect_profile(children, read)  # type: ignore[arg-type]
    assert not p.known and "no Windows folder" in (p.warning or "")


def test_windows_old_is_not_a_second_windows_folder() -> None:
    children, read = tree(
        {
            "Windows/System32/ntoskrnl.exe": kernel((6, 1, 7601, 17514), "x64"),
            "Windows.old/Windows/System32/ntoskrnl.exe": kernel((6, 0, 6002, 18005)),
        }
    )
    assert detect_profile(children, read).os == "Windows 7 / Server 2008 R2"  # type: ignore[arg-type]


def test_record_round_trip() -> None:
    p = Profile("xp", "5.1.2600.5512", 3, "x86", "WINDOWS/system32/ntoskrnl.exe", "WINDOWS", "t")
    assert profile_from_record(p.record(), "system") == p
    assert profile_from_record(UNKNOWN.record(), "system") == UNKNOWN
    assert profile_from_record(None, "system") == UNKNOWN


@pytest.mark.parametrize(
    ("profile", "text"),
    [
        (Profile("vista", service_pack=0, platform="x64"), "Windows Vista / Server 2008 RTM x64"),
        (Profile("10-19041", platform="arm64"), "Windows 10 version 2004 to 22H2 arm64"),
        (Profile("nt4"), "Windows NT 4.0"),
        (Profile(warning="why"), "unknown (why)"),
    ],
)
def test_describe(profile: Profile, text: str) -> None:
    assert profile.describe() == text
