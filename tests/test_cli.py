"""The CLI's options, formats and exit codes, through the real command."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ARTICLE_EN, ROOT, page, run_cli

TARGET = "http://www.acme.com/page"


def linking_page(anchor: str = "Acme guide") -> str:
    return page(f'<article>{ARTICLE_EN}<p>See the <a href="{TARGET}">{anchor}</a>.</p></article>')


def test_plain_list_from_stdin_with_target(web, tmp_path):
    web.add("http://a.example.com/1", linking_page())
    web.add("http://b.example.com/2", page("<p>nothing here</p>"))
    run = run_cli(["verify", "-", "--target", "acme.com", "--db", str(tmp_path / "db.sqlite"), "-q"], web,
                  stdin="http://a.example.com/1\n\nhttp://b.example.com/2\n")
    assert run.returncode == 0, run.stderr
    assert [(r["source_url"], r["status"]) for r in run.results] == [
        ("http://a.example.com/1", "live"), ("http://b.example.com/2", "lost")]
    assert run.results[0]["links"][0]["match"] == "domain"


def test_ignore_robots_fetches_disallowed_pages_but_still_flags_them(web, tmp_path):
    web.add("http://private.example.com/robots.txt", "User-agent: *\nDisallow: /\n", headers={"Content-Type": "text/plain"})
    web.add("http://private.example.com/a", linking_page())
    run = run_cli(["verify", "-", "--target", TARGET, "--ignore-robots", "--db", str(tmp_path / "db.sqlite")], web,
                  stdin="http://private.example.com/a\n")
    result = run.results[0]
    assert result["status"] == "live" and result["indexable"] is False and "robots_disallowed" in result["flags"]


def test_timeout_option(web, tmp_path):
    web.add("http://slow.example.com/a", linking_page(), delay=10)  # far past the 1 s timeout, even on a loaded machine
    run = run_cli(["verify", "-", "--target", TARGET, "--timeout", "1", "--db", str(tmp_path / "db.sqlite")], web,
                  stdin="http://slow.example.com/a\n")
    assert (run.results[0]["status"], run.results[0]["reason"]) == ("error", "timeout")
    assert web.log.count("slow.example.com/a") == 2  # one retry, no more


def test_user_agent_option_is_sent(web, tmp_path):
    web.add("http://ua.example.com/robots.txt", "User-agent: special-bot\nDisallow: /\n", headers={"Content-Type": "text/plain"})
    web.add("http://ua.example.com/a", linking_page())
    run = run_cli(["verify", "-", "--target", TARGET, "--user-agent", "special-bot/1.0", "--db", str(tmp_path / "d")], web,
                  stdin="http://ua.example.com/a\n")
    # robots.txt is matched on our product token ("linkverifier"), not on the custom UA.
    assert run.results[0]["status"] == "live"
    assert set(web.user_agents) == {"special-bot/1.0"}


def test_default_user_agent_names_the_project(web, tmp_path):
    web.add("http://ua.example.com/a", linking_page())
    run_cli(["verify", "-", "--target", TARGET, "--db", str(tmp_path / "d")], web, stdin="http://ua.example.com/a\n")
    assert all(ua.startswith("linkverifier/") and "(+http" in ua for ua in web.user_agents)


def test_csv_output_is_flat_and_formula_safe(web, tmp_path):
    web.add("http://a.example.com/1", linking_page("=HYPERLINK(\"http://evil\")"))
    (tmp_path / "in.csv").write_text(f"source_url,target_url,note\nhttp://a.example.com/1,{TARGET},+cmd\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    run = run_cli(["verify", str(tmp_path / "in.csv"), "--out", str(out), "--db", str(tmp_path / "d")], web)
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows[0]["status"] == "live" and rows[0]["link_anchor_text"].startswith("'=")
    assert rows[0]["note"] == "'+cmd"  # the export's own column, guarded too
    assert rows[0]["page_language"] == "en" and rows[0]["link_placement"] == "editorial"
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())
    assert not list(tmp_path.glob(".*partial"))


def test_json_output_is_one_array(web, tmp_path):
    web.add("http://a.example.com/1", linking_page())
    out = tmp_path / "out.json"
    run_cli(["verify", "-", "--target", TARGET, "--out", str(out), "--db", str(tmp_path / "d")], web,
            stdin="http://a.example.com/1\nnot a url\n")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["status"] for r in data] == ["live", "error"]


@pytest.mark.parametrize("header, delimiter", [
    (("Referring page URL", "Target URL", "Anchor"), ","),      # Ahrefs
    (("Source url", "Target url", "Anchor"), ";"),               # Semrush
    (("SourceURL", "TargetURL", "AnchorText"), "\t"),            # Majestic
    (("URL", "Target URL", "Anchor Text"), ","),                 # Moz
])
def test_export_formats(web, tmp_path, header, delimiter):
    web.add("http://a.example.com/1", linking_page())
    text = delimiter.join(header) + "\n" + delimiter.join(("http://a.example.com/1", TARGET, "guide")) + "\n"
    (tmp_path / "in.csv").write_text(text, encoding="utf-8")
    run = run_cli(["verify", str(tmp_path / "in.csv"), "--db", str(tmp_path / "d")], web)
    assert run.results[0]["status"] == "live"
    assert list(run.results[0]["input"].values()) == ["guide"]


def test_search_console_export_in_utf16_with_target_option(web, tmp_path):
    web.add("http://a.example.com/1", linking_page())
    (tmp_path / "gsc.tsv").write_bytes("Linking page\tLast crawled\nhttp://a.example.com/1\t2026-11-01\n".encode("utf-16"))
    run = run_cli(["verify", str(tmp_path / "gsc.tsv"), "--target", TARGET, "--db", str(tmp_path / "d")], web)
    assert run.results[0]["status"] == "live" and run.results[0]["input"] == {"Last crawled": "2026-11-01"}


def test_an_xlsx_export_is_a_list(web, tmp_path):
    """Semrush's "Export to Excel": the first sheet, its other columns back as input (they used to be 'not a text file')."""
    import datetime

    from tests.test_inputs import _workbook

    web.add("http://a.example.com/1", linking_page())
    path = _workbook(tmp_path / "semrush.xlsx", [["Source url", "Target url", "Anchor", "First seen"],
                                                  ["http://a.example.com/1", TARGET, "guide", datetime.date(2026, 11, 3)]])
    run = run_cli(["verify", path, "--db", str(tmp_path / "d")], web)
    assert run.returncode == 0, run.stderr
    assert [(r["status"], r["input"]) for r in run.results] == [("live", {"Anchor": "guide", "First seen": "2026-11-03"})]


