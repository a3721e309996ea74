"""The Windows releases verscan knows, and the kernel version of each.

Two lists, one documented in the README:

- :data:`LINES`: *kernel lines*. A kernel line is what a system's kernel
  (``ntoskrnl.exe``, else ``kernel32.dll``) can tell: its fixed file version's
  major.minor.build. Client and server releases of one code base share a line
  and their hotfix packages (Windows 7 and Server 2008 R2 are ``6.1.7600`` and
  ``6.1.7601``), and so do the Windows 10 and 11 feature updates delivered as
  enablement packages (22H2 runs the 19041 binaries).
- :data:`RELEASES`: the names a manifest row may carry in ``releases``, each on
  one kernel line or more (``Windows 10`` with no version is every Windows 10 line).

Service packs before Vista are not in the build: each service pack's files carry
a revision of their own, so a kernel at or above a service pack's base revision
has that service pack. Windows 2000's bases are the revisions of the kernel
files each service pack installed (SP4: ``ntoskrnl.exe`` 5.0.2195.6717,
``kernel32.dll`` 5.0.2195.6688, so 6688 is the base); XP's and Server 2003's are
the service packs' own build revisions (XP SP2 5.1.2600.2180, SP3 .5512; Server
2003 SP1 5.2.3790.1830, SP2 .3959). From Vista on the build is the service pack
(6001 SP1, 6002 SP2; 7601 SP1), and Windows 8 and later have none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from verscan.versions import Version


@dataclass(frozen=True)
class Line:
    """A kernel line: the releases that share one kernel, as its version tells them."""

    key: str
    """Short identifier (``"xp"``, ``"10-19041"``)."""
    name: str
    """How reports name it (``Windows 7 / Server 2008 R2``)."""
    major_minor: tuple[int, int]
    """The kernel's major.minor (``(6, 1)``)."""
    builds: tuple[int, ...]
    """The builds of the kernel's fixed version on this line."""
    family: str = "nt"
    """``"nt"``, or ``"9x"`` for Windows 95, 98 and Me (no ``ntoskrnl.exe``)."""
    sp_bases: tuple[tuple[int, int], ...] = ()
    """Service pack number and the revision that service pack brought, in order."""
    sp_by_build: tuple[tuple[int, int], ...] = ()
    """Build and the service pack it means (Vista and Windows 7)."""
    has_service_packs: bool = True
    """False for the releases that never had service packs (Windows 8 and later)."""

    @property
    def kernel(self) -> Version:
        """major.minor.build of the line's first build (``(6, 1, 7600)``)."""
        return (*self.major_minor, self.builds[0])

    def holds(self, version: Version) -> bool:
        """Whether a version's major.minor.build is one of this line's builds."""
        return (
            len(version) >= 3
            and tuple(version[:2]) == self.major_minor
            and version[2] in self.builds
        )

    def service_pack(self, version: Version) -> int | None:
        """The service pack a kernel of ``version`` (on this line) has; None when unknowable."""
        if not self.holds(version):
            return None
        for build, sp in self.sp_by_build:
            if version[2] == build:
                return sp
        if not self.sp_bases:
            return None
        revision = version[3] if len(version) > 3 else 0
        found = 0
        for sp, base in self.sp_bases:
            if revision >= base:
                found = sp
        return found

    def sp_base(self, sp: int) -> Version | None:
        """The version service pack ``sp`` brought (``(5, 1, 2600, 5512)`` for XP SP3)."""
        for number, base in self.sp_bases:
            if number == sp:
                return (*self.major_minor, self.builds[0], base)
        for build, number in self.sp_by_build:
            if number == sp:
                return (*self.major_minor, build, 0)
        return None


