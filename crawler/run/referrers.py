"""Verify referrer candidates and write one result per distinct referring page.

A candidate that redirects (a short link) is judged by the page it lands on;
two candidates landing on the same page give one result (hits merged), and a
candidate that lands back on the target's own site was a link to us, not a
referring page, and is left out.
"""

from __future__ import annotations

import json
import os
import tempfile

from crawler.analysis.results import utc_now
from crawler.lists.backlinks import Row
from crawler.lists.referrers import ReferrerReport
from crawler.options import RunOptions
from crawler.reports.writers import open_writer
from crawler.store.database import Store
from extract.urls import Target, host_of, normalized_key, registered_domain

__all__ = ["verify_candidates", "distinct_pages"]


def _rows(report: ReferrerReport, target: Target) -> list[Row]:
    rows = []
    for index, candidate in enumerate(sorted(report.candidates.values(), key=lambda c: (-c.hits, c.url))):
        extra = {"hits": candidate.hits, "first_seen": candidate.first_seen, "last_seen": candidate.last_seen,
                 "via": "+".join(sorted(candidate.via))}
        extra.update({name: value for name, value in candidate.engagement.items()})
        rows.append(Row(index=index, source_url=candidate.url, target_raw=target.raw, target=target, extra=extra))
    return rows


def distinct_pages(results: list[dict], own_domain: str) -> list[dict]:
    """One result per final page; none for candidates that land on our own site."""
    kept: dict[str, dict] = {}
    for result in results:
        final = result.get("final_url") or result["source_url"]
        if result.get("redirects") and registered_domain(host_of(final)) == own_domain:
            continue
        key = normalized_key(final)
        if key in kept:
            first = kept[key]
            first["input"]["hits"] = first["input"].get("hits", 0) + result["input"].get("hits", 0)
            first["input"].setdefault("also_seen_as", []).append(result["source_url"])
            continue
        kept[key] = result
    return list(kept.values())


def _store_engagement(db_path: str, report: ReferrerReport, sources: list[str]) -> None:
    per_domain: dict[str, dict[str, float]] = {}
    for candidate in report.candidates.values():
        if candidate.engagement:
            totals = per_domain.setdefault(registered_domain(host_of(candidate.url)), {})
            for name, value in candidate.engagement.items():
                totals[name] = totals.get(name, 0) + value
    if not per_domain:
        return
    store = Store(db_path)
    store.add_referral_traffic(per_domain, ",".join(sources), utc_now())
    store.close()


def verify_candidates(report: ReferrerReport, target: Target, sources: list[str], options: RunOptions):
    from crawler.run.crawl import run_verify

    rows = _rows(report, target)
    final_out = options.out
    handle, temporary = tempfile.mkstemp(suffix=".jsonl", prefix="linkverifier-referrers-")
    os.close(handle)
    try:
        outcome = run_verify(rows, target.raw, ",".join(sources), options.replace(out=temporary), command="referrers")
        written = outcome.summary.output if outcome.summary and outcome.summary.output else temporary
        with open(written, encoding="utf-8") as results_file:
            results = [json.loads(line) for line in results_file if line.strip()]
        if written != temporary:
            os.unlink(written)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    writer = open_writer(final_out)
    for result in distinct_pages(results, target.domain):
        writer.write(result)
    output = writer.close(complete=outcome.exit_code is None)
    if outcome.summary is not None:
        outcome.summary.output = output
    _store_engagement(options.db, report, sources)
    return outcome
