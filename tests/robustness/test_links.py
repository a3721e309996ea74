"""Symbolic links out of the scanned root: reported and left alone, followed only when asked.

Every command that walks a tree (info, scan, inventory, diff, preflight and
prompt) has ``--follow-links``. Without it a link is one problem line; with it
a link is followed once, loops are cut, and what it leads to is read like any
file, except special files, which are never opened.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.robustness.helpers import (
    COMMANDS,
    PE,
    VICTIM,
    make_source,
    make_tree,
    reported_paths,
    run_cli,
    run_command,
    sentinel_reported,
)

NOT_FOLLOWED = "symbolic link, not followed (use --follow-links)"

EXIT = {
    # (without --follow-links, with it)
    # A link left alone, as asked, is reported but is not a fault.
    "info": (0, 0),
    "scan": (0, 0),
    "inventory": (0, 0),
    "diff": (1, 1),  # the clean twin has none of the linked files
    "preflight": (0, 0),
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A tree with a file link and a folder link that both lead out of it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copyfile(PE / "win7sp1_x64.dll", outside / VICTIM)
    tree = make_tree(tmp_path / "tree")
    os.symlink(outside / VICTIM, tree / "WINNT" / "system32" / "ext.dll")
    os.symlink("../../outside", tree / "WINNT" / "outdir")
    return tree


@pytest.mark.parametrize("command", COMMANDS)
def test_links_out_of_the_root_are_not_followed(command: str, tree: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    make_source(work / "source")
    run = run_command(command, tree, work)
    assert run.code == EXIT[command][0], run.stderr
    assert sentinel_reported(command, run)
    assert f"ext.dll: {NOT_FOLLOWED}" in run.stderr
    assert f"outdir: {NOT_FOLLOWED}" in run.stderr
    paths = reported_paths(command, run.output)
    assert not [p for p in paths if "outdir" in p or p.endswith("ext.dll")], paths


@pytest.mark.parametrize("command", COMMANDS)
def test_links_are_followed_when_asked(command: str, tree: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    make_source(work / "source")
    run = run_command(command, tree, work, "--follow-links")
    assert run.code == EXIT[command][1], run.stderr
    assert NOT_FOLLOWED not in run.stderr
    paths = reported_paths(command, run.output)
    assert any(p.endswith(f"WINNT/outdir/{VICTIM}") for p in paths), paths
    if command in ("info", "inventory", "diff"):  # the others read only names they look for
        assert any(p.endswith("WINNT/system32/ext.dll") for p in paths), paths


@pytest.mark.parametrize("command", COMMANDS)
def test_followed_links_to_devices_and_loops_are_not_read(command: str, tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    system32 = tree / "WINNT" / "system32"
    os.symlink("/dev/zero", system32 / VICTIM)  # reading it would never end
    os.symlink("..", system32 / "up")  # a folder loop
    os.symlink("nowhere.dll", system32 / "broken.dll")
    os.symlink("loop-b.dll", system32 / "loop-a.dll")
    os.symlink("loop-a.dll", system32 / "loop-b.dll")
    work = tmp_path / "work"
    make_source(work / "source")
    run = run_command(command, tree, work, "--follow-links")  # bounded: it must not block
    assert sentinel_reported(command, run)
    assert f"{VICTIM}: character device, not read" in run.stderr
    assert "up: folder already walked (link loop), skipped" in run.stderr
    assert "broken.dll: broken symbolic link" in run.stderr
    assert "loop-a.dll: symbolic link loop" in run.stderr


def test_prompt_follows_links_only_when_asked(tree: Path, tmp_path: Path) -> None:
    source = make_source(tmp_path / "source")
    without = run_cli("prompt", "--source", source, "--target", tree, stdin=f"{VICTIM}\n")
    assert f"{VICTIM}: NEW" in without.stdout
    assert f"outdir: {NOT_FOLLOWED}" in without.stderr
    followed = run_cli(
        "prompt", "--source", source, "--target", tree, "--follow-links", stdin=f"{VICTIM}\n"
    )
    assert f"{VICTIM}: SAME" in followed.stdout


def test_every_walking_command_has_the_option() -> None:
    for command in (*COMMANDS, "prompt"):
        assert "--follow-links" in run_cli(command, "--help").stdout, command
