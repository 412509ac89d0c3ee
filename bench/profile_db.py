"""A generated backlink profile of any size, written through the store as `verify` writes it.

``build(path, links)``: one run of ``links`` checked links from ``links // 10``
referring domains, in ten languages and their ccTLDs, with every verdict's
ingredients (placement, follow, topical fit, anchors, footprints, hosting) and
some hostile strings (markup in titles and anchors) that the report must show
as text. Deterministic (seeded). Used by ``bench/report_scale.py`` and the
report's tests.
"""

from __future__ import annotations

import random
from pathlib import Path

from crawler.store.database import Store

__all__ = ["build", "HOSTILE"]

LANGUAGES = [("en", "com"), ("de", "de"), ("fr", "fr"), ("es", "es"), ("it", "it"), ("pl", "pl"), ("ru", "ru"),
             ("ja", "jp"), ("pt", "com.br"), ("nl", "nl")]
HOSTILE = "<img src=x onerror=\"document.body.dataset.pwned='1'\">"
TARGET = "https://www.acme-secure.com/whitepaper"
BATCH = 2000  # checks written per transaction


def _result(rng: random.Random, row: int, domains: int) -> dict:
    domain_index = rng.randrange(domains)
    language, tld = LANGUAGES[domain_index % len(LANGUAGES)]
    domain = f"site{domain_index}-example.{tld}"
    status = rng.choices(["live", "lost", "error"], [0.85, 0.1, 0.05])[0]
    title = f"Article {row} about security" if row % 97 else f"{HOSTILE} title {row}"
    anchor = rng.choice(["Acme Secure", "zero-day whitepaper", "here", "acme-secure.com", f"{HOSTILE}", "Whitepaper"])
    placement = rng.choice(["editorial", "boilerplate"])
    ip = f"198.51.{domain_index % 200}.{domain_index % 250 + 1}"
    page = {"title": title, "language": language, "language_source": "content", "country": tld.split(".")[-1].upper()
            if tld != "com" else None, "country_source": "cctld" if tld != "com" else None,
            "registered_domain": domain, "word_count": rng.randrange(50, 3000), "outbound_links": rng.randrange(1, 150),
            "external_domains": rng.randrange(1, 60), "footprints": {"ga": [f"G-{domain_index % 1500}"]} if domain_index % 7 == 0 else {},
            "ip": ip, "ip_network": ip.rsplit(".", 1)[0] + ".0/24", "asn": 64500 + domain_index % 40,
            "asn_org": f"Hosting {domain_index % 40}", "hosting_country": "DE", "shared_host": None}
    live = status == "live"
    links = [{"href": TARGET, "match": "exact", "anchor_text": anchor, "anchor_type": "text", "rel": [] if row % 3 else ["nofollow"],
              "follow": bool(row % 3), "placement": placement, "region": "content" if placement == "editorial" else "footer",
              "editorial_score": rng.random(), "context": f"… {anchor} …", "hidden": False}] if live else []
    return {
        "source_url": f"https://www.{domain}/post/{row}", "target": TARGET, "checked_at": "2026-12-01T10:00:00Z",
        "status": status, "reason": None if live else ("link_removed" if status == "lost" else "timeout"),
        "http_status": 200 if status != "error" else None, "final_url": f"https://www.{domain}/post/{row}", "redirects": [],
        "follow": links[0]["follow"] if links else None, "indexable": True, "canonical_url": None, "links": links,
        "page": page if status != "error" else None, "topical_fit": round(rng.random(), 3) if live else None,
        "localized_target": None, "flags": ["sitewide"] if row % 50 == 0 else [], "input": {"First seen": f"2026-{1 + row % 11:02d}-01"},
        "message": None, "row": row,
    }


def build(path: str | Path, links: int, seed: int = 7) -> Path:
    """Write the profile to a new database at ``path``."""
    path = Path(path)
    if path.exists():
        path.unlink()
    rng = random.Random(seed)
    store = Store(path)
    run_id = store.start_run("verify", "generated.csv", "2026-12-01T10:00:00Z", {"generated": links})
    domains = max(1, links // 10)
    for start in range(0, links, BATCH):
        results = [_result(rng, row, domains) for row in range(start + 1, min(links, start + BATCH) + 1)]
        store.add_checks(run_id, results)
    store.finish_run(run_id, "2026-12-01T11:00:00Z", "finished", links)
    store.close()
    return path
