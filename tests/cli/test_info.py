"""`verscan info` through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import yaml
from click.testing import CliRunner

from tests.conftest import PE
from verscan.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_keys_and_values() -> None:
    code, out, err = run("info", "--format", "json", str(PE / "win7sp1_x64.dll"))
    assert code == 0, err
    (record,) = json.loads(out)
    assert record["path"] == str(PE / "win7sp1_x64.dll")
    assert record["status"] == "ok"
    assert record["platform"] == "x64"
    assert record["pe_format"] == "PE32+"
    assert record["file_version"] == "6.1.7601.17514"
    assert record["product_version"] == "6.1.7601.17514"
    assert record["file_version_string"] == "6.1.7601.17514 (win7sp1_rtm.101119-1850)"
    assert record["company"] == "Microsoft Corporation"
    assert record["description"] == "Windows NT BASE API Client DLL"
    assert record["original_filename"] == "kernel32"
    assert record["language"] == "040904b0"
    assert record["error"] is None


def test_table_shows_string_version_only_when_it_differs() -> None:
    code, out, _ = run("info", str(PE / "iischema_x86.dll"), str(PE / "renamed_rsrc_x86.dll"))
    assert code == 0
    lines = out.splitlines()
    iis = next(line for line in lines if "iischema_x86.dll" in line)
    assert "5.0.2195.6860" in iis and "5.00.2195.6860" in iis
    renamed = next(line for line in lines if "renamed_rsrc_x86.dll" in line)
    assert renamed.count("2.1.0.15") == 2  # file and product version, no string column


def test_string_fallback_is_marked() -> None:
    code, out, _ = run("info", "-f", "json", str(PE / "no_fixed_x86.dll"))
    (record,) = json.loads(out)
    assert code == 0
    assert record["file_version"] is None
    assert record["file_version_string"] == "9.0.0050"
    assert record["version_source"] == "string"
    code, out, _ = run("info", str(PE / "no_fixed_x86.dll"))
    assert "9.0.50 (string)" in out


def test_all_strings_lists_every_language() -> None:
    code, out, _ = run("info", "-f", "json", "--all-strings", str(PE / "two_languages_x86.dll"))
    assert code == 0
    (record,) = json.loads(out)
    assert record["language"] == "040704b0"
    tables = record["string_tables"]
    assert tables["040704b0"]["CompanyName"] == "Fabrikam Deutschland GmbH"
    assert tables["040904b0"]["CompanyName"] == "Fabrikam, Inc."
    _code, out, _ = run("info", "--all-strings", str(PE / "two_languages_x86.dll"))
    assert "Prüfbibliothek für Dateiversionen" in out and "File version check library" in out


def test_csv_and_yaml() -> None:
    code, out, _ = run("info", "-f", "csv", str(PE / "win10_x64.exe"))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["file_version"] == "10.0.19041.1000" and rows[0]["machine_type"] == "x64"
    assert rows[0]["product"] == "Microsoft® Windows® Operating System"
    assert rows[0]["original_name"] == "NOTEPAD.EXE.MUI" and rows[0]["internal_name"] == "Notepad"
    assert rows[0]["link_date"] == ""  # the fixtures are linked without a time stamp
    _code, out, _ = run("info", "-f", "yaml", str(PE / "openssl_x64.dll"))
    (record,) = yaml.safe_load(out)
    assert record["file_version"] == "1.1.1.2" and record["file_version_string"] == "1.1.1b"


def test_folder_is_recursive_and_broken_files_give_exit_1() -> None:
    code, out, err = run("info", "-f", "json", str(PE))
    records = {Path(r["path"]).name: r for r in json.loads(out)}
    assert code == 1
    assert records["win7ldr_x86.dll"]["file_version"] == "6.1.7601.22311"
    assert records["resource_loop.dll"]["status"] == "corrupt"
    assert records["empty.dll"]["status"] == "not_pe"  # named like a DLL: reported
    assert "build.sh" not in records  # other files of a folder are left out
    assert "resource_loop.dll: corrupt: resource directory loops back on itself" in err
    assert "files in the folders given are not PE files and were left out" in err


def test_missing_path_is_exit_2_and_the_rest_is_read() -> None:
    code, out, err = run("info", "-f", "json", "nope/missing.dll", str(PE / "iischema_x64.dll"))
    assert code == 2
    assert "nope/missing.dll: no such file or directory" in err
    assert [r["platform"] for r in json.loads(out)] == ["x64"]
    assert "Traceback" not in err


def test_fifo_does_not_block(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.dll")
    code, _out, err = run("info", "-f", "json", str(tmp_path))
    assert code == 1
    assert "pipe.dll: FIFO, not read" in err


def test_pefile_engine_gives_the_same_versions() -> None:
    _, ours, _ = run("info", "-f", "json", str(PE / "product_differs_x64.dll"))
    _, ref, _ = run("info", "-f", "json", "--engine", "pefile", str(PE / "product_differs_x64.dll"))
    assert json.loads(ours)[0]["product_version"] == json.loads(ref)[0]["product_version"]
    assert json.loads(ref)[0]["product_version"] == "10.50.1600.1"


def test_output_file_is_not_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("keep me")
    code, _, err = run("info", "-f", "json", "-o", str(target), str(PE / "iischema_x86.dll"))
    assert code == 2
    assert "exists (use --force to replace it)" in err
    assert target.read_text() == "keep me"
    code, _, _ = run(
        "info", "-f", "json", "-o", str(target), "--force", str(PE / "iischema_x86.dll")
    )
    assert code == 0
    assert json.loads(target.read_text())[0]["file_version"] == "5.0.2195.6860"


def test_every_command_has_help() -> None:
    ctx = click.Context(main)
    names = main.list_commands(ctx)
    assert names == [
        "info", "manifest", "scan", "inventory", "diff", "report", "overwrite", "preflight",
        "prompt",
    ]  # fmt: skip
    for name in names:
        command = main.get_command(ctx, name)
        assert command is not None and command.help, f"{name} has no help text"
        code, out, _ = run(name, "--help")
        assert code == 0 and "Usage:" in out
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                assert sub.help, f"{name} {sub.name} has no help text"
    code, out, _ = run("--help")
    assert all(f"  {name} " in out for name in names)


def test_unknown_command_is_a_usage_error() -> None:
    code, _, err = run("nonsense")
    assert code == 2 and "No such command" in err
