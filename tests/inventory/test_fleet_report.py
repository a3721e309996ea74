"""`verscan report`: machines against KBs, the right verdict in every cell, every format."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.inventory.helpers import DIFF_A, DIFF_B, copy_tree
from verscan.cli import main
from verscan.compare.fleet import build_fleet, kb_names, unique_names
from verscan.manifest.load import load_manifests
from verscan.manifest.model import Manifest
from verscan.system.inventory import load_inventory
from verscan.verdicts import KBVerdict

# Machine C: B with A's kernel32.dll and without fabver.dll.
EXPECTED = {
    "srvA": {
        "KB1111111": "MISSING",
        "KB2222222": "INSTALLED",
        "KB3333333": "NOT_APPLICABLE",
        "KB4444444": "UNKNOWN",
        "KB5555555": "INSTALLED",
        "KB6666666": "INSTALLED",
    },
    "srvB": {
        "KB1111111": "INSTALLED",
        "KB2222222": "MISSING",
        "KB3333333": "INSTALLED",
        "KB4444444": "UNKNOWN",
        "KB5555555": "MISSING",
        "KB6666666": "INSTALLED",
    },
    "srvC": {
        "KB1111111": "INSTALLED",
        "KB2222222": "INSTALLED",
        "KB3333333": "NOT_APPLICABLE",
        "KB4444444": "UNKNOWN",
        "KB5555555": "MISSING",
        "KB6666666": "INSTALLED",
    },
}


@pytest.fixture
def fleet_inventories(tmp_path: Path, runner: CliRunner) -> list[Path]:
    """Inventories of three machines, taken with the command, with hashes."""
    c = copy_tree(DIFF_B, tmp_path / "srvC")
    shutil.copy(DIFF_A / "Windows/System32/kernel32.dll", c / "Windows/System32/kernel32.dll")
    (c / "Program Files (x86)/Fabrikam/fabver.dll").unlink()
    out = []
    for name, root in (("srvA", DIFF_A), ("srvB", DIFF_B), ("srvC", c)):
        path = tmp_path / f"{name}.json"
        args = ["inventory", str(root), "-o", str(path), "--label", name, "--hash", "sha256"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        out.append(path)
    return out


def _run(runner: CliRunner, *args: object) -> tuple[int, str, str]:
    result = runner.invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def test_every_cell(fleet_inventories: list[Path], manifests: Path) -> None:
    loaded, errors = load_manifests([manifests])
    assert not errors
    fleet = build_fleet([load_inventory(p) for p in fleet_inventories], loaded)
    assert [m.name for m in fleet.machines] == ["srvA", "srvB", "srvC"]
    assert fleet.kb_names == tuple(EXPECTED["srvA"])
    got = {
        m.name: {k: cell.verdict.value for k, cell in zip(fleet.kb_names, row)}
        for m, row in zip(fleet.machines, fleet.cells)
    }
    assert got == EXPECTED
    assert fleet.count(KBVerdict.MISSING) == 4
    assert fleet.tally() == {"INSTALLED": 9, "MISSING": 4, "NOT_APPLICABLE": 2, "UNKNOWN": 3}
    cell = fleet.cells[1][1]
    assert cell.reason == "kernel32.dll 6.1.7601.17510 < 6.1.7601.17514"
    assert cell.files == (
        ("Windows/System32/kernel32.dll", "6.1.7601.17510", "6.1.7601.17514", "OUTDATED"),
    )


def test_json(runner: CliRunner, fleet_inventories: list[Path], manifests: Path) -> None:
    code, out, err = _run(runner, "report", *fleet_inventories, "-m", manifests, "-f", "json")
    assert code == 1  # some cell is MISSING
    data = json.loads(out)
    cells = {(c["machine"], c["column"]): c["verdict"] for c in data["cells"]}
    assert cells == {(m, k): v for m, row in EXPECTED.items() for k, v in row.items()}
    assert [m["name"] for m in data["machines"]] == ["srvA", "srvB", "srvC"]
    assert data["machines"][0]["inventory"] == str(fleet_inventories[0])
    assert [k["kb"] for k in data["kbs"]] == [k[2:] for k in EXPECTED["srvA"]]
    assert data["summary"]["MISSING"] == 4
    assert err.strip() == (
        "verscan: 3 machines × 6 KBs: 9 installed, 4 missing, 2 not applicable, 3 unknown"
    )


def test_csv_is_the_matrix(
    runner: CliRunner, fleet_inventories: list[Path], manifests: Path
) -> None:
    code, out, _ = _run(runner, "report", *fleet_inventories, "-m", manifests, "-f", "csv")
    assert code == 1
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["machine", "system", *EXPECTED["srvA"], "missing"]
    for row in rows[1:]:
        assert row[1] == "Windows 7 / Server 2008 R2 SP1 x64"
        assert row[2:-1] == list(EXPECTED[row[0]].values())
        assert int(row[-1]) == list(EXPECTED[row[0]].values()).count("MISSING")
    assert len(rows) == 4


def test_table_and_yaml(runner: CliRunner, fleet_inventories: list[Path], manifests: Path) -> None:
    code, out, _ = _run(runner, "report", *fleet_inventories, "-m", manifests)
    assert code == 1
    assert out.startswith("Machines by KB\n")
    srv_b = next(line for line in out.splitlines() if line.startswith("srvB"))
    system = ["Windows", "7", "/", "Server", "2008", "R2", "SP1", "x64"]
    assert srv_b.split() == ["srvB", *system, *EXPECTED["srvB"].values(), "2"]
    assert "Why" in out and "kernel32.dll 6.1.7601.17510 < 6.1.7601.17514" in out
    code, out, _ = _run(runner, "report", *fleet_inventories, "-m", manifests, "-f", "yaml")
    assert yaml.safe_load(out)["summary"]["INSTALLED"] == 9


def test_html_file(
    runner: CliRunner, fleet_inventories: list[Path], manifests: Path, tmp_path: Path
) -> None:
    page = tmp_path / "fleet.html"
    code, out, _ = _run(
        runner, "report", *fleet_inventories, "-m", manifests, "-f", "html", "-o", page
    )
    assert code == 1 and out == ""
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # Self-contained: nothing is loaded from anywhere.
    for outside in ("http://", "https://", "src=", "href=", "@import", "url("):
        assert outside not in text
    assert "default-src 'none'" in text
    for machine in EXPECTED:
        assert f'<th scope="row">{machine}</th>' in text
    for kb in EXPECTED["srvA"]:
        assert f'<button type="button">{kb}</button>' in text
    assert "3 of 3 machines miss at least one KB" in text
    assert 'class="bad" data-rank="0" data-verdict="MISSING" title="KB' in text
    assert 'class="good" data-rank="2" data-verdict="INSTALLED" title="KB' in text
    # Under each reason, the versions installed and required.
    assert "Windows/System32/kernel32.dll: installed 6.1.7601.17510, required 6.1.7601.17514" in (
        text
    )
    # --force is needed to replace it.
    code, _, err = _run(
        runner, "report", *fleet_inventories, "-m", manifests, "-f", "html", "-o", page
    )
    assert code == 2 and "exists" in err


def test_exit_0_when_nothing_is_missing(
    runner: CliRunner, fleet_inventories: list[Path], tmp_path: Path
) -> None:
    only = tmp_path / "only"
    only.mkdir()
    (only / "kb6666666.yaml").write_text(
        'kb: "6666666"\nfiles:\n  - {name: report.dll, version: "9.0.50"}\n', encoding="utf-8"
    )
    code, out, _ = _run(runner, "report", *fleet_inventories, "-m", only, "-f", "json")
    assert code == 0
    assert {c["verdict"] for c in json.loads(out)["cells"]} == {"INSTALLED"}


def test_bad_inventory_is_named_and_the_rest_reported(
    runner: CliRunner, fleet_inventories: list[Path], manifests: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    code, out, err = _run(runner, "report", bad, *fleet_inventories, "-m", manifests, "-f", "json")
    assert code == 2
    assert (
        f'verscan: error: {bad}: not an inventory: expected "format": "verscan-inventory", '
        "found format 'something-else'"
    ) in err.splitlines()
    assert len(json.loads(out)["machines"]) == 3
    code, out, err = _run(runner, "report", bad, "-m", manifests)
    assert code == 2 and out == ""
    code, _, err = _run(runner, "report", tmp_path, "-m", manifests)
    assert code == 2 and "is a folder" in err


def test_duplicate_labels_and_kbs() -> None:
    assert unique_names(["srv", "srv", "db"], ["x/a.json", "y/b.json", "c.json"]) == [
        "srv (a.json)",
        "srv (b.json)",
        "db",
    ]
    assert unique_names(["srv", "srv"], ["x/a.json", "y/a.json"]) == [
        "srv (a.json) #1",
        "srv (a.json) #2",
    ]
    assert kb_names([Manifest(kb="1"), Manifest(kb="2"), Manifest(kb="1")]) == [
        "KB1 #1",
        "KB2",
        "KB1 #2",
    ]
