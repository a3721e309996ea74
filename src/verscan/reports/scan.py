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

SERVICING_SUFFIXES = (".mum", ".manifest", ".cat")
"""Files of a Windows update package that service the system, not run on it: its package
description (``.mum``), component manifests and catalogue. They sit in the component store
and the catalogue folders, and an inventory does not keep them."""

SERVICING_NOTE = "servicing file of the update package (.mum, .manifest, .cat): not counted"


def is_servicing(f: FileResult) -> bool:
    """Whether ``f`` is a servicing file of which no copy was found: shown apart, not ABSENT."""
    return f.verdict is FileVerdict.ABSENT and f.name.lower().endswith(SERVICING_SUFFIXES)


def _counts(kb: KBResult) -> dict[str, int]:
    tally = Counter(
        "servicing" if is_servicing(f) else f.verdict for f in kb.files if f.backup is None
    )
    counts = {v.value.lower(): tally.get(v, 0) for v in _COUNTED}
    counts["servicing"] = tally.get("servicing", 0)
    counts["other"] = sum(n for v, n in tally.items() if v not in _COUNTED and v != "servicing")
    counts["copies"] = sum(1 for f in kb.files if f.backup is not None)
    return counts


_FILES_ORDER = ("outdated", "newer", "current", "absent", "servicing", "other", "copies")


def files_text(counts: dict[str, int]) -> str:
    """The counts in words, worst first, zeros left out: ``1 outdated, 8 current, 9 absent``."""
    return ", ".join(f"{counts[k]} {k}" for k in _FILES_ORDER if counts.get(k))


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
        "servicing": is_servicing(f),
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


KB_HEADERS = ("kb", "verdict", "title", "reason", "files")
"""The KB table people read; CSV has a column per count instead of ``files``."""
COUNT_HEADERS = ("current", "newer", "outdated", "absent", "servicing", "other", "copies")
FILE_HEADERS = ("path", "platform", "installed", "required", "branch", "verdict", "note")


def _file_note(f: FileResult) -> str:
    servicing = SERVICING_NOTE if is_servicing(f) else ""
    parts = (f"copy: {f.backup}" if f.backup else "", f.note, servicing)
    return "; ".join(p for p in parts if p)


def _files_in_order(kb: KBResult) -> list[FileResult]:
    """A KB's files, the servicing files of its package last."""
    return sorted(kb.files, key=is_servicing)


def scan_document(result: ScanResult, *, files: bool = False) -> Document:
    """The scan as a document; per-copy rows only with ``files`` in the tabular formats."""
    kb_rows = [
        (kb.manifest.kb, kb.verdict.value, kb.manifest.title, kb.reason or None,
         files_text(_counts(kb)) or None)
        for kb in result.kbs
    ]  # fmt: skip
    tables = [
        Table(
            KB_HEADERS,
            kb_rows,
            None if not files else "KBs",
            shorten=("title",),
            wrap=("reason", "files"),
            headline=("kb", "verdict", "title"),
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
                _file_note(f) or None,
            )
            for kb in result.kbs
            for f in _files_in_order(kb)
        ]
        tables.append(
            Table(
                ("kb", *FILE_HEADERS),
                file_rows,
                "files",
                wrap=("note",),
                paths=("path",),
                headline=("kb", "path", "verdict"),
            )
        )
    data = {
        "target": result.target,
        "system": result.system.record(),
        "summary": summary(result),
        "kbs": [kb_record(kb) for kb in result.kbs],
        "problems": [{"path": p.path, "message": p.message} for p in result.problems],
    }
    csv = _files_csv(result) if files else _kbs_csv(result)
    return Document(data, tuple(tables), (system_line(result.system),), csv)


def _kb_cells(kb: KBResult) -> tuple[Any, ...]:
    counts = _counts(kb)
    return (
        kb.manifest.kb,
        kb.manifest.title,
        kb.verdict.value,
        kb.reason or None,
        *(counts[h] for h in COUNT_HEADERS),
    )


_KB_CSV = ("kb", "title", "verdict", "reason", *COUNT_HEADERS)


def _kbs_csv(result: ScanResult) -> Table:
    """One row per KB, a column per count."""
    return Table(_KB_CSV, [_kb_cells(kb) for kb in result.kbs])


def _files_csv(result: ScanResult) -> Table:
    """One row per file copy, its KB's columns first (a KB without files: one row, no file)."""
    headers = (
        "kb", "title", "kb_verdict", "reason", "name", "path", "platform", "installed_version",
        "required_version", "branch", "verdict", "note", "copy", "servicing",
    )  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    for kb in result.kbs:
        lead = (kb.manifest.kb, kb.manifest.title, kb.verdict.value, kb.reason or None)
        if not kb.files:
            rows.append((*lead, *([None] * (len(headers) - len(lead)))))
        for f in _files_in_order(kb):
            rows.append(
                (*lead, f.name, f.path, f.platform, f.installed_version, f.required_version,
                 f.branch, f.verdict.value, f.note or None, f.backup, is_servicing(f))
            )  # fmt: skip
    return Table(headers, rows)


def system_line(profile: Profile) -> str:
    """The profile in one line above the KBs: ``system: Windows XP SP3 x86 (kernel ...)``."""
    if not profile.known:
        why = f" ({profile.warning})" if profile.warning else ""
        return f"system: unknown{why}; rows judged by version line only"
    if profile.source == "--os":
        kernel = f"; kernel {profile.version}" if profile.version else ""
        return f"system: {profile.describe()} (stated with --os{kernel})"
    return f"system: {profile.describe()} (kernel {profile.version}, {profile.source})"
