"""SIGINT, SIGTERM and SIGHUP at any moment of a run: no traceback, no partial output, nothing left.

The program runs for real and stops at a named moment (``VERSCAN_TEST_SIGNALS``,
see :mod:`verscan.interrupts`), where the test sends its signal: the moment is
known whatever the machine's load, and so is the outcome. Each run has a
temporary folder of its own (``TMPDIR``), which must be empty at the end.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.robustness.helpers import (
    HANG_GUARD,
    PE,
    ROOT,
    make_tree,
    stop_at,
    verscan_program,
)
from verscan.interrupts import TEST_VARIABLE

SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
OLD = "the user's old file\n"
SP = ROOT / "fixtures" / "preflight" / "sp"
SYSTEM = ROOT / "fixtures" / "preflight" / "system"
CABINET = ROOT / "fixtures" / "archives" / "multi.cab"


def _names(signum: int) -> str:
    return signal.Signals(signum).name


def _private_tmp(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return {"TMPDIR": os.fspath(folder)}


def _check_stopped(code: int, stderr: bytes, signum: int, tmp_path: Path) -> None:
    assert b"Traceback" not in stderr, stderr
    assert code == 128 + signum, stderr
    assert stderr.endswith(f"verscan: interrupted by {_names(signum)}\n".encode()), stderr
    assert os.listdir(tmp_path / "tmp") == []


INVENTORY_MOMENTS = ("start", "modules", "reading", "write", "written")
"""Python has started, click has loaded, the walk has begun, the new file is written but not
renamed, renamed."""


@pytest.mark.parametrize("signum", SIGNALS, ids=_names)
@pytest.mark.parametrize("moment", INVENTORY_MOMENTS)
def test_an_inventory_stopped_keeps_the_old_file_or_writes_a_whole_one(
    moment: str, signum: int, tmp_path: Path
) -> None:
    tree = make_tree(tmp_path / "tree")
    out = tmp_path / "out" / "inventory.json"
    out.parent.mkdir()
    out.write_text(OLD)
    args = ["inventory", tree, "--output", out, "--force"]
    stopped = stop_at(moment, args, signum, env=_private_tmp(tmp_path))
    _check_stopped(stopped.code, stopped.stderr, signum, tmp_path)
    if moment == "written":
        assert len(json.loads(out.read_text())["files"]) == 2  # whole, never partial
    else:
        assert out.read_text() == OLD
    assert os.listdir(out.parent) == ["inventory.json"]


@pytest.mark.parametrize("signum", SIGNALS, ids=_names)
def test_overwrite_stopped_while_expanding_answers_nothing(signum: int, tmp_path: Path) -> None:
    """The member is expanded in the private folder when the signal lands: no answer, no file."""
    existing = tmp_path / "sqlos.dll"
    existing.write_bytes((PE / "product_differs_x64.dll").read_bytes())
    stopped = stop_at("expand", ["overwrite", existing, CABINET], signum, _private_tmp(tmp_path))
    _check_stopped(stopped.code, stopped.stderr, signum, tmp_path)
    assert stopped.stdout == b""  # no table, and never exit 1 ("keep")


@pytest.mark.parametrize("signum", SIGNALS, ids=_names)
def test_preflight_stopped_while_expanding_keeps_the_old_plan(signum: int, tmp_path: Path) -> None:
    out = tmp_path / "out" / "plan.json"
    out.parent.mkdir()
    out.write_text(OLD)
    args = ["preflight", SP, SYSTEM, "-f", "json", "-o", out, "--force"]
    stopped = stop_at("expand", args, signum, _private_tmp(tmp_path))
    _check_stopped(stopped.code, stopped.stderr, signum, tmp_path)
    assert out.read_text() == OLD and os.listdir(out.parent) == ["plan.json"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=_names)
def test_a_signal_before_verscan_has_started(signum: int, tmp_path: Path) -> None:
    """Sent as soon as the process exists: the system's default ends it, or verscan does.

    Before verscan's first line runs, Python leaves SIGTERM and SIGHUP to the system,
    which ends the process silently: nothing was written yet. (SIGINT is Python's
    own until then; see verscan.program.)
    """
    env = {**os.environ, **_private_tmp(tmp_path)}
    for _ in range(5):
        proc = subprocess.Popen(
            [*verscan_program(), "inventory", make_tree(tmp_path / f"t{_}"), "-o", "-"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=HANG_GUARD)
        assert b"Traceback" not in err, err
        if proc.returncode == -signum:
            assert out == b"" and err == b""
        else:
            _check_stopped(proc.returncode, err, signum, tmp_path)
            assert out == b""
        assert os.listdir(tmp_path / "tmp") == []


def test_signals_at_random_moments(tmp_path: Path) -> None:
    """Any moment after start-up, any of the three signals: an ending the program chose.

    The moments are drawn at random (printed on failure); the outcome is checked the
    same whatever the moment: no traceback, the exit code of a finished run or of the
    signal, the old plan or a whole new one, nothing left behind.
    """
    seed = int(os.environ.get("VERSCAN_SIGNAL_SEED", time.time_ns() % 10_000))
    rng = random.Random(seed)
    out = tmp_path / "out" / "plan.json"
    out.parent.mkdir()
    env = {**os.environ, **_private_tmp(tmp_path), TEST_VARIABLE: "none"}
    for attempt in range(12):
        out.write_text(OLD)
        signum = rng.choice(SIGNALS)
        delay = rng.uniform(0, 0.4)
        proc = subprocess.Popen(
            [*verscan_program(), "preflight", SP, SYSTEM, "-f", "json", "-o", out, "--force"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert proc.stderr is not None
        first = proc.stderr.readline()  # "verscan-test: at start": the handlers are in place
        assert first == b"verscan-test: at start\n", first
        time.sleep(delay)  # any moment will do: the checks below hold for each
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=HANG_GUARD)
        what = f"seed {seed}, attempt {attempt}: {_names(signum)} after {delay:.3f} s"
        assert b"Traceback" not in err, (what, err)
        assert proc.returncode in (1, 128 + signum), (what, err)  # 1: it had finished (a downgrade)
        text = out.read_text()
        if text != OLD:
            assert json.loads(text)["files"], what  # whole, never partial
        assert os.listdir(out.parent) == ["plan.json"], what
        assert os.listdir(tmp_path / "tmp") == [], what
