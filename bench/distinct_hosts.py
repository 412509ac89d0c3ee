"""A list of distinct hosts reached directly, as on the real web: time, open files and memory.

The other benchmarks fetch through the local web's proxy, which is one host to Scrapy: one
connection pool entry, one robots.txt, no DNS. A real backlink list is one host per row, each with
its own connection, robots.txt and cookies. This serves ``--hosts`` distinct addresses
(127.x.y.z, all answered by one server bound to every loopback address), each with a robots.txt of
``--robots-rules`` rules and ``--cookies`` cookies set by every page, runs ``linkverifier verify``
over them without a proxy, and prints the wall time, the crawling process's peak open files and
peak RSS (VmHWM).

    python bench/distinct_hosts.py --hosts 4000 --robots-rules 120 --cookies 4
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def serve(robots: bytes, cookies: int, body: bytes) -> int:
    class Page(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - http.server's name
            if self.path == "/robots.txt":
                self.send_response(200 if robots else 404)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(robots)))
                self.end_headers()
                self.wfile.write(robots)
                return
            self.send_response(200)
            for k in range(cookies):
                self.send_header("Set-Cookie", f"c{k}={'v' * 40}; Path=/; Max-Age=86400")
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 1024

    server = Server(("0.0.0.0", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=4000)
    parser.add_argument("--robots-rules", type=int, default=120)
    parser.add_argument("--cookies", type=int, default=4)
    parser.add_argument("--open-files", type=int, default=1024, help="ulimit -n of the verifier (soft and hard)")
    args = parser.parse_args()
    from tests.conftest import ARTICLE_EN, page

    robots = ("User-agent: *\n" + "".join(f"Disallow: /private/section-{i}/*.php$\n" for i in range(args.robots_rules))
              ).encode() if args.robots_rules else b""
    body = page(f"<article>{ARTICLE_EN}<p>The <a href='http://www.acme.com/page'>Acme</a> paper.</p></article>").encode()
    port = serve(robots, args.cookies, body)
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "list.txt"
        listing.write_text("".join(f"http://127.{1 + i // 62500}.{i // 250 % 250}.{i % 250 + 1}:{port}/post\n"
                                   for i in range(args.hosts)), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env["PYTHONPATH"] = str(ROOT)
        command = (f"ulimit -n {args.open_files}; exec {sys.executable} -m crawler.cli verify {listing} "
                   f"--target www.acme.com --db {tmp}/d.db --out {tmp}/out.jsonl -q")
        start = time.monotonic()
        process = subprocess.Popen(["bash", "-c", command], env=env, stderr=subprocess.PIPE, text=True)
        files = rss = 0
        while process.poll() is None:
            try:
                files = max(files, len(os.listdir(f"/proc/{process.pid}/fd")))
                rss = max([rss] + [int(line.split()[1]) for line in open(f"/proc/{process.pid}/status")
                                   if line.startswith("VmHWM")])
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        seconds = time.monotonic() - start
        statuses = Counter(json.loads(line)["status"] for line in open(f"{tmp}/out.jsonl", encoding="utf-8"))
    print(f"{args.hosts} distinct hosts, robots.txt of {args.robots_rules} rules, {args.cookies} cookies a page, "
          f"ulimit -n {args.open_files}: {seconds:.1f} s, peak {files} open files, peak RSS {rss / 1024:.0f} MB "
          f"(crawling process), rows {dict(statuses)}")


if __name__ == "__main__":
    main()
