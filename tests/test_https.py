"""Sites served over HTTPS directly (no proxy between), with the certificates the web has: one for
another name, self-signed. The page is read as any other; the certificate is not ours to judge, and
Scrapy's warning about it (four lines a host, on every connection) stays out of stderr unless -v."""

from __future__ import annotations

import datetime
import json
import os
import ssl
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import ARTICLE_EN, ROOT, page

BODY = page(f"<article>{ARTICLE_EN}<p>The <a href='https://www.acme.com/page'>Acme</a> whitepaper.</p></article>").encode()


def _certificate(tmp_path) -> tuple[str, str]:
    """A self-signed certificate for another name than the site's."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "other.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


class _Page(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/robots.txt":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


def test_a_page_behind_a_certificate_for_another_name_is_read_without_noise(tmp_path):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_certificate(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    urls = [f"https://site{i}.example:{port}/post" for i in range(3)]
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    pins = [arg for i in range(3) for arg in ("--resolve", f"site{i}.example:127.0.0.1")]
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(ROOT)
    try:
        run = subprocess.run([sys.executable, "-m", "crawler.cli", "verify", str(tmp_path / "list.txt"), "--target",
                              "www.acme.com", "--db", str(tmp_path / "d.db"), *pins],
                             env=env, capture_output=True, text=True, timeout=300)
    finally:
        server.shutdown()
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(r["status"], r["http_status"]) for r in results] == [("live", 200)] * 3
    assert "certificate" not in run.stderr.lower(), run.stderr
