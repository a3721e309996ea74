"""Real permission denials: the commands run as an unprivileged user on a tree with mode-000 paths.

The other fault tests patch the OS layer, because root reads everything. Here
the kernel itself refuses: the tests run verscan as ``nobody`` (with
``setpriv`` or ``runuser``) and are skipped when that is not possible.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.robustness.helpers import (
    COMMANDS,
    PE,
    VICTIM,
    Run,
    check_ended,
    make_source,
    make_tree,
    run_command,
    sentinel_reported,
    verscan_program,
)

EXIT = {"info": 1, "scan": 1, "inventory": 1, "diff": 1, "preflight": 2}


def _unprivileged_prefix() -> list[str] | None:
    """A command prefix that runs a program as ``nobody``, or None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    candidates = []
    if shutil.which("setpriv"):
        candidates.append(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
    if shutil.which("runuser"):
        candidates.append(["runuser", "-u", "nobody", "--"])
    for prefix in candidates:
        try:
            probe = subprocess.run(
                [*prefix, *verscan_program(), "--version"],
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return prefix
    return None


PREFIX = _unprivileged_prefix()
pytestmark = pytest.mark.skipif(PREFIX is None, reason="cannot run verscan as nobody here")


def as_nobody(*args: str | os.PathLike[str]) -> Run:
    assert PREFIX is not None
    done = subprocess.run(
        [*PREFIX, *verscan_program(), *(os.fspath(a) for a in args)],
        capture_output=True,
        timeout=60,
        check=False,
        cwd="/",
    )
    stdout = done.stdout.decode("utf-8", "surrogateescape")
    stderr = done.stderr.decode("utf-8", "surrogateescape")
    check_ended(done.returncode, stdout, stderr)
    return Run(done.returncode, stdout, stderr)


@pytest.fixture
def world() -> Iterator[Path]:
    """A folder everyone may enter (pytest's own temporary folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="verscan-unprivileged-"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)  # root removes mode-000 paths as any other


def _open_to_all(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


@pytest.mark.parametrize("command", COMMANDS)
def test_permission_denied_for_real(command: str, world: Path) -> None:
    tree = make_tree(world / "tree")
    system32 = tree / "WINNT" / "system32"
    shutil.copyfile(PE / "win7sp1_x64.dll", system32 / VICTIM)
    (system32 / "locked").mkdir()
    shutil.copyfile(PE / "iischema_x64.dll", system32 / "locked" / "hidden.dll")
    work = world / "work"
    make_source(work / "source")
    _open_to_all(world)
    os.chmod(work, 0o777)  # nobody writes the inventory here
    os.chmod(system32 / VICTIM, 0)
    os.chmod(system32 / "locked", 0)
    run = run_command(command, tree, work, runner=as_nobody)
    assert run.code == EXIT[command], run.stderr
    assert sentinel_reported(command, run)
    assert "locked: cannot list folder: Permission denied" in run.stderr
    if command == "scan":
        (victim,) = [
            f for kb in run.output["kbs"] for f in kb["files"] if f["path"] and VICTIM in f["path"]
        ]
        assert victim["verdict"] == "UNREADABLE" and "Permission denied" in victim["note"]
        # The folder not listed and the file not opened, both counted.
        assert run.stderr.rstrip().endswith("; 2 paths not read"), run.stderr
    elif command == "diff":
        (victim,) = [f for f in run.output["differences"] if VICTIM in f["path"]]
        assert victim["note"] == "unreadable: Permission denied"
    else:
        assert f"{VICTIM}: unreadable: Permission denied" in run.stderr
    assert "hidden.dll" not in run.stdout
