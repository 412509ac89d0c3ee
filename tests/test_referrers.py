"""Referrers from logs and exports, discovery by crawling, and changes between checks."""

from __future__ import annotations

import gzip
import json
import sqlite3

from crawler.lists.referrers import read_referrers
from tests.conftest import ARTICLE_EN, page, run_cli

OWN = "http://www.acme.com"


def linking(anchor="Acme tools", rel=""):
    rel_attr = f' rel="{rel}"' if rel else ""
    return page(f'<article>{ARTICLE_EN}<p>Try <a href="{OWN}/tools"{rel_attr}>{anchor}</a> for this.</p></article>')


def log_line(referrer: str, day: int = 17, path: str = "/tools") -> str:
    return (f'203.0.113.9 - - [{day:02d}/Nov/2026:10:05:03 +0000] "GET {path} HTTP/1.1" 200 5120 '
            f'"{referrer}" "Mozilla/5.0 (X11; Linux x86_64)"')


def build_log_web(web):
    web.add("http://blog.example.org/post", linking())
    web.add("http://forum.example.net/thread/1", linking("this tool", rel="ugc"))
    web.add("http://news.example.co.uk/story", page("<article><p>no link here any more</p></article>"))
    web.add("http://spam.example.xyz/", page("<p>casino casino casino</p>"))
    web.add("http://sho.rt/abc", "", status=301, headers={"Location": "http://blog.example.org/post"})
    web.add("http://t.co/xyz", "", status=301, headers={"Location": f"{OWN}/tools"})
    web.add(f"{OWN}/tools", page("<p>our tools</p>"))


LOG_PLAIN = [
    log_line("http://blog.example.org/post", 17), log_line("http://blog.example.org/post?utm_source=x", 19),
    log_line("https://www.google.de/"), log_line("https://www.google.co.uk/search?q=acme"), log_line("https://www.bing.com/search?q=acme"),
    log_line("https://duckduckgo.com/"), log_line("-"), log_line(""), log_line(f"{OWN}/"), log_line("http://acme.com/other"),
    "this is not a log line", '203.0.113.9 - - [17/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1" 200',
    log_line("http://spam.example.xyz/"),
]
LOG_GZIP = [
    log_line("http://forum.example.net/thread/1", 20), log_line("https://yandex.ru/search/?text=acme"),
    log_line("https://mail.google.com/mail/u/0/"), log_line("android-app://com.google.android.gm/"),
    log_line("http://news.example.co.uk/story"), log_line("http://sho.rt/abc", 21), log_line("http://t.co/xyz", 21),
    log_line("http://blog.example.org/images/logo.png"), "garbage \x00 line",
]


def write_logs(tmp_path):
    (tmp_path / "access.log").write_text("\n".join(LOG_PLAIN) + "\n", encoding="utf-8")
    (tmp_path / "access.log.1.gz").write_bytes(gzip.compress(("\n".join(LOG_GZIP) + "\n").encode()))
    return [str(tmp_path / "access.log"), str(tmp_path / "access.log.1.gz")]


def test_log_parsing_drops_what_is_not_a_referring_page(tmp_path):
    report = read_referrers(write_logs(tmp_path), "acme.com")
    assert set(report.candidates) == {
        "http://blog.example.org/post", "http://spam.example.xyz/", "http://forum.example.net/thread/1",
        "http://news.example.co.uk/story", "http://sho.rt/abc", "http://t.co/xyz",
    }
    assert report.malformed == 3
    blog = report.candidates["http://blog.example.org/post"]
    assert (blog.hits, blog.first_seen, blog.last_seen) == (2, "2026-11-17T10:05:03Z", "2026-11-19T10:05:03Z")
    assert report.dropped["search engine or webmail"] == 6 and report.dropped["own site"] == 2


