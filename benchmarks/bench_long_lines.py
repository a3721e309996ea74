"""How long a one-line article takes to parse, against the least work its format needs.

A saved web page is often one line, and a hostile article can be one line of
16 MiB (the largest verscan reads). Each shape below is written as one line of
4 MiB and of 16 MiB and parsed with ``verscan.kb.read_article``; the floor is
what any reader of that format must do: decode the bytes and split the lines for
text, and for HTML, also tokenize it with ``html.parser`` and nothing else.
Prints seconds (best of ``--repeat``), MB/s, the ratio to the floor, and the
ratio of the 16 MiB time to the 4 MiB time (4.0 is linear).

    python benchmarks/bench_long_lines.py --repeat 3

Standard library and verscan only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import html.parser
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchlib import best_of
from tabulate import tabulate

from verscan.kb import read_article
from verscan.kb.source import decode

ROOT = Path(__file__).resolve().parents[1]
KB = ROOT / "fixtures" / "kb"
MIB = 1 << 20


def _joined(name: str) -> str:
    """A fixture article with its line breaks turned into spaces."""
    raw = (KB / name).read_bytes().decode("utf-8", "replace")
    return " ".join(raw.split("\n")).replace("\r", " ")


def _fill(piece: str, size: int, head: str = "", tail: str = "") -> str:
    body = size - len(head) - len(tail)
    return head + (piece * (body // len(piece) + 1))[:body] + tail


SHAPES: dict[str, tuple[str, Callable[[int], str]]] = {
    "text: one character": (".txt", lambda n: "x" * n),
    "text: an article's words": (".txt", lambda n: _fill(_joined("Q323332.TXT") + " ", n)),
    "text: a file row, repeated": (
        ".txt",
        lambda n: _fill(" 28-Jun-2002  13:07  5.0.2195.5917  333,072  Asp.dll ", n),
    ),
    "markdown: a table's rows": (".md", lambda n: _fill(_joined("KB981506.md") + " ", n)),
    "csv: a file list": (".csv", lambda n: _fill(_joined("KB5050771-files.csv") + ",", n)),
    "html: text in a paragraph": (
        ".html",
        lambda n: _fill("Files of the update. ", n, "<p>", "</p>"),
    ),
    "html: '<' in a cell": (
        ".html",
        lambda n: _fill("<", n, "<table><tr><td>", "</td></tr></table>"),
    ),
    "html: a page of tables, repeated": (
        ".html",
        lambda n: _fill(_joined("KB976398.html"), n),
    ),
}


def _floor(path: str, html_page: bool) -> None:
    with open(path, "rb") as fh:
        text = decode(fh.read()) or ""
    text.splitlines()
    if html_page:
        tokenizer = html.parser.HTMLParser(convert_charrefs=True)
        tokenizer.feed(text)
        tokenizer.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="4,16", help="sizes in MiB, comma-separated")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="verscan-bench-") as tmp:
        for shape, (suffix, make) in SHAPES.items():
            seconds = {}
            for mib in sizes:
                size = mib * MIB - 1  # the largest article read is 16 MiB
                path = os.path.join(tmp, f"article{suffix}")
                data = make(size).encode("utf-8")[:size]  # whole characters only:
                Path(path).write_bytes(data.decode("utf-8", "ignore").encode("utf-8"))
                took = best_of(lambda p=path: read_article(p, kb="1"), args.repeat)
                floor = best_of(lambda p=path, h=suffix == ".html": _floor(p, h), args.repeat)
                seconds[mib] = took
                rows.append(
                    [
                        shape,
                        mib,
                        f"{took:.2f}",
                        f"{size / MIB / took:.1f}",
                        f"{floor:.2f}",
                        f"{took / floor:.1f}",
                    ]
                )
            if len(sizes) > 1:
                rows[-1].append(f"{seconds[sizes[-1]] / seconds[sizes[0]]:.2f}")
    print(
        tabulate(
            rows,
            headers=[
                "one-line article",
                "MiB",
                "seconds",
                "MB/s",
                "floor s",
                "× floor",
                f"{sizes[-1]}/{sizes[0]} MiB",
            ],
            tablefmt="github",
            disable_numparse=True,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
