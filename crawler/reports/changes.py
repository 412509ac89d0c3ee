"""What changed for each backlink between its last two checks."""

from __future__ import annotations

import json

from crawler.store.database import History
from scoring.check_result import best_link

__all__ = ["backlink_changes", "describe_change"]

_CREDIT = ("nofollow", "sponsored", "ugc")


def describe_change(previous: dict | None, current: dict, known: dict | None = None) -> list[str]:
    """Change kinds from one check to the next: new, lost, unreachable, back, rel, anchor, placement, target.

    ``previous`` is the check before ``current``; ``known`` the latest check before it that could tell (live or
    lost), when ``previous`` could not (``error``: a timeout, a 5xx, a block). An error tells nothing about the
    link: a live link the page could not be read for is ``unreachable``, not ``lost`` (until December 2026 a
    timeout raised the "lost" alert), and the next check that can tell compares with the last one that could.
    """
    if current["status"] == "error":
        return ["unreachable"] if previous is not None and previous["status"] == "live" else []
    if previous is not None and previous["status"] == "error":
        previous = known
    if previous is None:
        return ["new"] if current["status"] == "live" else []
    was_live, is_live = previous["status"] == "live", current["status"] == "live"
    if was_live and not is_live:
        return ["lost"]
    if not was_live and is_live:
        return ["back"]
    if not is_live:
        return []
    kinds = []
    old, new = best_link(previous), best_link(current)
    if old.get("follow") != new.get("follow") or sorted(old.get("rel", [])) != sorted(new.get("rel", [])) or previous.get("follow") != current.get("follow"):
        kinds.append("rel_changed")
    if (old.get("anchor_text") or "") != (new.get("anchor_text") or ""):
        kinds.append("anchor_changed")
    if old.get("placement") != new.get("placement"):
        kinds.append("placement_changed")
    if old.get("href") != new.get("href"):
        kinds.append("target_changed")
    return kinds


def _summary(kind: str, previous: dict | None, current: dict) -> str:
    old, new = (best_link(previous) if previous else {}), best_link(current)
    if kind == "new":
        return f"new link, anchor {new.get('anchor_text')!r}"
    if kind == "lost":
        gone = {"soft_404": "; the page itself is gone (a not-found page)",
                "parked_domain": "; the domain is parked (expired or for sale)"}
        return (f"lost: {current['status']}/{current['reason']}" + (f" ({current['message']})" if current.get("message") else "")
                + "".join(why for flag, why in gone.items() if flag in current.get("flags", [])))
    if kind == "unreachable":
        return (f"could not be read: {current['status']}/{current['reason']}"
                + (f" ({current['message']})" if current.get("message") else "") + "; the link may still be there")
    if kind == "back":
        return f"back again after {previous['status']}/{previous['reason']}"
    if kind == "rel_changed":
        describe = lambda link, result: "followed" if result.get("follow") else ("/".join(t for t in link.get("rel", []) if t in _CREDIT) or "nofollow (page)")  # noqa: E731
        return f"{describe(old, previous)} -> {describe(new, current)}"
    if kind == "anchor_changed":
        return f"anchor {old.get('anchor_text')!r} -> {new.get('anchor_text')!r}"
    if kind == "placement_changed":
        return f"{old.get('placement')} ({old.get('region')}) -> {new.get('placement')} ({new.get('region')})"
    return f"link target {old.get('href')} -> {new.get('href')}"


def backlink_changes(db_path: str, since: str | None = None) -> list[dict]:
    """One record per change: the backlink, the kind, both check times, a readable detail."""
    with History(db_path) as history:
        rows = history.check_history()
    history: dict[int, list[tuple[str, dict]]] = {}
    names: dict[int, tuple[str, str]] = {}
    for backlink_id, source, target, checked_at, result in rows:
        history.setdefault(backlink_id, []).append((checked_at, json.loads(result)))
        names[backlink_id] = (source, target)
    changes = []
    for backlink_id, checks in history.items():
        current_at, current = checks[-1]
        previous_at, previous = checks[-2] if len(checks) > 1 else (None, None)
        if since and current_at < since:
            continue
        known_at, known = next(((at, check) for at, check in reversed(checks[:-1]) if check["status"] != "error"),
                               (None, None))
        if current["status"] != "error" and previous is not None and previous["status"] == "error":
            previous_at, previous = known_at, known  # compared with the last check that could tell
        for kind in describe_change(previous, current, known):
            source, target = names[backlink_id]
            changes.append({
                "source_url": source, "target": target, "change": kind, "previous_check": previous_at,
                "current_check": current_at, "status": current["status"], "reason": current["reason"],
                "detail": _summary(kind, previous, current),
            })
    return changes
