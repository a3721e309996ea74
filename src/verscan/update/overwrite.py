"""The overwrite rule of KB Q235978, for one pair of files.

While a service pack or update runs it may ask whether to overwrite a file that
is already on disk. The rule: overwrite the existing file only if the new file
is a later version; otherwise keep it. The dialog usually asks "Do you want to
keep the existing file?", so :class:`Decision` says which button that is.

Versions are the fixed (binary) FileVersions, compared as integers; the string
FileVersion is used only when a file has no fixed block, and the reason says
so. Two warnings go with a decision: the platforms differ, or the two files sit
on different service branches of the same build (GDR 6.1.7601.18xxx against
LDR 6.1.7601.22xxx), which is never a plain upgrade. The band rule exists
since Windows Vista (6.0); older files get no branch warning.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol, TypeVar

from verscan.errors import ArchiveError, SourceError
from verscan.pe import Status, VersionInfo, read_version_info
from verscan.system.copies import fold
from verscan.update.archive import (
    DEFAULT_LIMITS,
    Entry,
    Expander,
    Limits,
    Packing,
    list_entries,
    packing_of,
)
from verscan.verdicts.branches import GDR_BAND, LDR_BAND
from verscan.versions import Version, align, compare, format_version, parse_version

FIRST_BANDED_MAJOR = 6
"""Windows Vista (6.0) is the first release whose revisions encode the service branch."""


class Decision(str, enum.Enum):
    """What to do with the existing file, by Q235978."""

    KEEP = "keep"
    """The existing file is a later version: keep it (answer Yes to "keep the existing file?")."""
    OVERWRITE = "overwrite"
    """The new file is a later version: overwrite (answer No to "keep the existing file?")."""
    SAME = "same"
    """Both are the same version: keep the existing file."""
    UNKNOWN = "unknown"
    """A version is missing or a file cannot be read: the rule cannot decide."""

    @property
    def keep_existing(self) -> bool | None:
        """The answer to "Do you want to keep the existing file?" (None: cannot say)."""
        if self is Decision.UNKNOWN:
            return None
        return self is not Decision.OVERWRITE


@dataclass(frozen=True)
class Candidate:
    """One file as an installer sees it: plain, or expanded from a compressed file."""

    path: str
    """The path to show: the file itself, or the compressed file that holds it."""
    name: str
    """The file's real name (for a compressed file, the name it expands to)."""
    info: VersionInfo
    """Its PE headers and version resource (status ``corrupt`` when it could not be expanded)."""
    modified: datetime | None = None
    """Modification time: the file's (UTC), or the date stored in the cabinet (no zone)."""
    packing: Packing | None = None
    """How the file is compressed, None for a plain file."""
    stored: str | None = None
    """The member name inside a cabinet, None otherwise."""

    @property
    def size(self) -> int | None:
        """Size of the (expanded) file in bytes."""
        return self.info.size

    @property
    def platform(self) -> str | None:
        """The PE header's platform (x86, x64, ...)."""
        return self.info.platform

    @property
    def version(self) -> Version | None:
        """The version the rule compares: fixed, else the parsed string, else None."""
        return version_of(self.info)[0]

    @property
    def version_source(self) -> str | None:
        """Where :attr:`version` comes from: ``fixed``, ``string`` or None."""
        return version_of(self.info)[1]

    @property
    def failed(self) -> bool:
        """Whether the file could not be read as it is (damaged, unreadable, not expandable)."""
        return self.info.status in (Status.CORRUPT, Status.UNREADABLE)


def version_of(info: VersionInfo) -> tuple[Version | None, str | None]:
    """The version to compare and its source (``fixed`` or ``string``), or (None, None).

    A damaged file has none, even when part of its resource was readable: the
    installer's own reading of it cannot be trusted either.
    """
    if info.status is not Status.OK:
        return None, None
    if info.file_version is not None:
        return info.file_version, "fixed"
    parsed = parse_version(info.file_version_string)
    if parsed is not None:
        return parsed, "string"
    return None, None


