"""Every command's default output fits the terminal: no line longer than 80 or 120 columns.

Each command runs on the demo and fixture trees twice over: through click's runner
with a stated terminal width (as a program embedding verscan would), and as the real
program in a pseudo-terminal of that size, where verscan finds the width itself. Its
help fits too. Machine formats and output to a pipe are not cut (tests/test_output.py).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from tests.robustness.helpers import verscan_program
from verscan.cli import COMMANDS, main

WIDTHS = (80, 120)
DEMO = ROOT / "fixtures" / "systems" / "win2000-sp4"
DIFF_A = ROOT / "fixtures" / "systems" / "diff-a"
DIFF_B = ROOT / "fixtures" / "systems" / "diff-b"
MANIFESTS = ROOT / "manifests"
FLEET = ROOT / "fixtures" / "fleet"
PE = ROOT / "fixtures" / "pe"
ARCHIVES = ROOT / "fixtures" / "archives"
PREFLIGHT = ROOT / "fixtures" / "preflight"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def commands(work: Path) -> dict[str, list[str]]:
    """Every command as a new user first runs it, with its default format."""
    fleet = [str(FLEET / f"{n}.json") for n in ("srvA", "srvB", "win2k")]
    fleet_manifests = ["-m", str(FLEET / "manifests"), "-m", str(MANIFESTS)]
    return {
        "scan": ["scan", str(DEMO), "-m", str(MANIFESTS)],
        "scan --files": ["scan", str(DEMO), "-m", str(MANIFESTS), "--files"],
        "scan an inventory": ["scan", str(FLEET / "srvB.json"), *fleet_manifests, "--files"],
        "info": ["info", str(PE)],
        "info --all-strings": ["info", str(PE / "win10_x64.exe"), "--all-strings"],
        "diff": ["diff", str(DIFF_A), str(DIFF_B)],
        "diff -m": ["diff", fleet[0], fleet[1], *fleet_manifests],
        "report": ["report", *fleet, *fleet_manifests],
        "overwrite": ["overwrite", str(PE / "win7sp1_x64.dll"), str(ARCHIVES / "kernelbase.dll_")],
        "overwrite unknown": [
            "overwrite",
            str(PE / "no_version_x86.dll"),
            str(ARCHIVES / "report.dl_"),
        ],
        "preflight": ["preflight", str(PREFLIGHT / "sp"), str(PREFLIGHT / "system")],
        "inventory": ["inventory", str(DIFF_A), "-o", str(work / "a.json"), "--force"],
        "manifest build": [
            "manifest",
            "build",
            str(ROOT / "fixtures" / "kb" / "Q323332.TXT"),
            "-d",
            str(work),
            "--force",
        ],
        "manifest lint": ["manifest", "lint", str(MANIFESTS)],
    }


PROMPT_INPUT = "kernelbase.dll\nIISCHEMA.DL_\ncolormgr.dll\nfsynk.dll\nlibcrypto.dll\n"


def _too_long(text: str, width: int) -> list[str]:
    return [line for line in ANSI.sub("", text).splitlines() if len(line) > width]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(commands(Path("."))))
def test_default_output_fits(name: str, width: int, tmp_path: Path) -> None:
    args = commands(tmp_path)[name]
    result = CliRunner().invoke(main, args, terminal_width=width)
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout or name in ("inventory", "manifest build", "manifest lint")
    assert not _too_long(result.stdout, width), result.stdout
    assert not _too_long(result.stderr, width), result.stderr


@pytest.mark.parametrize("width", WIDTHS)
def test_prompt_answers_fit(width: int) -> None:
    args = ["prompt", "-s", str(PREFLIGHT / "sp"), "-t", str(PREFLIGHT / "system"), "--detail"]
    result = CliRunner().invoke(main, args, input=PROMPT_INPUT, terminal_width=width)
    assert "OVERWRITE" in result.stdout and "NOT FOUND" in result.stdout
    assert not _too_long(result.stdout, width), result.stdout


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", [*COMMANDS, "manifest build", "manifest lint"])
def test_help_fits(command: str, width: int) -> None:
    result = CliRunner().invoke(main, [*command.split(), "--help"], terminal_width=width)
    assert result.exit_code == 0
    assert not _too_long(result.stdout, width), result.stdout


def _in_terminal(args: list[str], columns: int, env: dict[str, str]) -> str:
    """The real program's screen output in a pseudo-terminal ``columns`` wide, 24 lines high."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    process = subprocess.Popen(
        [*verscan_program(), *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the program ended and closed its side
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["scan", "scan --files", "overwrite", "preflight", "report"])
def test_in_a_real_terminal(name: str, width: int, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = "xterm"
    screen = _in_terminal(commands(tmp_path)[name], width, env)
    assert "verscan:" in screen or name == "overwrite"
    assert not _too_long(screen, width), screen
    if name == "scan":
        assert "\x1b[1;31mMISSING\x1b[0m" in screen  # a terminal gets colours ...
        plain = _in_terminal(commands(tmp_path)[name], width, {**env, "NO_COLOR": "1"})
        assert "\x1b[" not in plain and "MISSING" in plain  # ... unless NO_COLOR is set


def test_columns_decides_over_the_terminal(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    screen = _in_terminal(commands(tmp_path)["scan"], 200, {**env, "COLUMNS": "80"})
    assert not _too_long(screen, 80), screen
    assert any(len(line) > 60 for line in screen.splitlines())


def test_a_pipe_gets_whole_lines() -> None:
    done = subprocess.run(
        [*verscan_program(), *commands(Path("."))["scan"]],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        check=False,
    )
    assert done.returncode == 1
    assert "\x1b[" not in done.stdout
    title = "Application Compatibility Update for Windows XP, Windows Server 2003, Windows Vista"
    assert title in done.stdout  # no title cut, whatever COLUMNS says


class _Terminal:
    """A stand-in stderr that says it is a terminal, keeping what is written."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        raise OSError("no descriptor")


def test_progress_counts_rate_and_clears_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    from verscan.cli import common

    screen = _Terminal()
    monkeypatch.setattr(common.sys, "stderr", screen)
    monkeypatch.setenv("COLUMNS", "80")
    assert list(common.progress(range(200), 200, "reading", delay=0)) == list(range(200))
    drawn = screen.text.split("\r")
    assert any(re.match(r"reading \d+ of 200  \[#*-*\]\s+\d+%  [\d,]+/s\x1b\[K", d) for d in drawn)
    assert screen.text.endswith("\r\x1b[K")  # erased at the end
    assert all(len(ANSI.sub("", d)) < 80 for d in drawn)
    screen.text = ""
    assert len(list(common.progress(iter(range(60)), None, "scanning", delay=0))) == 60
    assert re.search(r"scanning \d+  [\d,]+/s", screen.text)


def test_quiet_drops_summaries_not_warnings(tmp_path: Path) -> None:
    loud = CliRunner().invoke(main, commands(tmp_path)["scan"])
    quiet = CliRunner().invoke(main, [*commands(tmp_path)["scan"], "-q"])
    assert "verscan: 5 KBs:" in loud.stderr and quiet.stderr == ""
    assert quiet.stdout == loud.stdout and quiet.exit_code == loud.exit_code == 1
    broken = CliRunner().invoke(main, ["info", "-q", str(PE / "broken" / "empty.dll")])
    assert "empty.dll: not_pe: empty file" in broken.stderr


def test_color_always_and_never() -> None:
    args = commands(Path("."))["scan"]
    always = CliRunner().invoke(main, [*args, "--color", "always"])
    assert "\x1b[1;31mMISSING\x1b[0m" in always.stdout
    never = CliRunner().invoke(main, [*args, "--color", "never"], terminal_width=120)
    assert "\x1b[" not in never.stdout


def test_prompt_history_lives_in_the_state_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    from verscan.cli.overwrite import history_path

    monkeypatch.setenv("XDG_STATE_HOME", "/tmp/state")
    assert history_path() == "/tmp/state/verscan/prompt_history"
