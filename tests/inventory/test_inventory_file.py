"""Taking, writing and loading inventories; what is kept; what is refused and how."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.inventory.helpers import NO_VERSION_SHA256, PE
from verscan.cli import main
from verscan.errors import InventoryError, SourceError
from verscan.pe import Status, read_version_info
from verscan.system.inventory import (
    FORMAT,
    FORMAT_VERSION,
    InventoryFile,
    dump_inventory,
    file_paths,
    load_inventory,
    named_like_pe,
    take_inventory,
)


def _files(inv_files: Iterable[InventoryFile]) -> dict[str, InventoryFile]:
    return {f.rel: f for f in inv_files}


def test_keeps_pe_files_by_content_and_pe_names(tmp_path: Path) -> None:
    root = tmp_path / "sys"
    (root / "a").mkdir(parents=True)
    (root / "a" / "kernel32.dll").write_bytes((PE / "win7sp1_x64.dll").read_bytes())
    # A PE file without a PE name is kept (content decides) ...
    (root / "a" / "payload.bin").write_bytes((PE / "iischema_x86.dll").read_bytes())
    # ... a file named like a binary that is not one is kept too (a scan calls it UNREADABLE) ...
    (root / "a" / "setupapi.dll").write_text("text\n")
    (root / "a" / "iischema.dl_").write_bytes(b"SZDD\x88\xf0\x27\x33")
    # ... and other files are not.
    (root / "a" / "readme.txt").write_text("hello\n")
    (root / "a" / "update.inf").write_text("[Version]\n")
    inv = take_inventory(str(root), label="lab", host="h1")
    files = _files(inv.files)
    assert sorted(files) == [
        "a/iischema.dl_",
        "a/kernel32.dll",
        "a/payload.bin",
        "a/setupapi.dll",
    ]
    k32 = inv.files[1]
    assert k32.rel == "a/kernel32.dll"
    assert k32.info == read_version_info(os.path.join(str(root), "a", "kernel32.dll"))
    assert k32.info.file_version == (6, 1, 7601, 17514) and k32.info.platform == "x64"
    assert k32.mtime is not None and k32.mtime.endswith("Z")
    assert k32.sha256 is None
    assert inv.label == "lab" and inv.host == "h1" and inv.root == str(root)
    assert not inv.all_files and inv.hash is None
    everything = take_inventory(str(root), all_files=True, host="h1")
    assert len(everything.files) == 6 and everything.all_files
    assert everything.label == "h1"  # the host name when no label is given


def test_named_like_pe() -> None:
    assert named_like_pe("KERNEL32.DLL") and named_like_pe("notepad.exe")
    assert named_like_pe("tcpip.sys") and named_like_pe("iischema.dl_")
    assert named_like_pe("shell32.dll.mui")
    assert not named_like_pe("hosts") and not named_like_pe("update.inf")


def test_hashes(tmp_path: Path) -> None:
    root = tmp_path / "sys"
    root.mkdir()
    (root / "stub.dll").write_bytes((PE / "no_version_x86.dll").read_bytes())
    (root / "k.dll").write_bytes((PE / "win7sp1_x64.dll").read_bytes())
    (root / "t.dll").write_text("text\n")
    plain = _files(take_inventory(str(root), host="h").files)
    # Without --hash nothing is hashed (hashing reads every file whole).
    assert plain["stub.dll"].sha256 is None
    assert plain["k.dll"].sha256 is None
    hashed = take_inventory(str(root), hash_name="sha256", host="h")
    assert hashed.hash == "sha256"
    files = _files(hashed.files)
    assert files["stub.dll"].sha256 == NO_VERSION_SHA256
    assert files["k.dll"].sha256 is not None and len(files["k.dll"].sha256) == 64
    assert files["t.dll"].sha256 is None  # not a PE file
    with pytest.raises(SourceError):
        take_inventory(str(root), hash_name="md5")


def test_problems_are_recorded(tmp_path: Path) -> None:
    root = tmp_path / "sys"
    root.mkdir()
    (root / "k.dll").write_bytes((PE / "win7sp1_x64.dll").read_bytes())
    os.symlink("k.dll", root / "link.dll")
    os.mkfifo(root / "pipe.dll")
    inv = take_inventory(str(root), host="h")
    assert [(p.rel, p.message) for p in inv.problems] == [
        ("link.dll", "symbolic link, not followed (use --follow-links)"),
        ("pipe.dll", "FIFO, not read"),
    ]
    followed = take_inventory(str(root), host="h", follow_links=True)
    assert [f.rel for f in followed.files] == ["k.dll", "link.dll"]


def test_root_must_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a folder"):
        take_inventory(str(PE / "iischema_x86.dll"))
    with pytest.raises(SourceError):
        take_inventory(str(tmp_path / "nowhere"))


@pytest.mark.parametrize("yaml_format", [False, True])
def test_round_trip(tmp_path: Path, yaml_format: bool) -> None:
    inv = take_inventory(str(PE), label="fixtures", all_files=True, hash_name="sha256")
    path = tmp_path / ("inv.yaml" if yaml_format else "inv.json")
    path.write_text(dump_inventory(inv, yaml_format=yaml_format), encoding="utf-8")
    loaded = load_inventory(path)
    assert loaded == inv
    assert loaded.origin == str(path)
    # Every field of every record survives, the chosen string table included.
    two = next(f for f in loaded.files if f.rel == "two_languages_x86.dll")
    assert two.info.strings["CompanyName"] == "Fabrikam Deutschland GmbH"
    assert two.info.translations == ((0x0407, 1200), (0x0409, 1200))


def test_json_layout(tmp_path: Path) -> None:
    inv = take_inventory(str(PE), label="fixtures")
    text = dump_inventory(inv)
    data = json.loads(text)
    assert data["format"] == FORMAT and data["format_version"] == FORMAT_VERSION
    assert list(data)[:10] == [
        "format",
        "format_version",
        "verscan_version",
        "root",
        "label",
        "host",
        "created",
        "hash",
        "all",
        "follow_links",
    ]
    record = next(r for r in data["files"] if r["path"] == "iischema_x86.dll")
    assert record["file_version"] == "5.0.2195.6860"
    assert record["platform"] == "x86" and record["status"] == "ok"
    assert record["size"] == 3072 and record["translations"] == ["040904b0"]
    # One file per line: the file reads and diffs well.
    assert sum(1 for line in text.splitlines() if line.startswith('    {"path"')) == len(
        data["files"]
    )
    broken = next(r for r in data["files"] if r["path"] == "broken/text.dll")
    assert broken["status"] == Status.NOT_PE.value


def _inventory_text(**changes: object) -> str:
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "verscan_version": "0.1.0",
        "root": "C:/",
        "label": "srv",
        "host": "srv",
        "created": "2024-01-01T00:00:00Z",
        "hash": None,
        "all": False,
        "files": [
            {
                "path": "Windows/a.dll",
                "size": 10,
                "mtime": None,
                "status": "ok",
                "file_version": "1.2.3.4",
                "translations": [],
                "tables": [],
            }
        ],
        "problems": [],
    }
    data.update(changes)
    return json.dumps(data)


def _file(**changes: object) -> str:
    record: dict[str, object] = {
        "path": "Windows/a.dll",
        "status": "ok",
        "file_version": "1.2.3.4",
        "translations": [],
        "tables": [],
    }
    record.update(changes)
    return _inventory_text(files=[record])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("[1, 2", "truncated"),
        ('{"format": "verscan-inventory", "format_version": 1, "files": [{"pa', "truncated"),
        ("{oops}", "not JSON: Expecting property name"),
        ("[]", "expected an object"),
        ('{"kb": "123", "files": []}', 'expected "format": "verscan-inventory", found no format'),
        (_inventory_text(format="other"), "found format 'other'"),
        (_inventory_text(format_version=2), "format version 2 is newer than this verscan reads"),
        (_inventory_text(format_version="1"), "format version '1' is not supported"),
        (_inventory_text(files={}), "at files: expected a list, found an object"),
        (_inventory_text(files=[{"path": "a.dll"}]), "at files[0].status: missing"),
        (
            _inventory_text(files=[{"path": "a.dll", "status": "fine", "tables": []}]),
            "at files[0].status: 'fine' is not one of",
        ),
        (
            _inventory_text(
                files=[
                    {
                        "path": "a.dll",
                        "status": "ok",
                        "file_version": "1.2.3",
                        "translations": [],
                        "tables": [],
                    }
                ]
            ),
            "at files[0].file_version: '1.2.3' is not four dotted numbers",
        ),
        (
            _inventory_text(
                files=[
                    {
                        "path": "../x.dll",
                        "status": "ok",
                        "translations": [],
                        "tables": [],
                    }
                ]
            ),
            "'../x.dll' is not a path inside the root",
        ),
        (_inventory_text(label=5), "at label: expected a string, found a number"),
        (_inventory_text(all="yes"), "at all: expected true or false"),
        (_inventory_text(root=None), "at root: expected a string, found null"),
        (_inventory_text(problems=[{"path": "x"}]), "at problems[0].message: missing"),
        (_inventory_text(hash="md5"), "at hash: unknown hash 'md5'"),
        (_inventory_text(system=[]), "at system: expected an object or null, found a list"),
        (
            _inventory_text(system={"line": "nt99"}),
            "at system.line: 'nt99' is not a kernel line this verscan knows",
        ),
        (_file(size=-1), "at files[0].size: expected a whole number (0 or more) or null, found -1"),
        (_file(machine="x64"), "at files[0].machine: expected a whole number or null, found a"),
        (_file(product_version="1.2.3.65536"), "'1.2.3.65536' is not four dotted numbers"),
        (_file(product_version="1.2.3.4\n"), "at files[0].product_version: '1.2.3.4\\n' is not"),
        (
            _file(translations=["040904b0", "zz"]),
            "at files[0].translations[1]: expected eight hexadecimal digits, found 'zz'",
        ),
        (_file(sha256="AB" * 32), "at files[0].sha256: expected 64 lower-case hexadecimal"),
        (_file(table=0), "at files[0].table: 0 is not the index of one of its tables"),
        (
            _file(tables=[{"key": "040904b0", "strings": {"FileVersion": 1}}]),
            "at files[0].tables[0].strings: expected a string, found a number",
        ),
        (_file(tables=[{"strings": {}}]), "at files[0].tables[0].key: missing"),
        (_file(path=""), "at files[0].path: '' is not a path inside the root"),
        (_file(path="/etc/passwd"), "at files[0].path: '/etc/passwd' is not a path inside"),
        # A syntax error further on is named before a wrong value.
        (_inventory_text(label=5)[:-1] + ", oops}", "not JSON: Expecting property name"),
    ],
)
def test_bad_inventories(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "inv.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    line = str(caught.value)
    assert line.startswith(f"{path}: ")
    assert message in line
    assert "\n" not in line


def test_a_valid_minimal_inventory_loads(tmp_path: Path) -> None:
    path = tmp_path / "inv.json"
    path.write_text(_inventory_text(), encoding="utf-8")
    inv = load_inventory(path)
    assert inv.files[0].info.file_version == (1, 2, 3, 4)
    assert inv.files[0].info.path == os.path.join("C:/", "Windows", "a.dll")


def test_keys_it_does_not_know_are_ignored(tmp_path: Path) -> None:
    """A later writer's optional keys do not stop it loading."""
    data = json.loads(_inventory_text())
    data["collected_by"] = {"tool": "fleet-agent", "site": "branch-7"}
    data["files"][0]["owner"] = "SYSTEM"
    path = tmp_path / "inv.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    inv = load_inventory(path)
    assert inv.label == "srv" and inv.files[0].info.file_version == (1, 2, 3, 4)


