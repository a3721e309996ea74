"""`verscan overwrite` through click's CliRunner: decisions, JSON, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES, PE
from verscan.cli import main

ARCHIVES = FIXTURES / "archives"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    # Bad input must never end in a traceback: only SystemExit is allowed out.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def as_json(existing: Path, new: Path) -> tuple[int, dict[str, Any]]:
    code, out, _ = run("overwrite", "--format", "json", existing, new)
    return code, json.loads(out)


@pytest.mark.parametrize(
    ("existing", "new", "decision", "answer", "code"),
    [
        (PE / "prerelease_x64.dll", PE / "win10_x64.exe", "overwrite", "No", 0),
        (PE / "win10_x64.exe", PE / "prerelease_x64.dll", "keep", "Yes", 1),
        (PE / "iischema_x86.dll", ARCHIVES / "iischema.dl_", "same", "Yes", 1),
        (PE / "win7sp1_x64.dll", ARCHIVES / "kernel32.dl_", "same", "Yes", 1),
        (PE / "leading_space_x86.dll", PE / "renamed_rsrc_x86.dll", "overwrite", "No", 0),
        (PE / "renamed_rsrc_x86.dll", PE / "leading_space_x86.dll", "keep", "Yes", 1),
        (PE / "no_version_x86.dll", PE / "iischema_x86.dll", "unknown", None, 2),
        (PE / "iischema_x86.dll", ARCHIVES / "report.dl_", "unknown", None, 2),
    ],
)
def test_decisions_and_exit_codes(
    existing: Path, new: Path, decision: str, answer: str | None, code: int
) -> None:
    got, record = as_json(existing, new)
    assert got == code
    assert record["decision"] == decision
    assert record["answer"] == answer
    assert record["question"] == "Do you want to keep the existing file?"


def test_json_of_a_compressed_branch_crossing_pair() -> None:
    code, record = as_json(PE / "win7sp1_x64.dll", ARCHIVES / "kernelbase.dll_")
    assert code == 0
    assert record["decision"] == "overwrite"
    assert record["existing_version"] == "6.1.7601.17514"
    assert record["new_version"] == "6.1.7601.22311"
    assert record["reason"] == "the new file is a later version: 6.1.7601.22311 > 6.1.7601.17514"
    assert record["warnings"] == [
        "platforms differ: the existing file is x64, the new file x86",
        "crossing service branches: the existing file 6.1.7601.17514 is on the GDR branch,"
        " the new file 6.1.7601.22311 on the LDR branch; this is not a plain upgrade",
    ]
    new = record["new"]
    assert new["name"] == "kernelbase.dll"
    assert new["packing"] == "szdd"
    assert new["path"] == str(ARCHIVES / "kernelbase.dll_")
    assert new["file_version_string"] == "6.1.7601.22311 (win7sp1_ldr.130401-1532)"
    assert new["platform"] == "x86"
    assert record["existing"]["platform"] == "x64"


def test_json_names_the_cabinet_member() -> None:
    _, record = as_json(PE / "iischema_x86.dll", ARCHIVES / "iischema.dl_")
    assert record["new"]["name"] == "iischema.dll"
    assert record["new"]["member"] == "iischema.dll"
    assert record["new"]["packing"] == "cabinet"
    assert record["new"]["modified"] == "2003-10-07T17:20:00"
    assert record["new"]["size"] == 3072


def test_unknown_shows_size_and_time_of_both() -> None:
    code, record = as_json(PE / "no_version_x86.dll", PE / "no_resources_x86.dll")
    assert code == 2
    assert record["reason"] == (
        "the existing file has no version resource; the new file has no version resource;"
        " compare size and date, or ask the vendor"
    )
    for side in ("existing", "new"):
        assert isinstance(record[side]["size"], int) and record[side]["size"] > 0
        assert record[side]["modified"].endswith("+00:00")
    assert record["existing_version"] is None and record["new_version"] is None


def test_table_says_which_button() -> None:
    code, out, _ = run("overwrite", PE / "win7sp1_x64.dll", ARCHIVES / "kernelbase.dll_")
    assert code == 0
    lines = out.splitlines()
    # The decision and its reason first, then the warnings, then the two files.
    assert lines[0] == 'overwrite: answer No to "Do you want to keep the existing file?"'
    assert lines[1] == "reason: the new file is a later version: 6.1.7601.22311 > 6.1.7601.17514"
    assert lines[2].startswith("warning: platforms differ")
    existing = next(line for line in lines if line.startswith("existing"))
    new = next(line for line in lines if line.startswith("new"))
    assert "6.1.7601.17514" in existing and "x64" in existing
    assert "6.1.7601.22311" in new and "x86" in new and "[szdd: kernelbase.dll]" in new
    assert "crossing service branches" in out and "platforms differ" in out


def test_keep_table() -> None:
    code, out, _ = run("overwrite", PE / "table_mismatch_x86.dll", PE / "two_languages_x86.dll")
    assert code == 1
    assert out.splitlines()[0] == 'keep: answer Yes to "Do you want to keep the existing file?"'
    assert "7.2.0.0 > 3.2.1.0" in out
    assert "warning" not in out


def test_string_only_version_is_marked() -> None:
    code, record = as_json(PE / "table_mismatch_x86.dll", PE / "no_fixed_x86.dll")
    assert code == 0
    assert record["new"]["version_source"] == "string"
    assert record["new_version"] == "9.0.50"
    assert "string FileVersion '9.0.0050' was used" in record["reason"]


@pytest.mark.parametrize(
    ("existing", "new", "message"),
    [
        (PE / "missing.dll", PE / "iischema_x86.dll", "missing.dll: no such file"),
        (PE / "iischema_x86.dll", PE / "missing.dll", "missing.dll: no such file"),
        (PE, PE / "iischema_x86.dll", "is a directory, expected a file"),
        (
            PE / "win10_x64.exe",
            ARCHIVES / "multi.cab",
            "the cabinet holds 3 files (notepad.exe, sqlos.dll, fabver.dll); none is win10_x64.exe",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(existing: Path, new: Path, message: str) -> None:
    code, out, err = run("overwrite", existing, new)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err


def test_cabinet_member_is_chosen_by_the_existing_name(tmp_path: Path) -> None:
    existing = tmp_path / "NOTEPAD.EXE"
    existing.write_bytes((PE / "prerelease_x64.dll").read_bytes())
    code, record = as_json(existing, ARCHIVES / "multi.cab")
    assert code == 0
    assert record["new"]["name"] == "notepad.exe"
    assert record["new_version"] == "10.0.19041.1000"


@pytest.mark.parametrize("broken", sorted(p.name for p in (PE / "broken").iterdir()))
def test_broken_files_are_unknown_with_a_line(broken: str) -> None:
    code, out, err = run(
        "overwrite", "--format", "json", PE / "iischema_x86.dll", PE / "broken" / broken
    )
    assert code == 2
    record = json.loads(out)
    assert record["decision"] == "unknown"
    assert record["new"]["status"] in ("corrupt", "not_pe")
    if record["new"]["status"] == "corrupt":
        assert err.startswith(f"verscan: {PE / 'broken' / broken}: corrupt: ")


@pytest.mark.parametrize("damaged", ["corrupt.dl_", "truncated.ex_"])
def test_damaged_archives_exit_2_with_a_line(damaged: str) -> None:
    code, out, err = run("overwrite", PE / "win10_x64.exe", ARCHIVES / damaged)
    assert code == 2
    assert out.splitlines()[0] == "unknown: cannot say; compare the files below"
    assert err.startswith(f"verscan: {ARCHIVES / damaged}: corrupt: ")


@pytest.mark.parametrize("command", ["overwrite", "preflight", "prompt"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "Example:" in out and f"verscan {command}" in out
    assert "Exit 0" in out
