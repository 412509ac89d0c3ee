"""Footprints, networks, anchor classes, risk and the disavow file."""

from __future__ import annotations

import re

import pytest

from crawler.reports.disavow import DisavowError, Entry, read_disavow, render_disavow
from extract.document import parse_html
from extract.footprints import page_footprints
from scoring.anchors import anchor_class, brand_terms
from scoring.networks import find_networks
from scoring.risk import link_risk
from tests.conftest import ARTICLE_EN, page, run_cli

TRACKING = """<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9"></script>
<script>gtag('config', 'UA-1234567-1'); fbq('init', '123456789012345');</script>
<script>(function(c,l,a,r,i,t,y){})(window, document, "clarity", "script", "abcd1234ef");</script>
<ins class="adsbygoogle" data-ad-client="ca-pub-1234567890123456"></ins>
<meta name="generator" content="WordPress 6.4.2"><link rel="stylesheet" href="/wp-content/themes/Astra/style.css">"""


def test_footprints():
    source = f"<html><head>{TRACKING}</head><body>" + "<div class='x'><p>t</p></div>" * 10 + "</body></html>"
    found = page_footprints(parse_html(source), source)
    assert found["ga"] == ["G-ABC123XYZ9", "UA-1234567-1"]
    assert found["adsense"] == ["pub-1234567890123456"] and found["fb_pixel"] == ["123456789012345"]
    assert found["clarity"] == ["abcd1234ef"] and found["generator"] == "wordpress 6.4.2" and found["theme"] == "astra"
    assert len(found["template"]) == 16
    assert page_footprints(parse_html("<p>plain</p>"), "<p>plain</p>") == {}


def test_networks_need_three_domains_and_a_strong_footprint():
    prints = {
        "a.com": {"ga": ["UA-1-1"], "theme": "astra"}, "b.com": {"ga": ["UA-1-1"], "theme": "astra"},
        "c.com": {"adsense": ["pub-9"], "ga": ["UA-1-1"]}, "d.com": {"adsense": ["pub-9"]},
        "e.com": {"theme": "astra", "template": "t1"}, "f.com": {"theme": "astra", "template": "t1"}, "g.com": {"template": "t1"},
        "h.com": {"gtm": ["GTM-XYZ12"]}, "i.com": {"gtm": ["GTM-XYZ12"]},
    }
    networks = find_networks(prints)
    assert [n["domains"] for n in networks] == [["a.com", "b.com", "c.com", "d.com"]]
    assert networks[0]["shared"]["ga:UA-1-1"] == ["a.com", "b.com", "c.com"]
    assert networks[0]["evidence"]["theme:astra"] == ["a.com", "b.com"]


@pytest.mark.parametrize("anchor, kind, expected", [
    ("Acme Secure", "text", "brand"), ("acmesecure.com", "text", "url"), ("https://acme-secure.com/x", "text", "url"),
    ("zero-day whitepaper", "text", "exact"), ("best zero-day whitepaper 2026", "text", "partial"),
    ("click here", "text", "generic"), ("hier klicken", "text", "generic"), ("ここ", "text", "generic"),
    ("cover", "image", "image"), ("a great read", "text", "other"), ("", "text", "other"),
])
def test_anchor_classes(anchor, kind, expected):
    assert anchor_class(anchor, kind, brand_terms("acme-secure.com"), ["zero-day whitepaper"]) == expected


def _result(**page_fields):
    return {"source_url": "http://blog.example.de/a", "status": "live", "flags": [], "topical_fit": page_fields.pop("fit", 0.8),
            "links": [{"anchor_text": page_fields.pop("anchor", "guide"), "context": "", "placement": "editorial"}],
            "page": {"title": page_fields.pop("title", "A post"), "language": "de", "word_count": 600, **page_fields}}


def test_risk_reasons():
    assert link_risk(_result(), in_network=False, market_languages={"en"}, anchor_class="other") == (0.0, [])
    score, reasons = link_risk(_result(fit=0.1, word_count=80), in_network=True, market_languages={"en"}, anchor_class="exact")
    assert reasons == ["network", "off_topic_foreign", "thin_content", "exact_match_anchor"] and score == 1.0
    # Foreign but on topic is not risky.
    assert link_risk(_result(fit=0.9), in_network=False, market_languages={"en"}, anchor_class="brand")[1] == []
    assert "link_selling" in link_risk(_result(title="Best casino bonus"), in_network=False, market_languages={"de"}, anchor_class=None)[1]


def test_disavow_format(tmp_path):
    text = render_disavow([Entry("domain:spam.example", "risk 0.9: network"), Entry("domain:xn--bcher-kva.de", "x")],
                          ["http://old.example/page"], "2026-11-24T00:00:00Z")
    lines = text.splitlines()
    assert lines[0].startswith("#") and "domain:spam.example" in lines and "http://old.example/page" in lines
    assert all(line.startswith("#") or line.startswith("domain:") or line.startswith("http") for line in lines)
    (tmp_path / "keep.txt").write_text("# mine\ngood.example\ndomain:Friend.example\nhttp://a.example/x\n", encoding="utf-8")
    assert read_disavow(str(tmp_path / "keep.txt")) == ["domain:good.example", "domain:friend.example", "http://a.example/x"]
    (tmp_path / "bad.txt").write_text("not a url at all\n", encoding="utf-8")
    with pytest.raises(DisavowError):
        read_disavow(str(tmp_path / "bad.txt"))
    # A name as browsers resolve it (IDNA 2008: fußball.de is not fussball.de); one no IDNA can write is
    # the file's fault in one line (it was a UnicodeError traceback).
    (tmp_path / "idn.txt").write_text("domain:fußball.de\nbücher.de\n", encoding="utf-8")
    assert read_disavow(str(tmp_path / "idn.txt")) == ["domain:xn--fuball-cta.de", "domain:xn--bcher-kva.de"]
    for bad in ("domain:bücher..de", "domain:" + "ü" * 70 + ".de", "ü..de"):
        (tmp_path / "bad.txt").write_text(bad + "\n", encoding="utf-8")
        with pytest.raises(DisavowError, match="bad.txt:1: not a URL or domain"):
            read_disavow(str(tmp_path / "bad.txt"))