def test_utf8_bom_input(web, tmp_path):
    web.add("http://a.example.com/1", linking_page())
    (tmp_path / "in.csv").write_bytes(b"\xef\xbb\xbfsource_url,target_url\nhttp://a.example.com/1," + TARGET.encode() + b"\n")
    run = run_cli(["verify", str(tmp_path / "in.csv"), "--db", str(tmp_path / "d")], web)
    assert run.results[0]["status"] == "live"


@pytest.mark.parametrize("args, stdin, message", [
    (["verify", "does-not-exist.csv", "--target", "acme.com"], None, "cannot read"),
    (["verify", "-"], "http://a.example.com/\n", "needs --target"),
    (["verify", "-"], "source_url,note\nhttp://a.example.com/,x\n", "no target column"),
    (["verify", "-", "--target", "not a domain"], "http://a.example.com/\n", "--target"),
    (["verify", "-", "--target", "acme.com"], "", "holds no rows"),
])
def test_unusable_input_exits_2_with_a_message(tmp_path, args, stdin, message):
    run = run_cli(args + ["--db", str(tmp_path / "d")], stdin=stdin, cwd=tmp_path)
    assert run.returncode == 2 and message in run.stderr
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("option", ["--timeout", "--analysis-timeout", "--db-wait"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_seconds_that_are_no_number_exit_2(tmp_path, option, value):
    """click lets "nan" past every bound: --timeout nan ended in a traceback inside Scrapy and
    --analysis-timeout nan waited for ever; "inf" is a request or an analysis that may never end."""
    run = run_cli(["verify", "-", "--target", "acme.com", option, value, "--db", str(tmp_path / "d")],
                  stdin="http://a.example.com/\n", cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert option in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "d").exists()


def test_binary_file_exits_2(tmp_path):
    (tmp_path / "x.png").write_bytes(bytes(range(256)) * 10)
    run = run_cli(["verify", str(tmp_path / "x.png"), "--target", "acme.com"], cwd=tmp_path)
    assert run.returncode == 2 and "not a text file" in run.stderr


def test_second_run_adds_history(web, tmp_path):
    web.add("http://a.example.com/1", linking_page())
    db = tmp_path / "history.db"
    for _ in range(2):
        run_cli(["verify", "-", "--target", TARGET, "--db", str(db)], web, stdin="http://a.example.com/1\n")
    import sqlite3

    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM runs WHERE status = 'finished'").fetchone()[0] == 2
        assert connection.execute("SELECT count(*) FROM checks").fetchone()[0] == 2
        assert connection.execute("SELECT count(*) FROM backlinks").fetchone()[0] == 1


def test_scrapy_crawl_works_too(web, tmp_path):
    web.add("http://a.example.com/1", linking_page())
    (tmp_path / "list.txt").write_text("http://a.example.com/1\n", encoding="utf-8")
    env = dict(os.environ, http_proxy=web.proxy_url, no_proxy="", PYTHONPATH=str(ROOT),
               LINKVERIFIER_DB=str(tmp_path / "d"))
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "verify", "-a", f"input={tmp_path / 'list.txt'}", "-a", f"target={TARGET}",
         "-s", f"LINKVERIFIER_DB={tmp_path / 'd'}", "-s", f"LINKVERIFIER_OUT={tmp_path / 'o.jsonl'}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert json.loads((tmp_path / "o.jsonl").read_text())["status"] == "live"


def test_version_and_help():
    run = run_cli(["--version"])
    assert run.returncode == 0 and "linkverifier" in run.stdout
    help_run = run_cli(["verify", "--help"])
    assert "--ignore-robots" in help_run.stdout and "--target" in help_run.stdout


@pytest.mark.parametrize("command", [
    ["verify", "-", "--target", "acme.com"],
    ["hreflang", "http://a.example.com/"],
    ["discover", "http://a.example.com/", "--target", "acme.com"],
])
def test_a_database_that_cannot_be_used_exits_2_before_crawling(tmp_path, command):
    # A CSV passed as --db by mistake: said at once, and the file is left as it was.
    wrong = tmp_path / "backlinks.csv"
    wrong.write_text("source_url\nhttp://a.example.com/\n")
    run = run_cli(command + ["--db", str(wrong)], stdin="http://a.example.com/\n", cwd=tmp_path)
    assert run.returncode == 2 and f"--db {wrong}" in run.stderr and "Traceback" not in run.stderr
    assert wrong.read_text() == "source_url\nhttp://a.example.com/\n"
    # A directory where the file should be.
    run = run_cli(command + ["--db", str(tmp_path)], stdin="http://a.example.com/\n", cwd=tmp_path)
    assert run.returncode == 2 and "--db" in run.stderr and "Traceback" not in run.stderr


def test_fetch_failures_stay_out_of_the_log_unless_verbose(web, tmp_path):
    # A dead host is a verdict (error/dns_error), not a fault to print a traceback for.
    run = run_cli(["verify", "-", "--target", "acme.com", "--db", str(tmp_path / "d")], web,
                  stdin="http://no-such-host.invalid/\n", cwd=tmp_path)
    assert run.returncode == 0 and run.results[0]["reason"] == "dns_error"
    assert "Traceback" not in run.stderr and "ERROR" not in run.stderr


@pytest.mark.parametrize("command", [
    ["report", "--out", "r.html"], ["changes"], ["disavow", "--out", "d.txt"],
])
def test_history_commands_refuse_a_file_that_is_not_a_database(tmp_path, command):
    wrong = tmp_path / "backlinks.csv"
    wrong.write_text("source_url\nhttp://a.example.com/\n")
    run = run_cli(command + ["--db", str(wrong)], cwd=tmp_path)
    assert run.returncode == 2 and "is not a linkverifier database" in run.stderr and "Traceback" not in run.stderr
    assert wrong.read_text() == "source_url\nhttp://a.example.com/\n"


def test_changes_since_must_be_a_date(web, tmp_path):
    web.add("http://a.example.com/", "<html><body><p>x</p></body></html>")
    run_cli(["verify", "-", "--target", "acme.com", "--db", str(tmp_path / "d.db")], web, stdin="http://a.example.com/\n")
    for since in ("last week", "2026-13-45", "2026-02-30"):  # the last two passed the pattern and matched nothing
        run = run_cli(["changes", "--db", str(tmp_path / "d.db"), "--since", since])
        assert run.returncode == 2 and "not a date" in run.stderr
    # A duration no date is that far back: one line, exit 2 (an OverflowError traceback).
    run = run_cli(["recheck", "--db", str(tmp_path / "d.db"), "--older-than", "99999999w"])
    assert run.returncode == 2 and "longer than a century" in run.stderr and "Traceback" not in run.stderr


def test_out_to_stdout_a_pipe_or_a_link_to_a_stream_is_written_into_never_replaced(web, tmp_path):
    """``--out -``, a named pipe, a link to /proc/self/fd/1 (what /dev/stdout is): the results go into the
    stream. Renamed onto, /dev/stdout itself became a regular file when run as root, and "-" a file named "-"."""
    import threading

    web.add("http://a.example.com/1", linking_page())
    listing = tmp_path / "in.txt"
    listing.write_text("http://a.example.com/1\n", encoding="utf-8")
    db = str(tmp_path / "d.db")

    dash = run_cli(["verify", str(listing), "--target", TARGET, "--db", db, "--out", "-"], web, cwd=tmp_path)
    assert dash.returncode == 0, dash.stderr
    assert [r["status"] for r in dash.results] == ["live"] and not (tmp_path / "-").exists()

    link = tmp_path / "stdout.jsonl"
    link.symlink_to("/proc/self/fd/1")
    linked = run_cli(["verify", str(listing), "--target", TARGET, "--db", db, "--out", str(link)], web)
    assert linked.returncode == 0, linked.stderr
    assert json.loads(linked.stdout.splitlines()[0])["status"] == "live"
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"

    pipe = tmp_path / "results.csv"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    piped = run_cli(["verify", str(listing), "--target", TARGET, "--db", db, "--out", str(pipe)], web)
    reader.join(30)
    assert piped.returncode == 0, piped.stderr
    rows = list(csv.DictReader(received[0].decode("utf-8-sig").splitlines()))
    assert [row["status"] for row in rows] == ["live"]
    assert pipe.is_fifo() and not list(tmp_path.glob(".*partial"))

    report = run_cli(["report", "--db", db, "--out", "-"], web)
    assert report.returncode == 0, report.stderr
    assert report.stdout.lstrip().lower().startswith("<!doctype html")
