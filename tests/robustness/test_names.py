"""File names that are not UTF-8, run through the real program with real standard streams.

On a Linux mount of a disk image a name can be any bytes. Python keeps the
bytes that are not UTF-8 as surrogate escapes, which a strict UTF-8 stream (the
stdout of a UTF-8 locale) refuses: the commands must print them anyway, write
valid JSON, and give back the name's exact bytes.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.robustness.helpers import (
    COMMANDS,
    PE,
    make_source,
    make_tree,
    run_command,
    run_program,
    sentinel_reported,
)

BAD = b"ver\xff\xfe\xe9sion.dll"
"""A name in no encoding: 0xFF and 0xFE are never UTF-8, and 0xE9 starts a broken sequence."""

STRICT = {"PYTHONIOENCODING": "utf-8:strict"}
"""Standard streams as a UTF-8 locale gives them: refusing what is not UTF-8."""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    tree = make_tree(tmp_path / "tree")
    folder = os.fsencode(tree / "WINNT" / "system32")
    shutil.copyfile(PE / "win7sp1_x64.dll", os.path.join(folder, BAD))
    os.mkdir(os.path.join(folder, b"dir\xff"))
    shutil.copyfile(PE / "iischema_x64.dll", os.path.join(folder, b"dir\xff", b"in.dll"))
    return tree


def _strict_program(*args: str | os.PathLike[str]) -> object:
    return run_program(*args, env=STRICT)


@pytest.mark.parametrize("command", COMMANDS)
def test_json_reports_are_utf8_and_give_the_name_back(
    command: str, tree: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    make_source(work / "source")
    run = run_command(command, tree, work, runner=_strict_program)
    assert run.code in (0, 1)
    assert sentinel_reported(command, run)
    if command == "inventory":
        return  # the inventory file: see test_inventory_of_names_that_are_not_utf8
    # The report is valid UTF-8 (run_program decoded it without loss; encode strictly).
    run.stdout.encode("utf-8")
    text = json.dumps(run.output, ensure_ascii=False)
    if command in ("info", "diff"):
        assert "\\udcff\\udcfe\\udce9" in json.dumps(run.output)
        shown = [p for p in _paths(command, run.output) if "sion.dll" in p]
        assert [os.fsencode(p).rsplit(b"/", 1)[-1] for p in shown] == [BAD]
    assert "Traceback" not in text


def _paths(command: str, output: object) -> list[str]:
    if command == "info":
        return [entry["path"] for entry in output]  # type: ignore[attr-defined]
    return [f["path"] for f in output["differences"]]  # type: ignore[index]


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "yaml", "json"])
def test_every_format_prints_and_writes_the_same(fmt: str, tree: Path, tmp_path: Path) -> None:
    printed = run_program("info", tree, "--format", fmt, env=STRICT)
    assert printed.code == 0, printed.stderr
    out = tmp_path / f"report.{fmt}"
    written = run_program("info", tree, "--format", fmt, "--output", out, env=STRICT)
    assert written.code == 0
    assert out.read_bytes() == printed.stdout.encode("utf-8", "surrogateescape")
    if fmt in ("json", "yaml"):
        out.read_bytes().decode("utf-8")  # structured formats stay valid UTF-8
    else:
        assert BAD in out.read_bytes()  # text formats show the name's own bytes


def test_warnings_name_the_file(tree: Path) -> None:
    folder = os.fsencode(tree / "WINNT" / "system32")
    with open(os.path.join(folder, b"broken\xff.dll"), "wb") as fh:
        fh.write(b"MZ" + bytes(100))
    run = run_program("info", tree, env=STRICT)
    assert run.code == 1
    # stderr escapes what is not UTF-8 (Python's choice for it): the name stays readable.
    assert "broken\\udcff.dll: not_pe: not a PE file" in run.stderr


def test_inventory_of_names_that_are_not_utf8(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "inventory.json"
    taken = run_program("inventory", tree, "--output", out, env=STRICT)
    assert taken.code == 0
    files = json.loads(out.read_bytes().decode("utf-8"))["files"]
    assert any(f["path"].endswith(BAD.decode("utf-8", "surrogateescape")) for f in files)
    scanned = run_program("scan", out, "-m", PE.parent.parent / "manifests", env=STRICT)
    assert scanned.code in (0, 1), scanned.stderr