LINES: tuple[Line, ...] = (
    Line("nt31", "Windows NT 3.1", (3, 10), (528,)),
    Line("nt35", "Windows NT 3.5", (3, 50), (807,)),
    Line("nt351", "Windows NT 3.51", (3, 51), (1057,)),
    # NT 4.0's kernel revision does not follow its service packs: the service pack is unknown.
    Line("nt4", "Windows NT 4.0", (4, 0), (1381,)),
    Line("95", "Windows 95", (4, 0), (950, 1111, 1212, 1213, 1214), family="9x"),
    Line("98", "Windows 98", (4, 10), (1998,), family="9x"),
    Line("98se", "Windows 98 SE", (4, 10), (2222,), family="9x"),
    Line("me", "Windows Me", (4, 90), (3000,), family="9x", has_service_packs=False),
    Line(
        "2000",
        "Windows 2000",
        (5, 0),
        (2195,),
        sp_bases=((1, 1620), (2, 2951), (3, 5438), (4, 6688)),
    ),
    Line("xp", "Windows XP", (5, 1), (2600,), sp_bases=((1, 1106), (2, 2180), (3, 5512))),
    Line(
        "2003",
        "Windows Server 2003 / XP x64",
        (5, 2),
        (3790,),
        sp_bases=((1, 1830), (2, 3959)),
    ),
    Line(
        "vista",
        "Windows Vista / Server 2008",
        (6, 0),
        (6000, 6001, 6002, 6003),
        sp_by_build=((6000, 0), (6001, 1), (6002, 2), (6003, 2)),
    ),
    Line(
        "7",
        "Windows 7 / Server 2008 R2",
        (6, 1),
        (7600, 7601),
        sp_by_build=((7600, 0), (7601, 1)),
    ),
    Line("8", "Windows 8 / Server 2012", (6, 2), (9200,), has_service_packs=False),
    Line("8.1", "Windows 8.1 / Server 2012 R2", (6, 3), (9600,), has_service_packs=False),
    Line("10-10240", "Windows 10 version 1507", (10, 0), (10240,), has_service_packs=False),
    Line("10-10586", "Windows 10 version 1511", (10, 0), (10586,), has_service_packs=False),
    Line(
        "10-14393",
        "Windows 10 version 1607 / Server 2016",
        (10, 0),
        (14393,),
        has_service_packs=False,
    ),
    Line("10-15063", "Windows 10 version 1703", (10, 0), (15063,), has_service_packs=False),
    Line("10-16299", "Windows 10 version 1709", (10, 0), (16299,), has_service_packs=False),
    Line("10-17134", "Windows 10 version 1803", (10, 0), (17134,), has_service_packs=False),
    Line(
        "10-17763",
        "Windows 10 version 1809 / Server 2019",
        (10, 0),
        (17763,),
        has_service_packs=False,
    ),
    Line(
        "10-18362",
        "Windows 10 version 1903 / 1909",
        (10, 0),
        (18362, 18363),
        has_service_packs=False,
    ),
    Line(
        "10-19041",
        "Windows 10 version 2004 to 22H2",
        (10, 0),
        (19041, 19042, 19043, 19044, 19045),
        has_service_packs=False,
    ),
    Line("10-20348", "Windows Server 2022", (10, 0), (20348,), has_service_packs=False),
    Line("11-22000", "Windows 11 version 21H2", (10, 0), (22000,), has_service_packs=False),
    Line(
        "11-22621",
        "Windows 11 version 22H2 / 23H2",
        (10, 0),
        (22621, 22631),
        has_service_packs=False,
    ),
    Line("10-25398", "Windows Server version 23H2", (10, 0), (25398,), has_service_packs=False),
    Line(
        "11-26100",
        "Windows 11 version 24H2 / 25H2 / Server 2025",
        (10, 0),
        (26100, 26200),
        has_service_packs=False,
    ),
)
"""Every kernel line, oldest first."""

LINE_BY_KEY: dict[str, Line] = {line.key: line for line in LINES}


@dataclass(frozen=True)
class Release:
    """A Windows release as a manifest names it."""

    name: str
    """The name written in manifests (``Windows Server 2008 R2``)."""
    lines: tuple[str, ...]
    """Keys of the kernel lines it runs on."""
    platform: str | None = None
    """The one system platform the release exists for, if it has only one (XP x64: x64)."""


_WIN10_LINES = (
    "10-10240", "10-10586", "10-14393", "10-15063", "10-16299", "10-17134",
    "10-17763", "10-18362", "10-19041",
)  # fmt: skip
_WIN11_LINES = ("11-22000", "11-22621", "11-26100")

