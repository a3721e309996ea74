"""Before an update runs: what Q235978 will make of every file it carries.

:class:`Planner` indexes an extracted service pack or hotfix folder (SOURCE,
recursively, compressed files by the real names they expand to) and the
installed system (TARGET) by file name, case-insensitively as Windows does.
Versions are read only for names found on both sides, and each is read once.

Copies in backup folders under TARGET (uninstall backups, ``dllcache``,
``WinSxS``, ...; see :mod:`verscan.system.copies`) are left out unless asked for, as
the scan does. When a name still has several installed copies, the copies on
the new file's platform are preferred when there are some; every remaining
copy gets its own decision, and each row says of how many copies it is one.

:meth:`Planner.plan` gives the whole plan; :meth:`Planner.lookup` answers one
name as a user types it beside the installer's dialog.
"""

from __future__ import annotations

import difflib
import enum
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from verscan.errors import ArchiveError, SourceError
from verscan.pe import Status, VersionInfo
from verscan.system.copies import backup_folder_kind, backup_kind, fold
from verscan.system.walk import WalkEntry, WalkProblem, walk
from verscan.update.archive import (
    DEFAULT_LIMITS,
    Entry,
    Expander,
    Limits,
    list_entries,
    packing_of,
    refuse_total,
)
from verscan.update.overwrite import (
    Candidate,
    Decision,
    Outcome,
    decide,
    read_entry,
    read_plain,
)


class Action(str, enum.Enum):
    """What the update will do to one installed file."""

    UPGRADE = "upgrade"
    """The new file is a later version: it replaces the installed one."""
    SAME = "same"
    """Same version: the installed file stays."""
    DOWNGRADE = "downgrade"
    """The installed file is later: the installer must keep it (answer Yes to "keep")."""
    NEW = "new"
    """Not installed under TARGET: the file is simply added."""
    UNKNOWN = "unknown"
    """A version is missing or a file cannot be read."""


_BY_DECISION = {
    Decision.OVERWRITE: Action.UPGRADE,
    Decision.SAME: Action.SAME,
    Decision.KEEP: Action.DOWNGRADE,
    Decision.UNKNOWN: Action.UNKNOWN,
}


@dataclass(frozen=True)
class SourceFile:
    """One file the update carries: a plain file, or one file held in a compressed one."""

    path: str
    """Path of the file on disk (the compressed file for a packed one)."""
    rel: str
    """That path relative to SOURCE, ``/``-separated."""
    name: str
    """The real name the file is installed under."""
    entry: Entry | None = None
    """The compressed entry, None for a plain file."""
    error: str | None = None
    """Why the compressed file could not even be listed."""

    @property
    def file_name(self) -> str:
        """The name of the file on disk (``iischema.dl_`` for a compressed one)."""
        return self.rel.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class TargetCopy:
    """An installed copy under TARGET."""

    path: str
    """Path on disk."""
    rel: str
    """Path relative to TARGET, ``/``-separated."""
    backup: str | None = None
    """Kind of backup folder it sits in (only with ``include_backups``)."""


