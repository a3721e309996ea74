"""The fleet report's HTML page in a real headless browser (Debian's ``chromium``).

The page must load without script errors, show every machine and KB, and sort
when a column heading is clicked. Clicking is driven by a few lines of script
appended to a copy of the page; ``--dump-dom`` prints the DOM once scripts have
run, so the test reads the results from attributes they set.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.inventory.helpers import DIFF_A, DIFF_B, copy_tree
from verscan.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian package: chromium)"
)

# Runs after the page's own script: click headings, record the row order after each click.
DRIVER = """
<script>
(function () {
  var table = document.querySelector("table.sortable");
  function order() {
    return Array.prototype.map.call(table.tBodies[0].rows, function (r) {
      return r.cells[0].textContent;
    }).join(",");
  }
  function click(name) {
    var th = Array.prototype.find.call(table.tHead.rows[0].cells, function (c) {
      return c.textContent.trim() === name;
    });
    th.querySelector("button").click();
    return th.getAttribute("aria-sort");
  }
  var out = document.body;
  out.setAttribute("data-first", click("KB2222222") + ":" + order());
  out.setAttribute("data-second", click("KB2222222") + ":" + order());
  out.setAttribute("data-third", click("machine") + ":" + order());
  out.setAttribute("data-driven", "1");
})();
</script>
"""


def _dump(page: Path, profile: Path) -> tuple[str, str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


def _attribute(dom: str, name: str) -> str | None:
    body = re.search(r"<body([^>]*)>", dom)
    assert body is not None
    found = re.search(rf'{name}="([^"]*)"', body.group(1))
    return found.group(1) if found else None


@pytest.fixture
def page(tmp_path: Path, manifests: Path) -> Path:
    """The fleet report of three machines as an HTML page."""
    runner = CliRunner()
    c = copy_tree(DIFF_B, tmp_path / "srvC")
    shutil.copy(DIFF_A / "Windows/System32/kernel32.dll", c / "Windows/System32/kernel32.dll")
    inventories = []
    for name, root in (("srvA", DIFF_A), ("srvB", DIFF_B), ("srvC", c)):
        path = tmp_path / f"{name}.json"
        made = runner.invoke(main, ["inventory", str(root), "-o", str(path), "--label", name])
        assert made.exit_code == 0, made.output
        inventories.append(str(path))
    out = tmp_path / "fleet.html"
    result = runner.invoke(
        main, ["report", *inventories, "-m", str(manifests), "-f", "html", "-o", str(out)]
    )
    assert result.exit_code == 1, result.output
    return out


def test_page_loads_and_shows_everything(page: Path, tmp_path: Path) -> None:
    dom, log = _dump(page, tmp_path / "profile")
    assert _attribute(dom, "data-ready") == "1", "the page's script did not run to its end"
    assert "Uncaught" not in log, log
    for machine in ("srvA", "srvB", "srvC"):
        assert f">{machine}</th>" in dom
    for kb in ("KB1111111", "KB2222222", "KB3333333", "KB4444444", "KB5555555", "KB6666666"):
        assert f">{kb}</" in dom
    assert dom.count('data-rank="0">MISSING<') >= 3


def test_clicking_a_heading_sorts(page: Path, tmp_path: Path) -> None:
    driven = tmp_path / "driven.html"
    driven.write_text(
        page.read_text(encoding="utf-8").replace("</body>", DRIVER + "</body>"), encoding="utf-8"
    )
    dom, log = _dump(driven, tmp_path / "profile")
    assert "Uncaught" not in log, log
    assert _attribute(dom, "data-driven") == "1"
    # KB2222222: srvB is MISSING, the worst first; then the other way; then by name.
    assert _attribute(dom, "data-first") == "ascending:srvB,srvA,srvC"
    assert _attribute(dom, "data-second") == "descending:srvA,srvC,srvB"
    assert _attribute(dom, "data-third") == "ascending:srvA,srvB,srvC"
