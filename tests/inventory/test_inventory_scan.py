"""A scan of an inventory equals the scan of the directory it was taken of."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.inventory.helpers import DIFF_A, DIFF_B, PE, copy_tree
from verscan.cli import main
from verscan.manifest.load import load_manifests
from verscan.manifest.model import FileRow, Manifest
from verscan.system.directory import DirectorySystem
from verscan.system.interface import Copy
from verscan.system.inventory import InventorySystem, dump_inventory, load_inventory, take_inventory
from verscan.system.walk import WalkProblem
from verscan.verdicts import KBVerdict
from verscan.verdicts.scan import ScanResult, scan


def _edge_tree(tmp_path: Path) -> Path:
    """diff-a with backup-folder copies, links, a FIFO and a non-binary the manifests name."""
    root = copy_tree(DIFF_A, tmp_path / "edge")
    system32 = root / "Windows" / "System32"
    (system32 / "dllcache").mkdir()
    shutil.copy(PE / "win7sp1_x64.dll", system32 / "dllcache" / "kernel32.dll")
    os.symlink("kernel32.dll", system32 / "link.dll")
    os.mkfifo(system32 / "pipe.dll")
    backup = root / "Windows" / "$NtUninstallKB2479943$"
    os.symlink("kernel32.dll", backup / "alias.dll")
    (root / "Windows" / "inf").mkdir()
    (root / "Windows" / "inf" / "update.inf").write_text("[Version]\r\n")
    return root


def _saved(tmp_path: Path, root: Path, name: str, **options: object) -> InventorySystem:
    inv = take_inventory(str(root), label=name, **options)  # type: ignore[arg-type]
    path = tmp_path / f"{name}.json"
    path.write_text(dump_inventory(inv), encoding="utf-8")
    return InventorySystem(load_inventory(path))


def _same(a: ScanResult, b: ScanResult) -> None:
    assert a.kbs == b.kbs
    assert a.problems == b.problems


@pytest.mark.parametrize("include_backups", [False, True])
@pytest.mark.parametrize("tree", ["diff-a", "diff-b", "edge"])
def test_scan_of_inventory_equals_scan_of_directory(
    tmp_path: Path, manifests: Path, tree: str, include_backups: bool
) -> None:
    root = {"diff-a": DIFF_A, "diff-b": DIFF_B}.get(tree) or _edge_tree(tmp_path)
    loaded, errors = load_manifests([manifests])
    assert not errors and len(loaded) == 6
    on_disk = scan(DirectorySystem(str(root)), loaded, include_backups=include_backups)
    saved = _saved(tmp_path, root, "m", hash_name="sha256")
    _same(on_disk, scan(saved, loaded, include_backups=include_backups))
    everything = _saved(tmp_path, root, "all", all_files=True, hash_name="sha256")
    _same(on_disk, scan(everything, loaded, include_backups=include_backups))


def test_the_same_copies(tmp_path: Path) -> None:
    root = _edge_tree(tmp_path)
    for include_backups in (False, True):
        on_disk = list(
            DirectorySystem(str(root)).find(lambda name: True, include_backups=include_backups)
        )
        saved = _saved(tmp_path, root, "all", all_files=True)
        recorded = list(saved.find(lambda name: True, include_backups=include_backups))
        assert len(on_disk) == len(recorded) > 10

        # The same copies, and the same problems (a directory yields them as it meets them).
        def copies(items: list[Copy | WalkProblem]) -> list[tuple[object, ...]]:
            return [(c.rel, c.name, c.info, c.backup) for c in items if isinstance(c, Copy)]

        def problems(items: list[Copy | WalkProblem]) -> list[WalkProblem]:
            return [p for p in items if isinstance(p, WalkProblem)]

        assert copies(on_disk) == copies(recorded)
        assert problems(on_disk) == problems(recorded)
        assert len(problems(on_disk)) == (3 if include_backups else 2)


def test_default_inventories_without_hashes(tmp_path: Path, manifests: Path) -> None:
    """Without --hash nothing is hashed, so the row that names a file by its hash alone
    (KB5555555) cannot be decided from the inventory: the one documented difference."""
    loaded, _ = load_manifests([manifests])
    for root in (DIFF_A, DIFF_B):
        on_disk = scan(DirectorySystem(str(root)), loaded)
        saved = scan(_saved(tmp_path, root, "plain"), loaded)
        for d, s in zip(on_disk.kbs, saved.kbs):
            if d.manifest.kb == "5555555":
                assert s.verdict is KBVerdict.UNKNOWN
                assert d.verdict is (KBVerdict.MISSING if root == DIFF_B else KBVerdict.INSTALLED)
            else:
                assert d == s


def test_files_not_named_like_binaries_need_all(tmp_path: Path) -> None:
    root = _edge_tree(tmp_path)
    inf = Manifest(kb="7777777", files=(_row("update.inf", "1.0.0.0"),))
    on_disk = scan(DirectorySystem(str(root)), [inf])
    assert on_disk.kbs[0].verdict is KBVerdict.UNKNOWN  # a text file: UNREADABLE copy
    default = scan(_saved(tmp_path, root, "d"), [inf])
    assert default.kbs[0].verdict is KBVerdict.NOT_APPLICABLE  # not recorded: absent
    everything = scan(_saved(tmp_path, root, "e", all_files=True), [inf])
    _same(on_disk, everything)


def _row(name: str, version: str) -> FileRow:
    return FileRow(name, version)


def test_scan_command_same_output(runner: CliRunner, tmp_path: Path, manifests: Path) -> None:
    root = _edge_tree(tmp_path)
    inventory = tmp_path / "edge.json"
    made = runner.invoke(
        main, ["inventory", str(root), "-o", str(inventory), "--hash", "sha256", "--label", "edge"]
    )
    assert made.exit_code == 1  # the FIFO and the links were not read
    args = ["-m", str(manifests), "--files", "--format", "json", "--include-backups"]
    from_dir = runner.invoke(main, ["scan", str(root), *args])
    from_inv = runner.invoke(main, ["scan", str(inventory), *args])
    assert from_dir.exit_code == from_inv.exit_code == 1  # KB1111111 is MISSING
    a, b = json.loads(from_dir.stdout), json.loads(from_inv.stdout)
    assert a["target"] == str(root) and b["target"] == "edge"
    del a["target"], b["target"]
    assert a == b
    assert from_dir.stderr == from_inv.stderr
    verdicts = {kb["kb"]: kb["verdict"] for kb in a["kbs"]}
    assert verdicts == {
        "1111111": "MISSING",
        "2222222": "INSTALLED",
        "3333333": "NOT_APPLICABLE",
        "4444444": "UNKNOWN",
        "5555555": "INSTALLED",
        "6666666": "INSTALLED",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format": "verscan-inventory", "format_version": 1, "files": [', "truncated"),
        ("not json at all", "not JSON"),
        ('{"format": "verscan-inventory", "format_version": 9}', "format version 9 is newer"),
    ],
)
def test_scan_of_a_bad_inventory(
    runner: CliRunner, tmp_path: Path, manifests: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = runner.invoke(main, ["scan", str(bad), "-m", str(manifests)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"verscan: error: {bad}: ")
    assert message in lines[0]
    assert result.stdout == ""
