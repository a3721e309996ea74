"""The parser against rows written by hand (tests/kb/expected/), and lint-clean output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import FIXTURES
from verscan.cli import main
from verscan.kb import read_article
from verscan.manifest.lint import lint_text

EXPECTED = Path(__file__).parent / "expected"
KB = FIXTURES / "kb"
CASES = sorted(p.name for p in EXPECTED.glob("*.yaml"))
ROW_KEYS = ("name", "version", "size", "date", "time", "platform")
OPTIONAL_KEYS = ("path", "sp_requirement", "branch")


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXPECTED / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("case", CASES)
def test_rows_match_the_hand_written_ones(case: str) -> None:
    expected = _expected(case)
    parsed = read_article(KB / expected["article"], kb=expected["kb"])
    assert parsed.manifest.kb == expected["kb"]
    got = [
        {key: getattr(row, key) for key in ROW_KEYS + OPTIONAL_KEYS}
        for row in parsed.manifest.files
    ]
    want = [
        {**{key: row.get(key) for key in ROW_KEYS + OPTIONAL_KEYS}} for row in expected["files"]
    ]
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        # Keys a hand-written row leaves out are not judged (the article did not say).
        judged = ROW_KEYS + tuple(k for k in OPTIONAL_KEYS if k in expected["files"][i])
        assert {k: g[k] for k in judged} == {k: w[k] for k in judged}, f"row {i + 1}"


def test_there_are_enough_hand_written_cases() -> None:
    with_rows = [c for c in CASES if _expected(c)["files"]]
    assert len(with_rows) >= 20


@pytest.mark.parametrize(
    "article", sorted(p.name for p in KB.iterdir() if not p.name.startswith("README"))
)
def test_every_built_manifest_lints_clean(article: str) -> None:
    result = CliRunner().invoke(main, ["manifest", "build", str(KB / article), "--kb", "1"])
    assert result.exit_code in (0, 1), result.stderr  # 1: no table, or rows reported
    if result.stdout:
        assert lint_text(result.stdout, article) == []


def test_rows_listed_twice_alike_are_kept_once() -> None:
    result = CliRunner().invoke(main, ["manifest", "build", str(KB / "Q317423.md")])
    assert result.exit_code == 0
    assert "Compversinv.ini is listed twice alike; kept once" in result.stderr
    names = [r["name"] for r in yaml.safe_load(result.stdout)["files"]]
    assert len(names) == 6  # the article's 7 rows, one of them a repeat
    assert names.count("Compversinv.ini") == 1
