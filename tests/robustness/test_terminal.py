"""No escape sequence from a file reaches a terminal; machine formats keep the exact value.

A compromised machine's files may carry terminal escapes in their names, their
version strings, an inventory's label or a cabinet member's name: clear the
screen, set the window title, a C1 control, DEL, line breaks, a right-to-left
override, a zero-width space. Every command runs here on such a world, in every
format: the human formats (table, markdown, HTML, CSV at a terminal) and every
line on stderr show each character as an escape; JSON and YAML write it with
their own escapes and load back the exact value.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.robustness.helpers import PE, ROOT, make_manifests, make_tree, verscan_program
from verscan.cli import main
from verscan.output.safe import is_visible, visible

PAYLOAD = "\x1b[2J\x1b]0;owned\x07\x9b31m\x7f\u202e\u200b\r\n"
"""One of each: clear the screen, set the title, a C1 CSI, DEL, an RTL override,
a zero-width space, CR and LF."""
NAME = f"name{PAYLOAD}x.dll"
FOLDER = "dir\x1b[31m"
BYTE_NAME = b"byte\x9b.dll"
"""A name that is not UTF-8 holding the byte 0x9B, CSI to a terminal in an 8-bit code page."""
LABEL = "srv\x1b]0;owned\x07\u202e01"
MEMBER = "title\x1b]0;owned\x07\x9b.dll"
"""A member of fixtures/archives/hostile-names.cab."""
COMPANY = "Evil\x1b[2J\x1b]0;owned\x07 Corp"
"""CompanyName of fixtures/pe/hostile_strings_x86.dll."""

ARCHIVES = ROOT / "fixtures" / "archives"
HUMAN = ("table", "markdown", "csv")
MACHINE = ("json", "yaml")


def unsafe(text: str) -> list[str]:
    """Characters of ``text`` that would act on a terminal (its line breaks aside)."""
    return sorted({c for line in text.split("\n") for c in line if not is_visible(c)})


@dataclass(frozen=True)
class World:
    tree: Path
    twin: Path
    source: Path
    manifests: Path
    inventory: Path
    clean_inventory: Path
    hostile_dll: Path
    work: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("hostile")
    tree = make_tree(root / "tree")
    system32 = tree / "WINNT" / "system32"
    shutil.copy(PE / "win7sp1_x64.dll", system32 / NAME)
    shutil.copy(PE / "iischema_x64.dll", os.path.join(os.fsencode(system32), BYTE_NAME))
    (system32 / FOLDER).mkdir()
    shutil.copy(PE / "iischema_x86.dll", system32 / FOLDER / "victim.dll")
    shutil.copy(PE / "hostile_strings_x86.dll", system32 / "hostile.dll")
    shutil.copy(PE / "iischema_x86.dll", system32 / MEMBER)
    twin = make_tree(root / "twin")
    source = root / "source"
    (source / "i386").mkdir(parents=True)
    shutil.copy(ARCHIVES / "hostile-names.cab", source / "i386" / "hostile.ca_")
    shutil.copy(PE / "iischema_x86.dll", source / "i386" / NAME)
    manifests = make_manifests(root / "manifests")
    inventory, clean = root / "a.json", root / "b.json"
    for args in (
        ["inventory", tree, "--output", inventory, "--label", LABEL],
        ["inventory", twin, "--output", clean],
    ):
        CliRunner().invoke(main, [os.fspath(a) for a in args])
    assert json.loads(inventory.read_text())["label"] == LABEL
    work = root / "work"
    work.mkdir()
    return World(tree, twin, source, manifests, inventory, clean, system32 / "hostile.dll", work)


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str


def run(*args: str | os.PathLike[str], stdin: str | None = None) -> Ran:
    result = CliRunner().invoke(main, [os.fspath(a) for a in args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    out = result.stdout_bytes.decode("utf-8", "surrogateescape")
    err = result.stderr_bytes.decode("utf-8", "surrogateescape")
    assert "Traceback" not in out + err
    return Ran(result.exit_code, out, err)


def commands(w: World) -> dict[str, tuple[list[str | os.PathLike[str]], tuple[str, ...]]]:
    """Every command on the hostile world: its arguments and the formats it offers."""
    everything = (*HUMAN, *MACHINE)
    kernel32 = w.tree / "WINNT" / "system32" / "kernel32.dll"
    member = w.tree / "WINNT" / "system32" / MEMBER
    cabinet = w.source / "i386" / "hostile.ca_"
    return {
        "info tree": (["info", w.tree], everything),
        "info strings": (["info", w.hostile_dll, "--all-strings"], everything),
        "scan tree": (["scan", w.tree, "-m", w.manifests, "--files"], everything),
        "scan inventory": (["scan", w.inventory, "-m", w.manifests, "--files"], everything),
        "diff trees": (["diff", w.tree, w.twin, "--show-all"], everything),
        "diff inventories": (["diff", w.inventory, w.clean_inventory, "--show-all"], everything),
        "diff verdicts": (["diff", w.inventory, w.clean_inventory, "-m", w.manifests], everything),
        "report": (["report", w.inventory, w.clean_inventory, "-m", w.manifests], everything),
        "overwrite strings": (["overwrite", kernel32, w.hostile_dll], ("table", "json")),
        "overwrite member": (["overwrite", member, cabinet], ("table", "json")),
        "preflight": (["preflight", w.source, w.tree], everything),
    }


CASES = [
    (name, fmt)
    for name, (_, formats) in commands(
        World(*(Path("."),) * 8)  # only the formats are read here
    ).items()
    for fmt in formats
]


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_no_escape_reaches_the_terminal(world: World, name: str, fmt: str) -> None:
    args, _ = commands(world)[name]
    ran = run(*args, "--format", fmt)
    assert ran.code in (0, 1), ran.stderr
    assert unsafe(ran.stderr) == [], ran.stderr
    if fmt == "csv":
        list(csv.reader(io.StringIO(ran.stdout, newline="")))
        return  # through a pipe CSV keeps the exact values (at a terminal: test_at_a_real_terminal)
    assert unsafe(ran.stdout) == [], ran.stdout
    if fmt == "json":
        json.loads(ran.stdout)
    elif fmt == "yaml":
        yaml.safe_load(ran.stdout)


def test_tables_show_each_character_as_its_escape(world: World) -> None:
    ran = run("info", world.tree)
    assert visible(NAME) in ran.stdout
    assert "name\\x1b[2J\\x1b]0;owned\\x07\\x9b31m\\x7f\\u202e\\u200b\\r\\nx.dll" in ran.stdout
    assert "dir\\x1b[31m/victim.dll" in ran.stdout
    assert "byte\\x9b.dll" in ran.stdout  # the byte 0x9B of a name that is not UTF-8
    strings = run("info", world.hostile_dll)
    assert "Evil\\x1b[2J\\x1b]0;owned\\x07 Corp" in strings.stdout
    assert "\\u202egnp.exe\\u202c" in strings.stdout


@pytest.mark.parametrize("fmt", MACHINE)
def test_machine_formats_keep_the_exact_values(world: World, fmt: str) -> None:
    def load(text: str) -> object:
        return json.loads(text) if fmt == "json" else yaml.safe_load(text)

    tree = load(run("info", world.tree, "--format", fmt).stdout)
    paths = {entry["path"].rsplit("/", 1)[-1] for entry in tree}  # type: ignore[attr-defined]
    assert {NAME, MEMBER, os.fsdecode(BYTE_NAME)} <= paths
    (strings,) = load(run("info", world.hostile_dll, "--format", fmt).stdout)  # type: ignore[misc]
    assert strings["company"] == COMPANY
    assert strings["original_filename"] == "line\r\nbreak.dll"
    assert strings["description"] == "C1 \x9b31m red, \u202egnp.exe\u202c, zero\u200bwidth"
    diffed = load(run("diff", world.inventory, world.clean_inventory, "--format", fmt).stdout)
    assert diffed["a"] == LABEL  # type: ignore[index]


def test_html_report_shows_escapes(world: World) -> None:
    ran = run("report", world.inventory, world.clean_inventory, "-m", world.manifests, "-f", "html")
    assert unsafe(ran.stdout) == [] and unsafe(ran.stderr) == []
    assert "srv\\x1b]0;owned\\x07\\u202e01" in ran.stdout


def test_stderr_lines_are_safe(world: World) -> None:
    """Labels in summaries, names in warnings, members in errors, usage errors."""
    out = world.work / "inventory.json"
    ran = run("inventory", world.tree, "--output", out, "--force", "--label", LABEL)
    assert "srv\\x1b]0;owned\\x07\\u202e01" in ran.stderr
    diffed = run("diff", world.inventory, world.clean_inventory)
    assert "srv\\x1b]0;owned\\x07\\u202e01 against" in diffed.stderr
    cabinet = run("overwrite", world.hostile_dll, world.source / "i386" / "hostile.ca_")
    assert cabinet.code == 2
    assert "title\\x1b]0;owned\\x07\\x9b.dll" in cabinet.stderr
    usage = run("info", world.tree, "--format", f"table{PAYLOAD}")
    assert usage.code == 2
    built = run("manifest", "build", ROOT / "fixtures" / "fuzz" / "kb" / "control-characters.txt")
    for each in (ran, diffed, cabinet, usage, built):
        assert unsafe(each.stderr) == [], each.stderr
        assert len(each.stderr.splitlines()) == each.stderr.count("\n")


def test_prompt_answers_are_safe(world: World) -> None:
    typed = f"{NAME}\n{MEMBER}\nhostile.ca_\nno{PAYLOAD}such.dll\n"
    ran = run("prompt", "-s", world.source, "-t", world.tree, "--detail", stdin=typed)
    assert unsafe(ran.stdout) == [] and unsafe(ran.stderr) == []
    assert "title\\x1b]0;owned\\x07\\x9b.dll" in ran.stdout


def _at_terminal(*args: str | os.PathLike[str]) -> str:
    """The program's standard output when it is a terminal (a pseudo-terminal)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [*verscan_program(), *(os.fspath(a) for a in args)],
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "400"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the program closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 1), err
    assert unsafe(err.decode("utf-8", "surrogateescape")) == []
    # A terminal turns each line feed into CR LF.
    return b"".join(chunks).replace(b"\r\n", b"\n").decode("utf-8", "surrogateescape")


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_at_a_real_terminal(world: World, fmt: str) -> None:
    shown = _at_terminal("info", world.tree, world.hostile_dll, "--format", fmt)
    assert unsafe(shown) == [], shown
    assert "Evil\\x1b[2J\\x1b]0;owned\\x07 Corp" in shown


def test_csv_through_a_pipe_keeps_the_exact_values(world: World) -> None:
    ran = run("info", world.tree, world.hostile_dll, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(ran.stdout, newline="")))
    assert COMPANY in {row["company"] for row in rows}
    assert any(row["path"].endswith(NAME) for row in rows)
