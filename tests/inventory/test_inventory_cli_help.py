"""Every command of this group has help text with an example and its exit codes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from verscan.cli import COMMANDS, main


@pytest.mark.parametrize("name", ["inventory", "diff", "report"])
def test_help(name: str) -> None:
    assert COMMANDS[name].endswith(f":{name}_command")
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"verscan {name} " in result.output
    assert "Exit 0" in result.output


def test_listed_in_the_group_help() -> None:
    result = CliRunner().invoke(main, ["--help"])
    for name in ("inventory", "diff", "report"):
        assert f"  {name} " in result.output


def test_report_formats() -> None:
    result = CliRunner().invoke(main, ["report", "--help"])
    assert "[table|json|yaml|csv|markdown|html]" in result.output
