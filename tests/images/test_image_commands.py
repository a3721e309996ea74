"""Every command on every kind of image gives what it gives on the directory the image holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.images.helpers import CONTAINERS, MANIFESTS, SYSTEMS, TREES, WIN2000
from tests.inventory.helpers import MANIFESTS as DIFF_MANIFESTS
from verscan.cli import main

Image = Callable[[str], Path]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def scan_json(target: Path | str, *extra: str, manifests: Path = MANIFESTS) -> tuple[int, Any]:
    result = run("scan", str(target), "-m", str(manifests), "--files", "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout)


def verdicts(data: dict[str, Any]) -> dict[str, Any]:
    """A scan's JSON without the target's name."""
    return {k: v for k, v in data.items() if k != "target"}


@pytest.fixture
def diff_manifests(tmp_path: Path) -> Path:
    folder = tmp_path / "manifests"
    folder.mkdir()
    for name, text in DIFF_MANIFESTS.items():
        (folder / name).write_text(text.lstrip(), encoding="utf-8")
    return folder


@pytest.mark.parametrize("kind", sorted(CONTAINERS))
def test_scan(image: Image, kind: str) -> None:
    path = image(CONTAINERS[kind])
    code, data = scan_json(path)
    assert (code, verdicts(data)) == (lambda c, d: (c, verdicts(d)))(*scan_json(WIN2000))
    assert code == 1  # KB 323332 is missing, as on the directory
    assert data["target"] == str(path)
    assert {kb["kb"]: kb["verdict"] for kb in data["kbs"]}["829427"] == "INSTALLED"
    assert data["system"]["os"] == "Windows 2000" and data["problems"] == []


def inventory_json(target: Path | str, out: Path, *extra: str) -> tuple[Result, Any]:
    result = run("inventory", str(target), "--output", str(out), "--force", *extra)
    return result, json.loads(out.read_text(encoding="utf-8"))


def records(data: dict[str, Any]) -> list[dict[str, Any]]:
    """An inventory's files without their modification times (the copy into the image set
    new ones)."""
    return [{k: v for k, v in f.items() if k != "mtime"} for f in data["files"]]


@pytest.mark.parametrize("kind", sorted(CONTAINERS))
def test_inventory(image: Image, kind: str, tmp_path: Path) -> None:
    path = image(CONTAINERS[kind])
    result, taken = inventory_json(path, tmp_path / "image.json", "--hash", "sha256")
    assert result.exit_code == 0, result.stderr
    _, directory = inventory_json(WIN2000, tmp_path / "dir.json", "--hash", "sha256")
    assert records(taken) == records(directory)
    assert all(f["mtime"] and f["mtime"].endswith("Z") for f in taken["files"])
    assert taken["system"] == directory["system"]
    assert taken["root"] == taken["label"] == str(path)
    assert taken["image"]["path"] == str(path)
    number = None if kind == "raw volume" else 1
    assert taken["image"]["partition"] == number and taken["image"]["volume_folders"] is False
    assert [v["partition"] for v in taken["image"]["volumes"]] == [number]
    assert "image" not in directory
    # The saved inventory scans as the image does.
    assert verdicts(scan_json(tmp_path / "image.json")[1]) == verdicts(scan_json(path)[1])


@pytest.mark.parametrize("kind", sorted(CONTAINERS))
def test_diff_against_the_directory_finds_nothing(image: Image, kind: str) -> None:
    path = image(CONTAINERS[kind])
    result = run("diff", str(path), str(WIN2000), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["differ"] is False and data["differences"] == [] and data["problems"] == []
    verdict_diff = run("diff", str(path), str(WIN2000), "-m", str(MANIFESTS))
    assert verdict_diff.exit_code == 0, verdict_diff.output


@pytest.mark.parametrize("kind", sorted(CONTAINERS))
def test_info(image: Image, kind: str) -> None:
    path = image(CONTAINERS[kind])
    result = run("info", str(path), "--format", "json")
    from_dir = run("info", str(WIN2000), "--format", "json")
    assert result.exit_code == from_dir.exit_code == 0
    rows, dir_rows = json.loads(result.stdout), json.loads(from_dir.stdout)
    assert [r["path"].split(": ", 1)[1] for r in rows] == [
        str(Path(r["path"]).relative_to(WIN2000)) for r in dir_rows
    ]
    for row, dir_row in zip(rows, dir_rows):
        assert {k: v for k, v in row.items() if k != "path"} == {
            k: v for k, v in dir_row.items() if k != "path"
        }
    where = "" if kind == "raw volume" else ", partition 1"
    assert rows[0]["path"] == f"{path}{where}: WINNT/$NtUninstallKB829427$/iischema.dll"
    assert "1 files in the folders given are not PE files" in result.stderr


def test_diff_of_two_partitions_is_the_diff_of_their_trees(
    image: Image, diff_manifests: Path
) -> None:
    path = str(image("two-partitions.img"))
    picked = ("--partition", "A=1", "--partition", "B=5")
    result = run("diff", path, path, *picked, "--format", "json")
    trees = run("diff", str(SYSTEMS / "diff-a"), str(SYSTEMS / "diff-b"), "--format", "json")
    assert result.exit_code == trees.exit_code == 1
    got, want = json.loads(result.stdout), json.loads(trees.stdout)
    for key in ("differences", "system_differences", "summary", "a_system", "b_system"):
        assert got[key] == want[key]
    assert len(got["differences"]) == 8  # one of them found by hashing both files in the image
    by_kb = run("diff", path, path, *picked, "-m", str(diff_manifests), "--format", "json")
    by_kb_trees = run(
        "diff", str(SYSTEMS / "diff-a"), str(SYSTEMS / "diff-b"), "-m", str(diff_manifests),
        "--format", "json",
    )  # fmt: skip
    got_kbs, want_kbs = json.loads(by_kb.stdout), json.loads(by_kb_trees.stdout)
    assert got_kbs["differences"] == want_kbs["differences"] and got_kbs["differences"]


def test_scan_of_one_partition_and_of_the_whole_disk(image: Image, diff_manifests: Path) -> None:
    path = image("two-partitions.img")
    for number, tree in (("1", "diff-a"), ("5", "diff-b")):
        code, data = scan_json(path, "--partition", number, manifests=diff_manifests)
        want_code, want = scan_json(SYSTEMS / tree, manifests=diff_manifests)
        assert (code, verdicts(data)) == (want_code, verdicts(want))
    result = run("scan", str(path), "-m", str(diff_manifests), "--files", "--format", "json")
    data = json.loads(result.stdout)
    paths = {f["path"] for kb in data["kbs"] for f in kb["files"] if f["path"]}
    assert "partition 1/Windows/System32/kernel32.dll" in paths
    assert "partition 5/Windows/System32/kernel32.dll" in paths
    assert "Windows folders on partition 1, partition 5" in result.stderr
    assert f"{path} (raw, 11 MB): partition 1 (NTFS, 4 MB), partition 5 (NTFS, 4 MB)" in (
        result.stderr
    )


def test_inventory_of_a_partition_records_it(image: Image, tmp_path: Path) -> None:
    path = image("features-gpt.img")
    result, taken = inventory_json(path, tmp_path / "c.json", "--partition", "3", "--label", "pc7")
    assert result.exit_code == 0, result.stderr
    _, tree = inventory_json(TREES / "features", tmp_path / "tree.json")
    assert records(taken) == records(tree)
    assert taken["label"] == "pc7"
    image_key = taken["image"]
    assert (image_key["kind"], image_key["partition"], image_key["size"]) == ("raw", 3, 20 << 20)
    assert [(v["partition"], v["file_system"], v["type"]) for v in image_key["volumes"]] == [
        (1, "FAT12", "EFI system"),
        (2, None, "Microsoft reserved"),
        (3, "NTFS", "Microsoft basic data"),
    ]
    # The junction is recorded as the directory's link is: left alone, not a fault.
    assert [p["path"] for p in taken["problems"]] == ["Documents and Settings"]
    code, scanned = scan_json(tmp_path / "c.json")
    assert verdicts(scanned) == verdicts(scan_json(path, "--partition", "3")[1])
    assert code == 0


def test_whole_disk_inventory_names_each_volume(image: Image, tmp_path: Path) -> None:
    path = image("features-gpt.img")
    result, taken = inventory_json(path, tmp_path / "disk.json", "--all")
    assert result.exit_code == 0, result.stderr
    rels = [f["path"] for f in taken["files"]]
    assert "partition 1/EFI/Microsoft/Boot/bootmgfw.efi" in rels
    assert "partition 1/EFI/Microsoft/Boot/BCD" in rels  # --all: every file
    assert "partition 3/Windows/System32/kernel32.dll" in rels
    assert taken["system"]["source"] == "partition 3/Windows/System32/kernel32.dll"
    assert taken["image"]["partition"] is None and taken["image"]["volume_folders"] is True
