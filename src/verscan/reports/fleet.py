"""The report of `verscan report`: machines against KBs, a verdict in each cell."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from verscan.compare.fleet import Fleet
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
            Table(("machine", "kb", "verdict", "reason"), rows, "Why" if titled else None)
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
            }
            for m, row in zip(fleet.machines, fleet.cells)
            for name, kb, cell in zip(fleet.kb_names, fleet.kbs, row)
        ],
    }
    return Document(data, tuple(tables))
