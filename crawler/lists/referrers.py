"""Candidate referring pages from access logs and analytics exports.

Stages:
1. read each file (plain or ``.gz``): an access log in combined format (the
   common format has no Referer and yields nothing), or a CSV/TSV export with
   a referrer column (GA4 "Page referrer", UA "Full referrer", Search Console
   "Linking page"…);
2. keep external web pages: drop empty referrers, the site's own hosts,
   search engines, webmail and app referrers (``android-app://``), and URLs
   that are not pages (images, scripts, feeds);
3. per referring page (tracking parameters and fragments removed): hits and
   first/last seen from the log timestamps, and sessions/engagement when an
   export carries them. Malformed lines are counted, never fatal.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from crawler.lists.textfile import open_text, sniff_delimiter
from extract.urls import TRACKING_PARAMS, host_of, invalid_url_reason, registered_domain, split_host

__all__ = ["Candidate", "ReferrerReport", "read_referrers", "is_search_or_webmail"]

# combined: host ident user [time] "request" status bytes "referer" "agent"
_COMBINED = re.compile(
    r'^(?P<host>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<request>(?:[^"\\]|\\.)*)" (?P<status>\d{3}|-) (?P<bytes>\S+)'
    r'(?: "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<agent>(?:[^"\\]|\\.)*)")?'
)
# Search engines by their registrable domain's name, on every TLD (google.de, google.co.uk…).
SEARCH_ENGINES = frozenset({
    "google", "bing", "yahoo", "duckduckgo", "yandex", "baidu", "ecosia", "naver", "seznam", "qwant", "startpage",
    "ask", "aol", "sogou", "so", "daum", "msn", "brave", "search", "mojeek", "yippy", "dogpile", "petalsearch",
    "you", "perplexity", "kagi", "metager", "swisscows", "lilo", "gibiru", "onesearch", "sm",
})
# Hosts of webmail and search front ends whose domain name alone is not telling.
_WEBMAIL_HOST = re.compile(r"(^|\.)(mail|webmail|email|outlook|inbox|e\.mail)\.|^(outlook\.live\.com|outlook\.office\.com|outlook\.office365\.com)$")
_WEBMAIL_DOMAINS = frozenset({"mail.ru", "gmx.net", "gmx.de", "web.de", "t-online.de", "protonmail.com", "proton.me", "zoho.com", "yandex.ru", "live.com", "hotmail.com", "icloud.com"})
_NOT_PAGE = re.compile(r"\.(png|jpe?g|gif|webp|svg|ico|css|js|json|xml|rss|atom|pdf|zip|gz|mp4|mp3|woff2?|ttf)(\?|$)", re.IGNORECASE)
_REFERRER_COLUMNS = ["page referrer", "full referrer", "referrer", "referer", "full_referrer", "page_referrer",
                     "linking page", "linking pages", "top linking pages", "source url", "referring page", "referring url"]
_SESSION_COLUMNS = {"sessions": "sessions", "engaged sessions": "engaged_sessions", "conversions": "conversions",
                    "key events": "conversions", "users": "users", "total users": "users"}


# A log names the same referring page and the same second over and over: each is judged once
# (1,000,000 lines with 148,000 distinct referrers: 52 -> 28 s).
_REMEMBERED = 1 << 16


@dataclass
class Candidate:
    url: str
    hits: int = 0
    first_seen: str | None = None
    last_seen: str | None = None
    via: set[str] = field(default_factory=set)  # "log" | "export"
    engagement: Counter = field(default_factory=Counter)


@dataclass
class ReferrerReport:
    candidates: dict[str, Candidate] = field(default_factory=dict)
    lines: int = 0
    malformed: int = 0
    dropped: Counter = field(default_factory=Counter)  # why referrers were left out
    warnings: list[str] = field(default_factory=list)  # one line each: a file read only in part


def is_search_or_webmail(host: str) -> bool:
    parts = split_host(host)
    if parts.domain in SEARCH_ENGINES and not (parts.domain == "yahoo" and parts.subdomain.startswith("mail")):
        return True
    domain = f"{parts.domain}.{parts.suffix}"
    return bool(_WEBMAIL_HOST.search(host)) or domain in _WEBMAIL_DOMAINS


@lru_cache(maxsize=_REMEMBERED)
def _page_key(url: str) -> str:
    base, _, query = url.split("#", 1)[0].partition("?")
    kept = [p for p in query.split("&") if p and not TRACKING_PARAMS.match(p.split("=", 1)[0])]
    return base + ("?" + "&".join(kept) if kept else "")


@lru_cache(maxsize=_REMEMBERED)
def _why_dropped(referrer: str, own_domain: str) -> str | None:
    if not referrer or referrer == "-":
        return "empty"
    if referrer.startswith(("android-app://", "ios-app://")):
        return "app"
    if invalid_url_reason(referrer):
        return "not a web URL"
    host = host_of(referrer)
    if registered_domain(host) == own_domain:
        return "own site"
    if is_search_or_webmail(host):
        return "search engine or webmail"
    if _NOT_PAGE.search(referrer.split("?", 1)[0] + "?"):
        return "not a page"
    return None


@lru_cache(maxsize=_REMEMBERED)
def _timestamp(value: str) -> str | None:
    try:
        moment = datetime.strptime(value, "%d/%b/%Y:%H:%M:%S %z")
    except ValueError:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _note(report: ReferrerReport, referrer: str, own_domain: str, seen: str | None, via: str, hits: int = 1) -> Candidate | None:
    reason = _why_dropped(referrer.strip(), own_domain)
    if reason:
        report.dropped[reason] += 1
        return None
    key = _page_key(referrer.strip())
    candidate = report.candidates.setdefault(key, Candidate(key))
    candidate.hits += hits
    candidate.via.add(via)
    if seen:
        candidate.first_seen = min(filter(None, [candidate.first_seen, seen]))
        candidate.last_seen = max(filter(None, [candidate.last_seen, seen]))
    return candidate


def _read_log(lines: Iterable[str], report: ReferrerReport, own_domain: str) -> None:
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        report.lines += 1
        match = _COMBINED.match(line)
        if not match:
            report.malformed += 1
            continue
        _note(report, (match.group("referer") or "-").replace('\\"', '"'), own_domain, _timestamp(match.group("time")), "log")


def _number(value: str) -> float:
    try:
        number = float(value.replace(",", "").replace("\u00a0", "").strip() or 0)
    except ValueError:
        return 0.0
    return number if math.isfinite(number) else 0.0  # a cell "NaN" or "inf" would make the output invalid JSON


def _read_export(first: str, lines: Iterable[str], report: ReferrerReport, own_domain: str) -> None:
    """The table whose header is ``first`` (``lines`` starts with it)."""
    # An export's one-column table reads as tab-separated: a URL with a comma stays whole.
    delimiter = sniff_delimiter(first, ("\t", ",", ";"), default="\t")
    reader = csv.reader(lines, delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    column = next(header.index(name) for name in _REFERRER_COLUMNS if name in header)
    measures = {i: _SESSION_COLUMNS[h] for i, h in enumerate(header) if h in _SESSION_COLUMNS}
    after_blank = False
    for cells in reader:
        if not any(c.strip() for c in cells):
            after_blank = True
            continue
        if cells[0].lstrip().startswith("#"):
            if after_blank:
                break  # Universal Analytics: a second block ("Day Index"…) follows the table
            continue
        if after_blank and len(cells) <= column:
            break
        report.lines += 1
        if len(cells) <= column:
            report.malformed += 1
            continue
        value = cells[column].strip()
        if value and "://" not in value and "." in value and " " not in value:
            value = "http://" + value  # GA's "full referrer" drops the scheme
        candidate = _note(report, value, own_domain, None, "export")
        if candidate is not None:
            for index, name in measures.items():
                if index < len(cells):
                    candidate.engagement[name] += _number(cells[index])


def _is_export(first_line: str) -> bool:
    lowered = [c.strip().strip('"').lower() for c in re.split(r"[\t,;]", first_line)]
    return any(name in lowered for name in _REFERRER_COLUMNS)


def _without_preamble(lines: Iterator[str]) -> tuple[str | None, Iterator[str]]:
    """The first line after the blank and ``#`` lines GA4 and Universal Analytics exports open with (property,
    dates), and the lines from it on (a log has no such lines: its first line); (None, ...) for a file of none."""
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            return line, itertools.chain([line], lines)
    return None, iter(())


def read_referrers(paths: list[str], own_domain: str) -> ReferrerReport:
    """Candidates from every file, merged, each file read as a stream (an access log of gigabytes holds
    only its distinct referring pages in memory). Raises InputError for unreadable files; a gzip'd log
    that breaks off is read up to the break, and ``report.warnings`` says so."""
    report = ReferrerReport()
    for path in paths:
        with open_text(path, broken=report.warnings) as handle:
            first, lines = _without_preamble(handle)
            if first is None:
                continue
            if _is_export(first.rstrip("\n")):
                _read_export(first.rstrip("\n"), lines, report, own_domain)
            else:
                _read_log(lines, report, own_domain)
    return report
