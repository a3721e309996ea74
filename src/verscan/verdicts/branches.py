"""Which manifest row applies to an installed copy: platforms, service branches, service packs.

A Windows file can be serviced on several branches at once (GDR and QFE/LDR),
and one KB lists a row for each. Like the careful checkers, verscan gives each
row a *floor*: the row applies to installed versions at or above it, and among
the rows that apply the highest floor wins. Comparing against the lowest listed
version instead would call an unpatched LDR file patched.

Floors, in order of authority:

1. ``min_version`` when the manifest gives one;
2. rows on different major.minor.build values: the row's build (``a.b.c.0``);
3. rows on the same build: the revision band as Microsoft numbers it (16000-19999
   GDR, 20000 and up LDR/QFE) and the base version of the row's service pack
   (:data:`SERVICE_PACK_BASES`), whichever is higher;
4. the lowest row of a file has no floor, and neither has a file's only row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from verscan.manifest.model import FileRow
from verscan.versions import Version, align, compare, format_version
from verscan.windows.catalogue import LINES

GDR_BAND = 16000
"""First revision of the GDR band on Vista and later (6.1.7601.17xxx/18xxx)."""
LDR_BAND = 20000
"""First revision of the LDR/QFE band on Vista and later (6.1.7601.21xxx/22xxx)."""

SERVICE_PACK_BASES: dict[Version, dict[int, Version]] = {
    line.kernel: {sp: (*line.kernel, base) for sp, base in line.sp_bases}
    for line in LINES
    if line.sp_bases
}
"""The file version each service pack brought, by major.minor.build and service-pack number
(Windows 2000, XP, Server 2003: :data:`verscan.windows.catalogue.LINES`)."""


@dataclass(frozen=True)
class Choice:
    """The row chosen for a copy, and why."""

    row: FileRow
    """The applicable row."""
    floor: Version | None
    """Its floor (None: no floor)."""
    reason: str
    """How the row was chosen, for the report (empty when there was only one row)."""


def _build(v: Version) -> Version:
    return tuple(v[:3])


def sp_number(text: str | None) -> int | None:
    """The service pack a requirement names (``SP2`` → 2, ``RTM`` → 0), or None."""
    if not text:
        return None
    if re.search(r"\bRTM\b", text, re.IGNORECASE):
        return 0
    m = re.search(r"(?:SP|service\s*pack)\s*(\d+)", text, re.IGNORECASE)
    return int(m.group(1)) if m else None


def _band(revision: int) -> int | None:
    if revision >= LDR_BAND:
        return LDR_BAND
    if revision >= GDR_BAND:
        return GDR_BAND
    return None


def row_floors(rows: Sequence[FileRow]) -> list[Version | None]:
    """The floor of each row of one file on one platform (rows without a version: None)."""
    versions = [r.parsed_version for r in rows]
    known = [v for v in versions if v is not None]
    lowest = min((align(v, v)[0] for v in known), default=None)
    builds = {_build(align(v, v)[0]) for v in known}
    floors: list[Version | None] = []
    for row, version in zip(rows, versions):
        explicit = row.parsed_min_version
        if explicit is not None:
            floors.append(align(explicit, explicit)[0])
            continue
        if version is None or len(known) < 2:
            floors.append(None)
            continue
        full = align(version, version)[0]
        if full == lowest:
            floors.append(None)
            continue
        floor: Version | None = None
        if len(builds) > 1:
            floor = (*_build(full), 0)
        same_build = [align(v, v)[0] for v in known if _build(align(v, v)[0]) == _build(full)]
        if len(same_build) > 1:
            candidates: list[Version] = []
            band = _band(full[3])
            if band is not None:
                candidates.append((*_build(full), band))
            sp = sp_number(row.sp_requirement)
            base = SERVICE_PACK_BASES.get(_build(full), {}).get(sp) if sp is not None else None
            if base is not None:
                candidates.append(base)
            if candidates:
                floor = max(candidates)
        floors.append(floor)
    return floors


def _row_order(row_floor: tuple[FileRow, Version | None]) -> Version:
    version = row_floor[0].parsed_version or ()
    return align(version, version)[0]


def choose_row(rows: Sequence[FileRow], installed: Version) -> Choice | None:
    """The row that applies to ``installed`` among one file's rows for its platform.

    Rows whose floor ``installed`` reaches apply; the highest floor wins. When
    several rows share that floor (nothing tells their branches apart) the
    highest row the installed version reaches is taken, else the lowest.
    """
    versioned = [r for r in rows if r.parsed_version is not None]
    if not versioned:
        return Choice(rows[0], None, "") if rows else None
    floors = row_floors(versioned)
    applicable = [
        (row, floor)
        for row, floor in zip(versioned, floors)
        if floor is None or compare(floor, installed) >= 0
    ]
    if not applicable:
        # Below every floor: the lowest row decides (it always has none, unless all are explicit).
        row, floor = min(zip(versioned, floors), key=_row_order)
        return Choice(
            row, floor, f"older than every row's range: judged by the lowest, {row.version}"
        )
    best_floor = max((f for _, f in applicable if f is not None), default=None)
    tied = [(r, f) for r, f in applicable if f == best_floor]
    tied.sort(key=_row_order)
    reached = [rf for rf in tied if compare(rf[0].parsed_version or (), installed) >= 0]
    row, floor = reached[-1] if reached else tied[0]
    reason = _described(row, floor, len(versioned)) if len(versioned) > 1 else ""
    return Choice(row, floor, reason)


def _described(row: FileRow, floor: Version | None, count: int) -> str:
    """The chosen row in the words of the domain: ``LDR branch row, for 6.1.7601.20000 and up``."""
    version = row.parsed_version or ()
    full = align(version, version)[0] if version else ()
    branch = row.branch if row.branch in ("GDR", "QFE", "LDR") else None
    if branch is None and len(full) == 4 and full[0] >= 6:
        band = _band(full[3])
        branch = {GDR_BAND: "GDR", LDR_BAND: "LDR"}.get(band) if band is not None else None
    if branch is not None:
        kind = f"{branch} branch row {row.version}"
    elif sp_number(row.sp_requirement) is not None:
        kind = f"{row.sp_requirement} row {row.version}"
    else:
        kind = f"row {row.version}"
    if floor is not None:
        return f"{kind}, for {format_version(floor)} and up"
    return f"{kind}, the lowest of {count} rows for this file"
