"""The report of `verscan diff`: the files (or KB verdicts) that differ between two machines."""

from __future__ import annotations

from collections import Counter
from typing import Any

from verscan.compare.diff import (
    Change,
    DiffResult,
    FileDiff,
    KBDiff,
    SystemChange,
    VerdictDiff,
    system_changes,
)
from verscan.output import Document, Table
from verscan.system.profile import Profile

CHANGE_WORDS = {
    Change.A_NEWER: "A newer",
    Change.B_NEWER: "B newer",
    Change.ONLY_A: "only in A",
    Change.ONLY_B: "only in B",
    Change.SAME_VERSION_DIFFERENT_CONTENT: "same version but different content",
    Change.PLATFORM_DIFFERS: "platform differs",
    Change.SAME: "same",
}
"""How the tabular formats name each change."""


def file_record(f: FileDiff) -> dict[str, Any]:
    """The JSON object of one file compared."""
    return {
        "path": f.path,
        "change": f.change.value,
        "a_version": f.a_version,
        "b_version": f.b_version,
        "a_platform": f.a_platform,
        "b_platform": f.b_platform,
        "a_size": f.a_size,
        "b_size": f.b_size,
        "b_path": f.b_path,
        "note": f.note or None,
    }


def _system_lines(a: Profile, b: Profile) -> tuple[str, ...]:
    """The two profiles above the table, and how they differ."""
    lines = [f"A: {_described(a)}", f"B: {_described(b)}"]
    changes = system_changes(a, b)
    if changes:
        lines.append("systems differ: " + "; ".join(_change_words(c) for c in changes))
    return tuple(lines)


def _described(p: Profile) -> str:
    if not p.known:
        return "unknown" + (f" ({p.warning})" if p.warning else "")
    kernel = f", kernel {p.version}" if p.version else ""
    stated = " (stated with --os)" if p.source == "--os" else ""
    return f"{p.describe()}{kernel}{stated}"


def _change_words(c: SystemChange) -> str:
    def shown(value: object) -> str:
        if value is None:
            return "unknown"
        if c.field == "service_pack":
            return f"SP{value}" if value else "RTM"
        return str(value)

    name = {"os": "release", "service_pack": "service pack", "version": "kernel"}.get(
        c.field, c.field
    )
    return f"{name} {shown(c.a)} against {shown(c.b)}"


def _system_data(a: Profile, b: Profile) -> dict[str, Any]:
    return {
        "a_system": a.record(),
        "b_system": b.record(),
        "system_differences": [
            {"field": c.field, "a": c.a, "b": c.b} for c in system_changes(a, b)
        ],
    }


def summary(result: DiffResult) -> dict[str, int]:
    """How many files show each change (unchanged ones under ``same``)."""
    tally = Counter(f.change for f in result.files)
    return {c.value: tally.get(c, 0) for c in Change}


def summary_line(result: DiffResult) -> str:
    """One line for stderr."""
    counts = summary(result)
    parts = [
        f"{n} {CHANGE_WORDS[Change(c)]}" for c, n in counts.items() if n and c != Change.SAME.value
    ]
    problems = f"; {len(result.problems)} not compared" if result.problems else ""
    head = f"{result.a} against {result.b}: "
    return head + (", ".join(parts) or "no differences") + problems + _systems_note(result)


def _systems_note(result: DiffResult | VerdictDiff) -> str:
    changes = system_changes(result.a_system, result.b_system)
    if not changes:
        return ""
    return "; systems differ: " + ", ".join(_change_words(c) for c in changes)


def diff_document(result: DiffResult, *, show_all: bool = False) -> Document:
    """The comparison as a document: the differences, or every file with ``show_all``."""
    shown = result.files if show_all else result.differences
    rows = [
        (
            f.path if f.b_path is None else f"{f.path} (B: {f.b_path})",
            CHANGE_WORDS[f.change],
            f.a_version,
            f.b_version,
            f.a_platform,
            f.b_platform,
            f.note or None,
        )
        for f in shown
    ]
    files = Table(
        ("path", "change", "A", "B", "A platform", "B platform", "note"),
        rows,
        "files" if result.problems else None,
        paths=("path",),
        wrap=("note",),
        headline=("path", "change"),
    )
    tables = [files]
    if result.problems:
        tables.append(
            Table(
                ("side", "path", "problem"),
                [
                    (p.side.upper() if p.side != "both" else "both", p.path, p.message)
                    for p in result.problems
                ],
                "not compared",
                paths=("path",),
                wrap=("problem",),
                headline=("side", "path"),
            )
        )
    csv = Table(
        ("path", "change", "a_version", "b_version", "a_platform", "b_platform", "a_size",
         "b_size", "b_path", "note"),
        [
            (f.path, f.change.value, f.a_version, f.b_version, f.a_platform, f.b_platform,
             f.a_size, f.b_size, f.b_path, f.note or None)
            for f in shown
        ]
        + [
            (p.path, "not_compared", None, None, None, None, None, None, None,
             f"{p.side}: {p.message}")
            for p in result.problems
        ],
    )  # fmt: skip
    data = {
        "a": result.a,
        "b": result.b,
        **_system_data(result.a_system, result.b_system),
        "differ": result.differ,
        "summary": summary(result),
        "differences": [file_record(f) for f in shown],
        "problems": [
            {"side": p.side, "path": p.path, "message": p.message} for p in result.problems
        ],
    }
    return Document(data, tuple(tables), _system_lines(result.a_system, result.b_system), csv)


def kb_record(k: KBDiff) -> dict[str, Any]:
    """The JSON object of one KB's two verdicts."""
    return {
        "kb": k.kb,
        "title": k.title,
        "change": "same" if k.same else "verdict_differs",
        "a_verdict": k.a_verdict.value,
        "b_verdict": k.b_verdict.value,
        "a_reason": k.a_reason or None,
        "b_reason": k.b_reason or None,
    }


def verdict_summary_line(result: VerdictDiff) -> str:
    """One line for stderr."""
    n = len(result.differences)
    kbs = "KB differs" if n == 1 else "KBs differ"
    return f"{result.a} against {result.b}: {n} of {len(result.kbs)} {kbs}" + _systems_note(result)


def verdict_diff_document(result: VerdictDiff, *, show_all: bool = False) -> Document:
    """The KB verdicts that differ (every KB with ``show_all``)."""
    shown = result.kbs if show_all else result.differences
    rows = [
        (
            f"KB{k.kb}",
            k.title,
            k.a_verdict.value,
            k.b_verdict.value,
            k.a_reason or k.b_reason or None,
        )
        for k in shown
    ]
    data = {
        "a": result.a,
        "b": result.b,
        **_system_data(result.a_system, result.b_system),
        "differ": bool(result.differences),
        "differences": [kb_record(k) for k in shown],
    }
    table = Table(
        ("kb", "title", "A", "B", "reason"),
        rows,
        shorten=("title",),
        wrap=("reason",),
        headline=("kb", "A", "B"),
    )
    csv = Table(
        ("kb", "title", "change", "a_verdict", "b_verdict", "a_reason", "b_reason"),
        [
            (k.kb, k.title, "same" if k.same else "verdict_differs", k.a_verdict.value,
             k.b_verdict.value, k.a_reason or None, k.b_reason or None)
            for k in shown
        ],
    )  # fmt: skip
    return Document(data, (table,), _system_lines(result.a_system, result.b_system), csv)