def test_loaded_files_are_a_sequence(tmp_path: Path) -> None:
    inv = take_inventory(str(PE), label="fixtures", host="h")
    path = tmp_path / "inv.json"
    path.write_text(dump_inventory(inv), encoding="utf-8")
    files = load_inventory(path).files
    assert len(files) == len(inv.files) and files == inv.files and inv.files == files
    assert files[0] == inv.files[0] and files[-1] == inv.files[-1]
    assert files[1:3] == tuple(inv.files[1:3])
    assert list(files) == list(inv.files)
    assert [f.rel for f in files] == file_paths(files) == file_paths(inv.files)
    assert files != inv.files[1:]


def test_yaml_errors_and_aliases(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: [unclosed\n", encoding="utf-8")
    with pytest.raises(InventoryError, match=r"bad\.yaml: not an inventory: YAML error"):
        load_inventory(bad)
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [1, 2]\nb: [*a, *a]\n", encoding="utf-8")
    with pytest.raises(InventoryError, match="aliases"):
        load_inventory(bomb)
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(json.loads(_inventory_text())), encoding="utf-8")
    assert load_inventory(good).label == "srv"


def test_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="not a regular file"):
        load_inventory(tmp_path)
    with pytest.raises(InventoryError, match="cannot read"):
        load_inventory(tmp_path / "missing.json")
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InventoryError, match="not UTF-8"):
        load_inventory(binary)


