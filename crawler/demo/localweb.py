"""A whole web of hosts served from one loopback port.

Scrapy honours ``http_proxy``: pointed at this server, a request for
``http://blog.example.de/post`` arrives here as ``GET http://blog.example.de/post``
and is answered from the routes of host ``blog.example.de``. The demo and
the tests use it, so their URLs look like the real ones users check.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["Route", "LocalWeb"]

_TYPES = {".html": "text/html", ".txt": "text/plain", ".xml": "application/xml",
          ".pdf": "application/pdf", ".json": "application/json", ".png": "image/png", ".gz": "application/gzip"}


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str | list[str]] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts)
    # A broken server, for the soak and its tests: "reset" (the connection is
    # reset halfway through the body), "short" (the body ends before its
    # Content-Length says), "stall" (half the body, then silence for ``delay``).
    fault: str | None = None
    # Locale-adaptive pages: the first language of the request's Accept-Language -> the answer for it.
    languages: dict[str, Route] | None = None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args):  # noqa: A002 - quiet: tests read their own output
        pass

    def _route(self) -> Route:
        parts = urlsplit(self.path)
        host = (parts.hostname or _host_header(self.headers.get("Host", ""))).lower()
        path = parts.path if parts.scheme else urlsplit("http://x" + self.path).path
        query = parts.query if parts.scheme else urlsplit("http://x" + self.path).query
        routes = self.server.web.routes
        self.server.web.log.append(f"{host}{path}" + (f"?{query}" if query else ""))
        self.server.web.arrivals.append((host, self.connection.getsockname()[0]))
        self.server.web.user_agents.append(self.headers.get("User-Agent", ""))
        for key in (f"{host}{path}?{query}" if query else None, f"{host}{path}"):
            if key and key in routes:
                return routes[key]
        generated = self.server.web.generate(host, path) if self.server.web.generate else None
        if generated is not None:
            return generated
        if host not in self.server.web.hosts:
            return Route(502, b"unknown host", {"Content-Type": "text/plain"})
        return Route(404, b"<html><body><h1>Not found</h1></body></html>", {"Content-Type": "text/html"})

    def _answer(self, send_body: bool) -> None:
        route = self._route()
        if route.languages:
            first = (self.headers.get("Accept-Language") or "").split(",")[0].split(";")[0].split("-")[0].strip().lower()
            route = route.languages.get(first, route)
        if route.delay and route.fault != "stall":
            time.sleep(route.delay)
        try:
            self.send_response(route.status)
            headers = {"Content-Type": "text/html; charset=utf-8", **route.headers}
            for name, value in headers.items():
                for item in value if isinstance(value, list) else [value]:
                    self.send_header(name, item)
            if "Content-Length" not in route.headers:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            if not send_body:
                return
            if route.fault is None:
                self.wfile.write(route.body)
                return
            self.wfile.write(route.body[: len(route.body) // 2])
            self.wfile.flush()
            if route.fault == "stall":
                time.sleep(route.delay)
            elif route.fault == "reset":
                # SO_LINGER with a zero timeout: close() sends RST, not FIN.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._answer(True)

    def do_HEAD(self):  # noqa: N802
        self._answer(False)


def _host_header(value: str) -> str:
    """The host of a ``Host`` header: ``blog.example.de:8080`` or ``[::1]:8080``; empty if it is neither."""
    try:
        return urlsplit("//" + value).hostname or ""
    except ValueError:
        return ""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the listen backlog: a crawl opens dozens of connections at once
    web: LocalWeb


class _Server6(_Server):
    address_family = socket.AF_INET6  # also_on("::1"): a host reached over IPv6 only


class LocalWeb:
    """Routes keyed ``host/path`` (or ``host/path?query``)."""

    def __init__(self, routes: dict[str, Route] | None = None):
        self.routes: dict[str, Route] = dict(routes or {})
        # Optional ``(host, path) -> Route | None`` for webs too large to list (benchmarks).
        self.generate: Callable[[str, str], Route | None] | None = None
        self.log: list[str] = []  # every request, "host/path?query"
        self.user_agents: list[str] = []  # the User-Agent of each request in ``log``
        self.arrivals: list[tuple[str, str]] = []  # (host, the local address it came in on) of each request
        self._server: _Server | None = None
        self._extra: list[_Server] = []  # also_on()

    @property
    def hosts(self) -> set[str]:
        return {key.split("/", 1)[0] for key in self.routes}

    def add(self, url: str, body: str | bytes = b"", status: int = 200, headers: dict | None = None, delay: float = 0.0,
            fault: str | None = None, languages: dict[str, Route] | None = None) -> None:
        parts = urlsplit(url)
        key = f"{parts.hostname}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[key] = Route(status, data, dict(headers or {}), delay, fault, languages)

    @classmethod
    def from_directory(cls, root: str | Path) -> LocalWeb:
        """Each folder is a host; ``index.html`` also answers for its folder.

        ``_routes.json`` in the root adds statuses, headers and redirects:
        ``{"host/path": {"status": 301, "headers": {"Location": "…"}}}``.
        """
        root = Path(root)
        web = cls()
        for host_dir in sorted(p for p in root.iterdir() if p.is_dir()):
            for file in sorted(p for p in host_dir.rglob("*") if p.is_file()):
                relative = file.relative_to(host_dir).as_posix()
                content_type = _TYPES.get(file.suffix, "application/octet-stream")
                route = Route(200, file.read_bytes(), {"Content-Type": content_type})
                web.routes[f"{host_dir.name}/{relative}"] = route
                if file.name == "index.html":
                    folder = relative[: -len("index.html")]
                    web.routes[f"{host_dir.name}/{folder}"] = route
        special = root / "_routes.json"
        if special.exists():
            for key, spec in json.loads(special.read_text(encoding="utf-8")).items():
                body = spec.get("body", "").encode("utf-8")
                web.routes[key] = Route(spec.get("status", 200), body, spec.get("headers", {}), spec.get("delay", 0.0))
        return web

    def start(self) -> str:
        """Serve in a background thread; returns the proxy URL."""
        self._server = self._serve("127.0.0.1", 0)
        return self.proxy_url

    def _serve(self, address: str, port: int) -> _Server:
        server = (_Server6 if ":" in address else _Server)((address, port), _Handler)
        server.web = self
        threading.Thread(target=server.serve_forever, name=f"localweb {address}", daemon=True).start()
        return server

    def also_on(self, *addresses: str) -> int:
        """Serve on more loopback addresses (127.0.0.x) at the same port, for hosts pinned there
        (``--resolve host:127.0.0.x``, no proxy): a web whose hosts sit on different IPs and /24s.
        Returns the port; ``arrivals`` records the address each request came in on."""
        port = self._server.server_address[1]
        for address in addresses:
            self._extra.append(self._serve(address, port))
        return port

    @property
    def proxy_url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        for server in self._extra:
            server.shutdown()
            server.server_close()
        self._extra.clear()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LocalWeb:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
