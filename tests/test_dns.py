"""Dead domains in a list, served by a real name server on loopback that never answers for them.

A backlink list holds dead domains, some of whose name servers never answer. Scrapy looked each such
host up for robots.txt, its retry, the page and its retry, and the hosting fields once more, in ten
threads: the other hosts' lookups queued behind (40 such hosts took 161 s, 24 s now), and three dead
hosts timing out in a row made the run stop looking up addresses, so every later page lost its IP.
Hosts with an IPv6 address only were ``dns_error``: Scrapy's resolver asks for IPv4 addresses alone.

The name server is a small UDP responder on 127.53.0.1:53; the verifier reads it through a private
``/etc/resolv.conf`` (a mount namespace), so this needs root, as CI has.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
from collections import Counter

import pytest

from tests.conftest import ARTICLE_EN, ROOT, page

NAME_SERVER = "127.53.0.1"
OK, DEAD, MISSING = 24, 8, 8


def _can_use_private_resolv_conf() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _can_use_private_resolv_conf(),
                                reason="needs root and unshare for a private /etc/resolv.conf")


class NameServer:
    """``okN.test`` -> 127.0.0.1, ``sixN.test`` -> ::1 only, ``missingN.test`` -> NXDOMAIN, ``deadN.test`` -> no answer ever."""

    def __init__(self):
        self.asked: Counter[str] = Counter()
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind((NAME_SERVER, 53))
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                query, client = self.socket.recvfrom(4096)
            except OSError:
                return
            labels, at = [], 12
            while query[at]:
                labels.append(query[at + 1 : at + 1 + query[at]].decode("ascii", "replace"))
                at += 1 + query[at]
            question = query[12 : at + 5]
            name, qtype = ".".join(labels).lower(), struct.unpack(">H", query[at + 1 : at + 3])[0]
            self.asked[name] += 1
            if name.startswith("dead"):
                continue
            flags, answers = (0x8183, b"") if name.startswith("missing") else (0x8180, b"")
            if name.startswith("ok") and qtype == 1:
                answers = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton("127.0.0.1")
            if name.startswith("six") and qtype == 28:  # IPv6 only: an AAAA record, no A
                answers = struct.pack(">HHHIH", 0xC00C, 28, 1, 60, 16) + socket.inet_pton(socket.AF_INET6, "::1")
            header = struct.pack(">HHHHHH", struct.unpack(">H", query[:2])[0], flags, 1, 1 if answers else 0, 0, 0)
            self.socket.sendto(header + question + answers, client)

    def close(self) -> None:
        self.socket.close()


def test_dead_domains_are_looked_up_once_and_cost_no_other_page_its_address(web, tmp_path):
    port = web.also_on("::1")
    urls = []
    for i in range(OK):
        urls.append(f"http://ok{i}.test:{port}/post")
        if i % 6 == 2:
            urls.append(f"http://six{i // 6}.test:{port}/post")
        if i % 3 == 0:
            urls.append(f"http://dead{i // 3}.test:{port}/post")
        if i % 3 == 1:
            urls.append(f"http://missing{i // 3}.test:{port}/post")
    for url in urls:
        web.add(url, page(f"<article>{ARTICLE_EN}<p>The <a href='http://www.acme.com/page'>Acme</a> paper.</p></article>"))
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    # glibc's own bound on an unanswered name: 2 x 6 s, past the hosting fields' 10 s.
    (tmp_path / "resolv.conf").write_text(f"nameserver {NAME_SERVER}\noptions timeout:6 attempts:2\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}  # every host looked up, none proxied
    env["PYTHONPATH"] = str(ROOT)
    command = (f"mount --bind {tmp_path / 'resolv.conf'} /etc/resolv.conf && exec {sys.executable} -m crawler.cli verify "
               f"{tmp_path / 'list.txt'} --target acme.com --db {tmp_path / 'd.db'} --out {tmp_path / 'out.jsonl'}")
    server = NameServer()
    try:
        run = subprocess.run(["unshare", "-m", "sh", "-c", command], env=env, capture_output=True, text=True, timeout=600)
    finally:
        server.close()
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["source_url"] for r in results] == urls
    for result in results:
        host = result["source_url"].split("//")[1].split(":")[0]
        if host.startswith("ok"):
            assert (result["status"], result["page"]["ip"]) == ("live", "127.0.0.1"), host
        elif host.startswith("six"):  # Scrapy's resolver is IPv4 only: these were dns_error
            assert (result["status"], result["page"]["ip"], result["page"]["ip_network"]) == ("live", "::1", "::/48"), host
        else:
            assert (result["status"], result["reason"]) == ("error", "dns_error"), host
    assert "does not answer" not in run.stderr  # no give-up while other hosts resolve
    # One lookup of each dead name (glibc asks twice, A and maybe AAAA each), not five.
    dead = {name: n for name, n in server.asked.items() if name.startswith("dead")}
    assert len(dead) == DEAD and max(dead.values()) <= 4, dead
