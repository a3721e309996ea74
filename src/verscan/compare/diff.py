"""Comparing two machines: a broken server with a healthy one.

Each side is an :class:`~verscan.system.inventory.Inventory`, saved earlier or taken
just now of a directory. Files are matched by their path relative to the root,
without regard to case (as Windows names them). For each pair:

- the platforms differ (an x64 file where the other machine has an x86 one):
  ``platform_differs``; the versions of two different builds say little more;
- else the versions differ: ``a_newer`` or ``b_newer``. The version compared is
  the fixed FileVersion, or the string one when there is no fixed block. A file
  with a version is newer than one without: Windows Installer's file
  versioning rules treat a versioned file as newer than an unversioned one;
- else the contents differ: ``same_version_different_content``, by SHA-256 when
  both sides have one (a side taken from a directory hashes on demand), else by
  size;
- a file on one side only: ``only_a`` or ``only_b``.

Files that could not be read are not compared: each is reported as a problem,
and so is a folder that could not be listed (the other side's files under it
are not called ``only_b``). The same problem on both sides is reported once,
for both. Which files take part: those an inventory keeps by default (PE files,
and files named like them); every file only when both sides are inventories
taken with ``--all``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from verscan.pe import Status, VersionInfo
from verscan.system.copies import fold
from verscan.system.exclude import Exclude, under_excluded
from verscan.system.interface import file_sha256
from verscan.system.inventory import (
    Inventory,
    InventoryFile,
    InventorySystem,
    joined,
    kept_by_default,
)
from verscan.system.profile import UNKNOWN, Profile
from verscan.verdicts import KBVerdict
from verscan.verdicts.scan import ScanResult
from verscan.versions import Version, format_version, parse_version


class Change(str, enum.Enum):
    """How a file differs between machine A and machine B."""

    A_NEWER = "a_newer"
    """A's version is later."""
    B_NEWER = "b_newer"
    """B's version is later."""
    ONLY_A = "only_a"
    """On A only."""
    ONLY_B = "only_b"
    """On B only."""
    SAME_VERSION_DIFFERENT_CONTENT = "same_version_different_content"
    """Same version, but other bytes (another hash or size)."""
    PLATFORM_DIFFERS = "platform_differs"
    """Built for another platform (x86 against x64, ...)."""
    SAME = "same"
    """No difference found."""


@dataclass(frozen=True)
class Side:
    """One machine of a comparison."""

    inventory: Inventory
    """What is known of its files."""
    live: bool = False
    """True when the inventory was just taken of a directory: hashes can be had from the files."""
    system: Profile | None = None
    """Which Windows it is, when stated (``--os``); else the inventory's own profile."""
    hasher: Callable[[str], str | None] | None = None
    """How a live side's file is hashed by its relative path, when not from the host's
    files (a disk image's); None: read ``root/rel``."""

    def profile(self) -> Profile:
        """Which Windows it is: stated, recorded in the inventory, or found from its files."""
        if self.system is not None:
            return self.system
        return InventorySystem(self.inventory).profile()

    @property
    def label(self) -> str:
        """The machine's name in the report."""
        return self.inventory.label or self.inventory.root

    def sha256(self, f: InventoryFile) -> str | None:
        """The file's SHA-256: recorded, or read from the file of a live directory."""
        if f.sha256 is not None or not self.live:
            return f.sha256
        if self.hasher is not None:
            return self.hasher(f.rel)
        return file_sha256(joined(self.inventory.root, f.rel))


@dataclass(frozen=True)
class FileDiff:
    """One file compared (or found on one side only)."""

    path: str
    """Relative path, as A names it when A has the file, else as B does."""
    change: Change
    """What differs."""
    a_version: str | None = None
    """A's version (None when absent or unversioned)."""
    b_version: str | None = None
    """B's version."""
    a_platform: str | None = None
    """A's platform."""
    b_platform: str | None = None
    """B's platform."""
    a_size: int | None = None
    """A's size in bytes."""
    b_size: int | None = None
    """B's size in bytes."""
    b_path: str | None = None
    """B's relative path when it is spelled otherwise than A's (case)."""
    note: str = ""
    """Why, when it is not obvious."""


@dataclass(frozen=True)
class DiffProblem:
    """A file or folder that could not be compared."""

    side: str
    """``"a"``, ``"b"``, or ``"both"`` when both machines show the same problem."""
    path: str
    """Relative path."""
    message: str
    """What happened."""


@dataclass(frozen=True)
class DiffResult:
    """The comparison of two machines' files."""

    a: str
    """Machine A's name."""
    b: str
    """Machine B's name."""
    files: tuple[FileDiff, ...]
    """Every file compared, sorted by path (unchanged ones included)."""
    problems: tuple[DiffProblem, ...]
    """What could not be compared."""
    a_system: Profile = field(default=UNKNOWN)
    """Which Windows machine A is."""
    b_system: Profile = field(default=UNKNOWN)
    """Which Windows machine B is."""

    @property
    def differences(self) -> tuple[FileDiff, ...]:
        """The files that differ."""
        return tuple(f for f in self.files if f.change is not Change.SAME)

    @property
    def differ(self) -> bool:
        """Whether the machines differ, or might: a difference, or a problem on one side only."""
        return bool(self.differences) or any(p.side != "both" for p in self.problems)


