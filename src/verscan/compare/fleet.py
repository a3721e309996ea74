"""The fleet view: which of several machines lack which fix.

Each machine is an inventory; each is scanned against the same manifests (the
scan is the one ``verscan scan`` makes of an inventory), giving a matrix of KB
verdicts with machines as rows and KBs as columns.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from verscan.manifest.model import Manifest
from verscan.system.exclude import Exclude
from verscan.system.inventory import Inventory, InventorySystem
from verscan.system.profile import UNKNOWN, Profile
from verscan.verdicts import KBVerdict
from verscan.verdicts.scan import scan


@dataclass(frozen=True)
class Machine:
    """One machine of the fleet."""

    name: str
    """How the report names it: the inventory's label, made unique."""
    inventory: str | None
    """The inventory file it came from."""
    host: str
    """Host the inventory was taken on."""
    root: str
    """The folder the inventory was taken of."""
    created: str
    """When the inventory was taken."""
    problems: int
    """Paths the inventory's walk could not read."""
    system: Profile = UNKNOWN
    """Which Windows the machine is."""


@dataclass(frozen=True)
class Cell:
    """One machine's verdict on one KB."""

    verdict: KBVerdict
    """The verdict."""
    reason: str = ""
    """Why, for MISSING, UNKNOWN and NOT_APPLICABLE."""


@dataclass(frozen=True)
class Fleet:
    """Machines against KBs."""

    machines: tuple[Machine, ...]
    """The machines, in the order given."""
    kbs: tuple[Manifest, ...]
    """The KBs, in manifest order."""
    kb_names: tuple[str, ...]
    """Column names of the KBs (``KB829427``), unique."""
    cells: tuple[tuple[Cell, ...], ...]
    """``cells[m][k]``: machine ``m``'s verdict on KB ``k``."""

    def count(self, verdict: KBVerdict) -> int:
        """How many cells have this verdict."""
        return sum(1 for row in self.cells for cell in row if cell.verdict is verdict)

    def tally(self) -> dict[str, int]:
        """Cells per verdict, every verdict listed."""
        counts = Counter(cell.verdict for row in self.cells for cell in row)
        return {v.value: counts.get(v, 0) for v in KBVerdict}


def unique_names(wanted: Sequence[str], sources: Sequence[str]) -> list[str]:
    """``wanted`` names, each repeated one followed by its source (``srv01 (a.json)``).

    Inventories taken without ``--label`` are named after their host, and all
    inventories of disk images taken on one analyst's machine share that host.
    """
    counts = Counter(wanted)
    names = [
        n if counts[n] == 1 else f"{n} ({os.path.basename(s)})" for n, s in zip(wanted, sources)
    ]
    # Still equal (same label, same file name in two folders): number them.
    seen: Counter[str] = Counter()
    again = Counter(names)
    out = []
    for name in names:
        seen[name] += 1
        out.append(name if again[name] == 1 else f"{name} #{seen[name]}")
    return out


def kb_names(manifests: Sequence[Manifest]) -> list[str]:
    """Column names: ``KB`` and the number, numbered when one KB has several manifests."""
    base = [f"KB{m.kb}" for m in manifests]
    counts = Counter(base)
    seen: Counter[str] = Counter()
    out = []
    for name in base:
        seen[name] += 1
        out.append(name if counts[name] == 1 else f"{name} #{seen[name]}")
    return out


def build_fleet(
    inventories: Sequence[Inventory],
    manifests: Sequence[Manifest],
    *,
    profiles: Sequence[Profile | None] | None = None,
    exclude: Exclude | None = None,
) -> Fleet:
    """Scan every inventory against every manifest.

    ``profiles`` states machines' profiles (None: the inventory's own);
    ``exclude`` leaves paths out of every scan.
    """
    names = unique_names(
        [inv.label or inv.root for inv in inventories],
        [inv.origin or inv.root for inv in inventories],
    )
    stated = list(profiles) if profiles is not None else [None] * len(inventories)
    machines = []
    cells = []
    for name, inv, profile in zip(names, inventories, stated):
        result = scan(InventorySystem(inv), manifests, profile=profile, exclude=exclude)
        machines.append(
            Machine(
                name,
                inv.origin,
                inv.host,
                inv.root,
                inv.created,
                len(result.problems),
                result.system,
            )
        )
        cells.append(tuple(Cell(kb.verdict, kb.reason) for kb in result.kbs))
    return Fleet(tuple(machines), tuple(manifests), tuple(kb_names(manifests)), tuple(cells))
