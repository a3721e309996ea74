"""The fleet view: which of several machines lack which fix.

Each machine is an inventory; each is scanned against the same manifests (the
scan is the one ``verscan scan`` makes of an inventory), giving a matrix of KB
verdicts with machines as rows and KBs as columns. Judging one machine
(:func:`judge_file`) is a pure function of its inventory file and the
manifests: it can run in a worker process or on another machine
(:mod:`verscan.compare.judging`), and only its :class:`Judged` result is kept.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from verscan.errors import InventoryError, VerscanError
from verscan.manifest.model import Manifest
from verscan.system.exclude import Exclude
from verscan.system.inventory import Inventory, InventorySystem
from verscan.system.profile import UNKNOWN, Profile
from verscan.verdicts import FileVerdict, KBVerdict
from verscan.verdicts.scan import KBResult, scan


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
    files: tuple[tuple[str, str | None, str | None, str], ...] = ()
    """For MISSING and UNKNOWN: each copy that decided it, as (path, installed version,
    required version, file verdict)."""


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


@dataclass(frozen=True)
class Judged:
    """One machine judged: its verdicts and what the report says of it.

    All a fleet report keeps of an inventory: the inventory itself is freed once
    judged, so the memory a report needs does not grow with its machines.
    """

    label: str
    """The name the inventory gives the machine (its label, else its root)."""
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
    system: Profile
    """Which Windows the machine is, as judged."""
    cells: tuple[Cell, ...]
    """Its verdict on each KB, in manifest order."""
    warnings: tuple[str, ...] = ()
    """Lines for the person running the report (the Windows release was not found, ...)."""


@dataclass(frozen=True)
class Failed:
    """A machine that could not be judged."""

    inventory: str
    """The inventory file, as named."""
    message: str
    """One line naming the file and what went wrong."""


def judge(
    inv: Inventory,
    manifests: Sequence[Manifest],
    *,
    profile: Profile | None = None,
    exclude: Exclude | None = None,
    warnings: tuple[str, ...] = (),
) -> Judged:
    """Scan one inventory against every manifest (``profile`` None: the inventory's own)."""
    result = scan(InventorySystem(inv), manifests, profile=profile, exclude=exclude)
    return Judged(
        inv.label or inv.root,
        inv.origin,
        inv.host,
        inv.root,
        inv.created,
        len(result.problems),
        result.system,
        tuple(_cell(kb) for kb in result.kbs),
        warnings,
    )


_DECIDING = {
    KBVerdict.MISSING: (FileVerdict.OUTDATED,),
    KBVerdict.UNKNOWN: (FileVerdict.UNREADABLE, FileVerdict.UNVERSIONED),
}


def _cell(kb: KBResult) -> Cell:
    """A KB's verdict on one machine, with the copies that decided a MISSING or UNKNOWN one."""
    deciding = _DECIDING.get(kb.verdict, ())
    files = tuple(
        (f.path or f.name, f.installed_version, f.required_version, f.verdict.value)
        for f in kb.files
        if f.backup is None and f.verdict in deciding
    )
    return Cell(kb.verdict, kb.reason, files)


def judge_file(
    path: str,
    manifests: Sequence[Manifest],
    os_texts: Sequence[str] = (),
    excludes: Sequence[str] = (),
) -> Judged | Failed:
    """Load the inventory in ``path``, judge it, and keep only the result.

    A pure function of the inventory file, the manifests, the ``--os`` texts
    (``LABEL=TEXT`` for one machine, ``TEXT`` for all) and the ``--exclude``
    globs, so that it can run in any process or on any machine that reads the
    file. What goes wrong with the inventory is a :class:`Failed`, not an error.
    """
    from verscan.system.exclude import make_exclude
    from verscan.system.inventory import load_inventory
    from verscan.system.profile import chosen_profile, stated_for

    try:
        if os.path.isdir(path):
            raise InventoryError(
                f"{path}: is a folder; take an inventory of it with `verscan inventory`"
            )
        inv = load_inventory(path)
        stated = stated_for(os_texts, inv.label, path, os.path.basename(path))
        system = InventorySystem(inv)
        profile, warning = chosen_profile(system.profile(), stated, system.label)
        return judge(
            inv,
            manifests,
            profile=profile,
            exclude=make_exclude(excludes),
            warnings=(warning,) if warning else (),
        )
    except VerscanError as exc:
        return Failed(path, str(exc))
    except MemoryError:
        return Failed(path, f"{path}: not enough memory to judge it")


def assemble(judged: Sequence[Judged], manifests: Sequence[Manifest]) -> Fleet:
    """The fleet of machines judged against ``manifests``, in the order given."""
    names = unique_names([j.label for j in judged], [j.inventory or j.root for j in judged])
    machines = tuple(
        Machine(name, j.inventory, j.host, j.root, j.created, j.problems, j.system)
        for name, j in zip(names, judged)
    )
    cells = tuple(j.cells for j in judged)
    return Fleet(machines, tuple(manifests), tuple(kb_names(manifests)), cells)


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
    stated = list(profiles) if profiles is not None else [None] * len(inventories)
    judged = [
        judge(inv, manifests, profile=profile, exclude=exclude)
        for inv, profile in zip(inventories, stated)
    ]
    return assemble(judged, manifests)
