"""Where a report may go: a regular file, through a link to one, or standard output.

``--output`` never replaces what is not a regular file, whatever the flags: a FIFO,
a device, a socket, a directory (``-o /dev/full --force`` run as root replaced the
machine's /dev/full). A symbolic link is written through to the regular file it
names, atomically, beside that file. ``-`` is standard output. A standard output
that is full or closed is one line on stderr and exit 2; a broken pipe stays quiet.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.robustness.helpers import PE, ROOT, make_manifests, make_tree, verscan_program
from tests.robustness.test_outputs import COMMANDS, OLD, invoke, leftovers, setup


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(os.fspath(path))
    sock.close()


def _device(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # /dev/full's numbers


def _directory(path: Path) -> None:
    path.mkdir()


SPECIAL: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (_fifo, "is a FIFO, not a regular file; not written"),
    "socket": (_socket, "is a socket, not a regular file; not written"),
    "device": (_device, "is a character device, not a regular file; not written"),
    "directory": (_directory, "is a directory"),
}


def _kind(path: Path) -> int:
    return stat.S_IFMT(path.lstat().st_mode)


@pytest.mark.parametrize("kind", SPECIAL)
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("force", [False, True])
def test_what_is_not_a_regular_file_is_never_replaced(
    command: str, kind: str, force: bool, tmp_path: Path
) -> None:
    args, out = setup(command, tmp_path)
    make, message = SPECIAL[kind]
    make(out)
    before = _kind(out)
    result = invoke([*args, *(["--force"] if force else [])])
    assert result.exit_code == 2, result.output
    assert str(out) in result.stderr and message in result.stderr  # click says it of a directory
    assert _kind(out) == before
    assert leftovers(out.parent, out) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_a_link_is_written_through_to_its_regular_file(command: str, tmp_path: Path) -> None:
    args, out = setup(command, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real = elsewhere / "real-report"
    real.write_text(OLD)
    os.symlink(real, out)
    refused = invoke(args)
    assert refused.exit_code == 2 and "exists (use --force to replace it)" in refused.stderr
    assert real.read_text() == OLD
    inode = real.stat().st_ino
    forced = invoke([*args, "--force"])
    assert forced.exit_code in (0, 1), forced.output
    assert out.is_symlink() and os.readlink(out) == os.fspath(real)
    assert real.read_text() != OLD and real.stat().st_size > 0
    assert real.stat().st_ino != inode  # a new file renamed over the old one: atomic
    assert leftovers(out.parent, out) == [] and leftovers(elsewhere, real) == []


@pytest.mark.parametrize("target", ["fifo", "directory", "nothing"])
def test_a_link_to_anything_else_is_refused(target: str, tmp_path: Path) -> None:
    args, out = setup("scan", tmp_path)
    named = tmp_path / "named"
    if target == "fifo":
        os.mkfifo(named)
    elif target == "directory":
        named.mkdir()
    os.symlink(named, out)
    result = invoke([*args, "--force"])
    assert result.exit_code == 2
    if target == "directory":  # click's own check of --output
        assert "is a directory" in result.stderr
    else:
        assert f"{out}: a symbolic link to " in result.stderr and "; not written" in result.stderr
    assert out.is_symlink()
    if target == "nothing":
        assert not named.exists()


@pytest.mark.parametrize("command", ["info", "scan", "inventory", "report", "manifest build"])
def test_dash_is_standard_output(command: str, tmp_path: Path) -> None:
    args, out = setup(command, tmp_path)
    assert args[-1] == os.fspath(out)
    result = invoke([*args[:-1], "-"])
    assert result.exit_code in (0, 1), result.output
    assert result.stdout.strip() and not out.exists() and not (tmp_path / "-").exists()


# -- standard output that cannot take the report ------------------------------------------------


def _program(
    args: list[str | os.PathLike[str]], stdout: object, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*verscan_program(), *(os.fspath(a) for a in args)],
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def _printers(tmp: Path) -> dict[str, list[str | os.PathLike[str]]]:
    tree = make_tree(tmp / "tree")
    manifests = make_manifests(tmp / "manifests")
    kernel32 = tree / "WINNT" / "system32" / "kernel32.dll"
    return {
        "info": ["info", tree],
        "scan": ["scan", tree, "-m", manifests, "--format", "json"],
        "diff": ["diff", tree, PE.parent / "systems" / "diff-a"],
        "manifest build": ["manifest", "build", ROOT / "fixtures" / "kb" / "Q323332.TXT"],
        "manifest lint": ["manifest", "lint", ROOT / "fixtures" / "manifests" / "invalid"],
        "overwrite": ["overwrite", kernel32, PE / "win7ldr_x86.dll"],
    }


PRINTERS = ["info", "scan", "diff", "manifest build", "manifest lint", "overwrite"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("command", PRINTERS)
def test_a_full_standard_output_is_one_line_and_exit_2(command: str, tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = _program(_printers(tmp_path)[command], full)
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr
    lines = done.stderr.decode().splitlines()
    assert "verscan: error: standard output: cannot write: No space left on device" in lines


@pytest.mark.parametrize("command", PRINTERS)
def test_a_closed_standard_output_is_one_line_and_exit_2(command: str, tmp_path: Path) -> None:
    done = _program(_printers(tmp_path)[command], None, preexec_fn=lambda: os.close(1))
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr
    assert (
        b"verscan: error: standard output is closed; nothing was written (use --output FILE)\n"
        in done.stderr
    )


def test_a_broken_pipe_stays_quiet(tmp_path: Path) -> None:
    """``verscan info … | head -1``: the reader has what it wanted; no message, no traceback."""
    tree = make_tree(tmp_path / "tree")
    for i in range(300):
        os.link(tree / "WINNT" / "system32" / "kernel32.dll", tree / f"k{i}.dll")
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the report is written
    try:
        done = _program(["info", tree, "--format", "json"], write)
    finally:
        os.close(write)
    assert done.stderr == b""
    assert done.returncode == 1


def test_dash_writes_an_inventory_to_standard_output(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    done = _program(["inventory", tree, "--output", "-"], subprocess.PIPE)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["files"]) == 2
    assert b"to -" in done.stderr
