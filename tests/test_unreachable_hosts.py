"""Hosts whose address swallows connections: one connection timeout a host, not four.

A server whose accept queue is full drops new connections' SYNs, as a firewall or a machine gone
does: each attempt waits the whole ``--timeout``. Scrapy tried robots.txt, its retry, the page and its
retry (20 such hosts at ``--timeout 5``: 31 s, 11 s now); the page and the retries now fail at once,
saying why, and a host beside them is answered as before.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from tests.conftest import ARTICLE_EN, ROOT, free_port, page

HOSTS = 6


def _swallowing_port() -> tuple[int, list[socket.socket]]:
    """A loopback port whose connections never complete: its one-place accept queue is full."""
    port = free_port()
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(0)
    held = [server]
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        held.append(filler)
    return port, held


def test_a_host_that_swallows_connections_is_waited_on_once(web, tmp_path):
    port, held = _swallowing_port()
    web_port = web.proxy_url.rsplit(":", 1)[1]
    dead = [f"http://gone{i}.example.com:{port}/post" for i in range(HOSTS)]
    alive = f"http://alive.example.com:{web_port}/post"
    web.add(alive, page(f"<article>{ARTICLE_EN}<p>The <a href='http://www.acme.com/page'>Acme</a> paper.</p></article>"))
    urls = [*dead, alive]
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    pins = [arg for url in urls for arg in ("--resolve", f"{url.split('//')[1].split(':')[0]}:127.0.0.1")]
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}  # connections of our own, not a proxy's
    env["PYTHONPATH"] = str(ROOT)
    try:
        run = subprocess.run([sys.executable, "-m", "crawler.cli", "verify", str(tmp_path / "list.txt"), "--target",
                              "www.acme.com", "--db", str(tmp_path / "d.db"), "--out", str(tmp_path / "out.jsonl"),
                              "--timeout", "3", *pins], env=env, capture_output=True, text=True, timeout=300)
    finally:
        for sock in held:
            sock.close()
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["source_url"] for r in results] == urls
    for result in results[:-1]:
        assert (result["status"], result["reason"]) == ("error", "timeout")
        # robots.txt waited the timeout; the page was not waited on again
        assert "timed out earlier in this run" in result["message"], result["message"]
    assert results[-1]["status"] == "live"
