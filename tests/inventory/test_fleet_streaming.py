"""The streaming fleet report: the cells verscan gave before, in this process, in a pool of
processes and on a Dask cluster; and what happens when a worker dies or a scheduler is away."""

from __future__ import annotations

import json
import logging
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.inventory.helpers import FLEET, ROOT, judge_or_die
from verscan.cli import main
from verscan.compare.fleet import Failed, Judged, judge_file
from verscan.compare.judging import DIED, Task, default_jobs, judge_all
from verscan.manifest.load import load_manifests
from verscan.system.parallel import default_workers

INVENTORIES = [FLEET / "srvA.json", FLEET / "srvB.json", FLEET / "win2k.json"]
MANIFEST_ARGS = ["-m", "fixtures/fleet/manifests", "-m", "manifests"]
CASES = {
    "report.json": [],
    "report-os-exclude.json": [
        "--os",
        "srvB=Windows 7 SP1 x86",
        "--exclude",
        "Program Files (x86)",
    ],
}


@pytest.fixture(autouse=True)
def _in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    # The reports name inventories and manifests as build.sh gave them: relative paths.
    monkeypatch.chdir(ROOT)


def _report(*args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(main, ["report", *args, "-f", "json"])
    assert "Traceback" not in result.output
    data = json.loads(result.stdout) if result.stdout else {}
    return result.exit_code, data, result.stderr


def _relative(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_report_verscan_gave_before(case: str, jobs: str) -> None:
    """The whole JSON report, cells, machines and their profiles, as the earlier report."""
    expected = json.loads((FLEET / case).read_text(encoding="utf-8"))
    code, got, _ = _report(*_relative(INVENTORIES), *MANIFEST_ARGS, *CASES[case], "-j", jobs)
    assert code == 1  # some cell is MISSING
    assert _same_but_reasons(got, expected)


def test_many_machines_in_a_pool_keep_their_order(tmp_path: Path) -> None:
    copies = []
    for i in range(7):
        source = INVENTORIES[i % 3]
        copy = tmp_path / f"m{i}-{source.name}"
        shutil.copyfile(source, copy)
        copies.append(str(copy))
    code, pooled, err = _report(*copies, *MANIFEST_ARGS, "-j", "2")
    _, alone, _ = _report(*copies, *MANIFEST_ARGS, "-j", "1")
    assert code == 1 and pooled == alone
    assert [m["inventory"] for m in pooled["machines"]] == copies
    # Each machine's cells are those the earlier report gave its inventory.
    before = json.loads((FLEET / "report.json").read_text(encoding="utf-8"))
    cells = {
        name: [c["verdict"] for c in before["cells"] if c["machine"] == name]
        for name in ("srvA", "srvB", "win2k")
    }
    for i, machine in enumerate(pooled["machines"]):
        got = [c["verdict"] for c in pooled["cells"] if c["machine"] == machine["name"]]
        assert got == cells[("srvA", "srvB", "win2k")[i % 3]]
    assert err.splitlines()[-1] == (
        "verscan: 7 machines × 11 KBs: 17 installed, 9 missing, 46 not applicable, 5 unknown"
    )


def test_bad_inventories_in_a_pool_are_named_in_order(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "verscan-inventory", "format_version": 1, "files": [', "utf-8")
    missing = tmp_path / "missing.json"
    args = [str(INVENTORIES[0]), str(bad), str(INVENTORIES[1]), str(missing), str(tmp_path)]
    code, data, err = _report(*args, *MANIFEST_ARGS, "-j", "2")
    assert code == 2
    assert [m["name"] for m in data["machines"]] == ["srvA", "srvB"]
    assert [line for line in err.splitlines() if "error" in line] == [
        f"verscan: error: {bad}: not an inventory: the file is truncated "
        "(it ends before the JSON is complete)",
        f"verscan: error: {missing}: cannot read: No such file or directory",
        f"verscan: error: {tmp_path}: is a folder; take an inventory of it with "
        "`verscan inventory`",
    ]


def _tasks(paths: list[Path]) -> list[Task]:
    return [Task(str(p)) for p in paths]


def _manifests() -> list[Any]:
    loaded, errors = load_manifests([FLEET / "manifests", ROOT / "manifests"])
    assert not errors
    return loaded


def test_a_worker_that_dies_is_named_and_the_others_are_reported(tmp_path: Path) -> None:
    dies = tmp_path / "dies.json"
    shutil.copyfile(INVENTORIES[0], dies)
    paths = [INVENTORIES[0], dies, INVENTORIES[1], INVENTORIES[2], INVENTORIES[1]]
    manifests = _manifests()
    outcomes = dict(judge_all(_tasks(paths), manifests, 2, judge=judge_or_die))
    assert sorted(outcomes) == [0, 1, 2, 3, 4]
    assert outcomes[1] == Failed(str(dies), f"{dies}: {DIED}")
    for i in (0, 2, 3, 4):
        assert outcomes[i] == judge_file(str(paths[i]), manifests)


def test_jobs_and_scheduler_are_not_used_together() -> None:
    code, data, err = _report(
        *_relative(INVENTORIES), *MANIFEST_ARGS, "-j", "2", "--scheduler", "tcp://127.0.0.1:1"
    )
    assert code == 2 and data == {}
    assert "--jobs is for the local pool: leave it out with --scheduler" in err


def test_without_dask_scheduler_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    code, data, err = _report(*_relative(INVENTORIES), *MANIFEST_ARGS, "--scheduler", "tcp://x:1")
    assert code == 2 and data == {}
    assert err == (
        "verscan: error: --scheduler needs Dask's distributed scheduler: "
        "pip install 'verscan[cluster]'\n"
    )


def test_default_jobs(tmp_path: Path) -> None:
    small = [str(p) for p in INVENTORIES]
    assert default_jobs(small) == 1  # too small together to pay for a pool
    assert default_jobs(small[:1]) == 1
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (5 << 20))
    assert default_jobs([small[0], str(big)]) == default_workers()


# -- Dask ------------------------------------------------------------------------------

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")


def _loopback_cluster(*, threads: int, processes: bool) -> Any:
    """A Dask cluster of one worker on the loopback: its threads in this process, or one
    worker process (with a nanny that replaces it when it dies)."""
    return distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=threads,
        processes=processes,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        worker_dashboard_address="127.0.0.1:0",
        silence_logs=logging.CRITICAL,
    )


@pytest.fixture(scope="module")
def threads_cluster() -> Iterator[Any]:
    """A Dask cluster of one worker with two threads in this process."""
    with _loopback_cluster(threads=2, processes=False) as cluster:
        yield cluster


@pytest.mark.parametrize("case", sorted(CASES))
def test_dask_gives_the_same_report(threads_cluster: Any, case: str) -> None:
    expected = json.loads((FLEET / case).read_text(encoding="utf-8"))
    address = threads_cluster.scheduler_address
    code, got, _ = _report(
        *_relative(INVENTORIES), *MANIFEST_ARGS, *CASES[case], "--scheduler", address
    )
    assert code == 1
    # The workers are given each inventory's full path; everything else is the same.
    assert [m.pop("inventory") for m in got["machines"]] == [str(p) for p in INVENTORIES]
    for machine in expected["machines"]:
        del machine["inventory"]
    assert _same_but_reasons(got, expected)


def _same_but_reasons(got: dict[str, Any], before: dict[str, Any]) -> bool:
    """The report is the earlier one, but for the words of its reasons.

    Reasons now name the versions (``kernel32.dll 6.1.7601.17510 < 6.1.7601.17514`` where
    the earlier report said ``outdated: Windows/System32/kernel32.dll``) and cells list
    the copies that decided them; machines, profiles and verdicts are the same, and a
    reason names a file where it did and the same words where it had no file to name.
    """
    cells = got["cells"]
    for now, then in zip(cells, before["cells"]):
        if then["reason"] and then["reason"].startswith("outdated: "):
            shown = then["reason"].removeprefix("outdated: ").split(", ")
            assert now["reason"].startswith(shown[0].rsplit("/", 1)[-1]), (now, then)
            assert " < " in now["reason"] or "SHA-256 differs" in now["reason"]
            assert [f["path"] for f in now["files"]] == shown
        else:
            assert now["reason"] == then["reason"]
    stripped = {**got, "cells": [{k: v for k, v in c.items() if k != "files"} for c in cells]}
    for now, then in zip(stripped["cells"], before["cells"]):
        now["reason"] = then["reason"]
    return stripped == before


def test_dask_names_a_bad_inventory(threads_cluster: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    address = threads_cluster.scheduler_address
    code, data, err = _report(str(bad), str(INVENTORIES[0]), *MANIFEST_ARGS, "--scheduler", address)
    assert code == 2
    assert [m["name"] for m in data["machines"]] == ["srvA"]
    assert (
        f'verscan: error: {bad}: not an inventory: expected an object with "format": '
        '"verscan-inventory", found a list'
    ) in err.splitlines()


def test_an_unreachable_scheduler_is_one_line() -> None:
    with socket.socket() as sock:  # a port on the loopback that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code, data, err = _report(*_relative(INVENTORIES), *MANIFEST_ARGS, "--scheduler", address)
    assert code == 2 and data == {}
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"verscan: error: cannot reach the Dask scheduler at {address}: ")
    code, data, err = _report(*_relative(INVENTORIES), *MANIFEST_ARGS, "--scheduler", "bogus://x")
    assert code == 2 and data == {}
    assert err.startswith("verscan: error: bogus://x: not a Dask scheduler address: unknown")
    assert len(err.strip().splitlines()) == 1


def test_a_dask_worker_that_dies_is_named(tmp_path: Path) -> None:
    """A real worker process killed while judging: Dask gives up on that inventory after
    ``allowed-failures`` retries (none here), and its nanny starts a new worker for the rest.

    Dask counts a death against every task the worker had: with a worker saturation of 1.0,
    a worker of one thread is given one task at a time, so only the culprit is counted."""
    from verscan.compare.cluster import DIED_ON_CLUSTER, judge_on_cluster

    dies = tmp_path / "dies.json"
    shutil.copyfile(INVENTORIES[0], dies)
    paths = [dies, INVENTORIES[1], INVENTORIES[2]]
    manifests = _manifests()
    with (
        dask.config.set(
            {
                "distributed.scheduler.allowed-failures": 0,
                "distributed.scheduler.worker-saturation": 1.0,
            }
        ),
        _loopback_cluster(threads=1, processes=True) as cluster,
    ):
        outcomes = dict(
            judge_on_cluster(
                cluster.scheduler_address, _tasks(paths), manifests, judge=judge_or_die
            )
        )
    assert sorted(outcomes) == [0, 1, 2]
    assert outcomes[0] == Failed(str(dies), f"{dies}: {DIED_ON_CLUSTER}")
    for i in (1, 2):
        assert isinstance(outcomes[i], Judged)
        assert outcomes[i] == judge_file(str(paths[i]), manifests)
