"""What `verscan inventory` says once the inventory is written: counts, on one line."""

from __future__ import annotations

from collections import Counter

from verscan.pe import Status
from verscan.system.inventory import Inventory


def status_counts(inv: Inventory) -> dict[str, int]:
    """How many recorded files have each reader status, every status listed."""
    tally = Counter(f.info.status for f in inv.files)
    return {s.value: tally.get(s, 0) for s in Status}


def summary_line(inv: Inventory, output: str) -> str:
    """``wrote 812 files of C:/ (790 with a version, ...) to srv01.json``."""
    counts = status_counts(inv)
    words = {
        Status.OK.value: "with a version",
        Status.NO_VERSION.value: "without a version",
        Status.NOT_PE.value: "not PE",
        Status.CORRUPT.value: "corrupt",
        Status.UNREADABLE.value: "unreadable",
    }
    parts = [f"{counts[key]} {word}" for key, word in words.items() if counts[key]]
    detail = f" ({', '.join(parts)})" if parts else ""
    skipped = f"; {len(inv.problems)} paths not read" if inv.problems else ""
    hashed = ", with SHA-256" if inv.hash else ""
    system = f"; system: {inv.system.describe()}" if inv.system is not None else ""
    return (
        f"wrote {len(inv.files)} files of {inv.root}{detail}{hashed} "
        f"as {inv.label!r} to {output}{skipped}{system}"
    )
