"""Per-KB compliance verdicts for a system: which hotfixes are there, which are missing.

One pass over the system serves every manifest: the walk keeps only files a
manifest names, reads their versions, and each copy is judged against the rows
that apply to the system and the copy (:mod:`verscan.verdicts.applicability`:
release, system platform, service pack, version line), then against the one
row of those that applies to its version (:mod:`verscan.verdicts.branches`).
Copies in backup folders are judged too when asked for, but never count
towards a KB's verdict; nor do copies outside the system's Windows folder of a
file that has a copy inside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from verscan.manifest.model import FileRow, Manifest
from verscan.pe import Status
from verscan.system.copies import fold, hint_parts, in_wow64_folder, matches_hint
from verscan.system.exclude import Exclude
from verscan.system.interface import Copy, System
from verscan.system.profile import UNKNOWN, Profile
from verscan.system.walk import WalkProblem
from verscan.verdicts import FileVerdict, KBVerdict
from verscan.verdicts.applicability import Fit, for_system, needs_later_sp, on_version_line
from verscan.verdicts.branches import choose_row
from verscan.versions import Version, compare, format_version, parse_version

OUTSIDE_WINDOWS = "outside the Windows folder"
"""The kind of copy given to copies elsewhere of a file the Windows folder holds."""

DOWNGRADE_NOTE = "later than this KB's version: installing this KB would downgrade it"


@dataclass(frozen=True)
class FileResult:
    """The verdict on one copy of a file, or on a file of which no copy was found."""

    name: str
    """The file name as the manifest lists it."""
    path: str | None
    """Path of the copy relative to the target (None when absent)."""
    platform: str | None
    """The copy's platform (or the row's, when absent)."""
    installed_version: str | None
    """The copy's version (fixed; the string one when there is no fixed block)."""
    required_version: str | None
    """The version of the row that applies."""
    branch: str | None
    """The applicable row's branch, when the manifest gives one."""
    verdict: FileVerdict
    """The verdict."""
    note: str = ""
    """Why, when it is not obvious."""
    backup: str | None = None
    """Kind of backup folder the copy sits in; such copies do not count for the KB."""


@dataclass(frozen=True)
class KBResult:
    """The verdict on one KB."""

    manifest: Manifest
    """The KB's manifest."""
    verdict: KBVerdict
    """The verdict."""
    files: tuple[FileResult, ...]
    """Every copy judged and every file not found."""
    reason: str = ""
    """Why, for UNKNOWN and NOT_APPLICABLE."""


@dataclass(frozen=True)
class ScanResult:
    """A scan of one system against a set of manifests."""

    target: str
    """The system scanned."""
    kbs: tuple[KBResult, ...]
    """One result per manifest, in the order given."""
    problems: tuple[WalkProblem, ...]
    """What the walk could not read."""
    system: Profile = field(default=UNKNOWN)
    """Which Windows the system is (its profile)."""


@dataclass(frozen=True)
class _Want:
    manifest: int
    row: FileRow
    wow_alias: bool  # matched through a W-prefixed WOW64 package name


def _row_platform(row: FileRow) -> str | None:
    return "x86" if row.branch == "WOW" else row.platform


def _index(manifests: Sequence[Manifest]) -> dict[str, list[_Want]]:
    index: dict[str, list[_Want]] = defaultdict(list)
    for i, manifest in enumerate(manifests):
        for row in manifest.files:
            index[fold(row.name)].append(_Want(i, row, False))
            # 64-bit packages name some 32-bit files with a leading W (wntdll.dll for
            # SysWOW64\ntdll.dll); the WOW row may stand for the unprefixed name.
            if row.branch == "WOW" and len(row.name) > 1 and row.name[0] in "wW":
                index[fold(row.name[1:])].append(_Want(i, row, True))
    return index


Wrap = Callable[[Iterator[Copy | WalkProblem]], Iterable[Copy | WalkProblem]]
"""Wraps the copies as they are found: how the CLI adds a progress indicator."""


def scan(
    system: System,
    manifests: Sequence[Manifest],
    *,
    profile: Profile | None = None,
    include_backups: bool = False,
    exclude: Exclude | None = None,
    wrap: Wrap | None = None,
) -> ScanResult:
    """Judge ``system`` against every manifest in one pass.

    ``profile`` is which Windows the system is (by default :meth:`System.profile`
    finds it); ``exclude`` leaves paths out of the walk.
    """
    if profile is None:
        profile = system.profile()
    index = _index(manifests)
    per_kb: list[list[FileResult]] = [[] for _ in manifests]
    found_names: list[set[str]] = [set() for _ in manifests]
    problems: list[WalkProblem] = []
    found = system.find(index.__contains__, include_backups=include_backups, exclude=exclude)
    for item in found if wrap is None else wrap(found):
        if isinstance(item, WalkProblem):
            problems.append(item)
            continue
        by_manifest: dict[int, list[FileRow]] = defaultdict(list)
        for want in index[fold(item.name)]:
            if want.wow_alias and not in_wow64_folder(item.rel):
                continue
            if matches_hint(item.rel, hint_parts(want.row.path)):
                by_manifest[want.manifest].append(want.row)
        for m, rows in by_manifest.items():
            result = judge(system, item, rows, profile)
            per_kb[m].append(result)
            if item.backup is None:
                found_names[m].update(fold(r.name) for r in rows)
    results = []
    for m, manifest in enumerate(manifests):
        judged = _outside_windows(per_kb[m], profile)
        # The rows for this system, once per manifest: the absent files and the KB's
        # release and service-pack gates both go by them.
        fit = for_system(manifest.files, profile)
        files = judged + _absent(fit.rows, found_names[m])
        results.append(_kb_result(manifest, files, profile, fit))
    return ScanResult(system.label, tuple(results), tuple(problems), profile)