def test_referrers_yield_exactly_the_linking_pages_once(web, tmp_path):
    build_log_web(web)
    out = tmp_path / "found.jsonl"
    run = run_cli(["referrers", *write_logs(tmp_path), "--target", "acme.com", "--db", str(tmp_path / "r.db"), "--out", str(out)], web, out=out)
    assert run.returncode == 0, run.stderr
    assert "3 malformed" in run.stderr
    live = sorted(r["final_url"] for r in run.results if r["status"] == "live")
    assert live == ["http://blog.example.org/post", "http://forum.example.net/thread/1"]
    finals = [r.get("final_url") or r["source_url"] for r in run.results]
    assert len(finals) == len(set(finals))  # each page once: the short link merged into the blog post
    blog = next(r for r in run.results if r["final_url"] == "http://blog.example.org/post")
    assert blog["input"]["hits"] == 3 and blog["input"]["via"] == "log"
    assert not any(r["source_url"] == "http://t.co/xyz" for r in run.results)  # lands on our own site
    with sqlite3.connect(tmp_path / "r.db") as db:
        vias = dict(db.execute("SELECT source_url, discovered_via FROM backlinks"))
        first = dict(db.execute("SELECT source_url, first_seen FROM backlinks"))
    assert vias["http://forum.example.net/thread/1"] == "log"
    assert first["http://forum.example.net/thread/1"] == "2026-11-20T10:05:03Z"


def test_analytics_export_with_engagement(web, tmp_path):
    build_log_web(web)
    export = tmp_path / "ga4.csv"
    export.write_text(
        "Page referrer,Sessions,Engaged sessions,Key events\n"
        "http://blog.example.org/post,120,80,4\nhttps://www.google.com/,5000,3000,90\n"
        "http://forum.example.net/thread/1,30,10,0\n,7,1,0\n", encoding="utf-8")
    run = run_cli(["referrers", str(export), "--target", "www.acme.com", "--db", str(tmp_path / "r.db")], web)
    assert run.returncode == 0, run.stderr
    assert {r["source_url"] for r in run.results} == {"http://blog.example.org/post", "http://forum.example.net/thread/1"}
    with sqlite3.connect(tmp_path / "r.db") as db:
        traffic = {row[0]: row[1:] for row in db.execute("SELECT domain, sessions, engaged_sessions, conversions FROM referral_traffic")}
    assert traffic["example.org"] == (120, 80, 4)


def test_an_export_saved_by_excel_in_windows_1252_keeps_its_accented_urls(tmp_path):
    # Excel's "CSV" on a western Windows: no BOM, windows-1252, semicolons.
    export = tmp_path / "ga.csv"
    export.write_bytes("Page referrer;Sessions\nhttp://blog.example.fr/café-crème;12\n".encode("cp1252"))
    report = read_referrers([str(export)], "acme.com")
    assert list(report.candidates) == ["http://blog.example.fr/café-crème"]


def test_an_export_cell_that_is_no_finite_number_counts_nothing(tmp_path):
    export = tmp_path / "ga4.csv"
    export.write_text("Page referrer,Sessions,Users\nhttp://blog.example.org/post,NaN,inf\nhttp://blog.example.org/post,3,n/a\n",
                      encoding="utf-8")
    candidate = read_referrers([str(export)], "acme.com").candidates["http://blog.example.org/post"]
    assert dict(candidate.engagement) == {"sessions": 3.0, "users": 0.0}


