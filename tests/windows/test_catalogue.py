"""The release catalogue: kernel versions to releases and service packs."""

from __future__ import annotations

import pytest

from verscan.windows.catalogue import LINES, RELEASE_NAMES, RELEASES, line_of, lines_of


@pytest.mark.parametrize(
    ("version", "line", "sp"),
    [
        ((4, 0, 1381, 7224), "nt4", None),
        ((5, 0, 2195, 1), "2000", 0),
        ((5, 0, 2195, 1620), "2000", 1),
        ((5, 0, 2195, 5438), "2000", 3),
        ((5, 0, 2195, 6688), "2000", 4),  # SP4's kernel32.dll
        ((5, 0, 2195, 6717), "2000", 4),  # SP4's ntoskrnl.exe
        ((5, 1, 2600, 0), "xp", 0),
        ((5, 1, 2600, 1106), "xp", 1),
        ((5, 1, 2600, 2179), "xp", 1),
        ((5, 1, 2600, 2180), "xp", 2),
        ((5, 1, 2600, 3093), "xp", 2),  # a post-SP2 hotfix kernel
        ((5, 1, 2600, 5512), "xp", 3),
        ((5, 1, 2600, 6419), "xp", 3),
        ((5, 2, 3790, 0), "2003", 0),
        ((5, 2, 3790, 1830), "2003", 1),
        ((5, 2, 3790, 4354), "2003", 2),
        ((6, 0, 6000, 16386), "vista", 0),
        ((6, 0, 6001, 18000), "vista", 1),
        ((6, 0, 6002, 18005), "vista", 2),
        ((6, 0, 6003, 20491), "vista", 2),  # Server 2008 SP2 after 2019
        ((6, 1, 7600, 16385), "7", 0),
        ((6, 1, 7601, 17514), "7", 1),
        ((6, 2, 9200, 16384), "8", None),
        ((6, 3, 9600, 17031), "8.1", None),
        ((10, 0, 14393, 0), "10-14393", None),
        ((10, 0, 17763, 107), "10-17763", None),
        ((10, 0, 19041, 3636), "10-19041", None),
        ((10, 0, 19045, 3636), "10-19041", None),
        ((10, 0, 22621, 2506), "11-22621", None),
        ((10, 0, 26100, 1), "11-26100", None),
    ],
)
def test_kernel_version_names_the_line_and_service_pack(
    version: tuple[int, ...], line: str, sp: int | None
) -> None:
    found = line_of(version)
    assert found is not None and found.key == line
    assert (found.service_pack(version) if found.has_service_packs else None) == sp


@pytest.mark.parametrize(
    "version", [(5, 0, 2196, 1), (6, 1, 7602, 1), (10, 0, 12345, 1), (7, 0, 1, 1), (5, 0)]
)
def test_versions_no_release_has(version: tuple[int, ...]) -> None:
    assert line_of(version) is None


def test_releases_name_known_lines_and_are_unique() -> None:
    keys = {line.key for line in LINES}
    assert len(set(RELEASE_NAMES)) == len(RELEASE_NAMES)
    for release in RELEASES:
        assert release.lines and set(release.lines) <= keys, release.name


def test_client_and_server_share_a_line() -> None:
    assert lines_of(["Windows 7"]) == lines_of(["Windows Server 2008 R2"]) == {"7"}
    assert lines_of(["Windows XP x64"]) == lines_of(["Windows Server 2003"]) == {"2003"}
    assert lines_of(["Windows 10 version 22H2"]) == lines_of(["Windows 10 version 2004"])
    assert len(lines_of(["Windows 10"])) == 9
    assert lines_of(["Windows Vista", "Windows 7"]) == {"vista", "7"}
    assert lines_of(["Not a release"]) == frozenset()


def test_service_pack_base_versions() -> None:
    xp = line_of((5, 1, 2600, 0))
    assert xp is not None and xp.sp_base(3) == (5, 1, 2600, 5512)
    seven = line_of((6, 1, 7601, 0))
    assert seven is not None and seven.sp_base(1) == (6, 1, 7601, 0)