@dataclass(frozen=True)
class Outcome:
    """The decision for one pair, with its reason and warnings."""

    decision: Decision
    """What to do with the existing file."""
    existing: Candidate
    """The file already on disk."""
    new: Candidate
    """The file the installer wants to write."""
    reason: str
    """Why, in one sentence with both versions."""
    platforms: tuple[str, str] | None = None
    """(existing, new) platforms when they differ."""
    branches: tuple[str, str] | None = None
    """(existing, new) service branches (``GDR``, ``LDR``) when the pair crosses them."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings of the decision, one sentence each."""
        found = []
        if self.platforms is not None:
            found.append(
                f"platforms differ: the existing file is {self.platforms[0]},"
                f" the new file {self.platforms[1]}"
            )
        if self.branches is not None:
            found.append(
                f"crossing service branches: the existing file"
                f" {format_version(self.existing.version)} is on the {self.branches[0]} branch,"
                f" the new file {format_version(self.new.version)} on the {self.branches[1]}"
                " branch; this is not a plain upgrade"
            )
        return tuple(found)


def _utc_mtime(st: os.stat_result) -> datetime:
    # Whole seconds: what Explorer and the installer's dialog show.
    return datetime.fromtimestamp(int(st.st_mtime), tz=timezone.utc)


def _without_path(message: str, path: str) -> str:
    """An error message without its leading path, which the candidate's ``path`` already names."""
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _failed(path: str, name: str, message: str, *, packing: Packing | None = None) -> Candidate:
    return Candidate(path, name, VersionInfo(path, Status.CORRUPT, error=message), packing=packing)


def read_entry(entry: Entry, expander: Expander) -> Candidate:
    """The file held in a compressed file, expanded in private and read.

    An entry that cannot be expanded gives a candidate with status ``corrupt``
    and the reason in ``info.error``.
    """
    try:
        info = expander.expand(entry, read_version_info)
    except ArchiveError as exc:
        message = _without_path(str(exc), entry.archive)
        return _failed(entry.archive, entry.name, message, packing=entry.packing)
    # The temporary path means nothing to the user: show the compressed file.
    info = dataclasses.replace(info, path=entry.archive)
    modified = entry.modified
    if modified is None:
        # SZDD stores no date: the compressed file's own time is the best there is.
        try:
            modified = _utc_mtime(os.stat(entry.archive))
        except OSError:
            modified = None
    stored = entry.stored if entry.packing is Packing.CABINET else None
    return Candidate(entry.archive, entry.name, info, modified, entry.packing, stored)


def read_plain(path: str) -> Candidate:
    """An uncompressed file, read as it is."""
    info = read_version_info(path)
    try:
        modified: datetime | None = _utc_mtime(os.stat(path))
    except OSError:
        modified = None
    return Candidate(path, os.path.basename(path), info, modified)


@dataclass(frozen=True)
class Held:
    """A file named on the command line, before it is read: plain, or one file of a compressed one.

    Listing a cabinet costs little; expanding its files costs much. A command that
    needs one file of a cabinet picks it by name (:func:`pick`) among the files
    held, and reads (:func:`read_held`) only that one.
    """

    path: str
    """The file named."""
    name: str
    """The real name of the file held (for a compressed file, the name it expands to)."""
    entry: Entry | None = None
    """The compressed entry, None for a plain file."""
    error: str | None = None
    """Why the compressed file could not even be listed."""

    @property
    def stored(self) -> str | None:
        """The member name inside a cabinet, None otherwise."""
        if self.entry is not None and self.entry.packing is Packing.CABINET:
            return self.entry.stored
        return None


