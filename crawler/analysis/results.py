"""Assemble the contract's result record (``scoring.check_result.CheckResult``) for one input row."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.analysis.fetched import PageAnalysis, TargetProfile
from extract.dead_ends import SOFT_404, redirected_home
from extract.urls import Target, host_of, registered_domain
from scoring.check_result import CheckResult, best_link
from scoring.localization import localized_target

__all__ = ["base_result", "error_result", "page_result", "status_key", "utc_now"]


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_key(result: dict) -> str:
    """``live``, ``lost/link_removed``, ``error/timeout``…: how a run's summary counts results."""
    return result["status"] + (f"/{result['reason']}" if result["reason"] else "")


def base_result(row) -> CheckResult:
    return {
        "source_url": row.source_url,
        "target": row.target_raw,
        "checked_at": utc_now(),
        "status": None,
        "reason": None,
        "http_status": None,
        "final_url": None,
        "redirects": [],
        "follow": None,
        "indexable": None,
        "canonical_url": None,
        "links": [],
        "page": None,
        "topical_fit": None,
        "localized_target": None,
        "flags": ["duplicate_row"] if row.duplicate else [],
        "input": row.extra,
        "message": None,
        "row": row.index,
    }


def error_result(row, reason: str, message: str | None = None, *, status: str = "error",
                 fetch: dict | None = None) -> CheckResult:
    result = base_result(row)
    result.update(status=status, reason=reason, message=message)
    if fetch:
        result.update(fetch)
        result["flags"] = sorted(set(result["flags"]) | set(fetch.get("flags", [])))
    return result


def page_result(row, target: Target, fetch: dict, analysis: PageAnalysis,
                target_profile: TargetProfile | None) -> CheckResult:
    """A live/lost result from a page that answered with HTML."""
    result = base_result(row)
    result.update({k: v for k, v in fetch.items() if k != "flags"})
    flags = set(result["flags"]) | set(fetch.get("flags", []))
    found = analysis.links_to(target.key)
    links = list(found.links)
    noindex = analysis.noindex or "robots_disallowed" in fetch["flags"]
    result["indexable"] = not noindex
    result["canonical_url"] = analysis.canonical_url
    result["page"] = analysis.page
    if analysis.noindex:
        flags.add("noindex")
    if analysis.page_nofollow:
        flags.add("page_nofollow")
    if analysis.canonical_elsewhere:
        flags.add("canonical_elsewhere")
    if found.js_link:
        flags.add("js_link")
    if any(link["hidden"] for link in links) and all(link["hidden"] for link in links):
        flags.add("hidden")
    if links:
        if analysis.page_nofollow:
            for link in links:
                link["follow"] = False
        result.update(status="live", reason=None, links=links)
        result["follow"] = best_link(result)["follow"]
    else:
        result.update(status="lost", reason="link_removed", follow=None)
        final = result["final_url"] or ""
        if analysis.dead_end:
            flags.add(analysis.dead_end)
        elif final and redirected_home(row.source_url, final,
                                       registered_domain(host_of(row.source_url)) == registered_domain(host_of(final))):
            flags.add(SOFT_404)
    if target_profile is not None and target_profile.ok:
        result["target_language"] = target_profile.language
        from scoring.topical import topical_fit  # analysis workers only: keeps scikit-learn out of the crawler

        result["topical_fit"] = topical_fit(
            analysis.topic_text, target_profile.topic_text, analysis.page["language"], target_profile.language
        )
        result["localized_target"] = localized_target(
            analysis.page["language"],
            analysis.page["country"],
            target_profile.language,
            list(target_profile.alternates),
        )
    else:  # the target page could not be read: no fit to judge, and the row says why
        flags.add("target_unreachable")
    result["flags"] = sorted(flags)
    return result
