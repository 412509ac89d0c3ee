"""What a run keeps per row to its end: the answered rows and the sitewide tally.

The end-to-end sitewide cases (footer links across a real web, counted across a kill and a resume, over a
Redis queue) are in test_verify_web, test_resume and test_queue; here the edges those cannot reach cheaply.
"""

import random

import pytest

from crawler.run.rowset import RowSet
from scoring.sitewide import MIN_PAGES, SitewideTally


def test_rowset_agrees_with_a_set():
    rows, reference = RowSet(), set()
    rng = random.Random(7)
    for row in [rng.randrange(0, 5000) for _ in range(3000)] + [0, 7, 8, 4999, 100_000]:
        rows.add(row)
        reference.add(row)
    assert len(rows) == len(reference)
    assert list(rows) == sorted(reference)
    assert all(row in rows for row in reference)
    assert [row for row in range(-3, 100_010) if row in rows] == sorted(reference)
    assert "3" not in rows and None not in rows and 10**9 not in rows
    with pytest.raises(ValueError):
        rows.add(-1)


def _result(row: int, page: str, placement: str = "boilerplate", *, host: str = "blog.example",
            target: str = "https://shop.example/", status: str = "live", flags=()) -> dict:
    return {"row": row, "status": status, "flags": list(flags), "target": target,
            "source_url": f"https://{host}{page}", "final_url": None,
            "links": [{"placement": placement, "follow": True, "hidden": False}] if status == "live" else []}


def _tally(results) -> set[int]:
    tally = SitewideTally()
    for result in results:
        tally.add(result["row"], result)
    return tally.rows()


def test_sitewide_needs_enough_distinct_pages_mostly_in_the_template():
    footer = [_result(row, f"/p{row}") for row in range(MIN_PAGES)]
    assert _tally(footer) == set(range(MIN_PAGES))
    # The same page listed again (another row, same URL) is one page, not two.
    assert _tally(footer[:-1] + [_result(9, "/p0")]) == set()
    # Mostly editorial: not sitewide, whatever the page count.
    editorial = [_result(row, f"/p{row}", "editorial") for row in range(5)]
    assert _tally(editorial + footer[:2]) == set()
    # A page's latest placement counts: a re-listed page that became editorial tips the balance.
    assert _tally(footer + [_result(3, "/p3", "editorial"), _result(4, "/p4", "editorial"),
                            _result(5, "/p0", "editorial")]) == set()


def test_sitewide_counts_only_live_distinct_rows_of_one_host_and_target():
    footer = [_result(row, f"/p{row}") for row in range(MIN_PAGES)]
    others = [_result(10, "/x", status="link_missing"), _result(11, "/y", flags=["duplicate_row"]),
              _result(12, "/z", host="other.example"), _result(13, "/w", target="https://else.example/")]
    assert _tally(footer[:2] + others) == set()
    assert _tally(footer + others) == set(range(MIN_PAGES))
