"""Opening a list the user gave us: a file or standard input, gzip'd or not, in whatever encoding a
spreadsheet or a server wrote it; and the delimiter of its table. Shared by the backlink lists
(``crawler.lists.backlinks``) and the referrer sources (``crawler.lists.referrers``)."""

from __future__ import annotations

import codecs
import csv
import datetime
import gzip
import io
import shutil
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, TextIO

__all__ = ["InputError", "open_text", "detect_encoding", "sniff_delimiter", "DELIMITERS"]


class InputError(Exception):
    """A list cannot be read at all (the CLI exits 2)."""


_SNIFF_BYTES = 1 << 16
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # Excel 97-2003, and any password-protected Office file
_CHUNK = 1 << 20
DELIMITERS = ("\t", ",", ";", "|")


def detect_encoding(handle: BinaryIO) -> str:
    """The encoding of a seekable byte stream: UTF-8 with or without BOM, UTF-16
    with or without BOM, else windows-1252. Reads it once in chunks; leaves it at 0."""
    head = handle.read(_SNIFF_BYTES)
    handle.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    # UTF-16 without BOM: every other byte of ASCII text is NUL.
    if len(head) > 3 and head[1:40:2].count(0) > 10:
        return "utf-16-le"
    if len(head) > 3 and head[0:40:2].count(0) > 10:
        return "utf-16-be"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := handle.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        handle.seek(0)


def _seekable_bytes(path: str, broken: list[str] | None = None) -> BinaryIO:
    """The file's bytes, seekable (the encoding check reads them twice): standard input, a pipe and a
    gzip'd file (a server's rotated log, a compressed export) are copied to a temporary file first.
    A gzip'd file that breaks off (copied while it was being written) raises InputError, or, given a
    ``broken`` list, is read up to the break and a line saying so is added to the list."""
    raw: BinaryIO | None = None
    try:
        if path == "-":  # copied, never closed: standard input stays the process's
            raw = tempfile.TemporaryFile()
            shutil.copyfileobj(sys.stdin.buffer, raw)
        else:
            raw = open(path, "rb")  # noqa: SIM115 - open_text closes it
            if not raw.seekable():  # a named pipe, /dev/stdin
                with raw:
                    copy: BinaryIO = tempfile.TemporaryFile()
                    shutil.copyfileobj(raw, copy)
                raw = copy
        raw.seek(0)
        gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
    except OSError as exc:
        if raw is not None:
            raw.close()
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not gzipped:
        try:
            workbook = _is_workbook(path, raw)
        except InputError:
            raw.close()
            raise
        return _workbook_as_csv(path, raw) if workbook else raw
    copy = tempfile.TemporaryFile()
    try:
        with raw:
            # GzipFile returns whatever it could decompress before it raises: the copy ends at the break.
            shutil.copyfileobj(gzip.GzipFile(fileobj=raw), copy)
    except (OSError, EOFError, zlib.error) as exc:
        if broken is None or not copy.tell():
            copy.close()
            raise InputError(f"{path}: broken gzip file ({exc})") from exc
        broken.append(f"{path}: broken gzip file ({exc}): read the {copy.tell():,} bytes before the break")
    copy.seek(0)
    return copy


def _is_workbook(path: str, raw: BinaryIO) -> bool:
    """An Excel workbook (.xlsx: a zip holding xl/workbook.xml), as Semrush, Search Console and Moz export them;
    an Excel 97-2003 or password-protected one (an OLE file) is an InputError saying what to do."""
    head = raw.read(8)
    raw.seek(0)
    if head == _OLE_MAGIC:
        raise InputError(f"{path}: an Excel 97-2003 or password-protected workbook: save it as .xlsx (without a password) or CSV")
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(raw) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path}: a broken zip file, such as an .xlsx cut short ({exc})") from exc
    finally:
        raw.seek(0)


def _workbook_as_csv(path: str, raw: BinaryIO) -> BinaryIO:
    """The workbook's first sheet as UTF-8 CSV in a temporary file, read from then on as any list is: cached
    values, not formulas; dates as ISO dates; whole numbers without ".0"."""
    from openpyxl import load_workbook

    copy = tempfile.TemporaryFile()
    text = io.TextIOWrapper(copy, encoding="utf-8", newline="")
    try:
        with raw:
            book = load_workbook(raw, read_only=True, data_only=True)
            try:
                writer = csv.writer(text)
                for row in book.worksheets[0].iter_rows(values_only=True) if book.worksheets else ():
                    writer.writerow([_cell(value) for value in row])
            finally:
                book.close()
        text.flush()
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything (KeyError, zlib.error…) on a broken file
        text.close()
        raise InputError(f"{path}: unreadable workbook ({type(exc).__name__}: {exc})") from exc
    text.detach()
    copy.seek(0)
    return copy


def _cell(value) -> str:
    """A cell as Excel's own "Save as CSV" writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@contextmanager
def open_text(path: str, broken: list[str] | None = None) -> Iterator[TextIO]:
    """The list as text, read as a stream. Universal newlines: "\\r\\n" and "\\r" read as "\\n", also
    inside quoted cells. ``broken``: see ``_seekable_bytes``."""
    raw = _seekable_bytes(path, broken)
    text = io.TextIOWrapper(raw, encoding=detect_encoding(raw), errors="replace", newline=None)
    try:
        yield text
    finally:
        text.close()


def sniff_delimiter(first_line: str, candidates: tuple[str, ...] = DELIMITERS, default: str = ",") -> str:
    """The candidate the header line holds most of (the first of a tie), ``default`` when it holds none."""
    counts = {d: first_line.count(d) for d in candidates}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else default
