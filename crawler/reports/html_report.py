"""``linkverifier report``: one self-contained HTML file about the backlink profile.

Works offline: no CDN, charts are inline SVG, the only script is ours (table
sorting and filtering) and a Content-Security-Policy with a per-report nonce
forbids any other. This module turns the profile into plain data; the page
is drawn by the Jinja2 template ``templates/report.html.j2`` with
autoescaping on, so every string that came from a crawled page is escaped
without anyone having to remember it; only http(s) URLs become links.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from crawler.reports.profile import Profile
from crawler.store.database import History
from scoring.check_result import best_link
from scoring.profile_summary import summarize
from scoring.triage import VERDICTS

__all__ = ["render_report"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environment():
    # Autoescaping on for every value: safety does not rest on remembering to escape.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _bars(items: list[tuple[str, float]], css_id: str, highlight: set[str] = frozenset()) -> dict:
    """A horizontal bar chart: one row per item, widths relative to the largest."""
    top = max((v for _, v in items), default=0) or 1
    rows = [{"label": label, "value": value, "y": 22 * i + 4, "width": 260 * value / top,
             "color": "#c4320a" if label in highlight else "#2e5aac"} for i, (label, value) in enumerate(items)]
    return {"id": css_id, "height": 22 * len(items) + 6, "rows": rows}


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
              "page": localized[language].most_common(1)[0][0] if localized[language] else None}
             for language, domains in sorted(by_language.items(), key=lambda kv: -len(kv[1]))]
    rows = []
    for domain, links in sorted(by_domain.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        first = links[0].result
        rows.append({"domain": domain, "links": len(links), "links_text": _plural(len(links), "link"),
                     "language": (first.get("page") or {}).get("language"), "page": first["source_url"],
                     "href": best_link(first).get("href"),
                     "localized": next((link.result["localized_target"] for link in links if link.result.get("localized_target")), None)})
    return {"languages": items, "rows": rows}


def _domains(profile: Profile, disavowed: set[str], traffic: dict[str, dict]) -> list[dict]:
    """One row per referring domain: its links, best verdict, risk, language, country, disavow, engagement."""
    rows = []
    for domain, links in sorted(profile.domains().items(), key=lambda kv: (-len(kv[1]), kv[0])):
        verdicts = {"disavow" if domain in disavowed else link.verdict for link in links}
        page = min(links, key=lambda link: (not link.good, link.risk)).result.get("page") or {}
        visits = traffic.get(domain, {})
        rows.append({"domain": domain, "links": len(links), "verdict": min(verdicts, key=VERDICTS.index),
                     "risk": max(link.risk for link in links), "language": page.get("language"), "country": page.get("country"),
                     "disavowed": domain in disavowed,
                     "visits": [visits.get(key) for key in ("sessions", "engaged_sessions", "conversions")]})
    return rows


def _links(profile: Profile) -> list[dict]:
    verdicts = {(link.result["source_url"], link.result["target"]): link for link in profile.links}
    rows = []
    for check in profile.checks:
        verdict = verdicts.get((check["source_url"], check["target"]))
        best = best_link(check)
        page = check.get("page") or {}
        rows.append({
            "url": check["source_url"], "title": page.get("title"), "status": check["status"],
            "status_text": check["status"] + (f"/{check['reason']}" if check.get("reason") else ""),
            "follow": {True: "followed", False: "nofollow"}.get(check.get("follow"), ""),
            "placement": best.get("placement"), "region": best.get("region"), "anchor": best.get("anchor_text"),
            "anchor_class": verdict.anchor_class if verdict else None, "language": page.get("language"),
            "country": page.get("country"), "fit": check.get("topical_fit"), "risk": verdict.risk if verdict else None,
            "reasons": verdict.reasons if verdict else [], "flags": check.get("flags", []),
        })
    return rows


def render_report(profile: Profile, db_path: str, generated_at: str) -> str:
    from crawler.reports.disavow import plan_disavow

    figures = summarize(profile)
    issues, traffic = _from_history(db_path)
    disavowed = {entry.line[len("domain:"):] for entry in plan_disavow(profile) if entry.line.startswith("domain:")}
    live = sum(1 for c in profile.checks if c["status"] == "live")
    links = max(1, figures["links"])
    counted = [(len(profile.checks), "link checked", "links checked"), (live, "live", "live"),
               (figures["domains"], "referring domain", "referring domains"), (len(profile.networks), "network", "networks"),
               (figures["risky_domains"], "risky domain", "risky domains")]
    cards = [(value, one if value == 1 else many) for value, one, many in counted[:3]] + [
        (f"{figures['followed'] / links:.0%}", "followed"), (f"{figures['editorial'] / links:.0%}", "editorial"),
        (f"{figures['same_language_share']:.0%}", "same language as market"),
    ] + [(value, one if value == 1 else many) for value, one, many in counted[3:]]
    market = set(figures["market"])
    by_language = figures["anchors_by_language"]
    context = {
        "nonce": secrets.token_urlsafe(16),
        "header": {"links": _plural(figures["links"], "live link"), "domains": _plural(figures["domains"], "referring domain"),
                   "market": ", ".join(figures["market"]), "generated_at": generated_at},
        "cards": cards,
        "charts": {
            "languages": _bars([(k, n) for k, n, _ in figures["languages"]], "languages", highlight=market),
            "countries": _bars([(k, n) for k, n, _ in figures["countries"]], "countries"),
            "anchors": _bars(figures["anchors"], "anchors"),
            "fit": _bars(figures["fit_buckets"], "fit"),
            "placement": _bars([("editorial", figures["editorial"]), ("boilerplate", figures["links"] - figures["editorial"]),
                                ("followed", figures["followed"]), ("qualified", figures["links"] - figures["followed"])], "placement"),
        },
        # Anchor classes per language of the linking page: a bought cluster shows as exact match in one language.
        "anchor_table": {"classes": [name for name, _ in next(iter(by_language.values()), [])],
                         "rows": [(language, [count for _, count in counts]) for language, counts in sorted(by_language.items())]},
        "velocity": _timeline(figures["velocity"]["series"], figures["velocity"]["spikes"]),
        "spikes": figures["velocity"]["spikes"],
        "group_spikes": [(kind, value, v["spikes"]) for kind, key in (("language", "velocity_by_language"), ("country", "velocity_by_country"))
                         for value, v in figures[key].items() if v["spikes"]],
        "domains": _domains(profile, disavowed, traffic),
        "networks": profile.networks,
        "localization": _localization(profile),
        "links": _links(profile),
        "issues": issues,
    }
    return _environment().get_template("report.html.j2").render(context) + "\n"
