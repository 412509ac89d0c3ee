"""``--out results.xlsx``: the results as a workbook a person triages in Excel or LibreOffice.

Sheet "Links": one row per input row with the CSV's columns, the header
frozen, filters on, URLs clickable, the verdict coloured. Sheet "Referring
domains": one row per referring domain (its links, best verdict, language,
country, highest risk, whether it is in the disavow file, its IP, /24, ASN
organisation and hosting country). Written with
XlsxWriter in constant-memory mode: a row at a time, however long the list.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from scoring.triage import VERDICTS  # best first: a domain's "best verdict"

__all__ = ["XlsxResults"]

# Where each referring domain is hosted, in its sheet: one of its pages' (crawler.hosting).
HOSTING_COLUMNS = ("ip", "ip_network", "asn_org", "hosting_country")
URL_COLUMNS = {"source_url", "target", "final_url", "canonical_url", "link_href", "localized_target"}
VERDICT_COLOURS = {"good": "#C6EFCE", "neutral": "#EDEDED", "risky": "#FFEB9C", "disavow": "#FFC7CE",
                   "lost": "#F4B183", "unchecked": "#D9D9D9"}
_MAX_URL = 2079  # Excel's limit for a hyperlink
_MAX_LINKS = 65_530  # and for hyperlinks in one sheet
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(value):
    """The CSV guard's leading ``'`` comes off: cells are written as strings, never read as formulas."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


class XlsxResults:
    def __init__(self, path: str | Path, columns: list[str], domains: bool = True):
        import xlsxwriter

        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                                    "strings_to_formulas": False, "strings_to_urls": False})
        self.columns = columns
        self.sheet = self.book.add_worksheet("Links")
        self.header = self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1})
        self.link = self.book.add_format({"font_color": "blue", "underline": 1})
        self.verdicts = {v: self.book.add_format({"bg_color": colour}) for v, colour in VERDICT_COLOURS.items()}
        self.sheet.freeze_panes(1, 0)
        for index, name in enumerate(columns):
            self.sheet.set_column(index, index, 48 if name in URL_COLUMNS or name.endswith("context") else 14)
            self.sheet.write_string(0, index, name, self.header)
        self.row = 0
        self.links = 0
        self.by_domain: dict[str, dict] = {} if domains and "verdict" in columns else None

    def write(self, flat: dict, result: dict) -> None:
        self.row += 1
        for index, name in enumerate(self.columns):
            value = _plain(flat.get(name))
            if value is None or value == "":
                continue
            if name == "verdict" and value in self.verdicts:
                self.sheet.write_string(self.row, index, value, self.verdicts[value])
            elif name in URL_COLUMNS and isinstance(value, str) and value.startswith(("http://", "https://")) \
                    and len(value) <= _MAX_URL and self.links < _MAX_LINKS:
                self.sheet.write_url(self.row, index, value, self.link, string=value)
                self.links += 1
            elif isinstance(value, bool):
                self.sheet.write_boolean(self.row, index, value)
            elif isinstance(value, int | float):
                self.sheet.write_number(self.row, index, value)
            else:
                self.sheet.write_string(self.row, index, str(value)[:32_767])  # a cell's limit
        if self.by_domain is not None:
            self._count_domain(result)

    def _count_domain(self, result: dict) -> None:
        from scoring.triage import referring_domain

        domain = referring_domain(result)
        entry = self.by_domain.setdefault(domain, {"links": 0, "verdicts": Counter(), "languages": Counter(),
                                                   "country": None, "risk": None, "hosting": {}})
        entry["links"] += 1
        entry["verdicts"][result.get("verdict") or "unchecked"] += 1
        page = result.get("page") or {}
        if page.get("language"):
            entry["languages"][page["language"]] += 1
        entry["country"] = entry["country"] or page.get("country")
        if page.get("ip") and not entry["hosting"]:
            entry["hosting"] = {key: page.get(key) for key in HOSTING_COLUMNS}
        if result.get("risk") is not None:
            entry["risk"] = max(entry["risk"] or 0.0, result["risk"])

    def close(self) -> None:
        if self.row:
            self.sheet.autofilter(0, 0, self.row, len(self.columns) - 1)
        if self.by_domain is not None:
            self._domains_sheet()
        self.book.close()

    def _domains_sheet(self) -> None:
        sheet = self.book.add_worksheet("Referring domains")
        columns = ["referring_domain", "links", "best_verdict", "verdicts", "language", "country", "risk", "in_disavow_file",
                   *HOSTING_COLUMNS]
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, 0, 32)
        sheet.set_column(3, 3, 36)
        for index, name in enumerate(columns):
            sheet.write_string(0, index, name, self.header)
        ranked = sorted(self.by_domain.items(), key=lambda item: (-item[1]["links"], item[0]))
        for row, (domain, entry) in enumerate(ranked, start=1):
            best = min(entry["verdicts"], key=VERDICTS.index)
            sheet.write_string(row, 0, domain)
            sheet.write_number(row, 1, entry["links"])
            sheet.write_string(row, 2, best, self.verdicts[best])
            sheet.write_string(row, 3, ", ".join(f"{v} {n}" for v, n in sorted(entry["verdicts"].items(), key=lambda kv: VERDICTS.index(kv[0]))))
            if entry["languages"]:
                sheet.write_string(row, 4, entry["languages"].most_common(1)[0][0])
            if entry["country"]:
                sheet.write_string(row, 5, entry["country"])
            if entry["risk"] is not None:
                sheet.write_number(row, 6, entry["risk"])
            sheet.write_boolean(row, 7, entry["verdicts"]["disavow"] > 0)
            for column, key in enumerate(HOSTING_COLUMNS, start=8):
                if entry["hosting"].get(key) is not None:
                    sheet.write_string(row, column, str(entry["hosting"][key]))
        if ranked:
            sheet.autofilter(0, 0, len(ranked), len(columns) - 1)
