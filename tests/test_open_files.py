"""A list of many distinct hosts under a low open-file limit: every row is answered as the web answers it,
and what is kept per host (robots.txt parsers) is bounded without changing an answer.

Twisted's pool kept each connection idle for 240 s after its response: with one
host per row, the idle connections outgrew ``ulimit -n`` and every request past
it failed as ``connection_error`` (502 of 1,500 rows at 1,024 files). Here the
limit is 200, hard and soft, and 400 hosts answer directly, without a proxy.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

from tests.conftest import ARTICLE_EN, ROOT, page

HOSTS = 400
FILES = 200


def _low_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (FILES, FILES))


def test_distinct_hosts_under_a_low_open_file_limit_are_all_answered(web, tmp_path):
    port = web.proxy_url.rsplit(":", 1)[1]
    urls = [f"http://host{i}.example.com:{port}/post" for i in range(HOSTS)]
    for i, url in enumerate(urls):
        web.add(url, page(f"<article>{ARTICLE_EN}<p>The <a href='http://www.acme.com/page'>Acme</a> paper.</p></article>"))
        web.add(f"http://host{i}.example.com/robots.txt", "User-agent: *\nDisallow: /private\n",
                headers={"Content-Type": "text/plain"})
    # The first hosts again at the end, on pages their robots.txt forbids: by then 400 other hosts' parsers
    # have come and the first ones' gone (128 are kept), so robots.txt is read again, and obeyed.
    again = [f"http://host{i}.example.com:{port}/private/page" for i in range(3)]
    (tmp_path / "list.txt").write_text("\n".join(urls + again) + "\n", encoding="utf-8")
    pins = [arg for i in range(HOSTS) for arg in ("--resolve", f"host{i}.example.com:127.0.0.1")]
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}  # straight to each host
    env["PYTHONPATH"] = str(ROOT)
    run = subprocess.run([sys.executable, "-m", "crawler.cli", "verify", str(tmp_path / "list.txt"), "--target",
                          "acme.com", "--db", str(tmp_path / "d.db"), "--out", str(tmp_path / "out.jsonl"), *pins],
                         env=env, capture_output=True, text=True, timeout=300, preexec_fn=_low_limit)
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["source_url"] for r in results] == urls + again
    assert {(r["status"], r["reason"]) for r in results[:HOSTS]} == {("live", None)}
    assert [(r["status"], r["reason"]) for r in results[HOSTS:]] == [("error", "robots_disallowed")] * 3
    assert [web.log.count(f"host{i}.example.com/robots.txt") for i in range(3)] == [2, 2, 2]
    assert "Too many open files" not in run.stderr


def test_a_concurrency_the_limit_cannot_hold_is_lowered_in_one_line(web, tmp_path):
    web.add("http://a.example.com/post", page(f"<article>{ARTICLE_EN}<p><a href='http://www.acme.com/'>Acme</a></p></article>"))
    (tmp_path / "list.txt").write_text("http://a.example.com/post\n", encoding="utf-8")
    env = dict(os.environ, http_proxy=web.proxy_url, no_proxy="", PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "crawler.cli", "verify", str(tmp_path / "list.txt"), "--target", "acme.com",
                          "--db", str(tmp_path / "d.db"), "--concurrency", "500", "-q"],
                         env=env, capture_output=True, text=True, timeout=300, preexec_fn=_low_limit)
    assert run.returncode == 0, run.stderr
    assert "--concurrency 500 needs more open files than this system allows (ulimit -n 200): using 24" in run.stderr
    assert json.loads(run.stdout)["status"] == "live"
