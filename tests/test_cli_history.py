"""The commands that read the history and never crawl (changes, report, disavow), through click's CliRunner
on a database written by the store itself: fast, and every exit status and message checked."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.store.database import Store
from tests.conftest import report_tables

TARGET = "http://www.acme-secure.com/whitepaper/"


def result(source: str, row: int, status: str = "live", checked_at: str = "2026-11-01T10:00:00Z", anchor: str = "Acme whitepaper",
           rel: list | None = None, language: str = "en", fit: float = 0.9, title: str = "Zero-day exploits") -> dict:
    link = {"href": TARGET, "match": "exact", "anchor_text": anchor, "anchor_type": "text", "rel": rel or [],
            "follow": not rel, "placement": "editorial", "region": "content", "editorial_score": 0.9, "context": "…", "hidden": False}
    live = status == "live"
    return {
        "source_url": source, "target": TARGET, "checked_at": checked_at, "status": status,
        "reason": None if live else "link_removed", "http_status": 200, "final_url": source, "redirects": [],
        "follow": (not rel) if live else None, "indexable": True, "canonical_url": None, "links": [link] if live else [],
        "page": {"title": title, "language": language, "language_source": "content", "country": None,
                 "registered_domain": source.split("/")[2], "word_count": 400, "outbound_links": 10, "external_domains": 2},
        "topical_fit": fit, "localized_target": None, "flags": [], "input": {}, "message": None, "row": row,
        "target_language": "en",
    }


@pytest.fixture
def history(tmp_path):
    """Two runs: a link lost, a link turned nofollow, one unchanged, one new."""
    path = tmp_path / "history #1?.db"  # a path with ? and # in it opens read-only all the same
    store = Store(path)
    first = store.start_run("verify", "export.csv", "2026-11-01T10:00:00Z", {})
    for row, source in enumerate(["http://lost.example.com/a", "http://rel.example.com/a", "http://same.example.com/a"]):
        store.add_check(first, row, result(source, row))
    store.finish_run(first, "2026-11-01T10:05:00Z", "finished", 3)
    second = store.start_run("recheck", "recheck", "2026-11-08T10:00:00Z", {})
    later = "2026-11-08T10:00:00Z"
    store.add_check(second, 0, result("http://lost.example.com/a", 0, status="lost", checked_at=later))
    store.add_check(second, 1, result("http://rel.example.com/a", 1, rel=["sponsored"], checked_at=later))
    store.add_check(second, 2, result("http://same.example.com/a", 2, checked_at=later))
    store.add_check(second, 3, result("http://casino.example.xyz/a", 3, checked_at=later, title="Casino bonus", fit=0.1, language="ru"))
    store.finish_run(second, "2026-11-08T10:05:00Z", "finished", 4)
    store.close()
    return path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_changes_lists_each_kind_and_fails_on_the_kinds_asked(history, tmp_path):
    out = tmp_path / "changes.jsonl"
    run = invoke("changes", "--db", str(history), "--out", str(out))
    assert run.exit_code == 0, run.output
    changes = {(c["source_url"], c["change"]) for c in map(json.loads, out.read_text().splitlines())}
    assert changes == {("http://lost.example.com/a", "lost"), ("http://rel.example.com/a", "rel_changed"),
                       ("http://casino.example.xyz/a", "new")}
    assert invoke("changes", "--db", str(history), "--out", str(out), "--fail-on", "lost").exit_code == 3
    assert invoke("changes", "--db", str(history), "--out", str(out), "--fail-on", "back,anchor_changed").exit_code == 0
    assert invoke("changes", "--db", str(history), "--out", str(out), "--since", "2026-12-01").exit_code == 0
    assert out.read_text() == ""
    bad = invoke("changes", "--db", str(history), "--fail-on", "gone")
    assert bad.exit_code == 2 and "unknown change kind gone" in bad.output


def test_report_and_disavow_read_the_same_verdicts(history, tmp_path):
    report = tmp_path / "report.html"
    run = invoke("report", "--db", str(history), "--out", str(report))
    assert run.exit_code == 0, run.output
    html = report.read_text(encoding="utf-8")
    assert "3 live links from 2 referring domains" in html  # rel. and same.example.com are one domain
    disavow = tmp_path / "disavow.txt"
    run = invoke("disavow", "--db", str(history), "--out", str(disavow))
    assert run.exit_code == 0, run.output
    lines = [line for line in disavow.read_text().splitlines() if not line.startswith("#")]
    assert lines == ["domain:example.xyz"]
    domains = {row[0]: row for row in report_tables(html)["domains"]["rows"]}
    assert domains["example.xyz"][2] == "disavow" and domains["example.xyz"][10] is True  # the report's domain table agrees


@pytest.mark.parametrize("command", [["changes"], ["report", "--out", "r.html"], ["disavow", "--out", "d.txt"]])
def test_history_commands_refuse_what_is_not_a_database(tmp_path, command):
    missing = invoke(*command, "--db", str(tmp_path / "none.db"))
    assert missing.exit_code == 2 and "no database at" in missing.output
    other = tmp_path / "notes.txt"
    other.write_text("not a database")
    refused = invoke(*command, "--db", str(other))
    assert refused.exit_code == 2 and "is not a linkverifier database" in refused.output
    assert other.read_text() == "not a database"
