"""Windows releases named in KB headings, product lists and --os."""

from __future__ import annotations

import pytest

from verscan.system.profile import ProfileError, stated_profile
from verscan.windows.names import read_mentions, suggest_release


@pytest.mark.parametrize(
    ("text", "releases", "platform", "sps"),
    [
        (
            "For all supported x64-based versions of Windows 7 and of Windows Server 2008 R2",
            ("Windows 7", "Windows Server 2008 R2"),
            "x64",
            (),
        ),
        (
            "Windows Vista and Windows Server 2008 file information notes",
            ("Windows Vista", "Windows Server 2008"),
            None,
            (),
        ),
        # XP in an x64 heading is XP Professional x64 Edition (Server 2003's kernel).
        (
            "For all supported x64-based versions of Windows XP and of Windows Server 2003",
            ("Windows XP x64", "Windows Server 2003"),
            "x64",
            (),
        ),
        ("For all supported x86-based versions of Windows XP", ("Windows XP",), "x86", ()),
        (
            "For all supported IA-64-based versions of Windows Server 2008 R2",
            ("Windows Server 2008 R2",),
            "ia64",
            (),
        ),
        (
            "Microsoft Windows NT Server version 4.0, Terminal Server Edition",
            ("Windows NT 4.0",),
            None,
            (),
        ),
        ("Windows NT versions 3.51 and 4.0", ("Windows NT 3.51", "Windows NT 4.0"), None, ()),
        ("Microsoft Windows 2000 Advanced Server SP4", ("Windows 2000",), None, (4,)),
        (
            "Windows 10, version 1809 and Windows Server 2019",
            ("Windows 10 version 1809", "Windows Server 2019"),
            None,
            (),
        ),
        (
            "Windows 10 Version 21H2 and 22H2 for x64-based Systems",
            ("Windows 10 version 21H2", "Windows 10 version 22H2"),
            "x64",
            (),
        ),
        (
            "Windows Server 2003 with Service Pack 1, x64-based versions",
            ("Windows Server 2003",),
            "x64",
            (1,),
        ),
        ("Windows 98 Second Edition and Windows Me", ("Windows 98 SE", "Windows Me"), None, ()),
        ("Windows Media Player 9 Series", (), None, ()),
        (
            "January 14, 2025—KB5049981 (OS Builds 19044.5371 and 19045.5371)",
            ("Windows 10 version 21H2", "Windows 10 version 22H2"),
            None,
            (),
        ),
        ("Windows Server 2003, 64-bit Edition", ("Windows Server 2003",), "ia64", ()),
        ("Windows Server 2003, 32-bit Edition", ("Windows Server 2003",), "x86", ()),
        ("Windows Vista 64-bit Editions", ("Windows Vista",), "x64", ()),
        ("SMS Service Pack 3 (SP3) on Windows NT 4.0", ("Windows NT 4.0",), None, ()),
        ("Windows 2000 Server Service Pack 4 (SP4)", ("Windows 2000",), None, (4,)),
        ("Windows XP Service Pack 2 and Windows XP SP3", ("Windows XP",), None, (2, 3)),
        ("Windows NT 4.0 SP6a", ("Windows NT 4.0",), None, (6,)),
        ("IIS 5.0", (), None, ()),
        ("Windows 8.1 and Windows RT 8.1", ("Windows 8.1",), None, ()),
        (
            "Windows Server 2012 R2 and Windows Server 2012",
            ("Windows Server 2012 R2", "Windows Server 2012"),
            None,
            (),
        ),
    ],
)
def test_mentions(
    text: str, releases: tuple[str, ...], platform: str | None, sps: tuple[int, ...]
) -> None:
    found = read_mentions(text)
    assert found.releases == releases
    assert found.platform == platform
    assert found.service_packs == sps


def test_suggestions_for_misspelt_names() -> None:
    assert suggest_release("Windows Vsta") == "Windows Vista"
    assert suggest_release("windows xp") == "Windows XP"
    assert (
        suggest_release("Microsoft Windows Server 2008 R2 Enterprise") == "Windows Server 2008 R2"
    )
    assert suggest_release("Solaris") is None


@pytest.mark.parametrize(
    ("text", "line", "sp", "platform"),
    [
        ("Windows XP SP3 x86", "xp", 3, "x86"),
        ("XP SP2", "xp", 2, None),
        ("Windows 7 SP1 x64", "7", 1, "x64"),
        ("Windows Server 2008 R2 Service Pack 1 amd64", "7", 1, "x64"),
        ("Windows 7 / Server 2008 R2 SP1 x64", "7", 1, "x64"),  # as a report prints it
        ("Windows Vista RTM", "vista", 0, None),
        ("Windows 10 version 22H2 x64", "10-19041", None, "x64"),
        ("Windows XP Professional x64 Edition SP2", "2003", 2, "x64"),
        ("Windows 2000 SP4", "2000", 4, None),
    ],
)
def test_stated_profiles(text: str, line: str, sp: int | None, platform: str | None) -> None:
    profile = stated_profile(text)
    assert (profile.line, profile.service_pack, profile.platform) == (line, sp, platform)
    assert profile.source == "--os"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Windows Vsta", "names no Windows release"),
        ("Solaris 10", "names no Windows release"),
        ("Windows XP and Windows Vista", "more than one kernel"),
        ("Windows 10 x64", "more than one kernel"),
        ("Windows 7 SP1 x86 x64", "more than one platform"),
        ("Windows XP SP2 SP3", "more than one service pack"),
        ("Windows 8 SP1", "has no service packs"),
    ],
)
def test_stated_profiles_refused(text: str, why: str) -> None:
    with pytest.raises(ProfileError, match=why) as caught:
        stated_profile(text)
    if "release" in why or "kernel" in why:
        assert "Windows XP" in str(caught.value)  # the message lists what is accepted
