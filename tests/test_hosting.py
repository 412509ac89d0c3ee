"""Where each linking site is hosted (#22): IP, /24, ASN and hosting country, and what they weigh.

The web is served on several loopback addresses (127.0.0.x and 127.0.1.x, no proxy), each host pinned
to its address with ``--resolve`` as curl pins one; a tiny MaxMind-format database written here with
``mmdb-writer`` gives those addresses made-up ASNs and countries, one /24 a CDN's (Cloudflare's ASN).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ARTICLE_EN, page, report_tables, run_cli

TARGET = "http://www.acme-secure.com/whitepaper"
KEYWORD = "zero-day whitepaper"
HOSTED = [f"127.0.0.{11 + i}" for i in range(6)]  # one /24, six addresses
CDN = "127.0.1.50"  # one address of a CDN's
OTHERS = ["127.0.2.21", "127.0.2.22", "127.0.2.23"]  # one /24, brand anchors: shared hosting, no network


def _mmdb(path, database_type: str, networks: dict[str, dict]) -> str:
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    writer = MMDBWriter(ip_version=4, database_type=database_type, languages=["en"], description="linkverifier test")
    for network, record in networks.items():
        writer.insert_network(IPSet([network]), record)
    writer.to_db_file(str(path))
    return str(path)


@pytest.fixture
def ip_dbs(tmp_path):
    asn = _mmdb(tmp_path / "asn.mmdb", "GeoLite2-ASN", {
        "127.0.0.0/24": {"autonomous_system_number": 64500, "autonomous_system_organization": "Example Hosting Ltd"},
        "127.0.1.0/24": {"autonomous_system_number": 13335, "autonomous_system_organization": "CLOUDFLARENET"},
        "127.0.2.0/24": {"autonomous_system_number": 64501, "autonomous_system_organization": "Other Hosting"},
    })
    country = _mmdb(tmp_path / "country.mmdb", "GeoLite2-Country", {
        "127.0.0.0/24": {"country": {"iso_code": "RU", "names": {"en": "Russia"}}},
        "127.0.1.0/24": {"country": {"iso_code": "US", "names": {"en": "United States"}}},
        "127.0.2.0/24": {"country": {"iso_code": "DE", "names": {"en": "Germany"}}},
    })
    return [asn, country]


def _template(i: int, anchor: str) -> str:
    """Six different page templates: no theme, generator or tracking ID in common."""
    link = f'<a href="{TARGET}">{anchor}</a>'
    shells = [
        "<article>{a}<p>Read the {l} for details.</p></article>",
        "<main><div class='post-body'>{a}<p>Details in the {l}.</p></div></main>",
        "<div id='content'><section>{a}<p>See {l}.</p></section></div>",
        "<div class='entry'>{a}<blockquote>{l}</blockquote></div>",
        "<article class='story'>{a}<p>Our pick: {l}.</p></article>",
        "<main><article><h2>Notes</h2>{a}<p>Source: {l}.</p></article></main>",
    ]
    return page(shells[i % len(shells)].format(a=ARTICLE_EN, l=link), title=f"Security notes {i}")


@pytest.fixture
def hosted_web(web):
    port = web.also_on(*HOSTED, CDN, *OTHERS)
    urls, pins = [], []
    for i, address in enumerate(HOSTED):
        host = f"secnews{i}.com"
        web.add(f"http://{host}/post", _template(i, KEYWORD))
        urls.append(f"http://{host}:{port}/post")
        pins.append(f"{host}:{address}")
    for i in range(3):  # three sites behind one CDN address, exact-match anchors too
        host = f"cdnsite{i}.org"
        web.add(f"http://{host}/post", _template(i, KEYWORD), headers={"Server": "cloudflare"})
        urls.append(f"http://{host}:{port}/post")
        pins.append(f"{host}:{CDN}")
    for i, address in enumerate(OTHERS):
        host = f"magazin{i}.de"
        web.add(f"http://{host}/post", _template(i + 3, "Acme Secure"))
        urls.append(f"http://{host}:{port}/post")
        pins.append(f"{host}:{address}")
    web.add("http://www.acme-secure.com/whitepaper", page(f"<article>{ARTICLE_EN}</article>", title="Zero-day whitepaper"))
    urls_pins = (urls, [arg for pin in pins for arg in ("--resolve", pin)] + ["--resolve", f"www.acme-secure.com:{HOSTED[0]}"])
    return urls_pins, port


def _verify(tmp_path, urls, pins, extra=(), out="out.jsonl"):
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    out_path = tmp_path / out
    run = run_cli(["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--db", str(tmp_path / "lv.db"),
                   "--out", str(out_path), "--keywords", KEYWORD, *pins, *extra], out=out_path)
    assert run.returncode == 0, run.stderr
    return run


def test_hosting_fields_networks_and_shared_hosting(web, tmp_path, hosted_web, ip_dbs):
    (urls, pins), port = hosted_web
    run = _verify(tmp_path, urls, pins, ["--ip-db", ip_dbs[0], "--ip-db", ip_dbs[1]])
    by_host = {r["source_url"].split("//")[1].split(":")[0]: r for r in run.results}
    assert len(run.results) == len(urls) and all(r["status"] == "live" for r in run.results)
    # The pages were fetched from their pinned addresses (no proxy), and say so.
    arrivals = dict(web.arrivals)
    assert arrivals["secnews3.com"] == HOSTED[3] and arrivals["cdnsite0.org"] == CDN
    blog = by_host["secnews3.com"]["page"]
    assert (blog["ip"], blog["ip_network"], blog["asn"], blog["asn_org"], blog["hosting_country"], blog["shared_host"]) == \
        (HOSTED[3], "127.0.0.0/24", 64500, "Example Hosting Ltd", "RU", None)
    assert (blog["country"], blog["country_source"]) == ("RU", "hosting")  # a .com: where it is hosted
    de = by_host["magazin0.de"]["page"]
    assert (de["country"], de["country_source"], de["hosting_country"]) == ("DE", "cctld", "DE")
    assert by_host["cdnsite1.org"]["page"]["shared_host"] == "Cloudflare"

    # Six domains on one /24, different templates, no shared ID, all exact-match anchors: a network.
    for i in range(6):
        reasons = by_host[f"secnews{i}.com"]["risk_reasons"]
        assert "network" in reasons and "exact_match_anchor" in reasons, reasons
        assert by_host[f"secnews{i}.com"]["verdict"] in ("risky", "disavow")
    # The same anchors behind one CDN address: not a network, not even shared hosting.
    for i in range(3):
        reasons = by_host[f"cdnsite{i}.org"]["risk_reasons"]
        assert "network" not in reasons and "shared_hosting" not in reasons, reasons
    # Three domains on one /24 with brand anchors: shared hosting, a weak reason that alone is not risky.
    for i in range(3):
        result = by_host[f"magazin{i}.de"]
        assert "shared_hosting" in result["risk_reasons"] and "network" not in result["risk_reasons"]
        assert result["verdict"] not in ("risky", "disavow"), result["risk_reasons"]

    # The database keeps the fields as columns; the report and the disavow file show the evidence.
    with sqlite3.connect(tmp_path / "lv.db") as connection:
        rows = connection.execute("SELECT ip, ip_network, asn, asn_org, hosting_country FROM checks ORDER BY row_number").fetchall()
    assert rows[0] == (HOSTED[0], "127.0.0.0/24", 64500, "Example Hosting Ltd", "RU")
    report = run_cli(["report", "--db", str(tmp_path / "lv.db"), "--out", str(tmp_path / "report.html"), "--keywords", KEYWORD])
    assert report.returncode == 0, report.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "referring IPs" in html and "referring /24s" in html and "127.0.0.0/24" in html
    assert "Hosting countries" in html
    row = next(r for r in report_tables(html)["domains"]["rows"] if r[0] == "secnews0.com")
    assert row[6:10] == [HOSTED[0], "127.0.0.0/24", "Example Hosting Ltd", "RU"]  # IP, /24, ASN org, hosted in
    assert "subnet:127.0.0.0/24" in html and "exact_match_anchors" in html  # the network's evidence
    assert "GeoLite2 data created by MaxMind" in html  # the attribution its licence asks for
    disavow = run_cli(["disavow", "--db", str(tmp_path / "lv.db"), "--out", str(tmp_path / "disavow.txt"), "--keywords", KEYWORD])
    assert disavow.returncode == 0, disavow.stderr
    text = (tmp_path / "disavow.txt").read_text(encoding="utf-8")
    assert "domain:secnews0.com" in text and "subnet:127.0.0.0/24" in text
    assert "cdnsite" not in text


def test_xlsx_and_csv_carry_the_hosting_columns(web, tmp_path, hosted_web, ip_dbs):
    (urls, pins), _port = hosted_web
    dbs = ["--ip-db", ip_dbs[0], "--ip-db", ip_dbs[1]]
    _verify(tmp_path, urls, pins, dbs, out="out.xlsx")
    with zipfile.ZipFile(tmp_path / "out.xlsx") as book:  # strings inline: written in constant memory
        links = book.read("xl/worksheets/sheet1.xml").decode()
        domains = book.read("xl/worksheets/sheet2.xml").decode()
    for name in ("ip", "ip_network", "asn_org", "hosting_country", "127.0.0.0/24", "Example Hosting Ltd", ">RU<"):
        assert name in domains, name
    assert "page_asn_org" in links and "page_hosting_country" in links
    _verify(tmp_path, urls, pins, dbs, out="out.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig"))))
    assert (rows[0]["page_ip"], rows[0]["page_ip_network"], rows[0]["page_asn"], rows[0]["page_hosting_country"]) == \
        (HOSTED[0], "127.0.0.0/24", "64500", "RU")
    assert rows[6]["page_shared_host"] == "Cloudflare"


def test_without_a_database_ip_and_subnet_still_come(web, tmp_path, hosted_web):
    (urls, pins), _port = hosted_web
    run = _verify(tmp_path, urls, pins)
    page_fields = run.results[0]["page"]
    assert (page_fields["ip"], page_fields["ip_network"]) == (HOSTED[0], "127.0.0.0/24")
    assert page_fields["asn"] is None and page_fields["hosting_country"] is None


def test_a_host_that_does_not_resolve_gives_nulls_not_an_error(web, tmp_path):
    # Through the proxy (as a user behind one): the page is fetched, its host has no DNS record.
    web.add("http://blog.nowhere.invalid/post", page(f'<article>{ARTICLE_EN}<p><a href="{TARGET}">Acme</a></p></article>'))
    run = run_cli(["verify", "-", "--target", TARGET, "--db", str(tmp_path / "lv.db")], web, stdin="http://blog.nowhere.invalid/post\n",
                  no_proxy="")
    assert run.returncode == 0, run.stderr
    (result,) = run.results
    assert result["status"] == "live" and "Traceback" not in run.stderr
    assert all(result["page"][key] is None for key in ("ip", "ip_network", "asn", "asn_org", "hosting_country"))


def test_pages_at_an_ipv6_address_or_pinned_to_one_are_fetched_over_ipv6(web, tmp_path):
    # http://[::1]:port/ was invalid_url ("malformed host"); a host whose only address is IPv6 is
    # tests/test_dns.py's (it needs a name server); here one is pinned to it.
    port = web.also_on("::1")
    urls = [f"http://[::1]:{port}/post", f"http://v6only.example.org:{port}/post"]
    for url in urls:
        web.add(url, page(f'<article>{ARTICLE_EN}<p><a href="{TARGET}">Acme</a></p></article>'))
    run = _verify(tmp_path, urls, ["--resolve", "v6only.example.org:::1"])
    assert [(r["status"], r["page"]["ip"], r["page"]["ip_network"]) for r in run.results] == [("live", "::1", "::/48")] * 2
    assert web.arrivals and {address for _, address in web.arrivals} == {"::1"}


@pytest.mark.parametrize("bad", [["--ip-db", "missing.mmdb"], ["--ip-db", "list.txt"], ["--resolve", "no-address"]])
def test_a_bad_ip_db_or_resolve_exits_2_before_any_fetch(web, tmp_path, bad):
    (tmp_path / "list.txt").write_text("http://a.example.com/\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "crawler.cli", "verify", "list.txt", "--target", TARGET, "--db", "lv.db", *bad],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60,
                         env={"PYTHONPATH": str(__import__("tests.conftest").conftest.ROOT), "PATH": "/usr/bin:/bin",
                              "http_proxy": web.proxy_url})
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert bad[1] in run.stderr
    assert web.log == []
    assert json.dumps(run.stdout) == '""'
