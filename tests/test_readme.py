"""The README's commands are the ones CI and newcomers run."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Try it", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.DOTALL)


def test_ci_runs_the_readme_test_command() -> None:
    main_job, tests = _commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()
    assert "verscan scan fixtures/systems/win2000-sp4 -m manifests/" in main_job


def test_demo_paths_exist() -> None:
    assert (ROOT / "fixtures" / "systems" / "win2000-sp4" / "WINNT").is_dir()
    assert sorted(p.name for p in (ROOT / "manifests").glob("*.yaml"))


def test_every_release_name_is_documented() -> None:
    from verscan.windows.catalogue import RELEASE_NAMES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Windows releases", 1)[1].split("\n### ", 1)[0]
    listed = re.findall(r"^\| `([^`]+)` \|", table, flags=re.MULTILINE)
    assert listed == list(RELEASE_NAMES)
