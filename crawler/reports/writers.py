"""Result writers: JSON Lines, CSV, JSON and XLSX, chosen by the file's suffix.

Files are written to a temporary name and renamed at the end, so a reader
never sees half a file: to their own name when the run is complete, to
``NAME.partial.SUFFIX`` when it was interrupted (``--resume`` completes it).
``-`` is stdout, and a path that names no file to replace (``/dev/stdout``, a
named pipe, a device: ``is_stream``) is written straight into: renamed onto,
``/dev/stdout`` itself was replaced by a regular file when run as root.

CSV is written for spreadsheets: UTF-8 with a byte-order mark (Excel reads
"Überblick" and Cyrillic right only with it), and the export's own columns
(DR, First seen…) each in a column of their own, under their own header
(prefixed ``input_`` only where a name would clash with ours). XLSX
(``crawler.reports.xlsx``) has the same columns, and a sheet per referring domain. CSV cells never start with ``= + - @`` (or a tab or
carriage return): spreadsheets would run them as formulas.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO

from crawler.store.faults import StorageError, storage_error
from scoring.check_result import best_link

__all__ = ["ResultWriter", "OutputError", "open_writer", "is_stream", "flatten", "safe_cell", "write_records", "write_atomically", "output_format",
           "CSV_FIELDS", "ISSUE_FIELDS", "FORMATS"]

# --out suffix -> format; no suffix is JSON Lines.
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", "": "jsonl", ".json": "json", ".csv": "csv", ".xlsx": "xlsx"}


class OutputError(ValueError):
    """An --out the writers cannot write (the CLI exits 2)."""


def output_format(path: str | None) -> str:
    """The format of ``--out``; raises OutputError naming the suffixes we write."""
    if path is None:
        return "jsonl"
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        supported = ", ".join(sorted(s for s in FORMATS if s))
        raise OutputError(f"--out {path}: unknown suffix {suffix!r}; use one of {supported}")
    return FORMATS[suffix]

CSV_FIELDS = [
    "source_url", "target", "checked_at", "status", "reason", "message", "http_status", "final_url",
    "redirects", "follow", "indexable", "canonical_url",
    "link_href", "link_match", "link_anchor_text", "link_anchor_type", "link_rel", "link_follow",
    "link_placement", "link_region", "link_editorial_score", "link_context", "links_count",
    "page_title", "page_language", "page_language_source", "page_country", "page_registered_domain",
    "page_word_count", "page_outbound_links", "page_external_domains",
    "page_ip", "page_ip_network", "page_asn", "page_asn_org", "page_hosting_country", "page_shared_host",
    "topical_fit", "localized_target", "flags", "verdict", "risk", "risk_reasons", "input",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A CSV cell that no spreadsheet will evaluate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def flatten(result: dict) -> dict:
    best = best_link(result)
    page = result.get("page") or {}
    row = {key: result.get(key) for key in CSV_FIELDS if key in result}
    row["redirects"] = "|".join(r["url"] for r in result.get("redirects", []))
    for key in ("href", "match", "anchor_text", "anchor_type", "follow", "placement", "region", "editorial_score", "context"):
        row[f"link_{key}"] = best.get(key)
    row["link_rel"] = "|".join(best.get("rel", []))
    row["links_count"] = len(result.get("links", []))
    for key in ("title", "language", "language_source", "country", "registered_domain", "word_count", "outbound_links",
                "external_domains", "ip", "ip_network", "asn", "asn_org", "hosting_country", "shared_host"):
        row[f"page_{key}"] = page.get(key)
    row["flags"] = "|".join(result.get("flags", []))
    row["risk_reasons"] = "|".join(result.get("risk_reasons") or [])
    row["input"] = json.dumps(result.get("input") or {}, ensure_ascii=False) if result.get("input") else ""
    return {key: safe_cell(row.get(key)) for key in CSV_FIELDS}


def input_columns(names: list[str]) -> dict[str, str]:
    """The export's own column names -> their CSV header: as they are, ``input_`` before a clash with ours."""
    taken = set(CSV_FIELDS)
    headers = {}
    for name in names:
        header = name if name not in taken else f"input_{name}"
        while header in taken:
            header = f"input_{header}"
        taken.add(header)
        headers[name] = header
    return headers


