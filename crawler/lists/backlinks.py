"""Read backlink lists: exports of the big SEO tools, or a plain list of URLs.

Stages:
1. open the file, stdin or a gzip'd file (``crawler.lists.textfile``) and
   decide its encoding: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode
   text"), else windows-1252; the text is then read as a stream, never whole;
2. decide the shape: a header naming a known source column means CSV/TSV
   (delimiter sniffed), otherwise a plain list of URLs, one per line;
3. turn each line into a ``Row``: source URL, target, the other columns kept
   untouched; a bad row carries an error message instead of stopping the run;
4. mark repeated (source, target) pairs as duplicates: they are fetched once
   (``read_rows`` for lists held in memory; ``crawler.store.spool`` for long ones).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from crawler.lists.textfile import InputError, open_text, sniff_delimiter
from extract.urls import Target, invalid_url_reason, normalized_key

__all__ = ["InputError", "Row", "iter_rows", "make_row", "mark_duplicates", "read_rows", "SOURCE_COLUMNS", "TARGET_COLUMNS"]


def _column_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# Column names of the exports, compared without case, spaces or punctuation.
SOURCE_COLUMNS = [
    "source_url", "Referring page URL", "Referring page", "Source url", "SourceURL", "Source URL",
    "URL", "Linking page", "Linking pages", "Top linking pages", "Source", "From URL", "Backlink", "Backlink URL",
]
TARGET_COLUMNS = ["target_url", "Target URL", "TargetURL", "Target url", "Target page", "Link URL", "To URL", "Destination URL"]
_SOURCE_KEYS = [_column_key(c) for c in SOURCE_COLUMNS]
_TARGET_KEYS = [_column_key(c) for c in TARGET_COLUMNS]
# A URL without its scheme: host.tld, any host with a port (localhost:8080), or an IPv4 address.
_SCHEMELESS = re.compile(r"^(?:[\w-]+(?:\.[\w-]+)*:\d+|[\w.-]+\.[^\W\d_]{2,}(?::\d+)?|\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?)(?:[/?#]|$)",
                         re.IGNORECASE | re.UNICODE)


@dataclass(slots=True)  # a 100,000-row list is held while it is checked: keep rows small
class Row:
    index: int  # position in the input, from 0; results keep this order
    source_url: str
    target_raw: str
    target: Target | None
    extra: dict = field(default_factory=dict)
    error: str | None = None
    duplicate: bool = False

    @property
    def fetch_key(self) -> str:
        return normalized_key(self.source_url) + "|" + self.source_url.split("://", 1)[0].lower()


# Python's csv module refuses a cell over 128 KB; exports carry whole page
# texts or huge notes in a column. A cell may be as long as memory allows: a
# row is never lost to its size (an absurd URL becomes an invalid_url row).
csv.field_size_limit(2**31 - 1)

def _find_column(header: list[str], keys: list[str]) -> int | None:
    normalized = [_column_key(h) for h in header]
    for key in keys:
        if key in normalized:
            return normalized.index(key)
    return None


def _clean_url(value: str) -> str:
    value = value.strip().strip('"').strip()
    if value.startswith("//") and len(value) > 2:  # scheme-relative, as written in pages
        return "http:" + value
    if value and "://" not in value and _SCHEMELESS.match(value) and " " not in value:
        return "http://" + value  # exports sometimes drop the scheme
    return value


# Lists repeat a handful of targets on every row: parse each once and share it.
_parse_target = lru_cache(maxsize=4096)(Target.parse)


def make_row(index: int, source: str, target_raw: str, default: Target | None, extra: dict) -> Row:
    source = _clean_url(source)
    target_raw = target_raw.strip()
    row = Row(index=index, source_url=source, target_raw=target_raw or (default.raw if default else ""), target=default, extra=extra)
    reason = invalid_url_reason(source)
    if reason:
        row.error = f"source URL: {reason}"
        return row
    if target_raw:
        try:
            row.target = _parse_target(target_raw)
        except ValueError as exc:
            row.error = str(exc)
    elif default is None:
        row.error = "no target for this row (empty target column and no --target)"
    return row


def _rows_from_table(lines: Iterable[str], first_line: str, default: Target | None, source_col: int | None = None) -> Iterator[Row]:
    reader = csv.reader(lines, delimiter=sniff_delimiter(first_line))
    header = [h.strip() for h in next(reader)]
    source_col = _find_column(header, _SOURCE_KEYS) if source_col is None else source_col
    target_col = _find_column(header, _TARGET_KEYS)
    if target_col is None and default is None:
        raise InputError(f"no target column ({', '.join(TARGET_COLUMNS[:4])}…) and no --target given")
    index = 0
    for cells in reader:
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue  # blank, or a comment line (analytics exports put them around their tables)
        cells = cells + [""] * (len(header) - len(cells))
        extra = {name: cells[i] for i, name in enumerate(header) if i not in (source_col, target_col) and name}
        target_raw = cells[target_col] if target_col is not None else ""
        yield make_row(index, cells[source_col], target_raw, default, extra)
        index += 1


def _rows_from_list(lines: Iterable[str], default: Target | None) -> Iterator[Row]:
    if default is None:
        raise InputError("a plain list of URLs needs --target")
    index = 0
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield make_row(index, line, "", default, {})
        index += 1


_URL_SAMPLE = 200  # rows read ahead to find the column of URLs in a table with an unknown header


def _is_url(cell: str) -> bool:
    cleaned = _clean_url(cell)
    return "://" in cleaned and invalid_url_reason(cleaned) is None


def _is_header(cells: list[str]) -> bool:
    """A table's header: several cells, none of them a URL (a plain list's line is one URL)."""
    return len(cells) >= 2 and not any(_is_url(cell) for cell in cells)


def _url_column(header: list[str], sample: list[str], delimiter: str) -> tuple[int | None, int, int]:
    """The column holding URLs in most of the sampled rows (more than half), with its count and the rows counted."""
    rows = [cells for cells in csv.reader(sample, delimiter=delimiter)
            if any(c.strip() for c in cells) and not cells[0].lstrip().startswith("#")]
    if not rows:
        return None, 0, 0
    counts = [sum(1 for cells in rows if index < len(cells) and _is_url(cells[index])) for index in range(len(header))]
    best = max(range(len(header)), key=lambda index: counts[index])
    return (best if counts[best] * 2 > len(rows) else None), counts[best], len(rows)


def _default_target(target: str | None) -> Target | None:
    if not target:
        return None
    try:
        return Target.parse(target)
    except ValueError as exc:
        raise InputError(f"--target: {exc}") from exc


def iter_rows(path: str, target: str | None = None) -> Iterator[Row]:
    """The rows of a backlink list, one at a time, duplicates not marked.

    Reads the file as a stream, so a list of millions of rows costs no more
    memory than a short one. Problems with the file as a whole (unreadable,
    binary, empty, no target) raise InputError before the first row."""
    default = _default_target(target)
    with open_text(path) as handle:
        head = handle.read(4096)
        controls = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n\r")
        if head and controls > len(head) * 0.02:
            raise InputError(f"{path} is not a text file (CSV, TSV or a list of URLs)")
        # Whole lines from here on: the sample, the rest of its last line, the stream.
        lines = itertools.chain(io.StringIO(head + handle.readline()), handle)
        first_line = ""
        for line in lines:  # the first line that is not blank or a comment (GA4/UA exports open with # lines)
            if line.strip() and not line.lstrip().startswith("#"):
                first_line = line.lstrip(" \t").rstrip("\n")
                break
        if not first_line:
            raise InputError(f"{path} holds no rows")
        lines = itertools.chain([first_line + "\n"], lines)
        delimiter = sniff_delimiter(first_line)
        header = [cell.strip() for cell in next(csv.reader([first_line], delimiter=delimiter))]
        if _find_column(header, _SOURCE_KEYS) is not None:
            rows = _rows_from_table(lines, first_line, default)
        elif _is_header(header):
            sample = list(itertools.islice(lines, _URL_SAMPLE + 1))  # the header and the rows after it
            lines = itertools.chain(sample, lines)
            column, found, total = _url_column(header, sample[1:], delimiter)
            if column is None:
                raise InputError(f"no column of source URLs among {', '.join(repr(h) for h in header)}; "
                                 f"name it one of: {', '.join(SOURCE_COLUMNS)}")
            print(f"linkverifier: no known source column: using {header[column]!r}, which holds URLs in {found} of "
                  f"the first {total} rows", file=sys.stderr)
            rows = _rows_from_table(lines, first_line, default, source_col=column)
        else:
            rows = _rows_from_list((line.rstrip("\n") for line in lines), default)
        yield from rows


def mark_duplicates(rows: list[Row]) -> list[Row]:
    """Mark every repeat of a (source page, target) pair: it is fetched once."""
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if row.error or row.target is None:
            continue
        key = (row.fetch_key, row.target.key)
        row.duplicate = key in seen
        seen.add(key)
    return rows


def read_rows(path: str, target: str | None = None) -> list[Row]:
    """All rows of a backlink list, duplicates marked. Raises InputError."""
    return mark_duplicates(list(iter_rows(path, target)))