def comparable_version(info: VersionInfo) -> Version | None:
    """The version a comparison uses: the fixed one, else the parsed string one, else None."""
    if info.file_version is not None:
        return info.file_version
    return parse_version(info.file_version_string)


def _shown(info: VersionInfo) -> str | None:
    if info.file_version is not None:
        return info.file_version_text
    return format_version(parse_version(info.file_version_string))


def _pad(v: Version) -> Version:
    return tuple(v[:4]) + (0,) * (4 - len(v[:4]))


def _index(
    side: Side, keep: bool, tag: str, problems: list[DiffProblem], exclude: Exclude | None
) -> dict[str, InventoryFile | None]:
    """The side's files by folded path.

    Names that differ only in case (possible on the file systems that image
    copies are often mounted from, never on Windows) map to None: none of them
    is the file Windows would see, so none is compared; a problem names them.
    """
    groups: dict[str, list[InventoryFile]] = {}
    for f in side.inventory.files:
        if exclude is not None and under_excluded(exclude, f.rel):
            continue
        if keep or kept_by_default(f.info, f.name):
            groups.setdefault(fold(f.rel), []).append(f)
    out: dict[str, InventoryFile | None] = {}
    for key, files in groups.items():
        if len(files) == 1:
            out[key] = files[0]
            continue
        out[key] = None
        names = ", ".join(f.rel for f in files)
        problems.append(DiffProblem(tag, files[0].rel, f"names differ only in case: {names}"))
    return out


def _under(path: str, blind: set[str]) -> bool:
    """Whether ``path`` is, or lies under, one of the ``blind`` paths ("" is the root)."""
    parts = path.split("/")
    # Each ancestor looked up in a set: a tree may have many links not followed.
    return any("/".join(parts[:i]) in blind for i in range(len(parts) + 1))


def diff(a: Side, b: Side, *, exclude: Exclude | None = None) -> DiffResult:
    """Compare the files of machine ``a`` with those of machine ``b`` (but those ``exclude``
    leaves out)."""
    keep_all = a.inventory.all_files and b.inventory.all_files
    problems: list[DiffProblem] = []
    a_files = _index(a, keep_all, "a", problems, exclude)
    b_files = _index(b, keep_all, "b", problems, exclude)
    problems.extend(
        p
        for p in _walk_problems(a.inventory, b.inventory)
        if exclude is None or not p.path or not under_excluded(exclude, p.path)
    )
    # Files whose folder one side could not list are not on the other side "only".
    a_blind = {fold(p.rel) for p in a.inventory.problems}
    b_blind = {fold(p.rel) for p in b.inventory.problems}
    results: list[FileDiff] = []
    # Folder by folder: "program files/x" before "program files (x86)/y", as a listing shows them.
    for key in sorted(set(a_files) | set(b_files), key=lambda k: k.split("/")):
        if a_files.get(key, True) is None or b_files.get(key, True) is None:
            continue  # case twins: reported by _index
        fa, fb = a_files.get(key), b_files.get(key)
        if fa is None and fb is not None:
            if not _under(key, a_blind):
                results.append(_one_side(fb, Change.ONLY_B))
            continue
        if fb is None and fa is not None:
            if not _under(key, b_blind):
                results.append(_one_side(fa, Change.ONLY_A))
            continue
        assert fa is not None and fb is not None
        unread = [
            (tag, f) for tag, f in (("a", fa), ("b", fb)) if f.info.status is Status.UNREADABLE
        ]
        if unread:
            errors = {f.info.error for _, f in unread}
            if len(unread) == 2 and len(errors) == 1:
                problems.append(DiffProblem("both", fa.rel, f"unreadable: {fa.info.error}"))
            else:
                for tag, f in unread:
                    problems.append(DiffProblem(tag, f.rel, f"unreadable: {f.info.error}"))
            continue
        results.append(_pair(a, fa, b, fb))
    return DiffResult(a.label, b.label, tuple(results), tuple(problems), a.profile(), b.profile())


@dataclass(frozen=True)
class SystemChange:
    """One way two machines' profiles differ."""

    field: str
    """``os``, ``service_pack``, ``platform`` or ``version`` (the kernel's)."""
    a: object
    """Machine A's value."""
    b: object
    """Machine B's value."""


def system_changes(a: Profile, b: Profile) -> tuple[SystemChange, ...]:
    """How the two profiles differ: release, service pack, platform, kernel version."""
    pairs = (
        ("os", a.os, b.os),
        ("service_pack", a.service_pack, b.service_pack),
        ("platform", a.platform, b.platform),
        ("version", a.version, b.version),
    )
    return tuple(SystemChange(name, x, y) for name, x, y in pairs if x != y)


