"""The fleet report's HTML page in a real headless browser (Debian's ``chromium``).

The page must load without script errors, show every machine and KB, and sort
when a column heading is clicked. Clicking is driven by a few lines of script
appended to a copy of the page; ``--dump-dom`` prints the DOM once scripts have
run, so the test reads the results from attributes they set.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
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
  var table = document.getElementById("machines-by-kb");
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
    assert dom.count('data-verdict="MISSING"') >= 3


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


# --- seven machines, forty KBs: the page a manager opens -----------------------------------

RELEASES = ROOT / "fixtures" / "systems" / "releases"
MACHINES = (
    "2000-sp4", "xp-sp2-x86", "xp-sp3-x86", "vista-sp2-x86", "win7-rtm-x64", "win7-sp1-x64",
    "win10-22h2-x64",
)  # fmt: skip
ARTICLES = (
    "Q240979.TXT", "Q243220.TXT", "Q245731.TXT", "Q246527.TXT", "Q252693.TXT", "Q254682.TXT",
    "Q258070.TXT", "Q259488.TXT", "Q277873.TXT", "Q279341.TXT", "Q280411.TXT",
)  # fmt: skip
SCREEN = (1366, 768)

GEOMETRY = """
<script>
(function () {
  var cells = document.querySelectorAll('#machines-by-kb td[data-verdict="MISSING"]');
  var inside = 0, rects = [];
  Array.prototype.forEach.call(cells, function (td) {
    var r = td.getBoundingClientRect();
    if (r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 &&
        r.bottom <= SCREEN_HEIGHT) { inside += 1; }
    rects.push([Math.round(r.left), Math.round(r.top)].join(","));
  });
  var out = document.body;
  out.setAttribute("data-missing", String(cells.length));
  out.setAttribute("data-inside", String(inside));
  out.setAttribute("data-rects", rects.join(";"));
  out.setAttribute("data-wide", String(document.documentElement.scrollWidth > window.innerWidth));
  out.setAttribute("data-viewport", window.innerWidth + "x" + window.innerHeight);
})();
</script>
""".replace("SCREEN_HEIGHT", str(SCREEN[1]))

SWITCHES = """
<script>
(function () {
  function shown(selector) {
    return Array.prototype.filter.call(document.querySelectorAll(selector), function (e) {
      return e.offsetParent !== null;
    }).length;
  }
  var out = document.body;
  var rows = "#machines-by-kb tbody tr", cols = "#machines-by-kb thead th";
  out.setAttribute("data-all", shown(rows) + "x" + shown(cols));
  var box = document.getElementById("problems-only");
  box.checked = true;
  box.dispatchEvent(new Event("change"));
  out.setAttribute("data-problems", shown(rows) + "x" + shown(cols));
  var filter = document.getElementById("filter");
  filter.value = "xp-sp3";
  filter.dispatchEvent(new Event("input"));
  out.setAttribute("data-filtered", shown(rows) + ":" + shown("#why tbody tr"));
})();
</script>
"""


@pytest.fixture(scope="module")
def fleet_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """7 machines (the release trees) against 40 manifests: shipped, test and built ones."""
    work = tmp_path_factory.mktemp("fleet7")
    runner = CliRunner()
    manifests = work / "manifests"
    manifests.mkdir()
    for folder in (
        ROOT / "manifests",
        ROOT / "fixtures" / "scan",
        ROOT / "fixtures/fleet/manifests",
    ):
        for path in folder.glob("*.yaml"):
            shutil.copy(path, manifests / path.name)
    articles = [str(ROOT / "fixtures" / "kb" / name) for name in ARTICLES]
    built = runner.invoke(main, ["manifest", "build", *articles, "-d", str(manifests), "-q"])
    assert built.exit_code == 0, built.output
    assert len(list(manifests.glob("*.yaml"))) == 40
    inventories = []
    for name in MACHINES:
        path = work / f"{name}.json"
        made = runner.invoke(
            main, ["inventory", str(RELEASES / name), "-o", str(path), "--label", name]
        )
        assert made.exit_code == 0, made.output
        inventories.append(str(path))
    page = work / "fleet.html"
    result = runner.invoke(
        main, ["report", *inventories, "-m", str(manifests), "-f", "html", "-o", str(page)]
    )
    assert result.exit_code == 1, result.output
    assert "7 machines × 40 KBs" in result.stderr
    return page


def _drive(page: Path, script: str, profile: Path, *extra: str) -> str:
    driven = page.with_name(f"driven-{profile.name}.html")
    text = page.read_text(encoding="utf-8").replace("</body>", script + "</body>")
    driven.write_text(text, encoding="utf-8")
    assert CHROMIUM is not None
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--hide-scrollbars", "--disable-background-networking", "--disable-component-update",
        f"--user-data-dir={profile}", f"--window-size={SCREEN[0]},{SCREEN[1]}",
        "--virtual-time-budget=5000", *extra, driven.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_page_says_it_in_machines(fleet_page: Path) -> None:
    text = fleet_page.read_text(encoding="utf-8")
    assert "5 of 7 machines miss at least one KB" in text
    assert "by verscan from 7 inventories and 40 manifests" in text
    # Per machine: profile and the inventory's date; KBs that apply nowhere folded away.
    assert "Windows XP SP3 x86" in text and re.search(r">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<", text)
    assert "Not applicable to any machine, folded away (" in text
    head = re.search(r'id="machines-by-kb">\s*<thead><tr>(.*?)</tr>', text, re.DOTALL)
    assert head is not None
    columns = re.findall(r"<button type=\"button\">([^<]+)</button>", head.group(1))
    assert len(columns) < 41 and "KB2492386" in columns[:3]  # problems first


def test_missing_cells_fit_one_screen(fleet_page: Path, tmp_path: Path) -> None:
    dom = _drive(fleet_page, GEOMETRY, tmp_path / "geometry", "--dump-dom")
    # The window's width; its height is the screen's less what headless Chromium keeps.
    assert (_attribute(dom, "data-viewport") or "").startswith(f"{SCREEN[0]}x")
    missing = int(_attribute(dom, "data-missing") or 0)
    assert missing >= 10
    assert _attribute(dom, "data-inside") == str(missing)
    assert _attribute(dom, "data-wide") == "false"  # no sideways scrolling
    # The screenshot shows each of them: its corner has MISSING's colour.
    shot = tmp_path / "shot.png"
    _drive(fleet_page, "", tmp_path / "shot", f"--screenshot={shot}")
    width, height, pixel = read_png(shot.read_bytes())
    assert (width, height) == SCREEN
    rects = _attribute(dom, "data-rects") or ""
    for rect in rects.split(";"):
        left, top = (int(v) for v in rect.split(","))
        assert pixel(left + 4, top + 3) == MISSING_BACKGROUND, rect


def test_problems_only_and_the_filter(fleet_page: Path, tmp_path: Path) -> None:
    dom = _drive(fleet_page, SWITCHES, tmp_path / "switches", "--dump-dom")
    rows, cols = (int(v) for v in (_attribute(dom, "data-all") or "0x0").split("x"))
    assert rows == 7
    problem_rows, problem_cols = (
        int(v) for v in (_attribute(dom, "data-problems") or "").split("x")
    )
    assert problem_rows == 5 and problem_cols <= cols  # machines and KBs without one hidden
    matrix_rows, why_rows = (int(v) for v in (_attribute(dom, "data-filtered") or "").split(":"))
    assert matrix_rows == 1 and why_rows >= 1


MISSING_BACKGROUND = (0xF9, 0xD2, 0xD0)
"""The background of a MISSING cell (output/html.py's ``.bad``)."""


def read_png(data: bytes) -> tuple[int, int, Callable[[int, int], tuple[int, int, int]]]:
    """Width, height and a pixel reader of an 8-bit RGB or RGBA PNG (as Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6) and header[12] == 0  # not interlaced
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * size
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - size] if i >= size else 0
            b = previous[i]
            c = previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                near = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + near) & 0xFF
        rows.append(line)
        previous = line

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        at = x * size
        r, g, b = rows[y][at : at + 3]
        return r, g, b

    return width, height, pixel
