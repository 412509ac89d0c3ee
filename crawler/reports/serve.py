"""``linkverifier serve``: the database in the browser, through Datasette, read-only, on loopback.

Every table and column is explained in the README's words (``METADATA``), and
the canned queries are the ones a practitioner opens first: links lost since
their previous check, risky and disavow links by language and country, link
networks with their evidence, shared /24s, localization opportunities,
engagement per referring domain, the last hreflang audit.

Read-only twice over: the file is opened with SQLite's ``mode=ro`` (Datasette's
``immutable`` would cache counts that a running ``recheck`` changes, so it is
not used), and no canned query writes. Datasette serves through uvicorn,
which ends cleanly on SIGTERM and Ctrl-C.
"""

from __future__ import annotations

import socket
from pathlib import Path

__all__ = ["METADATA", "QUERIES", "listen", "serve", "app", "DATABASE"]

DATABASE = "linkverifier"  # the database's name in Datasette's URLs: /linkverifier/checks

# The latest check of every backlink: what the report and `disavow` judge.
_LATEST = ("WITH latest AS (SELECT c.* FROM checks c JOIN (SELECT backlink_id, MAX(id) AS id FROM checks"
           " GROUP BY backlink_id) last ON last.id = c.id)")

QUERIES = {
    "lost_links": {
        "title": "Links lost since their previous check",
        "description": "Backlinks that were live at their previous check and are lost now: when, and why. Checks that "
                       "could not tell (errors: a timeout, a 5xx) are passed over: they say nothing about the link.",
        "sql": """WITH ranked AS (
  SELECT c.backlink_id, c.checked_at, c.status, c.reason, c.http_status,
         ROW_NUMBER() OVER (PARTITION BY c.backlink_id ORDER BY c.id DESC) AS n
  FROM checks c WHERE c.status != 'error')
SELECT b.source_url, b.target, prev.checked_at AS live_at, now.checked_at AS lost_at, now.status, now.reason, now.http_status
FROM ranked now JOIN ranked prev ON prev.backlink_id = now.backlink_id AND prev.n = 2
JOIN backlinks b ON b.id = now.backlink_id
WHERE now.n = 1 AND now.status = 'lost' AND prev.status = 'live'
ORDER BY now.checked_at DESC, b.source_url""",
    },
    "risky_by_language_and_country": {
        "title": "Risky and disavow links by language and country",
        "description": "The latest check of every link judged risky or disavow, counted by the page's language and country.",
        "sql": _LATEST + """
SELECT latest.language, latest.country, latest.verdict, COUNT(*) AS links,
       COUNT(DISTINCT json_extract(latest.result, '$.page.registered_domain')) AS referring_domains
FROM latest WHERE latest.verdict IN ('risky', 'disavow')
GROUP BY latest.language, latest.country, latest.verdict ORDER BY links DESC""",
    },
    "risky_links": {
        "title": "Risky and disavow links, riskiest first",
        "description": "Each with its risk reasons (README: The profile) and where it is hosted.",
        "sql": _LATEST + """
SELECT b.source_url, b.target, latest.verdict, latest.risk, latest.risk_reasons, latest.anchor_text, latest.language,
       latest.country, latest.ip_network, latest.asn_org, latest.hosting_country
FROM latest JOIN backlinks b ON b.id = latest.backlink_id
WHERE latest.verdict IN ('risky', 'disavow') ORDER BY latest.risk DESC, b.source_url""",
    },
    "link_networks": {
        "title": "Link networks with their evidence",
        "description": "Links whose referring domain belongs to a network (shared tracking IDs, or a shared /24 with a "
                       "shared template or anchor pattern), with the footprints and the hosting behind it.",
        "sql": _LATEST + """
SELECT json_extract(latest.result, '$.page.registered_domain') AS referring_domain, b.source_url, latest.ip_network,
       latest.asn_org, json_extract(latest.result, '$.page.footprints') AS footprints, latest.anchor_text, latest.verdict
FROM latest JOIN backlinks b ON b.id = latest.backlink_id
WHERE ' ' || latest.risk_reasons || ' ' LIKE '% network %'
ORDER BY latest.ip_network, referring_domain""",
    },
    "shared_subnets": {
        "title": "Referring domains by /24",
        "description": "Subnets that hold more than one referring domain (CDNs and mass hosts put unrelated sites on one "
                       "address: the shared_host column names them).",
        "sql": _LATEST + """
SELECT latest.ip_network, COUNT(DISTINCT json_extract(latest.result, '$.page.registered_domain')) AS referring_domains,
       GROUP_CONCAT(DISTINCT json_extract(latest.result, '$.page.registered_domain')) AS domains,
       MAX(latest.asn_org) AS asn_org, MAX(json_extract(latest.result, '$.page.shared_host')) AS shared_host
FROM latest WHERE latest.status = 'live' AND latest.ip_network IS NOT NULL
GROUP BY latest.ip_network HAVING referring_domains > 1 ORDER BY referring_domains DESC""",
    },
    "localization_opportunities": {
        "title": "Localization opportunities",
        "description": "Live links from pages in another language than their target, where the target has a version in "
                       "that language: point them there.",
        "sql": _LATEST + """
SELECT b.source_url, latest.language, b.target, json_extract(latest.result, '$.localized_target') AS localized_target
FROM latest JOIN backlinks b ON b.id = latest.backlink_id
WHERE latest.status = 'live' AND json_extract(latest.result, '$.localized_target') IS NOT NULL
ORDER BY latest.language, b.source_url""",
    },
    "engagement_by_domain": {
        "title": "Engagement per referring domain",
        "description": "Sessions, engaged sessions and conversions from the analytics exports read by `linkverifier referrers`.",
        "sql": """SELECT domain, SUM(sessions) AS sessions, SUM(engaged_sessions) AS engaged_sessions,
       SUM(conversions) AS conversions, SUM(users) AS users, MAX(imported_at) AS imported_at
FROM referral_traffic GROUP BY domain ORDER BY sessions DESC""",
    },
    "last_hreflang_audit": {
        "title": "The last hreflang audit",
        "description": "Every issue of the latest `linkverifier hreflang` run, errors first.",
        "sql": """SELECT severity, code, url, href, hreflang, detail FROM hreflang_issues
WHERE run_id = (SELECT MAX(run_id) FROM hreflang_issues)
ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, code, url""",
    },
}

_COLUMNS = {
    "runs": {
        "command": "verify, recheck, referrers, discover or hreflang", "input": "the list or site the run read",
        "status": "running, finished, interrupted, or stopped: REASON (a storage fault, an internal error)",
        "rows": "rows answered", "options": "the run's options (JSON)", "fingerprint": "identifies the input for --resume",
    },
    "backlinks": {
        "source_url": "the linking page", "target": "what it must link to (URL or domain)",
        "first_seen": "the export's First seen, else when linkverifier first saw the link",
        "last_status": "live, lost or error at the latest check", "discovered_via": "import, log, export, discover…",
    },
    "checks": {
        "status": "live: a link to the target is on the page as served; lost: the page answers without it, or is gone; "
                  "error: the page did not answer usably",
        "reason": "why lost or error: link_removed, page_not_found, timeout, blocked, dns_error…",
        "follow": "the best link passes credit (no nofollow, sponsored or ugc, no page-level nofollow)",
        "indexable": "Google may index the page (no noindex, robots.txt allows Googlebot)",
        "placement": "editorial (an author put it in the main content) or boilerplate",
        "region": "what the link sits in: content, navigation, footer, sidebar, comments, teaser_list…",
        "editorial_score": "probability that a person calls the link editorial (0..1)",
        "language": "the page's language, from its main text", "country": "the ccTLD's country, else the hosting country",
        "topical_fit": "probability that a person calls the two pages the same topic (0..1; 0.5 is that line)",
        "flags": "sitewide, noindex, canonical_elsewhere, js_link, hidden…",
        "verdict": "good, neutral, risky, disavow, lost or unchecked", "risk": "0..1, the sum of the risk reasons' weights",
        "risk_reasons": "network, link_selling, spammy_tld, off_topic, thin_content, exact_match_anchor, shared_hosting…",
        "result": "the whole result record (JSON), as --out writes it",
        "ip": "the address the page's host resolved to", "ip_network": "its /24 (IPv4) or /48 (IPv6)",
        "asn": "the network's AS number (--ip-db)", "asn_org": "the AS organisation (--ip-db)",
        "hosting_country": "the address's country (--ip-db)",
    },
    "hreflang_issues": {
        "code": "the rule broken (README: hreflang audit)", "severity": "error, warning or notice",
        "url": "the page the issue is about", "href": "the alternate named", "detail": "what was found",
    },
    "referral_traffic": {"domain": "the referring domain, from an analytics export",
                         "engaged_sessions": "GA4's engaged sessions"},
    "pages": {"registered_domain": "the referring domain (registrable domain)",
              "word_count": "words of main text", "outbound_links": "links to other sites on the page"},
}
_TABLES = {
    "runs": "Every run of verify, recheck, referrers, discover and hreflang.",
    "backlinks": "Every backlink ever checked: one row per (source page, target).",
    "checks": "Every check of every backlink, with its verdict: the history `changes` and `report` read.",
    "hreflang_issues": "The issues of every hreflang audit.",
    "referral_traffic": "Engagement per referring domain, from analytics exports.",
    "pages": "The latest facts about each linking page.",
}

