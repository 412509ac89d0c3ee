"""Sites that answer 429 "too many requests": waited for as they ask, then read; blocked only when they
keep refusing or ask for longer than a run can wait. Through the real CLI and the local web."""

from __future__ import annotations

import threading
import time
from collections import Counter

from crawler.demo.localweb import Route
from crawler.middlewares.rate_limits import MAX_TRIES, retry_after
from tests.conftest import ARTICLE_EN, page, run_cli

BODY = page(f"<article>{ARTICLE_EN}<p>The <a href='http://www.acme.com/page'>Acme</a> whitepaper.</p></article>").encode()
TOO_MANY = (429, b"Too Many Requests", {"Content-Type": "text/plain"})


class Limits:
    """``forum.example`` allows one request every 0.3 s and asks for 1 s more; ``strict.example`` always
    refuses, asking 1 s; ``closed.example`` asks for an hour."""

    def __init__(self):
        self.lock = threading.Lock()
        self.next_allowed = 0.0
        self.asked: Counter[str] = Counter()

    def __call__(self, host: str, path: str) -> Route | None:
        if path == "/robots.txt":
            return Route(404, b"", {"Content-Type": "text/plain"}) if host.endswith(".example") else None
        with self.lock:
            self.asked[host] += 1
            if host == "forum.example":
                now = time.monotonic()
                if now >= self.next_allowed:
                    self.next_allowed = now + 0.3
                    return Route(200, BODY, {})
                return Route(TOO_MANY[0], TOO_MANY[1], {**TOO_MANY[2], "Retry-After": "1"})
            if host == "strict.example":
                return Route(TOO_MANY[0], TOO_MANY[1], {**TOO_MANY[2], "Retry-After": "1"})
            if host == "closed.example":
                return Route(TOO_MANY[0], TOO_MANY[1], {**TOO_MANY[2], "Retry-After": "3600"})
        return None


def test_a_site_that_rate_limits_is_waited_for_and_read(web, tmp_path):
    limits = Limits()
    web.generate = limits
    forum = [f"http://forum.example/t/{i}" for i in range(10)]
    urls = [*forum, "http://strict.example/post", "http://closed.example/post"]
    run = run_cli(["verify", "-", "--target", "www.acme.com", "--db", str(tmp_path / "d.db")], web,
                  stdin="\n".join(urls) + "\n")
    assert run.returncode == 0, run.stderr
    assert [r["source_url"] for r in run.results] == urls
    # Every forum page was there: waited for, not "blocked" (9 of 10 were before).
    assert [(r["status"], r["reason"]) for r in run.results[:10]] == [("live", None)] * 10
    strict, closed = run.results[10:]
    assert (strict["status"], strict["reason"]) == ("error", "blocked") and limits.asked["strict.example"] == 1 + MAX_TRIES
    assert (closed["status"], closed["reason"]) == ("error", "blocked") and limits.asked["closed.example"] == 1
    assert "rate limited" in strict["message"]


def test_retry_after_reads_seconds_and_dates():
    assert retry_after(b"120") == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 30) == 30.0
    assert retry_after(b"soon") is None and retry_after(None) is None and retry_after(b"") is None
