"""Nothing is written inside a scanned TARGET or SOURCE, and every file there is opened read-only.

Two checks on every command that reads a tree: the trees are identical before
and after (paths, types, modes, sizes, times, contents, link targets, and the
folders' own times, which change when a file is created and removed), and no
call that writes (an open for writing, a new folder, a rename, a removal, a
change of mode or time) names a path inside them.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.robustness.helpers import ROOT, make_manifests, run_cli

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
WRITING_CALLS = (
    "mkdir",
    "rename",
    "replace",
    "remove",
    "unlink",
    "rmdir",
    "symlink",
    "link",
    "chmod",
    "chown",
    "lchown",
    "utime",
    "truncate",
    "mkfifo",
    "mknod",
    "setxattr",
    "removexattr",
)


def snapshot(root: Path) -> dict[str, tuple[Any, ...]]:
    """Everything about a tree that a write could change (access times aside)."""
    found: dict[str, tuple[Any, ...]] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in [*dirs, *files, "."]:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            content: object = None
            if os.path.islink(path):
                content = os.readlink(path)
            elif os.path.isfile(path) and st.st_size < (64 << 20):
                content = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            rel = os.path.relpath(path, root)
            found[rel] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, content)
    return found


class Recorder:
    """Records every writing call and every open, with the paths they name."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.writes: list[tuple[str, str]] = []
        self.opens: list[tuple[str, str]] = []
        real_os_open = os.open
        real_open = builtins.open

        def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            self._note("os.open", path, writing=bool(flags & WRITE_FLAGS))
            return real_os_open(path, flags, *args, **kwargs)

        def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            self._note("open", file, writing=any(c in mode for c in "wax+"))
            return real_open(file, mode, *args, **kwargs)

        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(builtins, "open", open_)
        monkeypatch.setattr(io, "open", open_)
        for name in WRITING_CALLS:
            if hasattr(os, name):
                monkeypatch.setattr(os, name, self._wrap(name, getattr(os, name)))

    def _wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            for arg in args[:2]:
                self._note(f"os.{name}", arg, writing=True)
            return real(*args, **kwargs)

        return call

    def _note(self, how: str, path: Any, *, writing: bool) -> None:
        if isinstance(path, int):
            return
        text = os.fsdecode(path)
        self.opens.append((how, text))
        if writing:
            self.writes.append((how, text))

    @staticmethod
    def inside(path: str, roots: list[Path]) -> bool:
        candidates = {os.path.abspath(path), os.path.realpath(path)}
        return any(c == str(r) or c.startswith(str(r) + os.sep) for c in candidates for r in roots)


@pytest.fixture
def trees(tmp_path: Path) -> Iterator[tuple[Path, Path, Path]]:
    """(TARGET, SOURCE, outside): a system with its traps, an update, and a folder for outputs."""
    target = tmp_path / "system"
    shutil.copytree(ROOT / "fixtures" / "preflight" / "system", target, symlinks=True)
    shutil.copytree(ROOT / "fixtures" / "systems" / "win2000-sp4", target / "legacy")
    system32 = target / "WINDOWS" / "system32"
    os.mkfifo(system32 / "pipe.dll")
    os.symlink("/dev/zero", system32 / "zero.dll")
    os.symlink("nowhere.dll", system32 / "broken.dll")
    os.symlink(tmp_path / "outside", system32 / "out")
    source = tmp_path / "sp"
    shutil.copytree(ROOT / "fixtures" / "preflight" / "sp", source)
    outside = tmp_path / "outside"
    outside.mkdir()
    make_manifests(outside / "manifests")
    yield target, source, outside


def every_command(target: Path, source: Path, out: Path) -> Iterator[tuple[str, ...]]:
    """Every command that reads TARGET or SOURCE, with its outputs outside them."""
    manifests = str(out / "manifests")
    shipped = str(ROOT / "manifests")
    t, s = str(target), str(source)
    for links in ((), ("--follow-links",)):
        yield ("info", t, "--format", "json", *links)
        yield ("info", s, *links)
        yield ("scan", t, "-m", manifests, "-m", shipped, "--files", "--include-backups", *links)
        yield ("inventory", t, "--output", str(out / "inv.json"), "--force", *links)
        yield ("inventory", t, "--output", str(out / "inv.yaml"), "--force", "--hash", "sha256")
        yield ("diff", t, s, "--show-all", *links)
        yield ("diff", t, t, "-m", manifests, *links)
        yield ("preflight", s, t, "--include-backups", *links)
        yield ("preflight", s, t, "--format", "json", "--output", str(out / "plan.json"), "--force")
    yield ("scan", str(out / "inv.json"), "-m", manifests)
    yield ("report", str(out / "inv.json"), "-m", manifests, "--format", "html")
    yield (
        "overwrite",
        str(target / "WINDOWS" / "system32" / "kernel32.dll"),
        str(source / "i386" / "kernel32.dl_"),
    )
    yield ("overwrite", t + "/WINDOWS/system32/colormgr.dll", s + "/i386/extras.cab")


PROMPT_NAMES = "kernel32.dl_\nIISCHEMA.DLL\ncolormgr.dll\nnotepad.exe\nnothing.dll\n"


def test_commands_leave_the_trees_as_they_were(
    trees: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, source, out = trees
    before = (snapshot(target), snapshot(source))
    recorder = Recorder(monkeypatch)
    for args in every_command(target, source, out):
        run_cli(*args)
    run_cli("prompt", "--source", source, "--target", target, stdin=PROMPT_NAMES)
    monkeypatch.undo()
    assert (snapshot(target), snapshot(source)) == before
    written_inside = [w for w in recorder.writes if Recorder.inside(w[1], [target, source])]
    assert written_inside == []
    # The recorder saw the outputs written outside, and the trees' files being read.
    assert any(path.endswith("inv.json") for _, path in recorder.writes)
    assert any(Recorder.inside(path, [target]) for _, path in recorder.opens)
    assert any(Recorder.inside(path, [source]) for _, path in recorder.opens)
