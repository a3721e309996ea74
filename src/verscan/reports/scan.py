"""The report of `verscan scan`: one line per KB, and one per copy with ``--files``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from verscan.output import Document, Table
from verscan.pe import Status
from verscan.system.profile import Profile
from verscan.verdicts import FileVerdict, KBVerdict
from verscan.verdicts.scan import FileResult, KBResult, ScanResult

_COUNTED = (
    FileVerdict.CURRENT,
    FileVerdict.NEWER,
    FileVerdict.OUTDATED,
    FileVerdict.ABSENT,
)


def _counts(kb: KBResult) -> dict[str, int]:
    tally = Counter(f.verdict for f in kb.files if f.backup is None)
    counts = {v.value.lower(): tally.get(v, 0) for v in _COUNTED}
    counts["other"] = sum(n for v, n in tally.items() if v not in _COUNTED)
    counts["copies"] = sum(1 for f in kb.files if f.backup is not None)
    return counts


def file_record(f: FileResult) -> dict[str, Any]:
    """The JSON object of one file verdict."""
    return {
        "name": f.name,
        "path": f.path,
        "platform": f.platform,
        "installed_version": f.installed_version,
        "required_version": f.required_version,
        "branch": f.branch,
        "verdict": f.verdict.value,
        "note": f.note or None,
        "copy": f.backup,
    }


def kb_record(kb: KBResult) -> dict[str, Any]:
    """The JSON object of one KB verdict."""
    return {
        "kb": kb.manifest.kb,
        "title": kb.manifest.title,
        "verdict": kb.verdict.value,
        "reason": kb.reason or None,
        "counts": _counts(kb),
        "manifest": kb.manifest.origin,
        "files": [file_record(f) for f in kb.files],
    }


def summary(result: ScanResult) -> dict[str, int]:
    """How many KBs got each verdict."""
    tally = Counter(kb.verdict for kb in result.kbs)
    return {v.value: tally.get(v, 0) for v in KBVerdict}


def paths_not_read(result: ScanResult) -> int:
    """How many paths the scan could not read: by the walk, or copies that could not be opened."""
    paths = {p.path for p in result.problems}
    unread = f"{Status.UNREADABLE.value}:"
    paths.update(
        f"copy:{f.path}"
        for kb in result.kbs
        for f in kb.files
        if f.path and f.verdict is FileVerdict.UNREADABLE and f.note.startswith(unread)
    )
    return len(paths)


def summary_line(result: ScanResult) -> str:
    """One line for stderr: the verdict counts, and how many paths could not be read."""
    counts = summary(result)
    parts = [f"{n} {v.lower().replace('_', ' ')}" for v, n in counts.items() if n]
    unread = paths_not_read(result)
    skipped = f"; {unread} paths not read" if unread else ""
    kbs = f"{len(result.kbs)} KB" + ("" if len(result.kbs) == 1 else "s")
    return f"{kbs}: " + (", ".join(parts) or "none") + skipped


def scan_document(result: ScanResult, *, files: bool = False) -> Document:
    """The scan as a document; per-copy rows only with ``files`` in the tabular formats."""
    kb_rows = []
    for kb in result.kbs:
        c = _counts(kb)
        kb_rows.append(
            (
                kb.manifest.kb,
                kb.manifest.title,
                kb.verdict.value,
                c["current"],
                c["newer"],
                c["outdated"],
                c["absent"],
                c["other"],
                kb.reason or None,
            )
        )
    tables = [
        Table(
            ("kb", "title", "verdict", "current", "newer", "outdated", "absent", "other", "reason"),
            kb_rows,
            None if not files else "KBs",
            shorten=("title",),
        )
    ]
    if files:
        file_rows = [
            (
                kb.manifest.kb,
                f.path if f.path is not None else f.name,
                f.platform,
                f.installed_version,
                f.required_version,
                f.branch,
                f.verdict.value,
                "; ".join(p for p in (f"copy: {f.backup}" if f.backup else "", f.note) if p),
            )
            for kb in result.kbs
            for f in kb.files
        ]
        tables.append(
            Table(
                ("kb", "path", "platform", "installed", "required", "branch", "verdict", "note"),
                file_rows,
                "files",
            )
        )
    data = {
        "target": result.target,
        "system": result.system.record(),
        "summary": summary(result),
        "kbs": [kb_record(kb) for kb in result.kbs],
        "problems": [{"path": p.path, "message": p.message} for p in result.problems],
    }
    return Document(data, tuple(tables), (system_line(result.system),))


def system_line(profile: Profile) -> str:
    """The profile in one line above the KBs: ``system: Windows XP SP3 x86 (kernel ...)``."""
    if not profile.known:
        why = f" ({profile.warning})" if profile.warning else ""
        return f"system: unknown{why}; rows judged by version line only"
    if profile.source == "--os":
        kernel = f"; kernel {profile.version}" if profile.version else ""
        return f"system: {profile.describe()} (stated with --os{kernel})"
    return f"system: {profile.describe()} (kernel {profile.version}, {profile.source})"