RELEASES: tuple[Release, ...] = (
    Release("Windows NT 3.1", ("nt31",)),
    Release("Windows NT 3.5", ("nt35",)),
    Release("Windows NT 3.51", ("nt351",)),
    Release("Windows NT 4.0", ("nt4",)),
    Release("Windows 95", ("95",), "x86"),
    Release("Windows 98", ("98",), "x86"),
    Release("Windows 98 SE", ("98se",), "x86"),
    Release("Windows Me", ("me",), "x86"),
    Release("Windows 2000", ("2000",)),
    Release("Windows XP", ("xp",)),
    Release("Windows XP x64", ("2003",), "x64"),
    Release("Windows XP 64-Bit Edition", ("2003",), "ia64"),
    Release("Windows Server 2003", ("2003",)),
    Release("Windows Server 2003 R2", ("2003",)),
    Release("Windows Vista", ("vista",)),
    Release("Windows Server 2008", ("vista",)),
    Release("Windows 7", ("7",)),
    Release("Windows Server 2008 R2", ("7",)),
    Release("Windows 8", ("8",)),
    Release("Windows Server 2012", ("8",)),
    Release("Windows 8.1", ("8.1",)),
    Release("Windows Server 2012 R2", ("8.1",)),
    Release("Windows 10", _WIN10_LINES),
    Release("Windows 10 version 1507", ("10-10240",)),
    Release("Windows 10 version 1511", ("10-10586",)),
    Release("Windows 10 version 1607", ("10-14393",)),
    Release("Windows 10 version 1703", ("10-15063",)),
    Release("Windows 10 version 1709", ("10-16299",)),
    Release("Windows 10 version 1803", ("10-17134",)),
    Release("Windows 10 version 1809", ("10-17763",)),
    Release("Windows 10 version 1903", ("10-18362",)),
    Release("Windows 10 version 1909", ("10-18362",)),
    Release("Windows 10 version 2004", ("10-19041",)),
    Release("Windows 10 version 20H2", ("10-19041",)),
    Release("Windows 10 version 21H1", ("10-19041",)),
    Release("Windows 10 version 21H2", ("10-19041",)),
    Release("Windows 10 version 22H2", ("10-19041",)),
    Release("Windows Server 2016", ("10-14393",)),
    Release("Windows Server version 1709", ("10-16299",)),
    Release("Windows Server version 1803", ("10-17134",)),
    Release("Windows Server 2019", ("10-17763",)),
    Release("Windows Server version 1903", ("10-18362",)),
    Release("Windows Server version 1909", ("10-18362",)),
    Release("Windows Server version 2004", ("10-19041",)),
    Release("Windows Server version 20H2", ("10-19041",)),
    Release("Windows Server 2022", ("10-20348",)),
    Release("Windows Server version 23H2", ("10-25398",)),
    Release("Windows 11", _WIN11_LINES),
    Release("Windows 11 version 21H2", ("11-22000",)),
    Release("Windows 11 version 22H2", ("11-22621",)),
    Release("Windows 11 version 23H2", ("11-22621",)),
    Release("Windows 11 version 24H2", ("11-26100",)),
    Release("Windows 11 version 25H2", ("11-26100",)),
    Release("Windows Server 2025", ("11-26100",)),
)
"""Every release name a manifest may use, oldest first."""

RELEASE_BY_NAME: dict[str, Release] = {r.name: r for r in RELEASES}

BUILD_RELEASES: dict[int, tuple[str, ...]] = {
    10240: ("Windows 10 version 1507",),
    10586: ("Windows 10 version 1511",),
    14393: ("Windows 10 version 1607", "Windows Server 2016"),
    15063: ("Windows 10 version 1703",),
    16299: ("Windows 10 version 1709", "Windows Server version 1709"),
    17134: ("Windows 10 version 1803", "Windows Server version 1803"),
    17763: ("Windows 10 version 1809", "Windows Server 2019"),
    18362: ("Windows 10 version 1903", "Windows Server version 1903"),
    18363: ("Windows 10 version 1909", "Windows Server version 1909"),
    19041: ("Windows 10 version 2004", "Windows Server version 2004"),
    19042: ("Windows 10 version 20H2", "Windows Server version 20H2"),
    19043: ("Windows 10 version 21H1",),
    19044: ("Windows 10 version 21H2",),
    19045: ("Windows 10 version 22H2",),
    20348: ("Windows Server 2022",),
    22000: ("Windows 11 version 21H2",),
    22621: ("Windows 11 version 22H2",),
    22631: ("Windows 11 version 23H2",),
    25398: ("Windows Server version 23H2",),
    26100: ("Windows 11 version 24H2", "Windows Server 2025"),
    26200: ("Windows 11 version 25H2",),
}
"""The releases an "OS Build" number of Windows 10 and later names (update articles' titles:
``KB5049981 (OS Builds 19044.5371 and 19045.5371)``)."""

RELEASE_NAMES: tuple[str, ...] = tuple(r.name for r in RELEASES)
"""The names, in catalogue order (for messages and suggestions)."""


def release(name: str) -> Release | None:
    """The release of this exact manifest name, or None."""
    return RELEASE_BY_NAME.get(name)


def lines_of(names: Iterable[str]) -> frozenset[str]:
    """The kernel-line keys of the named releases (unknown names are skipped)."""
    keys: set[str] = set()
    for name in names:
        found = RELEASE_BY_NAME.get(name)
        if found is not None:
            keys.update(found.lines)
    return frozenset(keys)


def line_of(version: Version) -> Line | None:
    """The kernel line a kernel's fixed version names, or None when no release has it."""
    for line in LINES:
        if line.holds(version):
            return line
    return None


def lines_named(keys: Iterable[str]) -> str:
    """The lines' names joined for a message, in catalogue order."""
    wanted = set(keys)
    return ", ".join(line.name for line in LINES if line.key in wanted)
