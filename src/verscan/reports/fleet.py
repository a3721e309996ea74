"""The report of `verscan report`: machines against KBs, a verdict in each cell."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

from verscan.compare.fleet import Cell, Fleet
from verscan.output import Document, Table
from verscan.verdicts import KBVerdict

VIEWS = ("machines", "kbs", "reasons")
"""The tables a fleet report can hold: a row per machine, a row per KB, the reasons."""


def summary_line(fleet: Fleet) -> str:
    """One line for stderr: the size of the matrix and the cells per verdict."""
    tally = fleet.tally()
    parts = [f"{n} {v.lower().replace('_', ' ')}" for v, n in tally.items() if n]
    return f"{len(fleet.machines)} machines × {len(fleet.kbs)} KBs: " + (
        ", ".join(parts) or "no cells"
    )


def _missing(cells: Collection[Any]) -> int:
    return sum(1 for c in cells if c.verdict is KBVerdict.MISSING)


def fleet_document(fleet: Fleet, *, views: Collection[str] = ("machines",)) -> Document:
    """The fleet as a document; ``views`` chooses the tables (see :data:`VIEWS`)."""
    tables: list[Table] = []
    rows: list[tuple[Any, ...]]
    titled = len(views) > 1
    if "machines" in views:
        rows = [
            (m.name, m.system.describe(), *(c.verdict.value for c in row), _missing(row))
            for m, row in zip(fleet.machines, fleet.cells)
        ]
        tables.append(
            Table(
                ("machine", "system", *fleet.kb_names, "missing"),
                rows,
                "Machines by KB" if titled else None,
                shorten=("system",),
                headline=("machine", "system", "missing"),
            )
        )
    if "kbs" in views:
        rows = []
        for k, (name, manifest) in enumerate(zip(fleet.kb_names, fleet.kbs)):
            column = [row[k] for row in fleet.cells]
            rows.append(
                (name, manifest.title, *(c.verdict.value for c in column), _missing(column))
            )
        tables.append(
            Table(
                ("kb", "title", *(m.name for m in fleet.machines), "missing"),
                rows,
                "KBs by machine" if titled else None,
            )
        )
    if "reasons" in views:
        rows = [
            (m.name, name, cell.verdict.value, cell.reason)
            for m, row in zip(fleet.machines, fleet.cells)
            for name, cell in zip(fleet.kb_names, row)
            if cell.verdict in (KBVerdict.MISSING, KBVerdict.UNKNOWN)
        ]
        tables.append(
            Table(
                ("machine", "kb", "verdict", "reason"),
                rows,
                "Why" if titled else None,
                wrap=("reason",),
                headline=("machine", "kb", "verdict"),
            )
        )
    data = {
        "summary": fleet.tally(),
        "machines": [
            {
                "name": m.name,
                "inventory": m.inventory,
                "host": m.host,
                "root": m.root,
                "created": m.created,
                "problems": m.problems,
                "system": m.system.record(),
            }
            for m in fleet.machines
        ],
        "kbs": [
            {"kb": m.kb, "column": name, "title": m.title, "manifest": m.origin}
            for name, m in zip(fleet.kb_names, fleet.kbs)
        ],
        "cells": [
            {
                "machine": m.name,
                "kb": kb.kb,
                "column": name,
                "verdict": cell.verdict.value,
                "reason": cell.reason or None,
                "files": [
                    {"path": p, "installed_version": i, "required_version": r, "verdict": v}
                    for p, i, r, v in cell.files
                ],
            }
            for m, row in zip(fleet.machines, fleet.cells)
            for name, kb, cell in zip(fleet.kb_names, fleet.kbs, row)
        ],
    }
    csv = next((t for t in tables if t.headers[0] == "machine" and "system" in t.headers), None)
    return Document(data, tuple(tables), csv=csv)


def headline(fleet: Fleet) -> str:
    """The fleet in one sentence, in machines: ``3 of 7 machines miss at least one KB``."""
    total = len(fleet.machines)
    missing = sum(1 for row in fleet.cells if any(c.verdict is KBVerdict.MISSING for c in row))
    unknown = sum(
        1
        for row in fleet.cells
        if not any(c.verdict is KBVerdict.MISSING for c in row)
        and any(c.verdict is KBVerdict.UNKNOWN for c in row)
    )
    word = "machine misses" if missing == 1 else "machines miss"
    text = f"{missing} of {total} {word} at least one KB"
    if unknown:
        text += f"; {unknown} more cannot be told for some KB"
    return text


_ORDER = {KBVerdict.MISSING: 0, KBVerdict.UNKNOWN: 1, KBVerdict.INSTALLED: 2,
          KBVerdict.NOT_APPLICABLE: 3}  # fmt: skip


def _worst(cells: Collection[Cell]) -> str:
    return min(cells, key=lambda c: _ORDER[c.verdict]).verdict.value if cells else ""


def _versions(files: Sequence[tuple[str, str | None, str | None, str]]) -> list[str]:
    """Each deciding copy with its versions: ``WINNT/.../asp.dll: installed 5.0..., required``."""
    out = []
    for path, installed, required, verdict in files:
        parts = [f"installed {installed or 'no version'}"]
        if required:
            parts.append(f"required {required}")
        out.append(f"{path}: " + ", ".join(parts) + ("" if installed else f" ({verdict})"))
    return out


def fleet_page(fleet: Fleet, title: str, made: str) -> str:
    """The fleet as one HTML page for the people who decide.

    A headline in machines; a summary per machine (its profile, the inventory's date,
    missing and unknown KBs), the worst first; the matrix with the KBs that apply to
    no machine folded away and the KBs with problems in the first columns; the
    reasons, with the installed and required versions under each; the manifests used.
    """
    from verscan.output.html import HtmlRenderer

    n = len(fleet.machines)
    counts = [Counter(c.verdict for c in row) for row in fleet.cells]
    machines = sorted(
        range(n),
        key=lambda m: (-counts[m][KBVerdict.MISSING], -counts[m][KBVerdict.UNKNOWN], m),
    )
    per_kb = [Counter(row[k].verdict for row in fleet.cells) for k in range(len(fleet.kbs))]
    applies = [
        k for k in range(len(fleet.kbs)) if per_kb[k][KBVerdict.NOT_APPLICABLE] < n or n == 0
    ]
    folded = [fleet.kb_names[k] for k in range(len(fleet.kbs)) if k not in applies]
    kbs = sorted(
        applies, key=lambda k: (-per_kb[k][KBVerdict.MISSING], -per_kb[k][KBVerdict.UNKNOWN], k)
    )
    summary = Table(
        ("machine", "worst", "system", "inventory taken", "missing", "unknown", "installed",
         "not applicable", "paths not read"),
        [
            (fleet.machines[m].name, _worst(fleet.cells[m]), fleet.machines[m].system.describe(),
             fleet.machines[m].created, counts[m][KBVerdict.MISSING],
             counts[m][KBVerdict.UNKNOWN], counts[m][KBVerdict.INSTALLED],
             counts[m][KBVerdict.NOT_APPLICABLE], fleet.machines[m].problems)
            for m in machines
        ],
        "Machines",
    )  # fmt: skip
    matrix = Table(
        ("machine", *(fleet.kb_names[k] for k in kbs)),
        [
            (fleet.machines[m].name, *(fleet.cells[m][k].verdict.value for k in kbs))
            for m in machines
        ],
        "Machines by KB",
        tips=[
            (fleet.machines[m].system.describe(),
             *(_tip(fleet, k, fleet.cells[m][k]) for k in kbs))
            for m in machines
        ],
    )  # fmt: skip
    why = Table(
        ("machine", "kb", "verdict", "reason", "installed and required"),
        [
            (fleet.machines[m].name, fleet.kb_names[k], cell.verdict.value, cell.reason,
             _versions(cell.files))
            for m in machines
            for k in kbs
            for cell in (fleet.cells[m][k],)
            if cell.verdict in (KBVerdict.MISSING, KBVerdict.UNKNOWN)
        ],
        "Why",
    )  # fmt: skip
    used = Table(
        ("kb", "worst", "title", "missing on", "unknown on", "manifest"),
        [
            (fleet.kb_names[k], _worst([row[k] for row in fleet.cells]), fleet.kbs[k].title,
             per_kb[k][KBVerdict.MISSING], per_kb[k][KBVerdict.UNKNOWN], fleet.kbs[k].origin)
            for k in range(len(fleet.kbs))
        ],
        "Manifests",
    )  # fmt: skip
    notes = {}
    if folded:
        notes["Machines by KB"] = [
            f"Not applicable to any machine, folded away ({len(folded)}): " + ", ".join(folded)
        ]
    renderer = HtmlRenderer(
        title,
        [
            f"Made {made} by verscan from {len(fleet.machines)} inventories and "
            f"{len(fleet.kbs)} manifests.",
            summary_line(fleet),
        ],
        headline=headline(fleet),
        notes=notes,
        matrices=("Machines by KB",),
        controls=True,
    )
    return renderer.render(Document(fleet_document(fleet).data, (summary, matrix, why, used)))


def _tip(fleet: Fleet, k: int, cell: Cell) -> str:
    title = fleet.kbs[k].title
    head = f"{fleet.kb_names[k]}" + (f": {title}" if title else "")
    return f"{head}\n{cell.verdict.value}" + (f": {cell.reason}" if cell.reason else "")
