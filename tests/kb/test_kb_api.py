"""The public API: reading files, decoding, KB numbers, errors, result types."""

from __future__ import annotations

import dataclasses
import quopri
from pathlib import Path

import pytest

from verscan.errors import ArticleError, VerscanError
from verscan.kb import ParsedArticle, Problem, parse_article, read_article
from verscan.kb.source import Kind, decode, detect

KB_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "kb"

ROW = "   28-Jun-2002  13:07  5.0.2195.5917  333,072  Asp.dll\n"
TABLE = "   Date         Time   Version        Size     File name\n" + ROW


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(ArticleError, match=r"cannot read .*nope\.txt"):
        read_article(missing)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="cannot read"):
        read_article(tmp_path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "KB123456.bin"
    path.write_bytes(bytes(range(256)) * 100)
    with pytest.raises(ArticleError, match="not a text file"):
        read_article(path)


def test_no_kb_number(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text("Some hotfix\n\n" + TABLE)
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    assert str(caught.value) == f"no KB number found in {path}; give one with --kb"
    assert isinstance(caught.value, VerscanError)
    assert read_article(path, kb="829427").manifest.kb == "829427"


def test_kb_argument_forms_and_precedence() -> None:
    text = "DOCUMENT:Q323332  29-JUL-2002  [iis]\n" + TABLE
    assert parse_article(text).manifest.kb == "323332"
    for given in ("829427", "KB829427", "kb829427", "Q829427", " 829427 "):
        assert parse_article(text, kb=given).manifest.kb == "829427"
    with pytest.raises(ArticleError, match="not a KB number"):
        parse_article(text, kb="829427a")


@pytest.mark.parametrize(
    ("text", "kb"),
    [
        ("DOCUMENT:Q251143  22-JAN-2000  [winnt]\n", "251143"),
        ("XGEN: Helpful Tips and Suggestions (235978)\n\nBody.\n", "235978"),
        ("Title\nArticle ID: 816085 - Last Review: May 1, 2007\n", "816085"),
        ("Title\nArticle ID:295413\n", "295413"),
        ("Security update for Windows (KB4012212)\n\nText.\n", "4012212"),
        ("Title\n\nThis article was previously published under Q235978\n", "235978"),
        ("Title\n\nKeywords:kbinfo KB235978\n", "235978"),
        ("Title\n\n_Original KB number:_ &nbsp; 2492386\n", "2492386"),
        ("Article: Q323332\nProduct(s): Internet Information Server\n", "323332"),
        ("Q323332: ASP Generates a New ASP SessionID Cookie\n\nText.\n", "323332"),
    ],
)
def test_kb_numbers_in_text(text: str, kb: str) -> None:
    assert parse_article(text).manifest.kb == kb


@pytest.mark.parametrize(
    "body",
    [
        "See Q274149 Cookies Are Not Marked as Secure in IIS.",
        "For more information, see Knowledge Base article 824146.",
        "Visit http://support.microsoft.com/kb/824146 for details.",
    ],
)
def test_body_references_are_not_the_number(body: str) -> None:
    text = f"Some title\n\nSome text here.\n\n{body}\n" + TABLE
    with pytest.raises(ArticleError):
        parse_article(text)


def test_file_name_is_the_last_resort(tmp_path: Path) -> None:
    path = tmp_path / "KB5050771-files.csv"
    path.write_text("File name,File version,Date,Time,File size\nA.dll,1.0,05-Oct-2016,12:00,1\n")
    parsed = read_article(path)
    assert parsed.manifest.kb == "5050771"
    assert parsed.manifest.files[0].name == "A.dll"
    text = "DOCUMENT:Q323332  29-JUL-2002  [iis]\n" + TABLE
    assert parse_article(text, source="KB111111.txt").manifest.kb == "323332"


@pytest.mark.parametrize(
    "data",
    [
        ("DOCUMENT:Q323332\n" + TABLE).encode("utf-8"),
        b"\xef\xbb\xbf" + ("DOCUMENT:Q323332\n" + TABLE).encode("utf-8"),
        ("DOCUMENT:Q323332\n" + TABLE).encode("utf-16"),  # with its byte-order mark
        ("DOCUMENT:Q323332\n" + TABLE).encode("utf-16-le"),
        ("DOCUMENT:Q323332\r\n" + TABLE.replace("\n", "\r\n")).encode("cp1252"),
    ],
)
def test_encodings(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    parsed = read_article(path)
    assert parsed.manifest.kb == "323332"
    assert [r.name for r in parsed.manifest.files] == ["Asp.dll"]


def test_mhtml_archive() -> None:
    page = (
        "<html><head><title>Fix (KB976398)</title></head><body>"
        "<h4>For all supported x86-based versions of Windows 7</h4><table>"
        "<tr><th>File name</th><th>File version</th><th>File size</th></tr>"
        "<tr><td>Gpprefcl.dll</td><td>6.1.7600.20555</td><td>582,656</td></tr>"
        "</table></body></html>"
    )
    encoded = quopri.encodestring(page.encode("utf-8")).decode("ascii")
    mht = (
        "From: <Saved by Windows Internet Explorer 8>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="XX"\r\n\r\n'
        '--XX\r\nContent-Type: text/html;\r\n\tcharset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + encoded + "\r\n--XX--\r\n"
    )
    manifest = parse_article(mht).manifest
    assert manifest.kb == "976398"
    assert manifest.title == "Fix"
    assert [(r.name, r.platform, r.size) for r in manifest.files] == [
        ("Gpprefcl.dll", "x86", 582656)
    ]


def test_cp1252_fallback() -> None:
    text = decode(b"Caf\xe9 \x93quoted\x94\n")
    assert text == "Caf\u00e9 \u201cquoted\u201d\n"


@pytest.mark.parametrize(
    ("text", "source", "kind"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", None, Kind.HTML),
        ("<html><head><title>t</title></head></html>", None, Kind.HTML),
        ("<p>Row</p>", "page.htm", Kind.HTML),
        ("File name,File version,Date,Time,File size\n", None, Kind.CSV),
        ("a,b\n1,2\n", "list.csv", Kind.CSV),
        ("Title\n\n" + TABLE, None, Kind.TEXT),
        ("| File name | File version |\n|---|---|\n", "a.md", Kind.TEXT),
        ("Directory <DIR> listing <snaroot>\\system\n", None, Kind.TEXT),
    ],
)
def test_kind_detection(text: str, source: str | None, kind: Kind) -> None:
    assert detect(text, source) is kind


def test_results_are_frozen() -> None:
    parsed = parse_article("DOCUMENT:Q323332\n" + TABLE, source="x.txt")
    assert isinstance(parsed, ParsedArticle)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.problems = ()  # type: ignore[misc]
    assert parsed.manifest.source == "x.txt"
    problem = Problem(3, "something", "the line")
    assert str(problem) == "line 3: something"
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.line = 4  # type: ignore[misc]


def test_article_without_a_table_has_no_files() -> None:
    parsed = read_article(KB_DIR / "KB251143-seed.txt")
    assert parsed.manifest.files == ()
    assert parsed.manifest.title == "Problems Installing Proxy Server 2.0 Update in Windows 2000"
    assert parsed.manifest.products == (
        "Microsoft Windows NT",
        "Microsoft BackOffice Server 4.5",
        "Microsoft Windows 2000 Server",
    )


def test_fixed_fields() -> None:
    (row,) = parse_article("DOCUMENT:Q323332\n" + TABLE).manifest.files
    assert row.min_version is None
    assert row.sha256 is None
