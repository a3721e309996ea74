"""Outputs lose nothing: every file a command writes is replaced only with --force, and a write
cut short by Ctrl-C or a full disk leaves the old file as it was and no partial file behind."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.robustness.helpers import (
    PE,
    ROOT,
    make_manifests,
    make_source,
    make_tree,
)
from verscan.cli import main

OLD = "the user's old file\n"
ARTICLE = ROOT / "fixtures" / "kb" / "Q323332.TXT"


def writers(tmp: Path) -> dict[str, tuple[list[str], Path]]:
    """Every command that writes a file: its arguments (without --force) and the file."""
    tree = make_tree(tmp / "tree")
    source = make_source(tmp / "source")
    manifests = make_manifests(tmp / "manifests")
    out = tmp / "out"
    out.mkdir()
    inventory = tmp / "saved.json"
    CliRunner().invoke(main, ["inventory", str(tree), "--output", str(inventory)])
    kernel32 = str(tree / "WINNT" / "system32" / "kernel32.dll")
    t, s, m = str(tree), str(source), str(manifests)
    found = {
        "info": (["info", t, "--output"], out / "info.txt"),
        "scan": (["scan", t, "-m", m, "--format", "json", "--output"], out / "scan.json"),
        "inventory": (["inventory", t, "--output"], out / "inventory.json"),
        "diff": (["diff", t, s, "--format", "csv", "--output"], out / "diff.csv"),
        "report": (["report", str(inventory), "-m", m, "-f", "html", "-o"], out / "fleet.html"),
        "preflight": (["preflight", s, t, "--output"], out / "plan.txt"),
        "overwrite": (["overwrite", kernel32, str(PE / "win7ldr_x86.dll"), "-o"], out / "o.txt"),
        "manifest build": (["manifest", "build", str(ARTICLE), "--output"], out / "KB.yaml"),
    }
    return {name: ([*args, str(path)], path) for name, (args, path) in found.items()}


def outdir_writer(tmp: Path) -> tuple[list[str], Path]:
    out = tmp / "manifests-out"
    out.mkdir()
    return ["manifest", "build", str(ARTICLE), "--outdir", str(out)], out / "KB323332.yaml"


COMMANDS = ["info", "scan", "inventory", "diff", "report", "preflight", "overwrite"]
COMMANDS += ["manifest build", "manifest build --outdir"]


def setup(command: str, tmp: Path) -> tuple[list[str], Path]:
    if command == "manifest build --outdir":
        return outdir_writer(tmp)
    return writers(tmp)[command]


def leftovers(folder: Path, keep: Path) -> list[str]:
    """Files in the output's folder other than the output (a temporary file left behind)."""
    return sorted(p.name for p in folder.iterdir() if p != keep and p.name.startswith("."))


def invoke(args: list[str]) -> Any:
    result = CliRunner().invoke(main, args)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("command", COMMANDS)
def test_existing_output_is_replaced_only_with_force(command: str, tmp_path: Path) -> None:
    args, out = setup(command, tmp_path)
    out.write_text(OLD)
    refused = invoke(args)
    assert refused.exit_code == 2, refused.output
    assert "exists (use --force to replace it)" in refused.stderr
    assert out.read_text() == OLD
    forced = invoke([*args, "--force"])
    assert forced.exit_code in (0, 1), forced.output
    assert out.read_text() != OLD and out.stat().st_size > 0
    assert leftovers(out.parent, out) == []


def _interrupt_in_fsync(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def fsync(fd: int) -> None:
        raise exc

    monkeypatch.setattr("verscan.atomic.os.fsync", fsync)


def _interrupt_in_write(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    real_fdopen = os.fdopen

    class HalfWritten:
        """A file whose write stops halfway, as when the disk fills or Ctrl-C lands."""

        def __init__(self, fh: Any) -> None:
            self._fh = fh

        def write(self, data: bytes) -> int:
            self._fh.write(data[: len(data) // 2])
            self._fh.flush()
            raise exc

        def __getattr__(self, name: str) -> Any:
            return getattr(self._fh, name)

        def __enter__(self) -> HalfWritten:
            return self

        def __exit__(self, *args: object) -> None:
            self._fh.close()

    monkeypatch.setattr(
        "verscan.atomic.os.fdopen", lambda *a, **k: HalfWritten(real_fdopen(*a, **k))
    )


def _interrupt_in_rename(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def replace(*args: object, **kwargs: object) -> None:
        raise exc

    monkeypatch.setattr("verscan.atomic.os.replace", replace)


STAGES: dict[str, Callable[[pytest.MonkeyPatch, BaseException], None]] = {
    "write": _interrupt_in_write,
    "fsync": _interrupt_in_fsync,
    "rename": _interrupt_in_rename,
}


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("command", COMMANDS)
def test_ctrl_c_while_writing_keeps_the_old_file(
    command: str, stage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args, out = setup(command, tmp_path)
    out.write_text(OLD)
    STAGES[stage](monkeypatch, KeyboardInterrupt())
    result = invoke([*args, "--force"])
    assert result.exit_code == 130, result.output  # 128 + SIGINT: never a command's own answer
    assert result.stderr == "verscan: interrupted by SIGINT\n"
    assert out.read_text() == OLD
    assert leftovers(out.parent, out) == []


@pytest.mark.parametrize("stage", ["write", "fsync"])
@pytest.mark.parametrize("command", COMMANDS)
def test_full_disk_keeps_the_old_file(
    command: str, stage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args, out = setup(command, tmp_path)
    out.write_text(OLD)
    STAGES[stage](monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    result = invoke([*args, "--force"])
    assert result.exit_code == 2, result.output
    assert f"{out}: cannot write: No space left on device" in result.stderr
    assert out.read_text() == OLD
    assert leftovers(out.parent, out) == []


@pytest.mark.parametrize("command", ["info", "inventory", "manifest build"])
def test_full_disk_leaves_no_new_file(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args, out = setup(command, tmp_path)
    _interrupt_in_write(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    result = invoke(args)
    assert result.exit_code == 2
    assert not out.exists() and leftovers(out.parent, out) == []


def test_unwritable_folder_is_an_error_before_the_walk(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    result = invoke(["inventory", str(tree), "--output", str(tmp_path / "no" / "such" / "x.json")])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr
