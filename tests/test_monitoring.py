"""Monitoring: recheck what the database knows, then raise the alarm the day a good link disappears.

Real CLI, real local web, a JSON webhook receiver and an SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import ARTICLE_EN, free_port, page, run_cli

TARGET = "http://www.acme-secure.com/whitepaper/zero-day/"
KEPT = "http://kept.example.com/post"
REMOVED = "http://removed.example.com/post"
NO_PROXY = ".invalid,127.0.0.1"  # the alerts go straight to the receivers on loopback


def linking() -> str:
    return page(f"<article><h1>Zero-day exploits</h1>{ARTICLE_EN}<p>Read the <a href='{TARGET}'>zero-day whitepaper</a> "
                "for the details of every exploit and patch.</p></article>", lang="en")


class Receiver:
    """A webhook endpoint on 127.0.0.1 that keeps what it is sent."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                received.append(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


def first_run(web, tmp_path) -> str:
    web.add(TARGET, page(ARTICLE_EN, "Whitepaper", "en"))
    web.add(KEPT, linking())
    web.add(REMOVED, linking())
    listing = tmp_path / "export.csv"
    listing.write_text(f"Referring page URL,Target URL,DR\n{KEPT},{TARGET},40\n{REMOVED},{TARGET},55\n", encoding="utf-8")
    db = str(tmp_path / "monitor.db")
    run = run_cli(["verify", str(listing), "--db", db], web, no_proxy=NO_PROXY)
    assert run.returncode == 0, run.stderr
    assert [r["verdict"] for r in run.results] == ["good", "good"]
    return db


def test_recheck_then_changes_fail_on_lost_notifies_the_receiver(web, tmp_path, receiver):
    db = first_run(web, tmp_path)
    web.add(REMOVED, page(f"<article>{ARTICLE_EN}</article>", lang="en"))  # the good link is removed silently
    run = run_cli(["recheck", "--db", db, "--out", str(tmp_path / "recheck.jsonl")], web, no_proxy=NO_PROXY,
                  out=tmp_path / "recheck.jsonl")
    assert run.returncode == 0, run.stderr
    assert [(r["source_url"], r["status"]) for r in run.results] == [(KEPT, "live"), (REMOVED, "lost")]
    assert run.results[0]["input"] == {"DR": "40"}, "a recheck keeps the export's columns"
    run = run_cli(["changes", "--db", db, "--fail-on", "lost,rel_changed", "--notify", receiver.url,
                   "--out", str(tmp_path / "changes.jsonl")], web, no_proxy=NO_PROXY)
    assert run.returncode == 3, run.stderr
    assert len(receiver.received) == 1
    message = json.loads(receiver.received[0])
    assert "1 lost" in message["title"]
    assert REMOVED in message["message"] and "link_removed" in message["message"]
    assert KEPT not in message["message"]
    # Without a change of the kinds asked for, exit 0.
    run = run_cli(["changes", "--db", db, "--fail-on", "back"], web, no_proxy=NO_PROXY)
    assert run.returncode == 0, run.stderr


def test_a_page_that_cannot_be_read_is_unreachable_not_a_lost_link(web, tmp_path):
    """A server error tells nothing about the link: it raised the "lost" alarm (--fail-on lost, exit 3)."""
    db = first_run(web, tmp_path)

    def recheck_then_changes() -> tuple[int, dict[str, tuple[str, str]]]:
        assert run_cli(["recheck", "--db", db, "-q"], web, no_proxy=NO_PROXY).returncode == 0
        run = run_cli(["changes", "--db", db, "--fail-on", "lost", "--out", str(tmp_path / "c.jsonl")], web,
                      no_proxy=NO_PROXY, out=tmp_path / "c.jsonl")
        return run.returncode, {r["source_url"]: (r["change"], r["detail"]) for r in run.results}

    web.add(KEPT, b"<h1>Internal Server Error</h1>", status=500)  # the site is down this morning
    code, found = recheck_then_changes()
    assert code == 0 and found[KEPT][0] == "unreachable" and "the link may still be there" in found[KEPT][1]
    assert REMOVED not in found  # live twice: nothing changed
    web.add(KEPT, linking())  # back up, the link where it was: nothing changed for the link
    code, found = recheck_then_changes()
    assert code == 0 and found == {}
    web.add(KEPT, b"<h1>Bad gateway</h1>", status=502)
    recheck_then_changes()
    web.add(KEPT, page(f"<article>{ARTICLE_EN}</article>", lang="en"))  # up again, the link gone
    code, found = recheck_then_changes()
    assert code == 3 and found[KEPT][0] == "lost"  # against the last check that could tell: live


def test_recheck_notifies_what_changed_and_keeps_no_secret(web, tmp_path, receiver):
    db = first_run(web, tmp_path)
    web.add(REMOVED, page(f"<article>{ARTICLE_EN}</article>", lang="en"))
    secret = "s3cr3t-token"
    dead = f"json://alerts:{secret}@127.0.0.1:{free_port()}/hook"  # nothing listens there
    run = run_cli(["recheck", "--db", db, "--notify", dead], web, no_proxy=NO_PROXY,
                  env={"LINKVERIFIER_NOTIFY": receiver.url})
    assert run.returncode == 0, run.stderr  # a failed delivery never changes the check's exit status
    assert "notify json://127.0.0.1/…: delivery failed" in run.stderr
    assert secret not in run.stderr + run.stdout
    assert secret.encode() not in (tmp_path / "monitor.db").read_bytes()
    assert len(receiver.received) == 1 and REMOVED in json.loads(receiver.received[0])["message"]


