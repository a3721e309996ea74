"""Filesystem faults under info, scan, inventory, diff and preflight: reported, survived.

Each command meets each fault of faults.py in its tree. It must name the fault
(on stderr, or for scan in the report's file line), still report the sentinel
file, end with the exit code its documentation gives, and never print a
traceback or block.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.robustness.faults import (
    BENIGN,
    CORRUPT,
    FAULTS,
    LINK,
    UNREADABLE,
    WALK,
    Fault,
    deny,
    system32,
)
from tests.robustness.helpers import (
    COMMANDS,
    VICTIM,
    make_source,
    make_tree,
    run_command,
    sentinel_reported,
)

# The exit codes each command documents for a tree with this kind of fault (and a sentinel
# whose KB is installed): every command says, by exit code 1 (2 for preflight's files it
# had to compare), that something was skipped.
EXIT = {
    "info": {WALK: 1, UNREADABLE: 1, CORRUPT: 1, BENIGN: 0, LINK: 0},
    "scan": {WALK: 1, UNREADABLE: 1, CORRUPT: 1, BENIGN: 0, LINK: 0},
    "inventory": {WALK: 1, UNREADABLE: 1, CORRUPT: 0, BENIGN: 0, LINK: 0},
    # the clean twin has no victim
    "diff": {WALK: 1, UNREADABLE: 1, CORRUPT: 1, BENIGN: 1, LINK: 1},
    "preflight": {WALK: 1, UNREADABLE: 2, CORRUPT: 2, BENIGN: 0, LINK: 0},
}


def _named_in_report(command: str, output: object, marker: str) -> bool:
    text = json.dumps(output, ensure_ascii=False)
    return marker in text or VICTIM in text


@pytest.mark.parametrize("fault", FAULTS, ids=str)
@pytest.mark.parametrize("command", COMMANDS)
def test_fault_is_reported_and_survived(
    command: str, fault: Fault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = make_tree(tmp_path / "tree")
    work = tmp_path / "work"
    make_source(work / "source")
    fault.setup(tree, monkeypatch)
    run = run_command(command, tree, work)
    assert run.code == EXIT[command][fault.kind], run.stderr
    assert sentinel_reported(command, run), run.stdout
    if fault.marker is None:
        return
    if command == "scan" and fault.kind in (UNREADABLE, CORRUPT):
        # scan lists only walk problems on stderr; a file it read badly is in its report.
        victims = [
            f for kb in run.output["kbs"] for f in kb["files"] if (f["path"] or "").endswith(VICTIM)
        ]
        assert victims and all(f["verdict"] == "UNREADABLE" for f in victims), run.stdout
        if fault.kind == UNREADABLE:  # the summary counts a file not read as a path not read
            assert run.stderr.rstrip().endswith("; 1 paths not read"), run.stderr
    elif command == "diff" and fault.kind in (UNREADABLE, CORRUPT):
        # On one side only, the file is "only in A", a note saying why it could not be read.
        (victim,) = [f for f in run.output["differences"] if f["path"].endswith(VICTIM)]
        assert victim["change"] == "only_a"
        assert fault.kind == CORRUPT or fault.marker in victim["note"]
    elif command == "inventory" and fault.kind == CORRUPT:
        # The inventory records the damage; it is not a read failure.
        (victim,) = [f for f in run.output["files"] if f["path"].endswith(VICTIM)]
        assert victim["status"] == "corrupt"
    else:
        assert fault.marker in run.stderr, run.stderr


def test_preflight_reports_an_unreadable_source_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = make_tree(tmp_path / "tree")
    work = tmp_path / "work"
    source = make_source(work / "source")
    deny(monkeypatch, source / "i386" / VICTIM)
    run = run_command("preflight", tree, work)
    assert run.code == 2
    assert f"{VICTIM}: unreadable: Permission denied" in run.stderr
    assert sentinel_reported("preflight", run)


@pytest.mark.parametrize("command", COMMANDS)
def test_several_faults_at_once(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every fault that can share a tree, in one: each is named, none stops the others."""
    tree = make_tree(tmp_path / "tree")
    work = tmp_path / "work"
    make_source(work / "source")
    for n, fault in enumerate(f for f in FAULTS if f.kind in (WALK, LINK)):
        folder = system32(tree) / f"case{n}"
        folder.mkdir()
        (folder / "WINNT" / "system32").mkdir(parents=True)
        fault.setup(folder, monkeypatch)
    run = run_command(command, tree, work)
    assert sentinel_reported(command, run)
    for n in range(sum(f.kind in (WALK, LINK) for f in FAULTS)):
        assert f"case{n}" in run.stderr, run.stderr


def test_fault_paths_are_real_paths(tmp_path: Path) -> None:
    """The 4096-byte path of the deep-path fault is really too long to open in one piece."""
    tree = make_tree(tmp_path / "tree")
    fault = next(f for f in FAULTS if f.name.startswith("path longer"))
    fault.setup(tree, pytest.MonkeyPatch())
    deepest = system32(tree)
    for _ in range(24):
        deepest = deepest / ("d" * 200)
    assert len(os.fsencode(deepest)) > 4096
    with pytest.raises(OSError, match="File name too long"):
        os.stat(deepest / VICTIM)
