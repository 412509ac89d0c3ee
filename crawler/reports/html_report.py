"""``linkverifier report``: one self-contained HTML file about the backlink profile.

Works offline: no CDN, charts are inline SVG, the only script is ours (table
sorting, filtering, virtual scrolling) and a Content-Security-Policy with a
per-report nonce forbids any other. This module turns the profile into plain
data; the page is drawn by the Jinja2 template ``templates/report.html.j2``
with autoescaping on, so every string that came from a crawled page is
escaped without anyone having to remember it; only http(s) URLs become links.
The two big tables (referring domains, every link) travel as packed JSON and
are drawn by ``templates/report.js`` with textContent, a screenful at a time.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import secrets
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from crawler.reports.profile import Profile
from crawler.reports.summary import representative_link, summarize
from crawler.store.database import History
from scoring.check_result import best_link
from scoring.triage import VERDICTS

__all__ = ["render_report", "packed_tables"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environment():
    # Autoescaping on for every value: safety does not rest on remembering to escape.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


BAR_WIDTH = 200  # the longest bar, in the chart's own units
CHAR_WIDTH = 7  # an 11 px character, about (labels and counts are sized from it)
LABEL_CHARS = 22  # longer labels are cut, with the whole label as a tooltip


def _bars(items: list[tuple[str, float]], css_id: str, highlight: set[str] = frozenset()) -> dict:
    """A horizontal bar chart: one row per item, widths relative to the largest.

    Sized from its own labels and counts, and drawn in a viewBox at 100% of its card's width (at most its
    natural width): it fits a three-column card at 1,300 px and a two-column one at 800 px, counts
    included, and never scrolls sideways."""
    top = max((v for _, v in items), default=0) or 1
    labels = [str(label) if len(str(label)) <= LABEL_CHARS else str(label)[:LABEL_CHARS - 1] + "…" for label, _ in items]
    label_width = CHAR_WIDTH * max((len(label) for label in labels), default=1) + 8
    value_width = CHAR_WIDTH * max((len(str(value)) for _, value in items), default=1) + 8
    rows = [{"label": short, "title": str(label), "value": value, "y": 22 * i + 4, "width": BAR_WIDTH * value / top,
             "color": "#c4320a" if label in highlight else "#2e5aac"}
            for i, ((label, value), short) in enumerate(zip(items, labels, strict=True))]
    return {"id": css_id, "height": 22 * len(items) + 6, "rows": rows, "bar_x": label_width,
            "width": label_width + BAR_WIDTH + 6 + value_width}


# Why links are not live, as a practitioner acts on it: ask the editor, reclaim the page, give up the domain, retry.
_REMOVED, _PAGE_GONE, _PARKED, _UNREAD = "link removed", "page gone", "domain parked", "not read (error)"


def lost_reasons(checks: list[dict]) -> list[tuple[str, int]]:
    """Links not live at their latest check, by what to do about them (empty when every link is live)."""
    counts = dict.fromkeys((_REMOVED, _PAGE_GONE, _PARKED, _UNREAD), 0)
    for check in checks:
        if check["status"] == "live":
            continue
        flags = set(check.get("flags") or [])
        if check["status"] == "error":
            label = _UNREAD
        elif "parked_domain" in flags:
            label = _PARKED
        elif "soft_404" in flags or check["reason"] == "page_not_found":
            label = _PAGE_GONE
        else:
            label = _REMOVED
        counts[label] += 1
    return [(label, n) for label, n in counts.items() if n]


def _timeline(series: dict, spike_weeks: list) -> dict | None:
    """New referring domains per week: bars with their counts, a count axis, week labels that do not overlap."""
    if not series:
        return None
    weeks = list(series)
    bar = max(3.0, min(24.0, 900 / len(weeks)))
    top = max(series.values()) or 1
    left = 34  # room for the axis labels
    every = max(1, int(64 // bar) + 1)  # a week label at most every 64 px
    bars = [{"week": week, "count": series[week], "x": left + i * bar, "h": 120 * series[week] / top,
             "spike": week in spike_weeks, "label": i % every == 0} for i, week in enumerate(weeks)]
    return {"bars": bars, "bar": bar, "top": max(series.values()), "left": left, "base": 130,
            "right": left + len(weeks) * bar, "width": max(300, left + len(weeks) * bar + 70)}


def _from_history(db_path: str) -> tuple[list[tuple], dict[str, dict]]:
    """The latest hreflang audit's issues and the engagement per referring domain."""
    try:
        with History(db_path) as history:
            return history.latest_hreflang_issues(), history.referral_traffic()
    except sqlite3.Error:
        return [], {}