def _installed(copy: Copy) -> tuple[Version | None, str]:
    info = copy.info
    if info.file_version is not None:
        return info.file_version, ""
    parsed = parse_version(info.file_version_string)
    if parsed is not None:
        return parsed, "no fixed version block: version read from the FileVersion string"
    return None, ""


def _result(
    copy: Copy,
    name: str,
    verdict: FileVerdict,
    row: FileRow | None,
    note: str,
    installed: Version | None = None,
) -> FileResult:
    return FileResult(
        name=name,
        path=copy.rel,
        platform=copy.info.platform,
        installed_version=format_version(installed),
        required_version=row.version if row else None,
        branch=row.branch if row else None,
        verdict=verdict,
        note=note,
        backup=copy.backup,
    )


def judge(
    system: System, copy: Copy, rows: Sequence[FileRow], profile: Profile = UNKNOWN
) -> FileResult:
    """The verdict on one copy against the manifest rows that carry its name."""
    info = copy.info
    name = rows[0].name
    fit = for_system(rows, profile)
    if not fit.rows:
        return _result(copy, name, FileVerdict.NOT_APPLICABLE, None, fit.reason)
    rows = fit.rows
    if info.status is Status.NOT_PE and all(r.parsed_version is None for r in rows):
        # Data files (.inf, .h, .sdb) carry no version: the manifest's size or hash decides.
        return _by_content(system, copy, name, rows, None)
    if info.status in (Status.UNREADABLE, Status.NOT_PE) or (
        info.status is Status.CORRUPT and info.file_version is None
    ):
        return _result(
            copy, name, FileVerdict.UNREADABLE, None, f"{info.status.value}: {info.error}"
        )
    fitting = [
        r
        for r in rows
        if _row_platform(r) is None or info.platform is None or _row_platform(r) == info.platform
    ]
    if not fitting:
        listed = ", ".join(sorted({str(_row_platform(r)) for r in rows}))
        note = f"copy is {info.platform}; rows are for {listed}"
        return _result(copy, name, FileVerdict.NOT_APPLICABLE, None, note)
    installed, how = _installed(copy)
    if installed is None:
        return _by_content(system, copy, name, fitting, None)
    line = on_version_line(fitting, installed)
    if not line.rows:
        return _result(copy, name, FileVerdict.NOT_APPLICABLE, None, line.reason, installed)
    fitting = list(line.rows)
    choice = choose_row(fitting, installed)
    assert choice is not None  # fitting is not empty
    row = choice.row
    wanted = row.parsed_version
    if wanted is None:
        return _by_content(system, copy, name, [row], installed)
    damaged = f"corrupt: {info.error}" if info.status is Status.CORRUPT else ""
    notes = [n for n in (damaged, how, choice.reason) if n]
    order = compare(wanted, installed)
    if order == 0:
        verdict = FileVerdict.CURRENT
    elif order > 0:
        verdict, notes = FileVerdict.NEWER, [*notes, DOWNGRADE_NOTE]
    else:
        verdict, notes = FileVerdict.OUTDATED, [*notes, "older: the fix is missing"]
    return _result(copy, name, verdict, row, "; ".join(notes), installed)


def _by_content(
    system: System, copy: Copy, name: str, rows: Sequence[FileRow], installed: Version | None
) -> FileResult:
    """Decide a copy that has no version to compare by the manifest's hash or size."""
    hashed = [r for r in rows if r.sha256]
    if hashed:
        digest = system.sha256(copy)
        if digest is not None:
            for row in hashed:
                if digest == (row.sha256 or "").lower():
                    note = "no version: SHA-256 matches"
                    return _result(copy, name, FileVerdict.CURRENT, row, note, installed)
            note = "no version: SHA-256 differs"
            return _result(copy, name, FileVerdict.OUTDATED, hashed[0], note, installed)
    size = copy.info.size
    sized = [r for r in rows if r.size is not None]
    for row in sized:
        if size == row.size:
            note = "no version: size matches"
            return _result(copy, name, FileVerdict.CURRENT, row, note, installed)
    why = {
        Status.NO_VERSION: "no version resource",
        Status.NOT_PE: "not a PE file",
    }.get(copy.info.status, "no version listed")
    if sized:
        why += f"; size {size} differs from {', '.join(str(r.size) for r in sized)}"
    return _result(copy, name, FileVerdict.UNVERSIONED, rows[0], why + ": undecided", installed)