def test_a_gzipped_log_that_breaks_off_is_read_up_to_the_break(web, tmp_path):
    """A rotated log copied while it was being compressed: what came before the break is read, one line
    says what happened, and the other sources are read whole (it used to end the command, exit 2)."""
    build_log_web(web)
    plain, _gzipped = write_logs(tmp_path)
    lines = ([log_line("http://forum.example.net/thread/1")] + [log_line(f"http://blog.example.org/img/{i}.png") for i in range(2000)]
             + [log_line("http://news.example.co.uk/story")])
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    (tmp_path / "cut.log.gz").write_bytes(whole[: len(whole) * 3 // 4])  # the news line is past the cut
    report = read_referrers([plain, str(tmp_path / "cut.log.gz")], "acme.com")
    assert "http://forum.example.net/thread/1" in report.candidates and "http://news.example.co.uk/story" not in report.candidates
    assert "http://blog.example.org/post" in report.candidates  # the other source, whole
    assert 1000 < report.dropped["not a page"] < 2000
    assert len(report.warnings) == 1 and "cut.log.gz: broken gzip file" in report.warnings[0]
    run = run_cli(["referrers", plain, str(tmp_path / "cut.log.gz"), "--target", "acme.com", "--db", str(tmp_path / "d"),
                   "--out", str(tmp_path / "found.jsonl"), "--timeout", "5"], web)
    assert run.returncode == 0, run.stderr
    assert "linkverifier: " + report.warnings[0] in run.stderr and "Traceback" not in run.stderr
    found = {json.loads(line)["source_url"] for line in (tmp_path / "found.jsonl").read_text().splitlines()}
    assert "http://blog.example.org/post" in found and len(found) == len(report.candidates)


def test_unreadable_log_exits_2(tmp_path):
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8b\x08not really gzip")
    run = run_cli(["referrers", str(tmp_path / "bad.gz"), "--target", "acme.com", "--db", str(tmp_path / "d")])
    assert run.returncode == 2 and "gzip" in run.stderr


def test_discover_finds_exactly_the_linking_pages(web, tmp_path):
    site = "http://www.partner.example.com"
    web.add(f"{site}/", page('<a href="/a">A</a> <a href="/b">B</a> <a href="/c">C</a> <a href="http://other.example.com/x">out</a>'))
    web.add(f"{site}/a", linking())
    web.add(f"{site}/b", page('<p>nothing</p><a href="/b/deep">deeper</a>'))
    web.add(f"{site}/b/deep", linking("deep link", rel="nofollow"))
    web.add(f"{site}/c", "", status=301, headers={"Location": f"{site}/a"})
    web.add("http://other.example.com/x", linking())
    web.add(f"{site}/robots.txt", "User-agent: *\nDisallow: /private\n", headers={"Content-Type": "text/plain"})
    web.add(f"{site}/private", linking())
    web.add(f"{site}/", page('<a href="/a">A</a> <a href="/b">B</a> <a href="/c">C</a> <a href="/private">P</a> <a href="http://other.example.com/x">out</a>'))
    out = tmp_path / "d.jsonl"
    run = run_cli(["discover", f"{site}/", "--target", "acme.com", "--db", str(tmp_path / "d.db"), "--out", str(out)], web, out=out)
    assert run.returncode == 0, run.stderr
    assert sorted(r["source_url"] for r in run.results) == [f"{site}/a", f"{site}/b/deep"]
    assert all(r["status"] == "live" for r in run.results)
    assert "other.example.com/x" not in web.log and f"{site}/private".split("//")[1] not in web.log


def test_changes_between_two_runs(web, tmp_path):
    db = tmp_path / "c.db"
    web.add("http://a.example.com/p", linking())
    web.add("http://b.example.com/p", linking())
    web.add("http://c.example.com/p", page("<p>no link yet</p>"))
    stdin = "http://a.example.com/p\nhttp://b.example.com/p\nhttp://c.example.com/p\n"
    run_cli(["verify", "-", "--target", "acme.com", "--db", str(db)], web, stdin=stdin)
    web.add("http://a.example.com/p", linking(rel="nofollow"))
    web.add("http://b.example.com/p", page("<p>the link was removed</p>"))
    web.add("http://c.example.com/p", linking("new anchor"))
    run_cli(["verify", "-", "--target", "acme.com", "--db", str(db)], web, stdin=stdin)
    out = tmp_path / "changes.jsonl"
    run = run_cli(["changes", "--db", str(db), "--out", str(out)])
    assert run.returncode == 0, run.stderr
    changes = {(c["source_url"], c["change"]): c for c in map(json.loads, out.read_text().splitlines())}
    assert set(changes) == {("http://a.example.com/p", "rel_changed"), ("http://b.example.com/p", "lost"), ("http://c.example.com/p", "back")}
    assert changes[("http://a.example.com/p", "rel_changed")]["detail"] == "followed -> nofollow"
    assert "link_removed" in changes[("http://b.example.com/p", "lost")]["detail"]
    text = run_cli(["changes", "--db", str(db), "--since", "2000-01-01"])
    assert "rel_changed" in text.stdout and "followed -> nofollow" in text.stdout