@dataclass(frozen=True)
class Row:
    """One source file against one installed copy (or against none)."""

    source: SourceFile
    """The file the update carries."""
    new: Candidate
    """That file, read (expanded when compressed)."""
    target: TargetCopy | None
    """The installed copy compared against, None when there is none."""
    existing: Candidate | None
    """That copy, read."""
    action: Action
    """What the update will do."""
    reason: str
    """Why, with both versions."""
    outcome: Outcome | None = None
    """The Q235978 decision behind the action (None for a new or unreadable file)."""
    copies: int = 0
    """How many installed copies the name has under TARGET (more than 1: ambiguous)."""
    set_aside: tuple[str, ...] = ()
    """Copies of the name on another platform, not compared (relative paths)."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """Platform and branch warnings of the decision."""
        return self.outcome.warnings if self.outcome is not None else ()

    @property
    def failed(self) -> bool:
        """Whether a file of the row could not be read (damaged, unreadable, not expandable)."""
        return self.new.failed or (self.existing is not None and self.existing.failed)


@dataclass(frozen=True)
class Plan:
    """Every file of SOURCE against TARGET."""

    source: str
    """The SOURCE folder."""
    target: str
    """The TARGET folder."""
    rows: tuple[Row, ...]
    """One row per source file and installed copy, in SOURCE order."""
    problems: tuple[WalkProblem, ...] = ()
    """Paths not walked under SOURCE or TARGET."""

    def counts(self) -> dict[str, int]:
        """How many rows got each action."""
        tally = Counter(r.action for r in self.rows)
        return {a.value: tally.get(a, 0) for a in Action}

    @property
    def downgrades(self) -> tuple[Row, ...]:
        """Rows whose installed file is later than the new one."""
        return tuple(r for r in self.rows if r.action is Action.DOWNGRADE)

    @property
    def failures(self) -> tuple[Row, ...]:
        """Rows with a file that could not be read."""
        return tuple(r for r in self.rows if r.failed)

    def ambiguous(self) -> dict[str, list[str]]:
        """Names with several installed copies, and those copies (relative paths)."""
        found: dict[str, list[str]] = {}
        for r in self.rows:
            if r.copies > 1 and r.target is not None:
                copies = found.setdefault(r.source.name, [])
                if r.target.rel not in copies:
                    copies.append(r.target.rel)
        return found


class Reply(str, enum.Enum):
    """The answer to one name typed at the prompt."""

    OVERWRITE = "overwrite"
    """Every copy: the new file is later; answer No to "keep the existing file?"."""
    KEEP = "keep"
    """Every copy is later or the same; answer Yes."""
    SAME = "same"
    """Every copy is the same version; answer Yes."""
    UNKNOWN = "unknown"
    """The rule cannot decide (no version, unreadable file)."""
    AMBIGUOUS = "ambiguous"
    """Several copies or source files, and their decisions disagree."""
    NEW = "new"
    """In SOURCE but not installed under TARGET: no dialog expected."""
    NOT_FOUND = "not_found"
    """Not in SOURCE."""
    EMPTY = "empty"
    """Nothing was typed."""


@dataclass(frozen=True)
class Answer:
    """What :meth:`Planner.lookup` says about one typed name."""

    query: str
    """The line as typed."""
    name: str
    """The file name read from it (quotes and folders removed)."""
    reply: Reply
    """The answer."""
    rows: tuple[Row, ...] = ()
    """The pairs behind it."""
    suggestions: tuple[str, ...] = ()
    """Closest SOURCE names, when the name is not there."""
    installed: tuple[str, ...] = ()
    """Installed copies of a name that SOURCE does not carry (relative paths)."""


_QUOTES = "\"'`“”‘’„«»‹›"
_DRIVE = re.compile(r"^[A-Za-z]:$")


def parse_typed_name(text: str) -> tuple[str, tuple[str, ...]]:
    """The file name in a line typed or pasted from the dialog, and its folders (folded).

    Quotes, surrounding blanks, a drive and folders are removed:
    ``"C:\\WINNT\\system32\\Iischema.dll"`` → ``("Iischema.dll", ("winnt", "system32"))``.
    Trailing dots and blanks go too, as Windows ignores them.
    """
    cleaned = text.strip().strip(_QUOTES).strip()
    parts = [p for p in re.split(r"[\\/]+", cleaned) if p]
    if not parts:
        return "", ()
    name = parts[-1].rstrip(". ").strip(_QUOTES)
    folders = [p for p in parts[:-1] if not _DRIVE.match(p)]
    return name, tuple(fold(p) for p in folders)


def _suffix_match(rel: str, folders: tuple[str, ...]) -> int:
    mine = [fold(p) for p in rel.split("/")[:-1]]
    n = 0
    while n < len(mine) and n < len(folders) and mine[-1 - n] == folders[-1 - n]:
        n += 1
    return n


def narrow_by_folders(
    copies: Sequence[TargetCopy], folders: tuple[str, ...]
) -> Sequence[TargetCopy]:
    """The copies whose folders best match the end of ``folders``; all when none matches."""
    if not folders or len(copies) < 2:
        return copies
    scores = [_suffix_match(c.rel, folders) for c in copies]
    best = max(scores)
    if best == 0:
        return copies
    return [c for c, s in zip(copies, scores) if s == best]


def _is_dir(path: str, what: str) -> None:
    if not os.path.exists(path):
        raise SourceError(f"{path}: no such {what} folder")
    if not os.path.isdir(path):
        raise SourceError(f"{path}: is a file, expected the {what} folder")


class Planner:
    """SOURCE and TARGET indexed by name, each version read on demand and remembered.

    Compressed files are expanded one file at a time into one private folder,
    each removed once read, within :class:`~verscan.update.archive.Limits`; a
    compressed file whose files declare more than the limit in all is refused
    whole, before any is expanded. Close the planner (or use it as a context
    manager) to remove the folder.
    """

    def __init__(
        self,
        source: str,
        target: str,
        *,
        include_backups: bool = False,
        follow_links: bool = False,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        """Index SOURCE and TARGET by name; :class:`SourceError` when one is not a folder."""
        _is_dir(source, "source")
        _is_dir(target, "target")
        self.source = source
        self.target = target
        self.limits = limits
        self.expander = Expander(limits)
        self.problems: list[WalkProblem] = []
        self.sources: list[SourceFile] = []
        for item in walk(source, follow_links=follow_links):
            if isinstance(item, WalkProblem):
                self.problems.append(item)
            else:
                self.sources.extend(self._source_files(item))
        self.targets: dict[str, list[TargetCopy]] = {}

        def prune(rel: str) -> bool:
            return backup_folder_kind(rel.rsplit("/", 1)[-1]) is not None

        for item in walk(
            target, follow_links=follow_links, prune=None if include_backups else prune
        ):
            if isinstance(item, WalkProblem):
                self.problems.append(item)
            else:
                copy = TargetCopy(item.path, item.rel, backup_kind(item.rel))
                self.targets.setdefault(fold(item.name), []).append(copy)
        self._by_name: dict[str, list[SourceFile]] = {}
        self._by_file: dict[str, list[SourceFile]] = {}
        for sf in self.sources:
            self._by_name.setdefault(fold(sf.name), []).append(sf)
            self._by_file.setdefault(fold(sf.file_name), []).append(sf)
        self._new: dict[SourceFile, Candidate] = {}
        self._existing: dict[str, Candidate] = {}

    def __enter__(self) -> Planner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the private folder of expanded files."""
        self.expander.close()

    def _source_files(self, item: WalkEntry) -> list[SourceFile]:
        try:
            if packing_of(item.path) is None:
                return [SourceFile(item.path, item.rel, item.name)]
            entries = list_entries(item.path, limits=self.limits)
            refuse_total(item.path, entries, self.limits)
        except ArchiveError as exc:
            message = str(exc)
            # The row names the file already; keep the message short.
            if message.startswith(f"{item.path}: "):
                message = message[len(item.path) + 2 :]
            return [SourceFile(item.path, item.rel, item.name, error=message)]
        return [SourceFile(item.path, item.rel, e.name, e) for e in entries]

    def read_new(self, sf: SourceFile) -> Candidate:
        """The source file read (expanded when compressed), once."""
        found = self._new.get(sf)
        if found is None:
            if sf.error is not None:
                info = VersionInfo(sf.path, Status.CORRUPT, error=sf.error)
                found = Candidate(sf.path, sf.name, info)
            elif sf.entry is not None:
                found = read_entry(sf.entry, self.expander)
            else:
                found = read_plain(sf.path)
            self._new[sf] = found
        return found

    def read_existing(self, copy: TargetCopy) -> Candidate:
        """The installed copy read, once."""
        found = self._existing.get(copy.path)
        if found is None:
            found = read_plain(copy.path)
            self._existing[copy.path] = found
        return found

    def rows_for(self, sf: SourceFile, folders: tuple[str, ...] = ()) -> list[Row]:
        """The rows of one source file: one per installed copy compared, or one ``new`` row.

        ``folders`` (from a typed path) narrows the copies to those whose folders match best.
        """
        new = self.read_new(sf)
        all_copies = self.targets.get(fold(sf.name), [])
        copies = list(narrow_by_folders(all_copies, folders))
        if not copies:
            if new.failed:
                return [
                    Row(sf, new, None, None, Action.UNKNOWN, f"cannot be read: {new.info.error}")
                ]
            return [Row(sf, new, None, None, Action.NEW, "not installed under TARGET")]
        set_aside: tuple[str, ...] = ()
        if len(copies) > 1 and new.platform is not None:
            # An x64 kernel32.dll is not meant for SysWOW64's x86 copy: compare like with like.
            same = [c for c in copies if self.read_existing(c).platform == new.platform]
            if same and len(same) < len(copies):
                set_aside = tuple(c.rel for c in copies if c not in same)
                copies = same
        rows = []
        for copy in copies:
            existing = self.read_existing(copy)
            outcome = decide(existing, new)
            rows.append(
                Row(
                    sf,
                    new,
                    copy,
                    existing,
                    _BY_DECISION[outcome.decision],
                    outcome.reason,
                    outcome,
                    len(copies),
                    set_aside,
                )
            )
        return rows

    def plan(self) -> Plan:
        """Every source file against its installed copies."""
        rows = [row for sf in self.sources for row in self.rows_for(sf)]
        return Plan(self.source, self.target, tuple(rows), tuple(self.problems))

    def names(self) -> list[str]:
        """Every name SOURCE answers to: real names and compressed file names, sorted."""
        seen: dict[str, str] = {}
        for sf in self.sources:
            seen.setdefault(fold(sf.name), sf.name)
            seen.setdefault(fold(sf.file_name), sf.file_name)
        return sorted(seen.values(), key=fold)

    def lookup(self, text: str) -> Answer:
        """The answer for one name typed or pasted from the dialog (any case, path, quotes)."""
        name, folders = parse_typed_name(text)
        if not name:
            return Answer(text, name, Reply.EMPTY)
        key = fold(name)
        sources = self._by_name.get(key) or self._by_file.get(key) or []
        if not sources:
            installed = tuple(c.rel for c in self.targets.get(key, []))
            return Answer(
                text, name, Reply.NOT_FOUND, suggestions=self.suggest(name), installed=installed
            )
        rows = [row for sf in sources for row in self.rows_for(sf, folders)]
        rows = _prefer_same_platform(rows)
        return Answer(text, name, consensus(rows), tuple(rows))

    def suggest(self, name: str, limit: int = 5) -> tuple[str, ...]:
        """The SOURCE names closest to ``name``."""
        names = self.names()
        by_fold = {fold(n): n for n in names}
        close = difflib.get_close_matches(fold(name), list(by_fold), n=limit, cutoff=0.6)
        return tuple(by_fold[c] for c in close)


def _prefer_same_platform(rows: list[Row]) -> list[Row]:
    """Among pairs from several source files, those whose platforms match, when there are some."""
    if len({r.source for r in rows}) < 2:
        return rows
    matched = [
        r
        for r in rows
        if r.existing is None
        or r.existing.platform is None
        or r.existing.platform == r.new.platform
    ]
    return matched or rows


def consensus(rows: Iterable[Row]) -> Reply:
    """One reply for the rows of a name: their common decision, else ``ambiguous``."""
    actions = {r.action for r in rows}
    if not actions:
        return Reply.NOT_FOUND
    if actions == {Action.NEW}:
        return Reply.NEW
    if Action.NEW in actions or Action.UNKNOWN in actions:
        return Reply.UNKNOWN if actions == {Action.UNKNOWN} else Reply.AMBIGUOUS
    if actions == {Action.UPGRADE}:
        return Reply.OVERWRITE
    if actions == {Action.SAME}:
        return Reply.SAME
    if actions <= {Action.SAME, Action.DOWNGRADE}:
        # Later or equal everywhere: the answer is the same button, "keep".
        return Reply.KEEP
    return Reply.AMBIGUOUS
