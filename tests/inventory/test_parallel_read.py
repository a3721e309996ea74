"""Reading many files: in order, the same in a pool as in this process, streamed."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.inventory.helpers import PE
from verscan.cli import main
from verscan.pe import read_version_info
from verscan.system import parallel
from verscan.system.inventory import load_inventory, take_inventory
from verscan.system.parallel import inspect, inspect_all, ordered_map, read_all


def _paths() -> list[str]:
    files = sorted(p for p in PE.rglob("*") if p.is_file() and not p.name.endswith((".rc", ".h")))
    return [str(p) for p in files]


def test_sequential_is_the_reader() -> None:
    paths = _paths()
    assert list(read_all(paths)) == [read_version_info(p) for p in paths]


def test_pool_gives_the_same_results_in_order() -> None:
    # Many paths (the fixtures several times over) and a threshold of 0: the pool is used.
    paths = _paths() * 23
    assert len(paths) > 2 * parallel.CHUNK
    pooled = list(ordered_map(read_version_info, paths, 2, threshold=0))
    assert pooled == [read_version_info(p) for p in paths]
    hashed = list(inspect_all(paths[:40], 2, hash_all=True))
    alone = [inspect(p, hash_all=True) for p in paths[:40]]
    assert [h.sha256 for h in hashed] == [a.sha256 for a in alone]


def test_below_the_threshold_nothing_is_started(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> Iterator[object]:
        raise AssertionError("the pool must not be used for few files")

    monkeypatch.setattr(parallel, "_pooled", refuse)
    paths = _paths()
    assert len(list(ordered_map(read_version_info, paths, 8))) == len(paths)
    assert (
        len(list(ordered_map(read_version_info, paths * 200, 1, threshold=0))) == len(paths) * 200
    )


def test_streams_without_reading_ahead_of_need() -> None:
    consumed = 0

    def counting() -> Iterator[str]:
        nonlocal consumed
        for path in itertools.cycle(_paths()):
            consumed += 1
            yield path

    # An endless input: results must come before the input ends, and stopping early stops.
    stream = ordered_map(read_version_info, counting(), 2, threshold=0)
    first = list(itertools.islice(stream, 10))
    stream.close()
    assert len(first) == 10
    # The window of chunks in flight and the one submitted for the first result, no more.
    assert consumed <= (2 * 2 + 1) * parallel.CHUNK + 1


def test_the_command_uses_the_pool_under_clirunner(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, diff_a: Path
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0)
    used: list[int] = []
    real = parallel._pooled

    def spy(func: object, paths: Iterator[str], workers: int, size: int) -> Iterator[object]:
        used.append(workers)
        return real(func, paths, workers, size)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_pooled", spy)
    out = tmp_path / "a.json"
    result = CliRunner().invoke(main, ["inventory", str(diff_a), "-o", str(out), "-j", "2"])
    assert result.exit_code == 0, result.output
    assert used == [2]
    pooled = load_inventory(out)
    alone = take_inventory(str(diff_a), label=pooled.label, host=pooled.host, workers=1)
    assert [f.info for f in pooled.files] == [f.info for f in alone.files]


def test_partial_is_what_workers_receive() -> None:
    # Workers get the function by reference: it must be importable, not a closure.
    task = functools.partial(inspect, hash_all=True)
    assert task.func is parallel.inspect
