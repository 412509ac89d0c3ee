"""The result record's one type and its one answer to "which link counts"."""

from typing import get_type_hints

from crawler.analysis.page import _best_first
from crawler.analysis.results import base_result
from crawler.lists.backlinks import Row
from crawler.reports.writers import CSV_FIELDS
from scoring.check_result import CheckResult, LinkRecord, PageFields, best_link


def _link(**fields) -> dict:
    link = {"href": "http://t.example/", "match": "exact", "anchor_text": "t", "anchor_type": "exact", "rel": [],
            "follow": True, "placement": "editorial", "region": "main", "editorial_score": 0.9, "context": "",
            "hidden": False}
    link.update(fields)
    assert set(link) == set(get_type_hints(LinkRecord))
    return link


def test_every_result_field_is_declared():
    row = Row(index=3, source_url="http://s.example/", target_raw="t.example", target=None, extra={"DR": "40"})
    declared = set(get_type_hints(CheckResult))
    assert set(base_result(row)) <= declared
    # Every CSV column is a result field, a field of the best link or of the page (or the link count).
    allowed = (declared | {f"link_{name}" for name in get_type_hints(LinkRecord)}
               | {f"page_{name}" for name in get_type_hints(PageFields)} | {"links_count"})
    assert [column for column in CSV_FIELDS if column not in allowed] == []


def test_best_link_is_the_analysis_best_first():
    nofollow_editorial = _link(follow=False, rel=["nofollow"])
    followed_boilerplate = _link(placement="boilerplate", region="footer", editorial_score=0.1)
    hidden = _link(hidden=True)
    followed_editorial = _link(editorial_score=0.7)
    links = sorted([nofollow_editorial, followed_boilerplate, hidden, followed_editorial], key=_best_first)
    assert best_link({"links": links}) is followed_editorial
    assert links[1:] == [followed_boilerplate, hidden, nofollow_editorial]  # credit, then visibility, then placement
    assert best_link({"links": []}) == {} and best_link({}) == {} and best_link({"links": None}) == {}