def _walk_problems(a: Inventory, b: Inventory) -> list[DiffProblem]:
    a_set = {(fold(p.rel), p.message): p for p in a.problems}
    b_set = {(fold(p.rel), p.message): p for p in b.problems}
    out = []
    for key in sorted(set(a_set) | set(b_set)):
        p = a_set.get(key) or b_set[key]
        side = "both" if key in a_set and key in b_set else "a" if key in a_set else "b"
        out.append(DiffProblem(side, p.rel, p.message))
    return out


def _one_side(f: InventoryFile, change: Change) -> FileDiff:
    info = f.info
    note = f"unreadable: {info.error}" if info.status is Status.UNREADABLE else ""
    if change is Change.ONLY_A:
        return FileDiff(
            f.rel,
            change,
            a_version=_shown(info),
            a_platform=info.platform,
            a_size=info.size,
            note=note,
        )
    return FileDiff(
        f.rel, change, b_version=_shown(info), b_platform=info.platform, b_size=info.size, note=note
    )


def _pair(a: Side, fa: InventoryFile, b: Side, fb: InventoryFile) -> FileDiff:
    ia, ib = fa.info, fb.info
    va, vb = comparable_version(ia), comparable_version(ib)

    def result(change: Change, note: str = "") -> FileDiff:
        return FileDiff(
            path=fa.rel,
            change=change,
            a_version=_shown(ia),
            b_version=_shown(ib),
            a_platform=ia.platform,
            b_platform=ib.platform,
            a_size=ia.size,
            b_size=ib.size,
            b_path=fb.rel if fb.rel != fa.rel else None,
            note=note,
        )

    if ia.platform is not None and ib.platform is not None and ia.platform != ib.platform:
        return result(Change.PLATFORM_DIFFERS)
    if va is not None and vb is None:
        return result(Change.A_NEWER, _unversioned("B", ib))
    if va is None and vb is not None:
        return result(Change.B_NEWER, _unversioned("A", ia))
    if va is not None and vb is not None and _pad(va) != _pad(vb):
        return result(Change.A_NEWER if _pad(va) > _pad(vb) else Change.B_NEWER)
    if ia.size != ib.size:
        return result(Change.SAME_VERSION_DIFFERENT_CONTENT, f"size {ia.size} against {ib.size}")
    ha, hb = a.sha256(fa), b.sha256(fb)
    if ha is not None and hb is not None:
        if ha != hb:
            return result(Change.SAME_VERSION_DIFFERENT_CONTENT, "same size, SHA-256 differs")
        return result(Change.SAME)
    return result(Change.SAME, "same size; content not compared (no hashes)")


def _unversioned(side: str, info: VersionInfo) -> str:
    why = "no version resource" if info.status is Status.NO_VERSION else info.error or "no version"
    return f"{side} has no version ({why}): a versioned file counts as newer"


# -- verdicts ------------------------------------------------------------------


@dataclass(frozen=True)
class KBDiff:
    """One KB's verdicts on the two machines."""

    kb: str
    """KB number."""
    title: str | None
    """The article's title."""
    a_verdict: KBVerdict
    """The verdict on A."""
    b_verdict: KBVerdict
    """The verdict on B."""
    a_reason: str
    """Why, on A (for MISSING, UNKNOWN and NOT_APPLICABLE)."""
    b_reason: str
    """Why, on B."""

    @property
    def same(self) -> bool:
        """Whether both machines got the same verdict."""
        return self.a_verdict is self.b_verdict


@dataclass(frozen=True)
class VerdictDiff:
    """The KB verdicts of two machines side by side."""

    a: str
    """Machine A's name."""
    b: str
    """Machine B's name."""
    kbs: tuple[KBDiff, ...]
    """Every KB, in manifest order."""
    a_system: Profile = field(default=UNKNOWN)
    """Which Windows machine A is."""
    b_system: Profile = field(default=UNKNOWN)
    """Which Windows machine B is."""

    @property
    def differences(self) -> tuple[KBDiff, ...]:
        """The KBs whose verdicts differ."""
        return tuple(k for k in self.kbs if not k.same)


def compare_verdicts(a: ScanResult, b: ScanResult, a_label: str, b_label: str) -> VerdictDiff:
    """Pair the KB verdicts of two scans made with the same manifests."""
    if len(a.kbs) != len(b.kbs):
        raise ValueError("the two scans were made with different manifests")
    kbs = tuple(
        KBDiff(
            kb=ka.manifest.kb,
            title=ka.manifest.title,
            a_verdict=ka.verdict,
            b_verdict=kb.verdict,
            a_reason=ka.reason,
            b_reason=kb.reason,
        )
        for ka, kb in zip(a.kbs, b.kbs)
    )
    return VerdictDiff(a_label, b_label, kbs, a.system, b.system)