# Rows shown in the report's smaller tables (networks, localization): a profile of 50,000 links may hold
# thousands; the report shows the largest, says how many there are, and serve (and the XLSX) hold them all.
SHOWN_ROWS = 200
# Members (and domains per shared footprint) named in a network's row: the generated 500,000-link profile's
# networks of 500 domains took 4.5 MB of the page and 5 s of Chromium's parsing before this cap.
MEMBERS_SHOWN = 30


def _localization(profile: Profile) -> dict:
    """Foreign-language referring domains: per language (and the page to point them to), and one row per domain."""
    by_language: dict[str, set[str]] = defaultdict(set)
    localized: dict[str, Counter] = defaultdict(Counter)
    by_domain: dict[str, list] = defaultdict(list)
    for link in profile.links:
        language = (link.result.get("page") or {}).get("language")
        if not language or language in profile.market_languages:
            continue
        by_language[language].add(link.domain)
        if link.result.get("localized_target"):
            localized[language][link.result["localized_target"]] += 1
        by_domain[link.domain].append(link)
    items = [{"language": language, "domains": len(domains),
              "page": min(localized[language].items(), key=lambda kv: (-kv[1], kv[0]))[0] if localized[language] else None}
             for language, domains in sorted(by_language.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    rows = []
    for domain, links in sorted(by_domain.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        first = min(links, key=lambda link: link.result["source_url"]).result
        rows.append({"domain": domain, "links": len(links), "links_text": _plural(len(links), "link"),
                     "language": (first.get("page") or {}).get("language"), "page": first["source_url"],
                     "href": best_link(first).get("href"),
                     "localized": next((link.result["localized_target"] for link in links if link.result.get("localized_target")), None)})
    # The largest domains first; the rest are in `linkverifier serve`'s localization_opportunities.
    return {"languages": items, "rows": rows[:SHOWN_ROWS], "total": len(rows)}


def _domains(profile: Profile, disavowed: set[str], traffic: dict[str, dict]) -> list[dict]:
    """One row per referring domain: its links, best verdict, risk, language, country, disavow, engagement."""
    rows = []
    for domain, links in sorted(profile.domains().items(), key=lambda kv: (-len(kv[1]), kv[0])):
        verdicts = {"disavow" if domain in disavowed else link.verdict for link in links}
        page = representative_link(links).result.get("page") or {}
        visits = traffic.get(domain, {})
        rows.append({"domain": domain, "links": len(links), "verdict": min(verdicts, key=VERDICTS.index),
                     "risk": max(link.risk for link in links), "language": page.get("language"), "country": page.get("country"),
                     "ip": page.get("ip"), "ip_network": page.get("ip_network"), "asn_org": page.get("asn_org"),
                     "hosting_country": page.get("hosting_country"), "shared_host": page.get("shared_host"),
                     "disavowed": domain in disavowed,
                     "visits": [visits.get(key) for key in ("sessions", "engaged_sessions", "conversions")]})
    return rows


# The two tables drawn from data by report.js (VirtualTable): each column's header, how its cells look, and
# the fields (one value per row) its cells are made of.
LINK_COLUMNS = [("linking page", "page", ("url", "title")), ("status", "status", ("status_text", "status")),
                ("follow", "text", ("follow",)), ("placement", "muted", ("placement", "region")),
                ("anchor", "tagged", ("anchor", "anchor_class")), ("lang", "text", ("language",)),
                ("country", "text", ("country",)), ("fit", "num", ("fit",)), ("risk", "num", ("risk",)),
                ("reasons and flags", "tags", ("reasons", "flags"))]
DOMAIN_COLUMNS = [("referring domain", "text", ("domain",)), ("links", "int", ("links",)), ("best verdict", "verdict", ("verdict",)),
                  ("risk", "num", ("risk",)), ("lang", "text", ("language",)), ("country", "text", ("country",)),
                  ("IP", "text", ("ip",)), ("/24", "text", ("ip_network",)), ("ASN org", "text", ("host",)),
                  ("hosted in", "text", ("hosting_country",)), ("in disavow file", "yesno", ("disavowed",)),
                  ("sessions", "int", ("sessions",)), ("engaged sessions", "int", ("engaged_sessions",)),
                  ("conversions", "int", ("conversions",))]


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _link_fields(profile: Profile) -> Iterator[tuple]:
    """One tuple per checked link: the LINK_COLUMNS fields, in their order."""
    verdicts = {(link.result["source_url"], link.result["target"]): link for link in profile.links}
    for check in profile.checks:
        verdict = verdicts.get((check["source_url"], check["target"]))
        best = best_link(check)
        page = check.get("page") or {}
        yield (check["source_url"], page.get("title"), check["status"] + (f"/{check['reason']}" if check.get("reason") else ""),
               check["status"], {True: "followed", False: "nofollow"}.get(check.get("follow"), ""),
               best.get("placement"), best.get("region"), best.get("anchor_text"), verdict.anchor_class if verdict else None,
               page.get("language"), page.get("country"), check.get("topical_fit"), verdict.risk if verdict else None,
               verdict.reasons if verdict else [], check.get("flags", []))


def _domain_fields(domains: list[dict]) -> Iterator[tuple]:
    for d in domains:
        yield (d["domain"], d["links"], d["verdict"], d["risk"], d["language"], d["country"], d["ip"], d["ip_network"],
               d["asn_org"] or d["shared_host"], d["hosting_country"], d["disavowed"], *d["visits"])


# A field with at most this share of distinct values travels as a dictionary (its values once, then one small
# integer per row): statuses, languages, verdicts, reason lists. Fewer bytes to inflate and fewer strings to
# parse: at 500,000 links the browser reads about half the JSON it read with one array per row.
DICTIONARY_SHARE = 0.25
CHUNK = 5000  # values written to the compressor at a time


def _field(values: list) -> tuple[str, list | None, list]:
    """("plain", None, values) or ("dictionary", distinct values, codes)."""
    if not values or all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values if v is not None):
        return "plain", None, values
    limit = DICTIONARY_SHARE * len(values) + 16
    index: dict = {}
    codes = []
    for value in values:
        key = tuple(value) if isinstance(value, list) else value
        code = index.get(key)
        if code is None:
            if len(index) >= limit:  # URLs, titles: as many values as rows
                return "plain", None, values
            code = index[key] = len(index)
        codes.append(code)
    return "dictionary", [list(key) if isinstance(key, tuple) else key for key in index], codes


def packed_tables(profile: Profile, domains: list[dict]) -> Markup:
    """The link and domain tables for report.js: gzip'd JSON in base64, one array per field (column-wise), so a
    500,000-link report loads in a few seconds (report.js inflates it with the browser's DecompressionStream),
    and nothing in it can end or change the <script> block that carries it (base64 has no ``<``). Written a
    chunk at a time into the compressor: besides the compressed bytes, memory holds one tuple a row (of values
    the profile already holds) and one field's dictionary codes, never the JSON text."""
    tables = [("domains", DOMAIN_COLUMNS, list(_domain_fields(domains)), {"query": "domains-q"}),
              ("links", LINK_COLUMNS, list(_link_fields(profile)), {"query": "q", "status": "status"})]
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=0) as packed:
        def write(text: str) -> None:
            packed.write(text.encode("utf-8"))

        write("[")
        for number, (name, columns, rows, extra) in enumerate(tables):
            fields = [field for _label, _kind, names in columns for field in names]
            if "status" in extra:  # the status filter reads the field of that name
                extra = {**extra, "statusField": fields.index("status")}
            head = {"id": name, "count": len(rows), **extra,
                    "columns": [{"label": label, "kind": kind, "fields": [fields.index(f) for f in names]} for label, kind, names in columns]}
            write(("," if number else "") + _json(head)[:-1] + ',"fields":[')
            for position in range(len(fields)):
                encoding, distinct, values = _field([row[position] for row in rows])
                write(("," if position else "") + ('{"values":' + _json(distinct) + ',"codes":[' if distinct is not None else '{"plain":['))
                for start in range(0, len(values), CHUNK):
                    write(("," if start else "") + _json(values[start:start + CHUNK])[1:-1])
                write("]}")
            write("]}")
            rows.clear()
        write("]")
    return Markup(base64.b64encode(buffer.getvalue()).decode("ascii"))


def render_report(profile: Profile, db_path: str, generated_at: str) -> str:
    from crawler.reports.disavow import plan_disavow

    figures = summarize(profile)
    issues, traffic = _from_history(db_path)
    disavowed = {entry.line[len("domain:"):] for entry in plan_disavow(profile) if entry.line.startswith("domain:")}
    live = sum(1 for c in profile.checks if c["status"] == "live")
    links = max(1, figures.links)
    counted = [(len(profile.checks), "link checked", "links checked"), (live, "live", "live"),
               (figures.domains, "referring domain", "referring domains"),
               (figures.hosting.referring_ips, "referring IP", "referring IPs"), (figures.hosting.referring_subnets, "referring /24", "referring /24s"),
               (len(profile.networks), "network", "networks"),
               (figures.risky_domains, "risky domain", "risky domains")]
    cards = [(value, one if value == 1 else many) for value, one, many in counted[:3]] + [
        (f"{figures.followed / links:.0%}", "followed"), (f"{figures.editorial / links:.0%}", "editorial"),
        (f"{figures.same_language_share:.0%}", "same language as market"),
    ] + [(value, one if value == 1 else many) for value, one, many in counted[3:]]
    if not figures.hosting.hosted_known:  # a database from before hosting was looked up: no zero cards
        cards = [card for card in cards if "referring IP" not in card[1] and "/24" not in card[1]]
    market = set(figures.market)
    by_language = figures.anchors_by_language
    domains = _domains(profile, disavowed, traffic)
    context = {
        "nonce": secrets.token_urlsafe(16),
        "header": {"links": _plural(figures.links, "live link"), "domains": _plural(figures.domains, "referring domain"),
                   "market": ", ".join(figures.market), "generated_at": generated_at},
        "cards": cards,
        "charts": {
            "languages": _bars([(k, n) for k, n, _ in figures.languages], "languages", highlight=market),
            "countries": _bars([(k, n) for k, n, _ in figures.countries], "countries"),
            "hosting_countries": _bars([(k, n) for k, n, _ in figures.hosting.hosting_countries], "hosting-countries"),
            "anchors": _bars(figures.anchors, "anchors"),
            "fit": _bars(figures.fit_buckets, "fit"),
            "placement": _bars([("editorial", figures.editorial), ("boilerplate", figures.links - figures.editorial),
                                ("followed", figures.followed), ("qualified", figures.links - figures.followed)], "placement"),
            "lost": _bars(lost_reasons(profile.checks), "lost"),
        },
        # Anchor classes per language of the linking page: a bought cluster shows as exact match in one language.
        "anchor_table": {"classes": [name for name, _ in next(iter(by_language.values()), [])],
                         "rows": [(language, [count for _, count in counts]) for language, counts in sorted(by_language.items())]},
        "velocity": _timeline(figures.velocity.series, figures.velocity.spikes),
        "spikes": figures.velocity.spikes,
        "group_spikes": [(kind, value, v.spikes) for kind, timelines in (("language", figures.velocity_by_language),
                                                                          ("country", figures.velocity_by_country))
                         for value, v in timelines.items() if v.spikes],
        "domains": domains,
        "networks": profile.networks[:SHOWN_ROWS],
        "network_total": len(profile.networks),
        "members_shown": MEMBERS_SHOWN,
        "top_subnets": figures.hosting.top_subnets,
        "hosted_known": figures.hosting.hosted_known,
        "attributions": profile.attributions,
        "db_path": db_path,
        "localization": _localization(profile),
        "tables": packed_tables(profile, domains),
        "link_columns": [label for label, _kind, _fields in LINK_COLUMNS],
        "domain_columns": [label for label, _kind, _fields in DOMAIN_COLUMNS],
        "issues": issues,
    }
    return _environment().get_template("report.html.j2").render(context) + "\n"