def _outside_windows(results: list[FileResult], profile: Profile) -> list[FileResult]:
    """Copies elsewhere of a file the Windows folder holds a judged copy of become other copies.

    Rows for a Windows release describe the system's own files; an application's
    private copy (``Program Files/Vendor/sspicli.dll``) does not decide the KB.
    """
    folder = profile.windows_folder
    if not folder:
        return results
    inside = {
        fold(r.name)
        for r in results
        if r.backup is None
        and r.path is not None
        and r.verdict is not FileVerdict.NOT_APPLICABLE
        and _in_folder(r.path, folder)
    }
    if not inside:
        return results
    return [
        replace(r, backup=OUTSIDE_WINDOWS)
        if r.backup is None
        and r.path is not None
        and fold(r.name) in inside
        and not _in_folder(r.path, folder)
        else r
        for r in results
    ]


def _in_folder(rel: str, folder: str) -> bool:
    first = rel.split("/", 1)[0]
    return fold(first) == fold(folder)


def _absent(rows: Sequence[FileRow], found: set[str]) -> list[FileResult]:
    """One ABSENT result per file of ``rows`` (the rows for the system) of which no copy
    was found."""
    by_name: dict[str, list[FileRow]] = defaultdict(list)
    for row in rows:
        by_name[fold(row.name)].append(row)
    out: list[FileResult] = []
    for key, same in by_name.items():
        if key in found:
            continue
        row = same[0]
        versions = sorted({r.version for r in same if r.version})
        out.append(
            FileResult(
                name=row.name,
                path=None,
                platform=row.platform if len(same) == 1 else None,
                installed_version=None,
                required_version=versions[0] if len(versions) == 1 else None,
                branch=row.branch if len(same) == 1 else None,
                verdict=FileVerdict.ABSENT,
                note="" if len(versions) < 2 else "rows: " + ", ".join(versions),
            )
        )
    return out


def _kb_result(
    manifest: Manifest, files: Iterable[FileResult], profile: Profile, fit: Fit
) -> KBResult:
    """The KB's verdict from its files' and, when the system is known, from ``fit``: the
    manifest's rows for the system (:func:`for_system`)."""
    files = tuple(files)
    live = [f for f in files if f.backup is None]
    if profile.known and manifest.files:
        if not fit.rows:
            return KBResult(manifest, KBVerdict.NOT_APPLICABLE, files, fit.reason)
        later = needs_later_sp([r for r in fit.rows if r.parsed_version is not None], profile)
        if later is not None:
            return KBResult(manifest, KBVerdict.MISSING, files, later)
    verdicts = {f.verdict for f in live}
    if FileVerdict.OUTDATED in verdicts:
        outdated = [f for f in live if f.verdict is FileVerdict.OUTDATED]
        why = _first_two([_older(f, live) for f in outdated], ", ")
        return KBResult(manifest, KBVerdict.MISSING, files, why)
    undecided = [f for f in live if f.verdict in (FileVerdict.UNREADABLE, FileVerdict.UNVERSIONED)]
    if undecided:
        why = _first_two([f"{f.path}: {f.note}" for f in undecided], "; ")
        return KBResult(manifest, KBVerdict.UNKNOWN, files, why)
    if verdicts & {FileVerdict.CURRENT, FileVerdict.NEWER}:
        return KBResult(manifest, KBVerdict.INSTALLED, files)
    unfit = [f for f in live if f.verdict is FileVerdict.NOT_APPLICABLE]
    if unfit:
        first = unfit[0]
        more = f" (and {len(unfit) - 1} more)" if len(unfit) > 1 else ""
        return KBResult(
            manifest, KBVerdict.NOT_APPLICABLE, files, f"{first.path}: {first.note}{more}"
        )
    return KBResult(manifest, KBVerdict.NOT_APPLICABLE, files, "no file of this KB is present")


def _first_two(parts: Sequence[str], sep: str) -> str:
    """The first two of ``parts``, and how many more: ``a, b and 3 more``."""
    shown = sep.join(parts[:2])
    return shown + (f" and {len(parts) - 2} more" if len(parts) > 2 else "")


def _older(f: FileResult, live: Sequence[FileResult]) -> str:
    """An outdated copy, its versions named: ``asp.dll 5.0.2195.5255 < 5.0.2195.5917``.

    The copy is named by its file name, or by as much of its path as tells it from the
    KB's other copies of that name (``SysWOW64/secur32.dll``).
    """
    name = _short_name(f, live)
    if f.installed_version and f.required_version:
        return f"{name} {f.installed_version} < {f.required_version}"
    return f"{name}: {f.note}" if f.note else name


def _short_name(f: FileResult, live: Sequence[FileResult]) -> str:
    path = f.path or f.name
    parts = path.split("/")
    others = [
        (o.path or o.name).split("/")
        for o in live
        if o is not f and fold((o.path or o.name).split("/")[-1]) == fold(parts[-1])
    ]
    for depth in range(1, len(parts) + 1):
        tail = [fold(p) for p in parts[-depth:]]
        if not any([fold(p) for p in other[-depth:]] == tail for other in others):
            return "/".join(parts[-depth:])
    return path
