"""Which rows of a KB apply to a system, before any version is compared.

Like every careful checker, verscan gates on the operating system first:

1. **Release.** A row is for the kernel lines of its ``releases``; a row without
   releases whose version is on a kernel's own line (``6.0.6002.18005`` is Vista
   SP2's, ``5.1.2600.6093`` XP's) is for that line. Rows for other lines than
   the system's do not apply to it. Rows for no known release apply anywhere.
2. **System platform.** A row of the table for x86-based systems does not apply
   to an x64 system, even to its 32-bit copies: the x64 package's WOW64 rows do.
3. **Service pack.** When some rows are for the system's service pack, rows
   for other service packs do not apply.
4. **Version line** (per copy): a hotfix never changes a file's major.minor, so a
   row applies only to copies on its version line (IIS 4.0's ``asp.dll`` is 4.2.x,
   IIS 5.0's 5.0.x; Internet Explorer 6's ``mshtml.dll`` 6.0.x, IE 8's 8.0.x).

A KB none of whose rows is for the system is NOT_APPLICABLE; one whose rows for
the system all need a later service pack is MISSING.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from verscan.manifest.model import FileRow
from verscan.system.profile import Profile
from verscan.verdicts.branches import sp_number
from verscan.versions import Version, format_version
from verscan.windows.catalogue import line_of, lines_named, lines_of


def row_lines(row: FileRow) -> frozenset[str]:
    """The kernel lines a row is for: its releases', else its version's own; empty: unknown."""
    if row.releases:
        return lines_of(row.releases)
    version = row.parsed_version
    if version is not None and len(version) == 4:
        line = line_of(version)
        if line is not None:
            return frozenset({line.key})
    return frozenset()


@dataclass(frozen=True)
class Fit:
    """The rows that apply, or why none does."""

    rows: tuple[FileRow, ...]
    """The rows that apply (in manifest order)."""
    reason: str = ""
    """Why none applies, naming both sides (empty when some do)."""


def for_system(rows: Sequence[FileRow], profile: Profile) -> Fit:
    """The rows for the system's release, platform and service pack (steps 1 to 3)."""
    kept = list(rows)
    if profile.line is not None:
        fitting = [r for r in kept if _for_line(r, profile.line)]
        if not fitting:
            return Fit(
                (), f"KB rows are for {_for_whom(kept)}; this system is {profile.describe()}"
            )
        kept = fitting
    if profile.platform is not None:
        fitting = [
            r for r in kept if r.system_platform is None or r.system_platform == profile.platform
        ]
        if not fitting:
            platforms = ", ".join(sorted({str(r.system_platform) for r in kept}))
            return Fit(
                (),
                f"KB rows are for {platforms}-based systems; "
                f"this system is {profile.platform}-based",
            )
        kept = fitting
    if profile.service_pack is not None:
        ours = [r for r in kept if sp_number(r.sp_requirement) == profile.service_pack]
        if ours:
            kept = [r for r in kept if sp_number(r.sp_requirement) in (None, profile.service_pack)]
    return Fit(tuple(kept))


def on_version_line(rows: Iterable[FileRow], installed: Version) -> Fit:
    """The rows on the installed copy's version line (step 4).

    Rows without a version stay beside them; when the KB has versioned rows for the file but
    none on the copy's line, no row applies: the copy is another version of the component.
    """
    rows = list(rows)
    same = tuple(r for r in rows if _versioned(r) and _line(_v(r)) == _line(installed))
    if same or not any(_versioned(r) for r in rows):
        # Rows without a version stay beside those on the line (size or hash may decide).
        return Fit(tuple(r for r in rows if r in same or not _versioned(r)))
    listed = sorted({_line(_v(r)) for r in rows if _versioned(r)})
    shown = ", ".join(f"{a}.{b}.x" for a, b in listed)
    return Fit(
        (),
        f"copy is {format_version(installed)}; the KB's rows are {shown}: "
        "another version of the component",
    )


def needs_later_sp(rows: Sequence[FileRow], profile: Profile) -> str | None:
    """``needs SP2; the system has SP1`` when every row for the system needs a later SP.

    A row's service pack is its SP requirement, else, on Vista and Windows 7 whose builds
    are their service packs, its version's build (6.1.7601.x is SP1's).
    """
    have = profile.service_pack
    if have is None or not rows:
        return None
    needed = [_row_sp(r) for r in rows]
    if any(n is None or n <= have for n in needed):
        return None
    lowest = min(n for n in needed if n is not None)
    return f"needs SP{lowest}; the system has {profile.sp_text()}"


def _row_sp(row: FileRow) -> int | None:
    stated = sp_number(row.sp_requirement)
    if stated is not None:
        return stated
    version = row.parsed_version
    line = line_of(version) if version is not None and len(version) == 4 else None
    if line is None or not line.sp_by_build:
        return None
    return line.service_pack(version or ())


def _versioned(row: FileRow) -> bool:
    """Whether the row has a version of two parts or more (a version line)."""
    version = row.parsed_version
    return version is not None and len(version) >= 2


def _v(row: FileRow) -> Version:
    return row.parsed_version or ()


def _line(version: Version) -> tuple[int, int]:
    return (version[0], version[1] if len(version) > 1 else 0)


def _for_line(row: FileRow, line: str) -> bool:
    lines = row_lines(row)
    return not lines or line in lines


def _for_whom(rows: Iterable[FileRow]) -> str:
    keys: set[str] = set()
    for row in rows:
        keys |= row_lines(row)
    return lines_named(keys) or "other releases"
