"""The report of `verscan info`: one entry per file read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from verscan.output import Document, Table
from verscan.pe import VersionInfo
from verscan.versions import format_version, parse_version


def info_record(info: VersionInfo, *, all_strings: bool = False) -> dict[str, Any]:
    """The JSON object of one file."""
    s = info.strings
    record: dict[str, Any] = {
        "path": info.path,
        "status": info.status.value,
        "size": info.size,
        "platform": info.platform,
        "pe_format": info.pe_format,
        "file_version": info.file_version_text,
        "product_version": info.product_version_text,
        "file_version_string": s.get("FileVersion"),
        "product_version_string": s.get("ProductVersion"),
        "company": s.get("CompanyName"),
        "description": s.get("FileDescription"),
        "original_filename": s.get("OriginalFilename"),
        "internal_name": s.get("InternalName"),
        "product_name": s.get("ProductName"),
        "copyright": s.get("LegalCopyright"),
        "language": info.language,
        "languages": [t.key for t in info.tables],
        "translations": [f"{lang:04x}{cp:04x}" for lang, cp in info.translations],
        "version_source": _version_source(info),
        "link_date": link_date(info),
        "error": info.error,
    }
    if all_strings:
        record["string_tables"] = {t.key: dict(t.strings) for t in info.tables}
    return record


def link_date(info: VersionInfo) -> str | None:
    """When the linker wrote the file (the COFF header's TimeDateStamp), ISO 8601 UTC.

    None when the file has none, or 0 (a build that leaves it out).
    """
    if not info.link_time:
        return None
    moment = datetime.fromtimestamp(info.link_time, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


CSV_HEADERS = (
    "path", "company", "description", "product", "product_version", "file_version",
    "machine_type", "original_name", "internal_name", "copyright", "link_date",
    "file_version_string", "product_version_string", "language", "status", "error",
)  # fmt: skip
"""The columns of ``verscan info --format csv``: those of ``sigcheck -a -c`` verscan can know."""


def _csv_row(i: VersionInfo) -> tuple[Any, ...]:
    s = i.strings
    return (
        i.path, s.get("CompanyName"), s.get("FileDescription"), s.get("ProductName"),
        i.product_version_text, i.file_version_text, i.platform, s.get("OriginalFilename"),
        s.get("InternalName"), s.get("LegalCopyright"), link_date(i), s.get("FileVersion"),
        s.get("ProductVersion"), i.language, i.status.value, i.error,
    )  # fmt: skip


def _version_source(info: VersionInfo) -> str | None:
    if info.file_version is not None:
        return "fixed"
    if parse_version(info.file_version_string) is not None:
        return "string"
    return None


def _string_when_differs(info: VersionInfo) -> str | None:
    """The string FileVersion when it says something other than the fixed one."""
    text = info.file_version_string
    if text is None:
        return None
    if info.file_version is None:
        return text
    return None if text.strip() == format_version(info.file_version) else text


def _shown_version(info: VersionInfo) -> str | None:
    if info.file_version is not None:
        return info.file_version_text
    parsed = parse_version(info.file_version_string)
    return f"{format_version(parsed)} (string)" if parsed else None


def info_document(infos: Sequence[VersionInfo], *, all_strings: bool = False) -> Document:
    """The report of ``verscan info``: a JSON array, a table, and the strings when asked."""
    rows = [
        (
            i.path,
            i.platform,
            _shown_version(i),
            i.product_version_text,
            _string_when_differs(i),
            i.strings.get("CompanyName"),
            i.strings.get("FileDescription"),
            i.status.value if i.error is None else f"{i.status.value}: {i.error}",
        )
        for i in infos
    ]
    tables = [
        Table(
            (
                "path",
                "platform",
                "file version",
                "product version",
                "string version",
                "company",
                "description",
                "status",
            ),
            rows,
            paths=("path",),
            wrap=("string version", "company", "description", "status"),
            headline=("path", "file version"),
        )
    ]
    csv = Table(CSV_HEADERS, [_csv_row(i) for i in infos])
    if all_strings:
        string_rows = [
            (i.path, t.key, key, value)
            for i in infos
            for t in i.tables
            for key, value in t.strings.items()
        ]
        strings = Table(
            ("path", "language", "name", "value"),
            string_rows,
            "strings",
            paths=("path",),
            wrap=("value",),
        )
        tables.append(strings)
        csv = strings
    records = [info_record(i, all_strings=all_strings) for i in infos]
    return Document(records, tuple(tables), csv=csv)
