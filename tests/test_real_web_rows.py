"""Rows the real web hands us: every one answered, whatever it holds, through the real CLI."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys

from tests.conftest import ARTICLE_EN, ROOT, page, run_cli

TARGET = "http://www.acme-secure.com/whitepaper/zero-day/"


def linking_page(target: str = TARGET) -> str:
    return page(f"<article><h1>Zero-day exploits</h1>{ARTICLE_EN}<p>Read the <a href='{target}'>whitepaper</a> "
                "for the details of every exploit.</p></article>", lang="en")


def test_long_urls_are_fetched_and_absurd_ones_answered_invalid(web, tmp_path):
    web.add(TARGET, page(ARTICLE_EN, lang="en"))
    long_url = "http://long.example.com/a?q=" + "x" * 3000
    web.add(long_url, linking_page())
    web.add("http://short.example.com/a", linking_page())
    absurd = "http://absurd.example.com/a?q=" + "y" * 40_000
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(["http://short.example.com/a", long_url, absurd, "http://short.example.com/a"]) + "\n")
    run = run_cli(["verify", str(listing), "--target", TARGET, "--db", str(tmp_path / "db.sqlite")], web)
    assert run.returncode == 0, run.stderr
    assert [r["status"] for r in run.results] == ["live", "live", "error", "live"]
    assert run.results[2]["reason"] == "invalid_url" and "characters" in run.results[2]["message"]


def test_cells_and_lines_of_any_size_are_read(web, tmp_path):
    web.add(TARGET, page(ARTICLE_EN, lang="en"))
    web.add("http://blog.example.com/a", linking_page())
    big = "n" * 300_000
    listing = tmp_path / "export.csv"
    listing.write_text(f"source_url,target_url,notes\nhttp://blog.example.com/a,{TARGET},{big}\nhttp://blog.example.com/a,{TARGET},small\n")
    run = run_cli(["verify", str(listing), "--db", str(tmp_path / "db.sqlite")], web)
    assert run.returncode == 0, run.stderr
    assert len(run.results) == 2 and run.results[0]["input"]["notes"] == big
    plain = tmp_path / "list.txt"
    plain.write_text("http://blog.example.com/a\nhttp://blog.example.com/" + "z" * 5_000_000 + "\nhttp://blog.example.com/a\n")
    run = run_cli(["verify", str(plain), "--target", TARGET, "--db", str(tmp_path / "db2.sqlite")], web)
    assert run.returncode == 0, run.stderr
    assert [r["status"] for r in run.results] == ["live", "error", "live"]
    assert run.results[1]["reason"] == "invalid_url"


def test_robots_disallowing_every_agent_flags_googlebot_too(web, tmp_path):
    web.add(TARGET, page(ARTICLE_EN, lang="en"))
    web.add("http://closed.example.com/robots.txt", "User-agent: *\nDisallow: /\n", headers={"Content-Type": "text/plain"})
    web.add("http://closed.example.com/a", linking_page())
    web.add("http://ours.example.com/robots.txt", "User-agent: linkverifier\nDisallow: /\n", headers={"Content-Type": "text/plain"})
    web.add("http://ours.example.com/a", linking_page())
    listing = tmp_path / "list.txt"
    listing.write_text("http://closed.example.com/a\nhttp://ours.example.com/a\n")
    run = run_cli(["verify", str(listing), "--target", TARGET, "--db", str(tmp_path / "db.sqlite")], web)
    closed, ours = run.results
    assert (closed["status"], closed["reason"]) == ("error", "robots_disallowed")
    assert "robots_disallowed" in closed["flags"] and closed["indexable"] is False
    # Only our agent is kept out: Googlebot may crawl it, so no flag.
    assert ours["reason"] == "robots_disallowed" and "robots_disallowed" not in ours["flags"]


def test_a_failing_target_is_fetched_once_and_its_rows_say_why(web, tmp_path):
    gone = "http://www.acme-secure.com/removed/"
    web.add(gone, "<h1>Not found</h1>", status=404)
    rows = ["source_url,target_url"]
    for i in range(6):
        web.add(f"http://site{i}.example.com/a", linking_page(gone))
        rows.append(f"http://site{i}.example.com/a,{gone}")
    listing = tmp_path / "export.csv"
    listing.write_text("\n".join(rows) + "\n")
    run = run_cli(["verify", str(listing), "--db", str(tmp_path / "db.sqlite")], web)
    assert run.returncode == 0, run.stderr
    assert collections.Counter(web.log)["www.acme-secure.com/removed/"] == 1
    assert all(r["status"] == "live" and r["topical_fit"] is None and "target_unreachable" in r["flags"] for r in run.results)


def test_stall_watchdog_answers_what_never_comes_and_the_run_ends(web, tmp_path):
    """A page that answers after the stall bound: the watchdog answers its row, the run finishes (scrapy crawl path)."""
    web.add(TARGET, page(ARTICLE_EN, lang="en"))
    web.add("http://quick.example.com/a", linking_page())
    web.add("http://never.example.com/a", linking_page(), delay=25)
    listing = tmp_path / "list.txt"
    listing.write_text("http://quick.example.com/a\nhttp://never.example.com/a\n")
    out = tmp_path / "out.jsonl"
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    env.update(http_proxy=web.proxy_url, PYTHONPATH=str(ROOT))
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "verify", "-a", f"input={listing}", "-a", f"target={TARGET}",
         "-s", "DOWNLOAD_TIMEOUT=60", "-s", "LINKVERIFIER_STALL_SECONDS=3", "-s", f"LINKVERIFIER_OUT={out}",
         "-s", f"LINKVERIFIER_DB={tmp_path / 'db.sqlite'}", "-s", "LINKVERIFIER_WORKERS=1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["status"] for r in results] == ["live", "error"]
    assert results[1]["reason"] == "stalled" and "nothing progressed" in results[1]["message"]
    assert "answered 1 waiting rows" in completed.stderr


def test_odd_answers_get_the_verdict_a_browser_would_give(web, tmp_path):
    import gzip

    web.add(TARGET, page(ARTICLE_EN, lang="en"))
    web.add("http://moved.example.com/new-home", linking_page())
    odd = {
        # An empty answer says nothing about the link: an error, not "lost" (and no alert that it disappeared).
        "http://empty.example.com/a": dict(body=b""),
        "http://nocontent.example.com/a": dict(status=204),
        # A redirect to no web address raised inside Scrapy: it was a connection_error.
        "http://mailto.example.com/a": dict(status=301, headers={"Location": "mailto:editor@example.com"}),
        "http://script.example.com/a": dict(status=302, headers={"Location": "javascript:void(0)"}),
        # The HTTP Refresh header moves browsers on; the empty page carrying it was judged "lost".
        "http://refresh.example.com/a": dict(body=b"<html><body>Moved.</body></html>",
                                             headers={"Refresh": "0; url=http://moved.example.com/new-home"}),
        "http://ticker.example.com/a": dict(body=linking_page().encode(), headers={"Refresh": "30"}),
        # A body that is not what its Content-Encoding says: the server's fault, not the connection's.
        "http://badgzip.example.com/a": dict(body=b"plain text, not gzip" * 5, headers={"Content-Encoding": "gzip"}),
        "http://gzip.example.com/a": dict(body=gzip.compress(linking_page().encode()), headers={"Content-Encoding": "gzip"}),
    }
    for url, spec in odd.items():
        web.add(url, spec.get("body", b""), status=spec.get("status", 200), headers=spec.get("headers"))
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(odd) + "\n")
    run = run_cli(["verify", str(listing), "--target", TARGET, "--db", str(tmp_path / "db.sqlite")], web)
    assert run.returncode == 0, run.stderr
    answers = {r["source_url"]: (r["status"], r["reason"], r.get("message") or "") for r in run.results}
    assert list(answers) == list(odd)
    assert answers["http://empty.example.com/a"][:2] == ("error", "server_error")
    assert "empty body" in answers["http://empty.example.com/a"][2]
    assert answers["http://nocontent.example.com/a"][:2] == ("error", "server_error")
    assert answers["http://mailto.example.com/a"] == ("error", "server_error", "HTTP 301 to mailto:editor@example.com, not a web page")
    assert answers["http://script.example.com/a"][:2] == ("error", "server_error")
    refreshed = next(r for r in run.results if r["source_url"] == "http://refresh.example.com/a")
    assert (refreshed["status"], refreshed["final_url"]) == ("live", "http://moved.example.com/new-home")
    assert "meta_refresh" in refreshed["flags"]
    assert answers["http://ticker.example.com/a"][0] == "live"  # refreshes itself: nothing to follow
    assert answers["http://badgzip.example.com/a"][:2] == ("error", "server_error")
    assert "cannot be decoded" in answers["http://badgzip.example.com/a"][2]
    assert answers["http://gzip.example.com/a"][0] == "live"
    assert "Traceback" not in run.stderr


def test_an_address_no_parser_reads_in_base_or_refresh_leaves_the_page_read_as_a_browser_does(web, tmp_path):
    """``https://[object Object]/`` (a script's bug) or ``http://[::1`` in a ``<base href>``, a meta refresh or
    a Refresh header made Scrapy raise ValueError: the rows were ``connection_error`` though every page had
    answered. A browser stays on such a page, its relative links resolving against the page's own address."""
    relative = "/whitepaper/zero-day/"
    body = page(f"<article><h1>Zero-day exploits</h1>{ARTICLE_EN}<p>Read the <a href='{relative}'>whitepaper</a> "
                "for the details of every exploit.</p></article>", lang="en", head="<base href='{}'>")
    target = "http://www.acme-secure.com" + relative
    odd = {}
    for n, bad in enumerate(("https://[object Object]/", "http://[::1")):
        odd[f"http://www.acme-secure.com/blog/{n}"] = dict(body=body.replace("{}", bad))  # a link within the site
        odd[f"http://meta{n}.example.com/a"] = dict(body=linking_page(target).replace(
            "</head>", f"<meta http-equiv='refresh' content='0; url={bad}'></head>"))
        odd[f"http://header{n}.example.com/a"] = dict(body=linking_page(target), headers={"Refresh": f"0; url={bad}"})
    for url, spec in odd.items():
        web.add(url, spec["body"].encode(), headers=spec.get("headers"))
    web.add(target, page(ARTICLE_EN, lang="en"))
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(odd) + "\n")
    run = run_cli(["verify", str(listing), "--target", target, "--db", str(tmp_path / "db.sqlite")], web)
    assert run.returncode == 0, run.stderr
    answers = {r["source_url"]: (r["status"], r["reason"], r["final_url"]) for r in run.results}
    assert answers == {url: ("live", None, url) for url in odd}, answers
