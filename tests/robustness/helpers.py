"""Trees with faults in them, and running verscan on them in this process or as a program.

Every tree holds a sentinel file (``WINNT/system32/iischema.dll``, version
5.0.2195.6860) that must still be reported whatever else goes wrong, and the
fault under test around ``victim.dll``. ``run_cli`` runs a command in this
process (so that the OS layer can be patched); ``run_program`` runs the
installed ``verscan`` with real standard streams.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from tests.fuzz.support import bounded
from verscan.cli import main
from verscan.interrupts import TEST_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
PE = ROOT / "fixtures" / "pe"
SENTINEL = "WINNT/system32/iischema.dll"
VICTIM = "victim.dll"
COMMANDS = ("info", "scan", "inventory", "diff", "preflight")

MANIFESTS = {
    "KB1111111.yaml": 'kb: "1111111"\nfiles:\n  - {name: iischema.dll, version: "5.0.2195.6860"}\n',
    "KB2222222.yaml": 'kb: "2222222"\nfiles:\n  - {name: victim.dll, version: "6.1.7601.17514"}\n',
}


def verscan_program() -> list[str]:
    """The command that runs the installed verscan."""
    script = Path(sys.executable).parent / "verscan"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "verscan"]


def make_tree(root: Path) -> Path:
    """A small system folder: the sentinel and a 64-bit kernel32.dll."""
    system32 = root / "WINNT" / "system32"
    system32.mkdir(parents=True)
    shutil.copy(PE / "iischema_x86.dll", system32 / "iischema.dll")
    shutil.copy(PE / "win7sp1_x64.dll", system32 / "kernel32.dll")
    return root


def make_manifests(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in MANIFESTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def make_source(root: Path) -> Path:
    """An update folder for preflight: the sentinel's twin and a victim.dll to compare."""
    (root / "i386").mkdir(parents=True)
    shutil.copy(PE / "iischema_x86.dll", root / "i386" / "iischema.dll")
    shutil.copy(PE / "win7sp1_x64.dll", root / "i386" / VICTIM)
    return root


@dataclass
class Run:
    """How a command ended."""

    code: int
    stdout: str
    stderr: str
    output: Any = None
    """The report (or inventory) as loaded JSON."""


def check_ended(code: int, stdout: str, stderr: str) -> None:
    """A command ended by itself: an exit code of its own, no traceback."""
    assert code in (0, 1, 2), stderr
    assert "Traceback" not in stdout and "Traceback" not in stderr, stderr


def run_cli(*args: str | os.PathLike[str], stdin: str | None = None) -> Run:
    """verscan in this process (the OS layer may be patched); never an exception or traceback."""
    argv = [os.fspath(a) for a in args]
    result = bounded(CliRunner().invoke, main, argv, input=stdin, what=" ".join(argv))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    check_ended(result.exit_code, result.stdout, result.stderr)
    return Run(result.exit_code, result.stdout, result.stderr)


def run_program(*args: str | os.PathLike[str], env: dict[str, str] | None = None) -> Run:
    """The installed verscan as a program, its output kept as bytes decoded losslessly."""
    done = subprocess.run(
        [*verscan_program(), *(os.fspath(a) for a in args)],
        capture_output=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )
    stdout = done.stdout.decode("utf-8", "surrogateescape")
    stderr = done.stderr.decode("utf-8", "surrogateescape")
    check_ended(done.returncode, stdout, stderr)
    return Run(done.returncode, stdout, stderr)


def run_command(
    command: str,
    tree: Path,
    work: Path,
    *extra: str,
    runner: Any = run_cli,
) -> Run:
    """One of :data:`COMMANDS` on ``tree`` as its documentation shows it, with a JSON report.

    ``work`` is a scratch folder outside the tree (manifests, a clean twin, outputs).
    """
    manifests = make_manifests(work / "manifests")
    if command == "info":
        run = runner("info", tree, "--format", "json", *extra)
        run.output = json.loads(run.stdout)
    elif command == "scan":
        run = runner("scan", tree, "-m", manifests, "--files", "--format", "json", *extra)
        run.output = json.loads(run.stdout)
    elif command == "inventory":
        out = work / "inventory.json"
        run = runner("inventory", tree, "--output", out, "--force", *extra)
        if out.exists():
            # A name that is not UTF-8 is written as its bytes: read them back as such.
            run.output = json.loads(out.read_bytes().decode("utf-8", "surrogateescape"))
    elif command == "diff":
        twin = work / "clean"
        if not twin.exists():
            make_tree(twin)
        run = runner("diff", tree, twin, "--show-all", "--format", "json", *extra)
        run.output = json.loads(run.stdout)
    elif command == "preflight":
        source = work / "source"
        if not source.exists():
            make_source(source)
        run = runner("preflight", source, tree, "--format", "json", *extra)
        run.output = json.loads(run.stdout)
    else:  # pragma: no cover - a typo in a test
        raise ValueError(command)
    return run


def reported_paths(command: str, output: Any) -> list[str]:
    """The file paths a command's JSON report (or inventory) lists."""
    if command == "info":
        return [entry["path"].replace(os.sep, "/") for entry in output]
    if command == "scan":
        return [f["path"] for kb in output["kbs"] for f in kb["files"] if f["path"]]
    if command == "inventory":
        return [f["path"] for f in output["files"]]
    if command == "diff":
        return [f["path"] for f in output["differences"]]
    if command == "preflight":
        return [f["target"] for f in output["files"] if f["target"]]
    raise ValueError(command)  # pragma: no cover


def sentinel_reported(command: str, run: Run) -> bool:
    """Whether the sentinel file is still in the report, read as it should be."""
    return any(p.endswith(SENTINEL) for p in reported_paths(command, run.output))


@dataclass
class Stopped:
    """How the program ended after a signal sent at a known moment."""

    code: int
    stdout: bytes
    stderr: bytes


HANG_GUARD = 120.0
"""Longest a stopped program may take to reach its stage or to end: a hang, not a timing."""


def stop_at(
    stage: str,
    args: list[str | os.PathLike[str]],
    signum: int = signal.SIGINT,
    env: dict[str, str] | None = None,
) -> Stopped:
    """Run verscan until it reports reaching ``stage`` (where it waits), then send ``signum``.

    The program holds at the stage (``VERSCAN_TEST_SIGNALS``, see
    :mod:`verscan.interrupts`), so the signal lands there whatever the machine's load.
    """
    proc = subprocess.Popen(
        [*verscan_program(), *(os.fspath(a) for a in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {}), TEST_VARIABLE: stage},
    )
    assert proc.stderr is not None and proc.stdout is not None
    marker = f"verscan-test: at {stage}\n".encode()
    out_fd, err = proc.stdout.fileno(), proc.stderr.fileno()
    got = {out_fd: b"", err: b""}
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        sel.register(proc.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + HANG_GUARD
        while marker not in got[err]:
            ready = sel.select(timeout=max(0.0, deadline - time.monotonic()))
            if not ready:
                proc.kill()
                raise AssertionError(f"no {marker!r} within {HANG_GUARD} s: {got[err]!r}")
            for key, _ in ready:
                chunk = os.read(key.fd, 65536)
                if not chunk and key.fd == err:
                    proc.wait()
                    raise AssertionError(f"ended before reaching {stage}: {got[err]!r}")
                if not chunk:
                    sel.unregister(key.fileobj)
                got[key.fd] += chunk
    proc.send_signal(signum)
    out, rest = proc.communicate(timeout=HANG_GUARD)
    return Stopped(proc.returncode, got[out_fd] + out, got[err] + rest)