ISSUE_FIELDS = ["code", "severity", "url", "href", "hreflang", "detail"]


# Paths here name the process's own streams and devices, never a file to replace ("/dev/stdout" is a
# symbolic link to /proc/self/fd/1, which names whatever stdout is: a terminal, a pipe or a file).
_SPECIAL_TREES = ("/dev/", "/proc/")


def is_stream(path: str | os.PathLike) -> bool:
    """Whether ``path`` is written straight into rather than replaced: ``-`` (stdout), anything under
    /dev or /proc, and an existing path that is no regular file (a named pipe, a device, a socket)."""
    name = os.fspath(path)
    if name == "-":
        return True
    absolute = os.path.abspath(name)
    if absolute.startswith(_SPECIAL_TREES) or os.path.realpath(name).startswith(_SPECIAL_TREES):
        return True
    try:
        mode = os.stat(name).st_mode
    except OSError:  # not there yet: a file to create
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def temporary_name(path: Path) -> Path:
    """Where a file is written before it is renamed into place: hidden, beside it, never a final name."""
    return path.with_name(f".{path.name}.partial")


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` under a temporary name, then rename: a reader never sees half a file.
    A full disk (or a folder gone read-only) leaves no temporary file and raises StorageError."""
    if is_stream(path):
        _write_into(path, text.encode("utf-8"))
        return
    target = Path(path)
    partial = temporary_name(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise storage_error(exc, path) or exc from None


def _write_into(path: str, data: bytes) -> None:
    """Write ``data`` into a stream (see ``is_stream``); a full disk behind it is a StorageError."""
    try:
        if path == "-":
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            with open(path, "wb") as stream:
                stream.write(data)
    except OSError as exc:
        raise storage_error(exc, path) or exc from None


def write_records(path: str | None, records: list[dict], fields: list[str]) -> None:
    """Write plain records (hreflang issues, changes…) as JSON Lines, CSV or JSON, atomically."""
    writer = ResultWriter(path, fields=fields, flatten_row=lambda record: {k: safe_cell(record.get(k)) for k in fields})
    try:
        for record in records:
            writer.write(record)
        writer.close()
    except OSError as exc:  # the disk filled up under us: no half file, and a StorageError naming it
        writer.discard()
        raise storage_error(exc, str(path or "stdout")) or exc from None


def _public(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "row"}


class ResultWriter:
    """Writes records to ``path`` (atomically) or to stdout as JSON Lines.

    CSV columns are ``fields``, each record turned into a row by ``flatten_row``:
    by default the verify result layout of the contract.
    """

    def __init__(self, path: str | None, fields: list[str] = CSV_FIELDS, flatten_row=flatten):
        self._flatten = flatten_row
        self._fields = list(fields)
        self._inputs: dict[str, str] = {}  # the export's own columns -> their header
        self.stream = path is not None and path != "-" and is_stream(path)  # written straight into, never renamed
        self.path = Path(path) if path and path != "-" else None
        self.format = output_format(path if self.path else None)
        self._tmp: Path | None = None
        self._handle: IO[str] | None
        if self.path is None:
            self._handle = sys.stdout
        elif self.stream:
            if self.format == "xlsx":  # a workbook is a zip, written whole: built aside, then copied in
                handle, name = tempfile.mkstemp(prefix=".linkverifier-", suffix=".xlsx")
                os.close(handle)
                self._tmp, self._handle = Path(name), None
            else:
                self._handle = open(self.path, "w", encoding="utf-8-sig" if self.format == "csv" else "utf-8", newline="")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._tmp = temporary_name(self.path)
            if self.format == "xlsx":
                self._handle = None
            else:  # utf-8-sig: the byte-order mark spreadsheets need
                self._handle = open(self._tmp, "w", encoding="utf-8-sig" if self.format == "csv" else "utf-8", newline="")
        self._csv = None
        self._xlsx = None
        self._closed = False
        self._count = 0
        if self.format == "json":
            self._handle.write("[")

    def set_input_columns(self, names: list[str]) -> None:
        """The export's own columns, each a column of its own in CSV and XLSX (before the first write)."""
        self._inputs = input_columns(names)

    def _columns(self) -> list[str]:
        fields = [f for f in self._fields if not (f == "input" and self._inputs)]
        return fields + list(self._inputs.values())

    def _flat(self, result: dict) -> dict:
        row = self._flatten(result)
        given = result.get("input") or {}
        for name, header in self._inputs.items():
            row[header] = safe_cell(given.get(name))
        return row

    def write(self, result: dict) -> None:
        if self.format == "csv":
            if self._csv is None:
                self._csv = csv.DictWriter(self._handle, fieldnames=self._columns(), extrasaction="ignore")
                self._csv.writeheader()
            self._csv.writerow(self._flat(result))
        elif self.format == "xlsx":
            if self._xlsx is None:
                from crawler.reports.xlsx import XlsxResults

                self._xlsx = XlsxResults(self._tmp, self._columns())
            self._xlsx.write(self._flat(result), result)
        elif self.format == "json":
            self._handle.write(("," if self._count else "") + "\n" + json.dumps(_public(result), ensure_ascii=False))
        else:
            self._handle.write(json.dumps(_public(result), ensure_ascii=False) + "\n")
        self._count += 1
        if self.path is None:
            self._handle.flush()

    @property
    def partial_path(self) -> Path | None:
        """Where an incomplete run's results go: ``results.partial.jsonl`` beside ``results.jsonl``."""
        return self.path.with_name(f"{self.path.stem}.partial{self.path.suffix}") if self.path and not self.stream else None

    def close(self, complete: bool = True) -> str | None:
        """Finish the file; returns where it went (None for stdout). Safe to call twice."""
        if self._closed:
            return None
        self._closed = True
        if self.format == "csv" and self._csv is None:  # no rows: the header alone
            self._csv = csv.DictWriter(self._handle, fieldnames=self._columns())
            self._csv.writeheader()
        if self.format == "xlsx":
            from crawler.reports.xlsx import XlsxResults

            (self._xlsx or XlsxResults(self._tmp, self._columns())).close()
        elif self.format == "json":
            self._handle.write("\n]\n")
        if self.path is None:
            self._handle.flush()
            return None
        if self._handle is not None:
            self._handle.close()
        if self.stream:  # no other name to give it: what there is went in as it came
            if self._tmp is not None:
                with open(self._tmp, "rb") as workbook, open(self.path, "wb") as stream:
                    shutil.copyfileobj(workbook, stream)
                self._tmp.unlink()
            return str(self.path)
        final = self.path if complete else self.partial_path
        try:
            os.replace(self._tmp, final)
        except FileNotFoundError:  # the folder was removed during the run: the results go to stdout instead
            raise StorageError(str(final), "folder removed", f"{final.parent} is gone") from None
        if complete and self.partial_path.exists():
            self.partial_path.unlink()  # an interrupted run's results, now complete under the final name
        return str(final)


    def discard(self) -> None:
        """Give up the file (its disk is full…): the temporary file goes, nothing is left half-written."""
        self._closed = True
        for close in (getattr(self._xlsx, "discard", None), getattr(self._handle, "close", None)):
            if close is not None and self._handle is not sys.stdout:
                try:
                    close()
                except OSError:  # the buffer it could not flush is the fault being handled
                    pass
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)


def open_writer(path: str | None) -> ResultWriter:
    return ResultWriter(path)
