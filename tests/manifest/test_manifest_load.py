"""Loading manifests: values as written, errors as ``file:line: message``, folders expanded."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from verscan.errors import ManifestError
from verscan.manifest.load import (
    ManifestProblemsError,
    find_manifest_files,
    load_manifest,
    load_manifests,
)
from verscan.manifest.model import FileRow, Manifest


def test_full_manifest_values(valid_dir: Path) -> None:
    path = valid_dir / "full.yaml"
    m = load_manifest(path)
    assert m.kb == "900000"
    assert m.source == "https://example.invalid/kb/900000"
    assert m.products == ("Windows XP Service Pack 2", "Windows Server 2003 x64 Edition")
    assert m.origin == str(path)
    assert len(m.files) == 6
    assert m.files[0] == FileRow(
        name="Example.dll",
        version="5.1.2600.2180",
        size=122640,
        date="2004-08-04",
        time="13:07",
        platform="x86",
        sp_requirement="SP2",
        branch="GDR",
        path="system32",
        section="Windows XP",
        min_version="5.1.2600.2000",
    )
    assert m.files[1].parsed_min_version == (5, 1, 2600, 2185)
    assert m.files[4].version is None
    assert m.files[4].sha256 == "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    assert m.files[5].version == "4.10.1512"
    assert m.files[5].path == "%ProgramFiles%\\Example"


def test_minimal_manifest_defaults(valid_dir: Path) -> None:
    m = load_manifest(valid_dir / "minimal.yaml")
    assert m == Manifest(
        kb="323332",
        files=(
            FileRow(name="Asp.dll", version="5.0.2195.5917"),
            FileRow(name="Iisadmin.h", version=None),
        ),
    )


def test_metadata_only_manifest_has_no_rows(valid_dir: Path) -> None:
    m = load_manifest(valid_dir / "metadata-only.yaml")
    assert (m.kb, m.title, m.source, m.products, m.files) == (
        "829427",
        "Example: metadata only",
        None,
        (),
        (),
    )


def test_real_article_manifest(valid_dir: Path) -> None:
    m = load_manifest(valid_dir / "kb323332.yaml")
    assert len(m.files) == 21
    assert {row.section for row in m.files} == {"IIS 5.0", "IIS 4.0"}
    assert m.files[0].name == "Asp.dll" and m.files[0].size == 333072


def test_error_names_first_problem_and_counts_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text('kb: "KB1"\nfiles:\n  - name: a.dll\n    version: 4.10\n    size: -1\n')
    with pytest.raises(ManifestProblemsError) as info:
        load_manifest(path)
    assert str(info.value) == f'{path}:1: kb must be digits only, got "KB1" (and 2 more problems)'
    assert [str(p) for p in info.value.problems] == [
        f'{path}:1: kb must be digits only, got "KB1"',
        f"{path}:4: version must be a quoted string; unquoted, 4.10 is read as a number",
        f"{path}:5: size must not be negative, got -1",
    ]


def test_single_problem_error_is_the_problem(invalid_dir: Path) -> None:
    path = invalid_dir / "bad-date.yaml"
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert str(info.value) == f"{path}:6: date 2003-02-30 is not a real calendar date"


@pytest.mark.parametrize("name", ["alias-bomb.yaml", "non-utf8.yaml", "empty.yaml"])
def test_hostile_files_raise_manifest_error(invalid_dir: Path, name: str) -> None:
    with pytest.raises(ManifestError, match=rf"^{invalid_dir / name}:\d+: "):
        load_manifest(invalid_dir / name)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=r"nope\.yaml: cannot read: "):
        load_manifest(tmp_path / "nope.yaml")


def test_load_manifests_collects_errors_per_file(valid_dir: Path, invalid_dir: Path) -> None:
    manifests, errors = load_manifests([valid_dir, invalid_dir])
    assert sorted(Path(m.origin or "").name for m in manifests) == sorted(
        p.name for p in valid_dir.iterdir()
    )
    # Every malformed fixture is one error, whatever its suffix: .yaml files only.
    bad_yaml = [p for p in invalid_dir.iterdir() if p.suffix == ".yaml"]
    assert len(errors) == len(bad_yaml)
    assert all(isinstance(e, ManifestProblemsError) for e in errors)


def test_folders_are_expanded_recursively_and_sorted(tmp_path: Path, valid_dir: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    shutil.copy(valid_dir / "minimal.yaml", tmp_path / "b" / "one.yaml")
    shutil.copy(valid_dir / "metadata-only.yaml", tmp_path / "a" / "deep" / "two.yml")
    shutil.copy(valid_dir / "full.yaml", tmp_path / "a" / "three.YAML")
    (tmp_path / "notes.txt").write_text("not a manifest")
    files, errors = find_manifest_files([tmp_path])
    assert errors == []
    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        "a/deep/two.yml",
        "a/three.YAML",
        "b/one.yaml",
    ]


def test_a_file_named_twice_is_loaded_once(valid_dir: Path) -> None:
    manifests, errors = load_manifests([valid_dir / "minimal.yaml", valid_dir])
    assert errors == []
    assert [Path(m.origin or "").name for m in manifests].count("minimal.yaml") == 1


def test_explicit_file_is_taken_whatever_its_name(tmp_path: Path, valid_dir: Path) -> None:
    path = tmp_path / "kb.txt"
    shutil.copy(valid_dir / "minimal.yaml", path)
    manifests, errors = load_manifests([path])
    assert errors == [] and [m.kb for m in manifests] == ["323332"]


def test_paths_that_name_nothing_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    manifests, errors = load_manifests([tmp_path / "missing", empty])
    assert manifests == []
    assert [str(e) for e in errors] == [
        f"{tmp_path / 'missing'}: no such file or folder",
        f"{empty}: no manifest files (*.yaml, *.yml) in this folder",
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_symlinked_folders_are_not_followed(tmp_path: Path, valid_dir: Path) -> None:
    shutil.copy(valid_dir / "minimal.yaml", tmp_path / "m.yaml")
    try:
        (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    except OSError:
        pytest.skip("cannot create symbolic links here")
    files, errors = find_manifest_files([tmp_path])
    assert errors == [] and [p.name for p in files] == ["m.yaml"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_is_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ManifestError, match=r"pipe\.yaml: not a regular file$"):
        load_manifest(fifo)
    # In a folder it is skipped: only regular files are manifests.
    files, _ = find_manifest_files([tmp_path])
    assert files == []