TARGET = "http://www.acme-secure.com/whitepaper/zero-day/"
NETWORK = [f"http://www.cheap-links-{i}.net/post" for i in range(6)]


def network_page(i: int) -> str:
    return page(f"<script>gtag('config', 'UA-7777777-1');</script><article><p>Best online casino bonus offers and "
                f"betting tips for {2026 + i}. Win big with our slot reviews and poker strategy guides.</p>"
                f'<p><a href="{TARGET}">zero-day whitepaper</a></p></article>', lang="en")


# Good editorial links in two languages, on the target's topic.
GOOD_PAGES = {
    "http://www.security-blog.org/zero-day": page(f'<article>{ARTICLE_EN}<p>Read the <a href="{TARGET}">Acme whitepaper</a>.</p></article>', lang="en"),
    "http://www.sicherheit-news.de/zero-day": page(
        "<article><p>Zero-Day-Schwachstellen sind Sicherheitslücken, die den Herstellern der Software noch nicht "
        "bekannt sind. Angreifer nutzen diese Exploits aus, bevor ein Patch existiert, und Sicherheitsteams müssen "
        f'schnell reagieren.</p><p>Siehe das <a href="{TARGET}">Whitepaper von Acme Secure</a>.</p></article>', lang="de"),
}


def test_disavow_names_the_network_and_no_good_link(web, tmp_path):
    good = GOOD_PAGES
    web.add(TARGET, page(ARTICLE_EN, "Whitepaper", "en"))
    for url, body in good.items():
        web.add(url, body)
    for i, url in enumerate(NETWORK):
        web.add(url, network_page(i))
    hostile = "http://spam-directory.xyz/links"
    web.add(hostile, page(f'<ul>{"".join(f"<li><a href=http://site{i}.example/>s{i}</a></li>" for i in range(120))}'
                          f'<li><a href="{TARGET}">cheap links security</a></li></ul>'))
    urls = list(good) + NETWORK + [hostile]
    db = tmp_path / "p.db"
    run = run_cli(["verify", "-", "--target", TARGET, "--db", str(db)], web, stdin="\n".join(urls) + "\n")
    assert run.returncode == 0 and all(r["status"] == "live" for r in run.results), run.stderr
    (tmp_path / "keep.txt").write_text("domain:cheap-links-5.net\n", encoding="utf-8")
    (tmp_path / "old.txt").write_text("# old\ndomain:previous.example\n", encoding="utf-8")
    out = tmp_path / "disavow.txt"
    result = run_cli(["disavow", "--db", str(db), "--out", str(out), "--keep", str(tmp_path / "keep.txt"),
                      "--merge", str(tmp_path / "old.txt"), "--keywords", "zero-day whitepaper"])
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    entries = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert {f"domain:cheap-links-{i}.net" for i in range(5)} <= set(entries)
    assert "domain:cheap-links-5.net" not in entries  # --keep wins
    assert "domain:spam-directory.xyz" in entries and "domain:previous.example" in entries
    assert not any("security-blog" in e or "sicherheit" in e for e in entries)
    assert all(re.fullmatch(r"domain:[a-z0-9.-]+|https?://\S+", e) for e in entries)
    assert "+ domain:cheap-links-0.net" in result.stderr


def test_good_links_are_good_despite_minor_reasons():
    from scoring.risk import is_good

    result = _result(fit=0.8, word_count=100)
    assert is_good(result, ["thin_content"])
    assert not is_good(result, ["network"])
    assert not is_good(_result(fit=0.3), [])


def test_velocity_spikes():
    from datetime import date

    from scoring.velocity import spikes, week_of, weekly_counts

    weeks = [week_of(d) for d in ["2026-01-05", "2026-01-14", "2026-02-02"] + ["2026-03-02T10:00:00Z"] * 6 + ["2026-03-09"]]
    series = weekly_counts(weeks)
    assert series[date(2026, 1, 19)] == 0 and len(series) == 10
    assert spikes(series) == [date(2026, 3, 2)]
    assert week_of("not a date") is None and spikes({}) == []


def test_summary_spikes_per_language_and_country():
    from crawler.reports.profile import LinkVerdict, Profile
    from crawler.reports.summary import summarize

    def verdict(domain, language, country, first_seen):
        result = {"source_url": f"http://{domain}/", "target": "acme.com", "status": "live", "follow": True, "topical_fit": 0.5,
                  "links": [{"placement": "editorial"}], "page": {"language": language, "country": country}, "input": {"First seen": first_seen}}
        return LinkVerdict(result, domain, "brand", 0.0, [], True)

    links = [verdict(f"en{i}.com", "en", None, f"2026-0{1 + i % 3}-05") for i in range(6)]
    links += [verdict(f"ru{i}.ru", "ru", "RU", "2026-04-06") for i in range(5)]
    figures = summarize(Profile(links=links, market_languages={"en"}))
    assert [str(w) for w in figures.velocity_by_language["ru"].spikes] == ["2026-04-06"]
    assert [str(w) for w in figures.velocity_by_country["RU"].spikes] == ["2026-04-06"]
    assert figures.velocity_by_language["en"].spikes == []
    assert figures.domains == 11 and round(figures.same_language_share, 2) == 0.55
