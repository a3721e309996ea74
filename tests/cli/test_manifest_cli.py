"""`verscan manifest build` and `verscan manifest lint` through CliRunner."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from tests.conftest import FIXTURES, ROOT
from verscan.cli import main

KB = FIXTURES / "kb"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_build_to_stdout() -> None:
    code, out, err = invoke("manifest", "build", str(KB / "Q323332.TXT"))
    assert code == 0, err
    data = yaml.safe_load(out)
    assert data["kb"] == "323332"
    assert data["title"] == "ASP Generates a New ASP SessionID Cookie for Every User Access"
    assert len(data["files"]) == 21
    first = data["files"][0]
    assert first == {
        "name": "Asp.dll",
        "version": "5.0.2195.5917",
        "size": 333072,
        "date": "2002-06-28",
        "time": "13:07",
        "platform": None,
        "sp_requirement": None,
        "branch": None,
        "path": None,
        "section": "IIS 5.0",
    }


def test_seed_needs_kb_and_writes_atomically(tmp_path: Path) -> None:
    seed = KB / "003_59b70c74220786f9.txt"
    code, out, err = invoke("manifest", "build", str(seed))
    assert out == ""  # nothing written
    assert code == 2
    assert "no KB number found" in err and "--kb" in err
    target = tmp_path / "KB829427.yaml"
    code, _, err = invoke("manifest", "build", str(seed), "--kb", "829427", "-o", str(target))
    assert code == 0, err
    rows = yaml.safe_load(target.read_text())["files"]
    assert [(r["name"], r["version"], r["size"], r["date"], r["time"]) for r in rows] == [
        ("Iischema.dll", "5.0.2195.6860", 122640, "2003-10-07", "17:20")
    ]
    # Not replaced without --force.
    target.write_text("mine")
    code, _, err = invoke("manifest", "build", str(seed), "--kb", "829427", "-o", str(target))
    assert code == 2 and "exists (use --force to replace it)" in err
    assert target.read_text() == "mine"
    code, _, _ = invoke(
        "manifest", "build", str(seed), "--kb", "829427", "-o", str(target), "--force"
    )
    assert code == 0 and "Iischema.dll" in target.read_text()


def test_outdir_writes_one_manifest_per_article(tmp_path: Path) -> None:
    code, _, err = invoke(
        "manifest", "build", str(KB / "Q309644.TXT"), str(KB / "KB2492386.html"),
        "--outdir", str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["KB2492386.yaml", "KB309644.yaml"]
    rows = yaml.safe_load((tmp_path / "KB2492386.yaml").read_text())["files"]
    assert {(r["sp_requirement"], r["branch"]) for r in rows} >= {("SP2", "GDR"), ("SP2", "QFE")}


def test_article_without_table_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "m.yaml"
    code, _, err = invoke("manifest", "build", str(KB / "Q142532.TXT"), "-o", str(target))
    assert code == 1
    assert "no file table found" in err
    assert not target.exists()
    code, _, _ = invoke(
        "manifest", "build", str(KB / "Q142532.TXT"), "-o", str(target), "--allow-empty"
    )
    assert code == 1
    assert yaml.safe_load(target.read_text())["files"] == []


def test_unparsable_row_is_reported_with_its_line() -> None:
    code, _, err = invoke("manifest", "build", str(KB / "dev-problems.txt"), "--kb", "1")
    assert code == 1
    assert f"{KB / 'dev-problems.txt'}:" in err


def test_usage_errors() -> None:
    code, _, err = invoke("manifest", "build", str(KB / "Q323332.TXT"), str(KB / "Q309644.TXT"))
    assert code == 2 and "several articles need --outdir" in err
    code, _, err = invoke("manifest", "build", "nope.txt")
    assert code == 2 and "nope.txt" in err


def test_lint_shipped_manifests_are_clean() -> None:
    code, out, err = invoke("manifest", "lint", str(ROOT / "manifests"))
    assert code == 0, out
    assert out == ""
    assert "5 manifests checked, 0 problems" in err


def test_lint_reports_file_line_message() -> None:
    bad = FIXTURES / "manifests" / "invalid" / "bad-time.yaml"
    code, out, _ = invoke("manifest", "lint", str(bad))
    assert code == 1
    assert out.startswith(f"{bad}:")
    assert "time 25:00 is out of range (00:00 to 23:59)" in out


def test_lint_missing_path_is_exit_2() -> None:
    code, _, err = invoke("manifest", "lint", "no/such/folder")
    assert code == 2 and "no/such/folder: no such file or folder" in err