# -- the command ---------------------------------------------------------------


def test_inventory_command(runner: CliRunner, tmp_path: Path, diff_a: Path) -> None:
    out = tmp_path / "srv.json"
    result = runner.invoke(main, ["inventory", str(diff_a), "-o", str(out), "--label", "srvA"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "wrote 14 files" in result.stderr and "'srvA'" in result.stderr
    inv = load_inventory(out)
    assert inv.label == "srvA" and len(inv.files) == 14
    # An existing file is not replaced without --force, and is left as it was.
    before = out.read_bytes()
    again = runner.invoke(main, ["inventory", str(diff_a), "-o", str(out)])
    assert again.exit_code == 2
    assert again.stderr.strip() == f"verscan: error: {out}: exists (use --force to replace it)"
    assert out.read_bytes() == before
    forced = runner.invoke(
        main, ["inventory", str(diff_a), "-o", str(out), "--force", "--label", "other"]
    )
    assert forced.exit_code == 0
    assert load_inventory(out).label == "other"
    assert [p.name for p in tmp_path.iterdir()] == ["srv.json"]  # no temporary file left


def test_inventory_command_yaml_hash_all(runner: CliRunner, tmp_path: Path, diff_b: Path) -> None:
    out = tmp_path / "srv.yaml"
    result = runner.invoke(
        main, ["inventory", str(diff_b), "-o", str(out), "--hash", "sha256", "--all"]
    )
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["hash"] == "sha256" and data["all"] is True
    paths = {f["path"] for f in data["files"]}
    assert "Windows/System32/drivers/etc/hosts" in paths  # --all keeps files that are not PE
    assert all(f["sha256"] for f in data["files"] if f["status"] != "not_pe")


def test_inventory_command_problems_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "sys"
    root.mkdir()
    (root / "k.dll").write_bytes((PE / "win7sp1_x64.dll").read_bytes())
    os.mkfifo(root / "pipe.dll")
    out = tmp_path / "inv.json"
    result = runner.invoke(main, ["inventory", str(root), "-o", str(out)])
    assert result.exit_code == 1
    assert f"verscan: {root / 'pipe.dll'}: FIFO, not read" in result.stderr
    assert load_inventory(out).problems[0].rel == "pipe.dll"


def test_inventory_command_usage_errors(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["inventory", str(tmp_path / "nope"), "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert result.stderr.startswith("verscan: error: ")
    assert "Traceback" not in result.output
    missing_output = runner.invoke(main, ["inventory", str(tmp_path)])
    assert missing_output.exit_code == 2 and "--output" in missing_output.stderr


def test_every_truncation_is_named(tmp_path: Path) -> None:
    text = dump_inventory(take_inventory(str(PE), label="x", host="h", hash_name="sha256"))
    path = tmp_path / "inv.json"
    for cut in range(1, len(text.rstrip()), 7):
        path.write_text(text[:cut], encoding="utf-8")
        with pytest.raises(InventoryError, match="the file is truncated"):
            load_inventory(path)
