"""`verscan manifest build` on folders: recursive batches, --jobs, the totals line, --summary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import FIXTURES
from verscan.cli import main
from verscan.kb.files import find_articles

KB = FIXTURES / "kb"


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def make_batch(root: Path) -> Path:
    """A tree of articles in every kind the folder search takes, and files it leaves alone."""
    src = root / "articles"
    (src / "txt" / "323").mkdir(parents=True)
    (src / "web").mkdir()
    shutil.copy(KB / "Q323332.TXT", src / "txt" / "323" / "Q323332.TXT")
    shutil.copy(KB / "Q142532.TXT", src / "txt" / "Q142532.txt")  # no file table
    shutil.copy(KB / "Q195052.TXT", src / "txt" / "Q195052.TXT")  # a note: sizes as versions
    shutil.copy(KB / "KB981506.md", src / "web" / "KB981506.md")
    shutil.copy(KB / "KB976398.html", src / "web" / "KB976398.HTML")
    shutil.copy(KB / "KB5054833-files.csv", src / "KB5054833-files.csv")
    (src / "web" / "logo.png").write_bytes(b"\x89PNG\r\n")
    (src / "notes.yaml").write_text("kb: '1'\n")
    return src


def test_folders_are_searched_for_articles(tmp_path: Path) -> None:
    src = make_batch(tmp_path)
    found, problems = find_articles([src, src / "txt" / "323" / "Q323332.TXT"])
    assert problems == []
    assert [Path(p).relative_to(src).as_posix() for p in found] == [
        "KB5054833-files.csv",
        "txt/323/Q323332.TXT",
        "txt/Q142532.txt",
        "txt/Q195052.TXT",
        "web/KB976398.HTML",
        "web/KB981506.md",
    ]  # sorted, each once, no .png or .yaml


def test_a_folder_builds_every_article_and_ends_with_the_totals(tmp_path: Path) -> None:
    src = make_batch(tmp_path)
    out = tmp_path / "manifests"
    summary = tmp_path / "summary.json"
    code, stdout, err = invoke(
        "manifest", "build", src, "--outdir", out, "--summary", summary, "--jobs", "1"
    )
    assert code == 1, err  # one article has no file table
    assert stdout == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "KB195052.yaml",
        "KB323332.yaml",
        "KB5054833.yaml",
        "KB976398.yaml",
        "KB981506.yaml",
    ]
    lines = err.splitlines()
    assert lines[-1] == (
        "verscan: 6 articles: 5 manifests written, 1 without a file table, 0 errors; "
        "89 rows, 0 problems, 1 note"
    )
    assert f"verscan: {src / 'txt' / '323' / 'Q323332.TXT'}: KB323332, 21 files -> " in err
    assert "no file table found; nothing written" in err
    # Messages come in article order, whatever order the writes end in.
    mentioned = [line.split(": ")[1].split(":")[0] for line in lines[:-1]]
    firsts = list(dict.fromkeys(Path(m).name for m in mentioned))
    assert firsts == [
        "KB5054833-files.csv",
        "Q323332.TXT",
        "Q142532.txt",
        "Q195052.TXT",
        "KB976398.HTML",
        "KB981506.md",
    ]

    doc = json.loads(summary.read_text())
    assert doc["totals"] == {
        "articles": 6,
        "manifests_written": 5,
        "without_file_table": 1,
        "errors": 0,
        "rows": 89,
        "problems": 0,
        "notes": 1,
    }
    by_name = {Path(a["article"]).name: a for a in doc["articles"]}
    assert by_name["Q323332.TXT"] == {
        "article": str(src / "txt" / "323" / "Q323332.TXT"),
        "status": "written",
        "kb": "323332",
        "title": "ASP Generates a New ASP SessionID Cookie for Every User Access",
        "manifest": str(out / "KB323332.yaml"),
        "rows": 21,
        "repeats": 0,
        "problems": [],
        "notes": [],
        "error": None,
    }
    assert by_name["Q142532.txt"]["status"] == "no_table"
    assert by_name["Q142532.txt"]["manifest"] is None
    assert by_name["KB5054833-files.csv"]["rows"] == 10
    assert sum(a["rows"] for a in doc["articles"]) == 89
    assert by_name["Q195052.TXT"]["notes"] == [
        {"line": 93, "message": "the Version column holds sizes ('1.854.736'); read as sizes"}
    ]
    written = yaml.safe_load((out / "KB981506.yaml").read_text())
    assert len(written["files"]) == 45


def test_a_pool_of_workers_gives_the_same_manifests_and_messages(tmp_path: Path) -> None:
    src = make_batch(tmp_path)
    runs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        code, _, err = invoke("manifest", "build", src, "-d", out, "-j", jobs)
        assert code == 1
        texts = {p.name: p.read_text() for p in out.iterdir()}
        runs.append((err.replace(str(out), "OUT"), texts))
    assert runs[0] == runs[1]


def test_one_line_for_one_file(tmp_path: Path) -> None:
    code, _, err = invoke("manifest", "build", KB / "KB829427-seed.txt", "--outdir", tmp_path)
    assert code == 0, err
    assert err.splitlines()[-1].endswith("KB829427, 1 file -> " + str(tmp_path / "KB829427.yaml"))
    # One article named as a file is not a batch: no totals line.
    assert "articles" not in err and "1 article:" not in err


def test_a_folder_of_one_article_has_totals_in_the_singular(tmp_path: Path) -> None:
    src = tmp_path / "one"
    src.mkdir()
    shutil.copy(KB / "KB829427-seed.txt", src)
    code, _, err = invoke("manifest", "build", src, "--outdir", tmp_path / "out")
    assert code == 0, err
    assert err.splitlines()[-1] == (
        "verscan: 1 article: 1 manifest written, 0 without a file table, 0 errors; "
        "1 row, 0 problems, 0 notes"
    )


def test_two_articles_of_one_kb_do_not_overwrite_each_other(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = tmp_path / "s.json"
    code, _, err = invoke(
        "manifest", "build", KB / "KB2492386.html", KB / "KB2492386.md",
        "--outdir", out, "--force", "--summary", summary,
    )  # fmt: skip
    assert code == 2
    assert f"{out / 'KB2492386.yaml'}: already written from {KB / 'KB2492386.html'}" in err
    rows = yaml.safe_load((out / "KB2492386.yaml").read_text())["files"]
    assert len(rows) == 28  # the HTML page's, not replaced by the Markdown page's
    doc = json.loads(summary.read_text())
    assert [a["status"] for a in doc["articles"]] == ["written", "error"]
    assert doc["totals"]["errors"] == 1
    assert "1 error;" in err.splitlines()[-1]


def test_errors_are_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "mixed"
    src.mkdir()
    shutil.copy(KB / "003_59b70c74220786f9.txt", src)  # names no KB number
    shutil.copy(KB / "Q323332.TXT", src)
    (src / "empty").mkdir()
    code, _, err = invoke("manifest", "build", src, tmp_path / "nope", "--outdir", tmp_path / "o")
    assert code == 2
    assert f"{tmp_path / 'nope'}: no such file or folder" in err
    assert "no KB number found in" in err
    assert (tmp_path / "o" / "KB323332.yaml").exists()
    assert err.splitlines()[-1] == (
        "verscan: 2 articles: 1 manifest written, 0 without a file table, 2 errors; "
        "21 rows, 0 problems, 0 notes"
    )


def test_empty_manifests_are_written_with_allow_empty(tmp_path: Path) -> None:
    src = tmp_path / "neg"
    src.mkdir()
    shutil.copy(KB / "Q142532.TXT", src)
    shutil.copy(KB / "Q160807.TXT", src)
    code, _, err = invoke("manifest", "build", src, "-d", tmp_path / "o", "--allow-empty")
    assert code == 1
    assert len(list((tmp_path / "o").iterdir())) == 2
    assert err.splitlines()[-1].startswith(
        "verscan: 2 articles: 2 manifests written, 2 without a file table, 0 errors; 0 rows"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{src}"], "several articles need --outdir"),
        (["{src}", "-o", "{tmp}/m.yaml"], "--output and --kb take one article"),
        (["{src}", "--kb", "1", "-d", "{tmp}/o"], "--output and --kb take one article"),
        (["{tmp}/nothing-here", "-d", "{tmp}/o"], "no articles (*.txt, *.md, *.htm, *.html"),
    ],
)
def test_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    src = make_batch(tmp_path)
    (tmp_path / "nothing-here").mkdir()
    argv = [a.format(src=src, tmp=tmp_path) for a in args]
    code, _, err = invoke("manifest", "build", *argv)
    assert code == 2
    assert message in err
    assert not (tmp_path / "o").exists()


def test_summary_is_not_replaced_without_force(tmp_path: Path) -> None:
    summary = tmp_path / "s.json"
    summary.write_text("mine")
    code, _, err = invoke(
        "manifest", "build", KB / "Q323332.TXT", "-d", tmp_path / "o", "--summary", summary
    )
    assert code == 2 and "exists (use --force to replace it)" in err
    assert summary.read_text() == "mine"
    assert not (tmp_path / "o").exists()  # refused before any work
    code, _, _ = invoke(
        "manifest", "build", KB / "Q323332.TXT", "-d", tmp_path / "o",
        "--summary", summary, "--force",
    )  # fmt: skip
    assert code == 0
    assert json.loads(summary.read_text())["totals"]["manifests_written"] == 1


def test_summary_of_one_article_printed(tmp_path: Path) -> None:
    summary = tmp_path / "s.json"
    code, out, _ = invoke("manifest", "build", KB / "dev-problems.txt", "--kb", "1",
                          "--summary", summary)  # fmt: skip
    assert code == 1
    assert out.startswith("# verscan manifest")
    (article,) = json.loads(summary.read_text())["articles"]
    assert article["status"] == "printed"
    assert article["manifest"] is None
    assert article["problems"] == [
        {"line": 24, "message": "line looks like a file row but does not fit the table"}
    ]
    assert {"line": 23, "message": "size '1.79 MB' is not in bytes; size left empty"} in (
        article["notes"]
    )
