"""Input files that are not files: a FIFO, /dev/zero, a folder, something huge.

Whatever a command is given as an article, a manifest, an inventory or a file
to compare, it answers at once with one line and exit code 2 (or, for info,
reports the path and goes on). Opening a FIFO for reading would wait for a
writer, and reading /dev/zero would never end.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.robustness.helpers import PE, make_manifests, make_tree, run_cli
from verscan.errors import InventoryError
from verscan.system.inventory import load_inventory

KINDS: dict[str, Callable[[Path], Path]] = {}


def kind(name: str) -> Callable[[Callable[[Path], Path]], Callable[[Path], Path]]:
    def register(make: Callable[[Path], Path]) -> Callable[[Path], Path]:
        KINDS[name] = make
        return make

    return register


@kind("FIFO")
def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "input.yaml")
    return tmp / "input.yaml"


@kind("link to /dev/zero")
def _zero(tmp: Path) -> Path:
    os.symlink("/dev/zero", tmp / "input.yaml")
    return tmp / "input.yaml"


@kind("folder")
def _folder(tmp: Path) -> Path:
    (tmp / "input.yaml").mkdir()
    return tmp / "input.yaml"


@kind("1 GiB sparse file")
def _huge(tmp: Path) -> Path:
    with open(tmp / "input.yaml", "wb") as fh:
        fh.truncate(1 << 30)
    return tmp / "input.yaml"


def commands(path: Path, tmp: Path) -> dict[str, list[str | os.PathLike[str]]]:
    tree = make_tree(tmp / "tree")
    manifests = make_manifests(tmp / "manifests")
    p = str(path)
    return {
        "manifest build": ["manifest", "build", p, "--kb", "1"],
        "manifest lint": ["manifest", "lint", p],
        "scan -m": ["scan", tree, "-m", p],
        "scan INVENTORY": ["scan", p, "-m", manifests],
        "diff INVENTORY": ["diff", p, tree],
        "report": ["report", p, "-m", manifests],
        "overwrite": ["overwrite", p, PE / "iischema_x86.dll"],
    }


NAMES = [
    "manifest build",
    "manifest lint",
    "scan -m",
    "scan INVENTORY",
    "diff INVENTORY",
    "report",
    "overwrite",
]


INVENTORY_READERS = ("scan INVENTORY", "diff INVENTORY", "report")

CASES = [
    (command, what)
    for command in NAMES
    for what in sorted(KINDS)
    # A folder is a TARGET to scan or compare, not a wrong inventory.
    if not (what == "folder" and command in ("scan INVENTORY", "diff INVENTORY"))
    # The inventory loader reads a whole file: see test_inventory_size_is_capped.
    and not (what == "1 GiB sparse file" and command in INVENTORY_READERS)
]


@pytest.mark.parametrize(("command", "what"), CASES)
def test_refused_at_once(command: str, what: str, tmp_path: Path) -> None:
    path = KINDS[what](tmp_path)
    run = run_cli(*commands(path, tmp_path)[command])  # bounded: a blocked read fails
    if what == "1 GiB sparse file":
        if command == "manifest lint":
            assert run.code == 1  # read up to the cap, then one problem: too large
            assert "manifest is larger than 16 MiB" in run.stdout
        elif command == "overwrite":
            assert run.code == 2  # its zeros are not a PE file: no decision
            assert "not a PE file" in run.stdout
        else:
            assert run.code == 2
            assert "larger than 16 MiB" in run.stderr
        return
    assert run.code == 2, run.stderr
    assert str(path) in run.stderr
    assert len([line for line in run.stderr.splitlines() if "error" in line]) <= 2


def test_inventory_size_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A huge file given as an inventory is refused without reading it all into memory."""
    path = KINDS["1 GiB sparse file"](tmp_path)
    real_open = builtins.open

    class Capped:
        def __init__(self, fh: Any) -> None:
            self._fh = fh

        def read(self, size: int = -1) -> Any:
            assert 0 <= size <= 1 << 28, f"read({size}) of a {1 << 30}-byte file"
            return self._fh.read(size)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._fh, name)

        def __enter__(self) -> Capped:
            return self

        def __exit__(self, *args: object) -> None:
            self._fh.close()

    def open_(file: Any, *args: Any, **kwargs: Any) -> Any:
        fh = real_open(file, *args, **kwargs)
        return Capped(fh) if str(file) == str(path) else fh

    monkeypatch.setattr(builtins, "open", open_)
    with pytest.raises(InventoryError, match=str(path)):
        load_inventory(path)


@pytest.mark.parametrize("what", ["FIFO", "link to /dev/zero"])
def test_info_reports_a_named_special_file(what: str, tmp_path: Path) -> None:
    path = KINDS[what](tmp_path)
    run = run_cli("info", path, PE / "iischema_x86.dll", "--format", "json")
    assert run.code == 1
    assert "not read" in run.stderr
    assert "iischema_x86.dll" in run.stdout


def test_a_deep_tree_read_from_inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths work where absolute ones are too long: the walk never needs the latter."""
    monkeypatch.chdir(tmp_path)  # the working folder is given back at the end
    fd = os.open(tmp_path, os.O_RDONLY)
    for _ in range(24):
        os.mkdir("d" * 200, dir_fd=fd)
        inner = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.fchdir(fd)
    os.close(fd)
    os.mkdir("WINNT")
    with open(os.path.join("WINNT", "victim.dll"), "wb") as fh:
        fh.write((PE / "win7sp1_x64.dll").read_bytes())
    for command in (["info", "."], ["inventory", ".", "--output", str(tmp_path / "i.json")]):
        run = run_cli(*command)
        assert run.code == 0, run.stderr
    assert "6.1.7601.17514" in (tmp_path / "i.json").read_text()
