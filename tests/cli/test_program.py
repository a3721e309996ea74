"""The program itself, as a user starts it: ``python -m verscan`` and the ``verscan`` command."""

from __future__ import annotations

import subprocess
import sys

from verscan import __version__


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "verscan", *args], capture_output=True, text=True, timeout=60
    )


def test_python_m_verscan_is_the_program() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout == f"verscan, version {__version__}\n"


def test_usage_error_exits_2_without_traceback() -> None:
    result = _run("inventory")
    assert result.returncode == 2
    assert "Missing argument 'TARGET'" in result.stderr
    assert "Traceback" not in result.stderr


def test_interrupt_after_the_command_is_ignored() -> None:
    """Once main has finished, SIGINT (Ctrl-C during shutdown) is ignored: its exit code stands."""
    code = (
        "import os, signal, sys\n"
        "import verscan.cli as cli\n"
        "from verscan.program import run\n"
        "cli.main = lambda: sys.exit(3)  # a command that has finished with exit code 3\n"
        "try:\n"
        "    run()\n"
        "finally:\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    print('still here')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout == "still here\n"
    assert result.returncode == 3
    assert "KeyboardInterrupt" not in result.stderr