METADATA = {
    "title": "linkverifier",
    "description": "Every run, check and verdict in this database. The canned queries below are the views a "
                   "practitioner opens first; every table can be filtered, sorted and exported as CSV or JSON.",
    "license": "", "source": "linkverifier", "source_url": "https://github.com/linkverifier/linkverifier",
    "databases": {DATABASE: {
        "tables": {name: {"description": text, "columns": _COLUMNS.get(name, {})} for name, text in _TABLES.items()},
        "queries": QUERIES,
    }},
}


def app(db: str | Path):
    """The Datasette instance over ``db`` (read-only); ``.app()`` is its ASGI app."""
    from datasette.app import Datasette

    datasette = Datasette(
        files=[],
        metadata=METADATA,
        settings={"sql_time_limit_ms": 5000, "max_returned_rows": 1000, "allow_download": False, "suggest_facets": False},
    )
    datasette.add_database(_read_only_database(datasette, Path(db)), name=DATABASE)
    return datasette


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is said: a port in use or an address that is not
    this machine's is an OSError here (uvicorn itself logs it, after we had said "serving", and exits 3),
    and with port 0 the port the system chose is known."""
    family, kind, protocol, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(family, kind, protocol)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
    except OSError:
        listener.close()
        raise
    return listener


def serve(db: str | Path, listener: socket.socket) -> None:
    """Serve on ``listener`` until SIGTERM or Ctrl-C (uvicorn ends in order on both)."""
    import uvicorn

    uvicorn.Server(uvicorn.Config(app(db).app(), log_level="warning")).run(sockets=[listener])


def _read_only_database(datasette, path: Path):
    """Datasette's Database, opened with SQLite's mode=ro from a proper file URI (a path with ``?`` or ``#``
    in it stays a path), and no write connection at all."""
    import sqlite3

    from datasette.database import Database

    uri = f"{path.resolve().as_uri()}?mode=ro"

    class ReadOnlyDatabase(Database):
        def connect(self, write=False):
            if write:
                raise PermissionError("linkverifier serve is read-only")
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._all_file_connections.append(connection)
            return connection

    return ReadOnlyDatabase(datasette, path=str(path), is_mutable=True)
