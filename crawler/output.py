"""Result writers: JSON Lines, CSV and JSON, chosen by the file's suffix.

Files are written to a temporary name and renamed at the end, so a reader
never sees half a file: to their own name when the run is complete, to
``NAME.partial.SUFFIX`` when it was interrupted (``--resume`` completes it). CSV cells never start with ``= + - @`` (or a tab or
carriage return): spreadsheets would run them as formulas.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import IO

__all__ = ["ResultWriter", "open_writer", "flatten", "safe_cell", "write_records", "CSV_FIELDS", "ISSUE_FIELDS"]

CSV_FIELDS = [
    "source_url", "target", "checked_at", "status", "reason", "message", "http_status", "final_url",
    "redirects", "follow", "indexable", "canonical_url",
    "link_href", "link_match", "link_anchor_text", "link_anchor_type", "link_rel", "link_follow",
    "link_placement", "link_region", "link_editorial_score", "link_context", "links_count",
    "page_title", "page_language", "page_language_source", "page_country", "page_registered_domain",
    "page_word_count", "page_outbound_links", "page_external_domains",
    "topical_fit", "localized_target", "flags", "input",
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
    best = result["links"][0] if result.get("links") else {}
    page = result.get("page") or {}
    row = {key: result.get(key) for key in CSV_FIELDS if key in result}
    row["redirects"] = "|".join(r["url"] for r in result.get("redirects", []))
    for key in ("href", "match", "anchor_text", "anchor_type", "follow", "placement", "region", "editorial_score", "context"):
        row[f"link_{key}"] = best.get(key)
    row["link_rel"] = "|".join(best.get("rel", []))
    row["links_count"] = len(result.get("links", []))
    for key in ("title", "language", "language_source", "country", "registered_domain", "word_count", "outbound_links", "external_domains"):
        row[f"page_{key}"] = page.get(key)
    row["flags"] = "|".join(result.get("flags", []))
    row["input"] = json.dumps(result.get("input") or {}, ensure_ascii=False) if result.get("input") else ""
    return {key: safe_cell(row.get(key)) for key in CSV_FIELDS}


ISSUE_FIELDS = ["code", "severity", "url", "href", "hreflang", "detail"]


def write_records(path: str | None, records: list[dict], fields: list[str]) -> None:
    """Write plain records (hreflang issues, changes…) as JSON Lines, CSV or JSON, atomically."""
    writer = ResultWriter(path, fields=fields, flatten_row=lambda record: {k: safe_cell(record.get(k)) for k in fields})
    for record in records:
        writer.write(record)
    writer.close()


def _public(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "row"}


class ResultWriter:
    """Writes records to ``path`` (atomically) or to stdout as JSON Lines.

    CSV columns are ``fields``, each record turned into a row by ``flatten_row``:
    by default the verify result layout of the contract.
    """

    def __init__(self, path: str | None, fields: list[str] = CSV_FIELDS, flatten_row=flatten):
        self._flatten = flatten_row
        self.path = Path(path) if path else None
        self.format = self._format(self.path)
        self._tmp: Path | None = None
        self._handle: IO[str] | None
        if self.path is None:
            self._handle = sys.stdout
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._tmp = self.path.with_name(f".{self.path.name}.partial")
            self._handle = open(self._tmp, "w", encoding="utf-8", newline="")
        self._csv = None
        self._count = 0
        if self.format == "csv":
            self._csv = csv.DictWriter(self._handle, fieldnames=fields)
            self._csv.writeheader()
        elif self.format == "json":
            self._handle.write("[")

    @staticmethod
    def _format(path: Path | None) -> str:
        if path is None:
            return "jsonl"
        suffix = path.suffix.lower()
        return {".csv": "csv", ".json": "json"}.get(suffix, "jsonl")

    def write(self, result: dict) -> None:
        if self.format == "csv":
            self._csv.writerow(self._flatten(result))
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
        return self.path.with_name(f"{self.path.stem}.partial{self.path.suffix}") if self.path else None

    def close(self, complete: bool = True) -> str | None:
        """Finish the file; returns where it went (None for stdout). Safe to call twice."""
        if self._handle is None:
            return None
        if self.format == "json":
            self._handle.write("\n]\n")
        if self.path is None:
            self._handle.flush()
            self._handle = None
            return None
        self._handle.close()
        self._handle = None
        final = self.path if complete else self.partial_path
        os.replace(self._tmp, final)
        if complete and self.partial_path.exists():
            self.partial_path.unlink()  # an interrupted run's results, now complete under the final name
        return str(final)


def open_writer(path: str | None) -> ResultWriter:
    return ResultWriter(path)
