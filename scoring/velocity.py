"""Link velocity: new referring domains per week, and the weeks that spike.

A week spikes when it brings at least ``MIN_SPIKE`` new referring domains and
at least ``SPIKE_FACTOR`` times the median of the weeks before it (weeks with
none count as zero) — a sudden cluster, overall or from one language, is the
classic sign of bought links.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from statistics import median

__all__ = ["MIN_SPIKE", "SPIKE_FACTOR", "week_of", "weekly_counts", "spikes"]

MIN_SPIKE = 3
SPIKE_FACTOR = 3.0


def week_of(value: str | None) -> date | None:
    """Monday of the week of an ISO date or timestamp (``2026-03-02``, ``2026-03-02T10:00:00Z``)."""
    if not value:
        return None
    try:
        day = datetime.fromisoformat(value.strip()[:10]).date()
    except ValueError:
        return None
    return day - timedelta(days=day.weekday())


def weekly_counts(weeks: list[date]) -> dict[date, int]:
    """Counts per week, every week from the first to the last present (zeros included)."""
    if not weeks:
        return {}
    counts = Counter(weeks)
    first, last = min(counts), max(counts)
    series = {}
    week = first
    while week <= last:
        series[week] = counts.get(week, 0)
        week += timedelta(days=7)
    return series


def spikes(series: dict[date, int]) -> list[date]:
    found = []
    history: list[int] = []
    for week, count in series.items():
        baseline = median(history) if history else 0
        if count >= MIN_SPIKE and count >= SPIKE_FACTOR * max(baseline, 1):
            found.append(week)
        history.append(count)
    return found