def held_files(path: str, *, limits: Limits = DEFAULT_LIMITS) -> list[Held]:
    """The files the file at ``path`` holds: itself when plain, else each file compressed in it.

    Raises :class:`SourceError` when ``path`` is missing or not a regular file.
    A compressed file that cannot be listed gives one :class:`Held` with an error.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except OSError as exc:
        raise SourceError(f"{path}: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(st.st_mode):
        raise SourceError(f"{path}: is a directory, expected a file")
    if not stat.S_ISREG(st.st_mode):
        raise SourceError(f"{path}: not a regular file")
    try:
        if packing_of(path) is None:
            return [Held(path, os.path.basename(path))]
        entries = list_entries(path, limits=limits)
    except ArchiveError as exc:
        return [Held(path, os.path.basename(path), error=_without_path(str(exc), path))]
    return [Held(path, e.name, e) for e in entries]


def read_held(held: Held, expander: Expander) -> Candidate:
    """The file read: expanded when compressed (within the expander's limits)."""
    if held.error is not None:
        return _failed(held.path, held.name, held.error)
    if held.entry is not None:
        return read_entry(held.entry, expander)
    return read_plain(held.path)


def read_candidates(path: str, *, limits: Limits = DEFAULT_LIMITS) -> list[Candidate]:
    """Every file the file at ``path`` holds, read (see :func:`held_files`)."""
    held = held_files(path, limits=limits)
    with Expander(limits) as expander:
        return [read_held(h, expander) for h in held]


class _Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def stored(self) -> str | None: ...


N = TypeVar("N", bound=_Named)

_LISTED = 8
"""Files of a cabinet a message names before it says how many more there are."""


def pick(candidates: list[N], name: str, path: str) -> N:
    """The file of a compressed file that stands for a file called ``name``.

    A single file is taken whatever its name; among several (a cabinet holding
    many files) the one whose real name matches ``name``. Raises
    :class:`SourceError` when none or several match.
    """
    if len(candidates) == 1:
        return candidates[0]
    matching = [c for c in candidates if fold(c.name) == fold(name)]
    if len(matching) == 1:
        return matching[0]
    held = ", ".join(c.stored or c.name for c in candidates[:_LISTED])
    if len(candidates) > _LISTED:
        held += f", and {len(candidates) - _LISTED} more"
    if not matching:
        raise SourceError(
            f"{path}: the cabinet holds {len(candidates)} files ({held}); none is {name}"
        )
    raise SourceError(f"{path}: the cabinet holds {len(matching)} files named {name} ({held})")


def _band(revision: int) -> str | None:
    if revision >= LDR_BAND:
        return "LDR"
    if revision >= GDR_BAND:
        return "GDR"
    return None


def crossed_branches(existing: Version, new: Version) -> tuple[str, str] | None:
    """The two service branches when two fixed versions of one build sit on different ones.

    Only Windows Vista and later number their branches by revision band
    (:data:`~verscan.verdicts.branches.GDR_BAND`, :data:`~verscan.verdicts.branches.LDR_BAND`);
    older versions, different builds and revisions below the GDR band get none.
    """
    if len(existing) != 4 or len(new) != 4:
        return None
    if existing[:3] != new[:3] or existing[0] < FIRST_BANDED_MAJOR:
        return None
    a, b = _band(existing[3]), _band(new[3])
    if a is None or b is None or a == b:
        return None
    return a, b


def _unknown_reason(existing: Candidate, new: Candidate) -> str:
    parts = []
    damaged = unreadable = False
    for label, c in (("existing", existing), ("new", new)):
        if c.version is not None:
            continue
        status = c.info.status
        if status is Status.OK or status is Status.NO_VERSION:
            parts.append(f"the {label} file has no version resource")
        elif status is Status.NOT_PE:
            parts.append(f"the {label} file is {c.info.error or 'not a PE file'}")
        elif status is Status.CORRUPT:
            parts.append(f"the {label} file is damaged: {c.info.error}")
            damaged = True
        else:
            parts.append(f"the {label} file cannot be read: {c.info.error}")
            unreadable = True
    if damaged:
        advice = "get an intact copy first"
    elif unreadable:
        advice = "make it readable and ask again"
    else:
        advice = "compare size and date, or ask the vendor"
    return "; ".join(parts) + f"; {advice}"


def _string_note(existing: Candidate, new: Candidate) -> str:
    notes = [
        f"the {label} file has no fixed version; its string FileVersion"
        f" {c.info.file_version_string!r} was used"
        for label, c in (("existing", existing), ("new", new))
        if c.version_source == "string"
    ]
    return f" ({'; '.join(notes)})" if notes else ""


def decide(existing: Candidate, new: Candidate) -> Outcome:
    """Q235978 for one pair: overwrite ``existing`` only if ``new`` is a later version."""
    platforms = None
    if existing.platform and new.platform and existing.platform != new.platform:
        platforms = (existing.platform, new.platform)
    old_v, new_v = existing.version, new.version
    if old_v is None or new_v is None:
        return Outcome(Decision.UNKNOWN, existing, new, _unknown_reason(existing, new), platforms)
    branches = None
    if existing.version_source == new.version_source == "fixed":
        branches = crossed_branches(old_v, new_v)
    a, b = align(old_v, new_v)
    shown_old, shown_new = format_version(a), format_version(b)
    order = compare(old_v, new_v)
    note = _string_note(existing, new)
    if order > 0:
        reason = f"the new file is a later version: {shown_new} > {shown_old}"
        decision = Decision.OVERWRITE
    elif order < 0:
        reason = (
            f"the existing file is a later version: {shown_old} > {shown_new};"
            " overwriting it would be a downgrade"
        )
        decision = Decision.KEEP
    else:
        reason = f"both files are version {shown_old}: keep the existing file"
        decision = Decision.SAME
    return Outcome(decision, existing, new, reason + note, platforms, branches)