def test_recheck_older_than_leaves_out_what_was_just_checked(web, tmp_path):
    db = first_run(web, tmp_path)
    run = run_cli(["recheck", "--db", db, "--older-than", "1h"], web, no_proxy=NO_PROXY)
    assert run.returncode == 0 and "nothing to recheck" in run.stderr
    run = run_cli(["recheck", "--db", db, "--older-than", "1m"], web, no_proxy=NO_PROXY)
    assert run.returncode == 0 and "nothing to recheck" in run.stderr  # 1 minute: still too recent
    run = run_cli(["recheck", "--db", db, "--older-than", "soon"], web, no_proxy=NO_PROXY)
    assert run.returncode == 2 and "a duration" in run.stderr


def test_a_notify_url_apprise_cannot_use_is_said_before_the_run(web, tmp_path):
    """A typo in --notify (or LINKVERIFIER_NOTIFY) is exit 2 and one line at once, its secret unshown:
    not a surprise the day a good link is lost and no alert comes."""
    db = first_run(web, tmp_path)
    requests = len(web.log)
    for args, env in ((["--notify", "slak://alerts:s3cr3t@hooks.example/T1"], {}),
                      ([], {"LINKVERIFIER_NOTIFY": "jsno://alerts:s3cr3t@127.0.0.1/hook"})):
        run = run_cli(["recheck", "--db", db, *args], web, no_proxy=NO_PROXY, env=env)
        assert run.returncode == 2, run.stderr
        assert "is not a notification URL Apprise knows" in run.stderr and "s3cr3t" not in run.stderr
        assert "Traceback" not in run.stderr
    assert len(web.log) == requests  # nothing was rechecked


def test_changes_rejects_an_unknown_kind(web, tmp_path):
    db = first_run(web, tmp_path)
    run = run_cli(["changes", "--db", db, "--fail-on", "vanished"], web, no_proxy=NO_PROXY)
    assert run.returncode == 2 and "rel_changed" in run.stderr


def test_an_email_alert_reaches_a_local_smtp_server(web, tmp_path):
    from aiosmtpd.controller import Controller

    class Inbox:
        messages: list = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            self.messages.append(envelope.content.decode("utf-8", "replace"))
            return "250 Message accepted for delivery"

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        db = first_run(web, tmp_path)
        web.add(REMOVED, page(f"<article>{ARTICLE_EN}</article>", lang="en"))
        run_cli(["recheck", "--db", db], web, no_proxy=NO_PROXY)
        mail = f"mailto://127.0.0.1:{port}?from=alerts@acme-secure.com&to=seo@acme-secure.com"
        run = run_cli(["changes", "--db", db, "--notify", mail, "--fail-on", "lost"], web, no_proxy=NO_PROXY)
    finally:
        controller.stop()
    assert run.returncode == 3, run.stderr
    assert len(inbox.messages) == 1
    assert "removed.example.com" in inbox.messages[0] and "seo@acme-secure.com" in inbox.messages[0]


def test_an_interrupted_recheck_resumes_the_same_backlinks(web, tmp_path):
    """Ctrl-C halfway through a recheck, then --resume: every backlink once, none fetched twice."""
    import signal
    import sqlite3
    import time

    from tests.conftest import start

    web.add(TARGET, page(ARTICLE_EN, "Whitepaper", "en"))
    sources = [f"http://site{i}.example.com/post" for i in range(40)]
    for url in sources:
        web.add(url, linking())
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(sources) + "\n")
    db = tmp_path / "monitor.db"
    assert run_cli(["verify", str(listing), "--target", TARGET, "--db", str(db)], web).returncode == 0
    for url in sources:  # slow now: the recheck takes a while
        web.add(url, linking(), delay=0.5)
    out = tmp_path / "recheck.jsonl"
    args = ["recheck", "--db", str(db), "--out", str(out), "--concurrency", "2"]
    process = start(args, web)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        with sqlite3.connect(db, timeout=5) as connection:
            checked = connection.execute("SELECT COUNT(*) FROM checks JOIN runs ON runs.id = checks.run_id"
                                         " WHERE runs.command = 'recheck'").fetchone()[0]
        if checked >= len(sources) * 0.4:
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.2)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err[-2000:]
    assert (tmp_path / "recheck.partial.jsonl").exists() and not out.exists()
    before = len(web.log)
    resumed = run_cli([*args, "--resume"], web, no_proxy=NO_PROXY)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming run" in resumed.stderr
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["source_url"] for r in results] == sources
    fetched_again = [entry for entry in web.log[before:] if entry.startswith("site") and entry.endswith("/post")]
    assert len(fetched_again) < len(sources), "the resumed recheck fetched every page again"
