"""Folders that hold copies of system files rather than the live ones, and name matching.

Uninstall backups hold the *old* versions, Windows File Protection's caches and
the component store hold many versions side by side, ``Windows.old`` holds the
system an upgrade replaced: none of them is the file Windows loads. Names are
compared case-insensitively, as Windows does.
"""

from __future__ import annotations

import re

_BACKUP_FOLDERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\$ntservicepackuninstall.*\$$"), "service-pack uninstall backup"),
    (re.compile(r"^\$ntuninstall.*\$$"), "hotfix uninstall backup"),
    (re.compile(r"^\$hf_mig\$$"), "hotfix migration copy"),
    (re.compile(r"^dllcache$"), "Windows File Protection cache"),
    (re.compile(r"^servicepackfiles$"), "service-pack source files"),
    (re.compile(r"^winsxs$"), "component store"),
    (re.compile(r"^softwaredistribution$"), "update download cache"),
    (re.compile(r"^windows\.old(?:\.\d{3})?$"), "previous Windows installation"),
    (re.compile(r"^\$windows\.~(?:bt|ws)$"), "Windows upgrade files"),
    (re.compile(r"^ie[5-9]updates$|^ie1[01]updates$"), "Internet Explorer uninstall backup"),
    (re.compile(r"^\$patchcache\$$"), "Windows Installer patch cache"),
    (re.compile(r"^\$ntupdaterolluppackuninstall\$$"), "update rollup uninstall backup"),
)


def backup_folder_kind(folder_name: str) -> str | None:
    """What kind of copy-holding folder ``folder_name`` is, or None for an ordinary folder."""
    lowered = folder_name.lower()
    for pattern, kind in _BACKUP_FOLDERS:
        if pattern.match(lowered):
            return kind
    return None


def backup_kind(rel_path: str) -> str | None:
    """The kind of the first copy-holding folder on ``rel_path`` (``/``-separated), or None."""
    for part in rel_path.split("/")[:-1]:
        kind = backup_folder_kind(part)
        if kind is not None:
            return kind
    return None


def fold(name: str) -> str:
    """A file name as Windows compares it (case-insensitive)."""
    return name.casefold()


_PLACEHOLDER = re.compile(r"^(%[^%]*%|<[^>]*>|\[[^\]]*\])$")


def hint_parts(hint: str | None) -> tuple[str, ...]:
    """The folder names of a row's ``path`` hint, folded, without drive or placeholders.

    ``%windir%\\system32\\inetsrv`` → ``("system32", "inetsrv")``; a hint made only of
    placeholders narrows nothing.
    """
    if not hint:
        return ()
    parts = [p for p in re.split(r"[\\/]+", hint.strip()) if p and p != "."]
    if parts and re.match(r"^[A-Za-z]:$", parts[0]):
        parts = parts[1:]
    return tuple(fold(p) for p in parts if not _PLACEHOLDER.match(p))


def matches_hint(rel_path: str, hint: tuple[str, ...]) -> bool:
    """Whether the folders of ``rel_path`` end with the hint's folders."""
    if not hint:
        return True
    folders = tuple(fold(p) for p in rel_path.split("/")[:-1])
    return len(folders) >= len(hint) and folders[-len(hint) :] == hint


def in_wow64_folder(rel_path: str) -> bool:
    """Whether the file sits in a ``SysWOW64`` folder (32-bit copies on 64-bit Windows)."""
    return any(fold(p) == "syswow64" for p in rel_path.split("/")[:-1])
