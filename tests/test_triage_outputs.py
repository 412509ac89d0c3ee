"""Triage where SEO people work: a verdict on every result, files that open right in spreadsheets,
and the inputs as analytics tools and people write them. Through the real CLI and local web."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import zipfile

import pytest

from tests.conftest import ARTICLE_EN, page, run_cli

TARGET = "http://www.acme-secure.com/whitepaper/zero-day/"
EXPORT = "Referring page URL,Target URL,Anchor,DR,First seen,status\n"


def linking(body_extra: str = "", title: str = "Zero-day exploits", target: str = TARGET) -> str:
    return page(f"<article><h1>{title}</h1>{ARTICLE_EN}<p>Read the <a href='{target}'>Überblick zu Zero-Day</a> for the "
                f"details of every exploit and patch.</p>{body_extra}</article>", title=title, lang="en")


def build(web) -> list[str]:
    web.add(TARGET, page(ARTICLE_EN, "Whitepaper", "en"))
    web.add("http://good.example.com/post", linking())
    web.add("http://casino.example.xyz/post", linking("<p>Best casino bonus and betting tips, buy cheap links.</p>", "Casino bonus"))
    web.add("http://removed.example.com/post", page(f"<article>{ARTICLE_EN}</article>"))
    web.add("http://broken.example.com/post", "oops", status=500)
    return [
        EXPORT
        + f"http://good.example.com/post,{TARGET},Überblick,71,2026-01-02,=HYPERLINK(\"x\")\n"
        + f"http://casino.example.xyz/post,{TARGET},casino,3,2026-02-03,new\n"
        + f"http://removed.example.com/post,{TARGET},zero day,40,2025-12-01,old\n"
        + f"http://broken.example.com/post,{TARGET},Привет,12,2025-11-01,old\n"
    ][0].splitlines(keepends=True)


def verify_export(web, tmp_path, suffix: str):
    """The Ahrefs-style export verified into ``results.SUFFIX``; returns its path."""
    listing = tmp_path / "ahrefs.csv"
    listing.write_text("".join(build(web)), encoding="utf-8")
    out = tmp_path / f"results.{suffix}"
    run = run_cli(["verify", str(listing), "--db", str(tmp_path / "db.sqlite"), "--out", str(out)], web)
    assert run.returncode == 0, run.stderr[-2000:]
    return out


def test_every_format_carries_the_verdict_and_the_database_too(web, tmp_path):
    verdicts = {}
    for suffix in ("jsonl", "json", "csv", "xlsx"):
        out = verify_export(web, tmp_path, suffix)
        if suffix == "jsonl":
            results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        elif suffix == "json":
            results = json.loads(out.read_text(encoding="utf-8"))
        elif suffix == "csv":
            results = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        else:
            assert zipfile.is_zipfile(out)
            continue
        verdicts[suffix] = [(r["verdict"], str(r["risk"] or "")) for r in results]
        assert all("risk_reasons" in r for r in results)
    assert [v for v, _ in verdicts["jsonl"]] == ["good", "disavow", "lost", "unchecked"]
    assert [v for v, _ in verdicts["csv"]] == [v for v, _ in verdicts["jsonl"]] == [v for v, _ in verdicts["json"]]
    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        rows = db.execute("SELECT verdict, risk, risk_reasons, json_extract(result, '$.verdict') FROM checks"
                          " WHERE run_id = (SELECT MAX(id) FROM runs) ORDER BY row_number").fetchall()
    assert [r[0] for r in rows] == ["good", "disavow", "lost", "unchecked"]
    assert all(r[0] == r[3] for r in rows)
    assert "link_selling" in rows[1][2]


def test_csv_opens_right_in_spreadsheets(web, tmp_path):
    raw = verify_export(web, tmp_path, "csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel would garble Überblick and Привет"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    # The export's own columns, each a column under its own header; ours keep theirs ("status" clashes).
    assert {"Anchor", "DR", "First seen", "input_status", "verdict", "risk", "risk_reasons"} <= set(rows[0])
    assert "input" not in rows[0]
    assert rows[0]["DR"] == "71" and rows[0]["status"] == "live" and rows[3]["Anchor"] == "Привет"
    assert rows[0]["input_status"] == "'=HYPERLINK(\"x\")", "the formula guard stays"


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="make test installs LibreOffice (make system-deps)")
def test_csv_and_xlsx_open_in_libreoffice_with_every_column_where_expected(web, tmp_path):
    for suffix in ("csv", "xlsx"):
        verify_export(web, tmp_path, suffix)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    converted = tmp_path / "converted"
    for suffix in ("csv", "xlsx"):
        # Read as a person's import dialog would (comma, quote, UTF-8), written back as UTF-8 CSV:
        # for the workbook, its first sheet.
        infilter = ["--infilter=CSV:44,34,76"] if suffix == "csv" else []
        subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", *infilter,
                        "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(converted / suffix),
                        str(tmp_path / f"results.{suffix}")], check=True, capture_output=True, timeout=180)
        rows = list(csv.DictReader(io.StringIO((converted / suffix / "results.csv").read_text(encoding="utf-8-sig"))))
        assert [r["source_url"] for r in rows] == ["http://good.example.com/post", "http://casino.example.xyz/post",
                                                   "http://removed.example.com/post", "http://broken.example.com/post"]
        assert [r["verdict"] for r in rows] == ["good", "disavow", "lost", "unchecked"]
        assert rows[0]["link_anchor_text"] == "Überblick zu Zero-Day" and rows[3]["Anchor"] == "Привет"
        assert rows[0]["DR"] == "71"
        assert rows[0]["input_status"].endswith('=HYPERLINK("x")')  # text, never a formula


def test_xlsx_has_a_sheet_per_referring_domain(web, tmp_path):
    out = verify_export(web, tmp_path, "xlsx")
    with zipfile.ZipFile(out) as book:
        workbook = book.read("xl/workbook.xml").decode()
        links = book.read("xl/worksheets/sheet1.xml").decode()  # strings inline: written in constant memory
        domains = book.read("xl/worksheets/sheet2.xml").decode()
    assert 'name="Links"' in workbook and 'name="Referring domains"' in workbook
    assert "Привет" in links and "casino.example.xyz" in links
    assert "example.xyz" in domains and "disavow" in domains and "good" in domains
    assert "<pane" in links and "autoFilter" in links and "hyperlink" in links


def test_an_unknown_out_suffix_exits_2_naming_the_formats(web, tmp_path):
    run = run_cli(["verify", "-", "--target", TARGET, "--db", str(tmp_path / "db.sqlite"), "--out", str(tmp_path / "r.txt")],
                  web, stdin="http://good.example.com/post\n")
    assert run.returncode == 2
    assert ".xlsx" in run.stderr and ".csv" in run.stderr and ".jsonl" in run.stderr


def test_a_table_with_an_unknown_url_column_uses_the_column_of_urls(web, tmp_path):
    build(web)
    listing = tmp_path / "list.csv"
    listing.write_text("title,link,anchor\nGood,good.example.com/post,a\nGone,//removed.example.com/post,b\n", encoding="utf-8")
    run = run_cli(["verify", str(listing), "--target", TARGET, "--db", str(tmp_path / "db.sqlite")], web)
    assert run.returncode == 0, run.stderr
    assert "using 'link'" in run.stderr
    assert [(r["source_url"], r["status"]) for r in run.results] == [
        ("http://good.example.com/post", "live"), ("http://removed.example.com/post", "lost")]
    assert run.results[0]["input"] == {"title": "Good", "anchor": "a"}
    listing.write_text("title,notes\nGood,none\n", encoding="utf-8")
    run = run_cli(["verify", str(listing), "--target", TARGET, "--db", str(tmp_path / "db.sqlite")], web)
    assert run.returncode == 2
    assert "'title', 'notes'" in run.stderr and "Referring page URL" in run.stderr


def test_scheme_less_urls_with_a_port_or_two_slashes_are_read_as_http(web, tmp_path):
    build(web)
    web.add("http://ported.example.com:8080/post", linking())
    run = run_cli(["verify", "-", "--target", TARGET, "--db", str(tmp_path / "db.sqlite")], web,
                  stdin="ported.example.com:8080/post\n//good.example.com/post\n")
    assert run.returncode == 0, run.stderr
    assert [(r["source_url"], r["status"]) for r in run.results] == [
        ("http://ported.example.com:8080/post", "live"), ("http://good.example.com/post", "live")]


GA4 = """# ----------------------------------------
# Traffic acquisition: Page referrer
# Account: Acme
# Property: acme-secure.com
# ----------------------------------------
#
# Start date: 20261101
# End date: 20261130
Page referrer,Sessions,Engaged sessions,Conversions
http://good.example.com/post,12,9,1
https://www.google.com/,500,300,20
"""

UA = """# ----------------------------------------
# All Web Site Data
# Referrals
# 20261101-20261130
# ----------------------------------------

Full Referrer,Sessions
good.example.com/post,7

# ----------------------------------------
Day Index,Sessions
11/1/26,3
"""


@pytest.mark.parametrize("export", [GA4, UA], ids=["ga4", "universal-analytics"])
def test_analytics_exports_with_their_comment_blocks(web, tmp_path, export):
    build(web)
    path = tmp_path / "export.csv"
    path.write_text(export, encoding="utf-8")
    run = run_cli(["referrers", str(path), "--target", "acme-secure.com", "--db", str(tmp_path / "db.sqlite")], web)
    assert run.returncode == 0, run.stderr
    assert "1 candidate pages" in run.stderr, run.stderr
    assert [r["source_url"] for r in run.results] == ["http://good.example.com/post"]
    assert run.results[0]["status"] == "live"
