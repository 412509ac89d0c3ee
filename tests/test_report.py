"""The profile report, rendered in headless Chromium: it loads, its charts and tables are there,
and markup or script carried by a crawled page runs none of it."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from lxml import html as lxml_html

from tests.conftest import ARTICLE_EN, page, run_cli
from tests.test_profile import GOOD_PAGES, NETWORK, TARGET, network_page

HOSTILE_TITLE = "&lt;script&gt;document.body.dataset.pwned='title'&lt;/script&gt;"
HOSTILE_ANCHOR = "&lt;img src=x onerror=\"document.body.dataset.pwned='anchor'\"&gt;"


def chromium_dom(path) -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    completed = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={path.parent / 'chromium-profile'}", "--virtual-time-budget=2000", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from crawler.demo.localweb import LocalWeb

    tmp = tmp_path_factory.mktemp("report")
    with LocalWeb() as web:
        web.add(TARGET, page(ARTICLE_EN, "Whitepaper", "en", head='<link rel="alternate" hreflang="de" href="http://www.acme-secure.com/de/">'))
        good = GOOD_PAGES
        for url, body in good.items():
            web.add(url, body)
        for i, url in enumerate(NETWORK):
            web.add(url, network_page(i))
        partner = [f"http://www.partner-shop.com/p{i}" for i in range(3)]
        for url in partner:
            web.add(url, page(f"<article>{ARTICLE_EN}</article><footer>Partner: <a href='{TARGET}'>Acme Secure</a></footer>"))
        hostile = "http://www.hostile.example.org/x"
        web.add(hostile, page(f'<article><p>{HOSTILE_ANCHOR} text</p><p><a href="{TARGET}">{HOSTILE_ANCHOR}</a></p></article>', title=HOSTILE_TITLE))
        urls = list(good) + NETWORK + partner + [hostile]
        db = tmp / "profile.db"
        verify = run_cli(["verify", "-", "--target", TARGET, "--db", str(db), "--out", str(tmp / "links.csv")], web, stdin="\n".join(urls) + "\n")
        assert verify.returncode == 0, verify.stderr
        # Engagement per referring domain, from an analytics export read by `referrers`.
        export = tmp / "ga4.csv"
        export.write_text("# GA4\nPage referrer,Sessions,Engaged sessions,Conversions\nhttp://www.security-blog.org/zero-day,42,30,2\n")
        referrers = run_cli(["referrers", str(export), "--target", TARGET, "--db", str(db)], web)
        assert referrers.returncode == 0, referrers.stderr
    out = tmp / "report.html"
    run = run_cli(["report", "--db", str(db), "--out", str(out), "--market", "en-US"])
    assert run.returncode == 0, run.stderr
    return {"html": out.read_text(encoding="utf-8"), "dom": chromium_dom(out), "urls": urls, "tmp": tmp}


def test_report_loads_and_our_script_runs(report):
    assert 'data-ready="1"' in report["dom"]


def test_nothing_injected_runs(report):
    dom = report["dom"]
    assert "data-pwned" not in dom
    tree = lxml_html.fromstring(dom)
    assert not tree.xpath("//img[@src='x']")
    assert len(tree.xpath("//script[not(@type='application/gzip+base64')]")) == 1  # ours, and only ours; the other is data
    # The hostile title reaches the page only as data: escaped in the HTML, \u003c-escaped in the tables' JSON,
    # drawn with textContent (its text is in the DOM, as text).
    html = report["html"]
    assert "<script>document.body" not in html and "<img src=x" not in html
    assert any("<script>document.body.dataset.pwned" in text for text in tree.xpath("//table[@id='links']//text()"))


def test_charts_and_tables_are_there(report):
    tree = lxml_html.fromstring(report["dom"])
    for chart in ("languages", "countries", "anchors", "fit", "placement", "velocity"):
        assert tree.xpath(f"//svg[@id='{chart}']"), chart
    assert len(tree.xpath("//table[@id='links']/tbody/tr[@class='vr']")) == len(report["urls"])
    assert len(tree.xpath("//div[@id='cards']/div")) == 8
    assert tree.xpath("//div[@id='cards']/div[b='1']/span/text()") == ["network"]  # 1 network, not 1 networks
    assert tree.xpath("//table[@id='anchors-by-language']//td[text()='de']")
    members = tree.xpath("//table[@id='networks']//span[@class='tag']/text()")
    assert sorted(members) == sorted(f"cheap-links-{i}.net" for i in range(6))
    localization = " ".join(" ".join(tree.xpath("//ul[@id='localization']//text()")).split())
    assert "1 referring domain writes in de ; you have a de page: point them to http://www.acme-secure.com/de/" in localization


def test_csv_has_no_formula_cells(report):
    text = (report["tmp"] / "links.csv").read_text(encoding="utf-8")
    assert not re.search(r'(^|,)"?[=+\-@]', text, re.MULTILINE)


def test_partner_footer_links_are_sitewide(report):
    tree = lxml_html.fromstring(report["dom"])
    rows = [r for r in tree.xpath("//table[@id='links']/tbody/tr[@class='vr']") if "partner-shop" in r.text_content()]
    assert len(rows) == 3 and all("sitewide" in r.text_content() for r in rows)


def test_nothing_spills_out_of_its_card(report):
    """At a laptop's width and at 800 px, every table fits its section or scrolls inside it, the page itself
    never scrolls sideways (the anchor table once ran past the edge of its card), and every chart card fits
    its chart with its counts: none scrolls sideways (each once did at 1,300 px and cut its counts off)."""
    import asyncio

    from playwright.async_api import async_playwright

    from crawler.render import CHROMIUM_ARGS, chromium_path

    async def measure(width: int):
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + ["--no-sandbox"])
            try:
                tab = await browser.new_page(viewport={"width": width, "height": 900})
                await tab.goto((report["tmp"] / "report.html").as_uri())
                return await tab.evaluate("""() => ({
                    page: document.documentElement.scrollWidth - window.innerWidth,
                    spilled: [...document.querySelectorAll('section table')].filter(table => {
                        const section = table.closest('section');
                        const scrolls = getComputedStyle(section).overflowX === 'auto';
                        return !scrolls && table.getBoundingClientRect().right > section.getBoundingClientRect().right + 1;
                    }).length,
                    cards_scrolling: [...document.querySelectorAll('.grid > section')]
                        .filter(card => card.scrollWidth > card.clientWidth + 1).map(card => card.querySelector('h2').textContent),
                    counts_cut: [...document.querySelectorAll('svg.chart')].filter(chart => {
                        const box = chart.getBoundingClientRect();
                        return [...chart.querySelectorAll('text')].some(text => text.getBoundingClientRect().right > box.right + 1);
                    }).map(chart => chart.id),
                    charts: document.querySelectorAll('.grid svg.chart').length,
                })""")
            finally:
                await browser.close()

    for width in (1300, 800):
        layout = asyncio.run(measure(width))
        assert layout["charts"] >= 5, layout
        assert {key: layout[key] for key in ("page", "spilled", "cards_scrolling", "counts_cut")} == \
            {"page": 0, "spilled": 0, "cards_scrolling": [], "counts_cut": []}, (width, layout)


def test_every_header_of_every_sortable_table_sorts_its_own_column(report):
    """Click each header in Chromium: no script error, and that table's rows come out ordered by that column."""
    import asyncio

    from playwright.async_api import async_playwright

    from crawler.render import CHROMIUM_ARGS, chromium_path

    async def click_all():
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + ["--no-sandbox"])
            try:
                tab = await browser.new_page(viewport={"width": 1300, "height": 900})
                errors = []
                tab.on("pageerror", lambda error: errors.append(str(error)))
                await tab.goto((report["tmp"] / "report.html").as_uri())
                outcomes = []
                tables = await tab.query_selector_all("table.sortable")
                for t, table in enumerate(tables):
                    headers = await table.query_selector_all("thead th")
                    for column, header in enumerate(headers):
                        for _direction in ("asc", "desc"):
                            await header.click()
                            outcomes.append(await tab.evaluate("""([t, column]) => {
                                const table = document.querySelectorAll('table.sortable')[t];
                                const th = table.tHead.rows[0].cells[column];
                                const values = [...table.tBodies[0].rows].filter(row => !row.classList.contains('spacer')).map(row => {
                                    const cell = row.cells[column];
                                    return cell ? (cell.dataset.v !== undefined ? cell.dataset.v : cell.textContent.trim()) : '';
                                });
                                const compare = (x, y) => {
                                    const nx = parseFloat(x), ny = parseFloat(y);
                                    return (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
                                };
                                const sign = th.dataset.dir === 'asc' ? 1 : -1;
                                const ordered = values.every((v, i) => i === 0 || sign * compare(values[i - 1], v) <= 0);
                                return {table: t, column, dir: th.dataset.dir, values, ordered};
                            }""", [t, column]))
                return outcomes, errors, len(tables)
            finally:
                await browser.close()

    outcomes, errors, tables = asyncio.run(click_all())
    assert errors == []
    assert tables >= 2 and len(outcomes) >= 2 * tables

    for outcome in outcomes:
        assert outcome["ordered"], outcome
    # Each header sorts ascending, then descending on the next click.
    assert [o["dir"] for o in outcomes[:2]] == ["asc", "desc"]


def test_referring_domains_velocity_and_wording(report):
    tree = lxml_html.fromstring(report["dom"])
    header = " ".join(tree.xpath("//header/div/text()"))
    assert re.match(r"\d+ live links? from \d+ referring domains? ", header), header
    rows = {r.xpath("td[1]/text()")[0]: r for r in tree.xpath("//table[@id='domains']/tbody/tr[@class='vr']")}
    assert len(rows) == len({re.sub(r"^https?://(www\.)?([^/]+).*", r"\2", u) for u in report["urls"]})
    network = [rows[f"cheap-links-{i}.net"] for i in range(6)]
    # columns: domain, links, verdict, risk, lang, country, IP, /24, ASN org, hosted in, in disavow file, …
    assert all(r.xpath("td[3]//text()") == ["disavow"] and r.xpath("td[11]/text()") == ["yes"] for r in network)
    blog = rows["security-blog.org"]
    assert blog.xpath("td[3]//text()") == ["good"] and blog.xpath("td[11]/text()") == ["no"]
    assert [t.strip() for t in blog.xpath("td[position() >= 12]/text()")] == ["42", "30", "2"]
    assert tree.xpath("//svg[@id='velocity']//text[@class='axis']") and tree.xpath("//svg[@id='velocity']//text[@class='week']")
    assert "qualified (rel nofollow, sponsored or ugc" in " ".join(tree.xpath("//p[@id='qualified-note']//text()"))
    domains = tree.xpath("//table[@id='localization-domains']/tbody/tr/td[1]/text()")
    assert domains and len(domains) == len(set(domains)), "one row per referring domain"


def test_a_large_network_names_its_first_members_and_counts_the_rest(tmp_path):
    from crawler.reports.html_report import MEMBERS_SHOWN, render_report
    from crawler.reports.profile import Profile

    members = [f"blog{i:03d}.example" for i in range(MEMBERS_SHOWN + 12)]
    network = {"domains": members, "shared": {"ga:G-7": members}, "evidence": {"theme:cheap": members[:5]}}
    tree = lxml_html.fromstring(render_report(Profile(networks=[network]), str(tmp_path / "none.db"), "now"))
    row = tree.xpath("//table[@id='networks']/tbody/tr")[0]
    assert row.xpath("td[2]/span[@class='tag']/text()") == members[:MEMBERS_SHOWN]
    assert row.xpath("td[1]/text()") == [str(len(members))]
    for cell in (row.xpath("td[2]")[0], row.xpath("td[3]")[0]):
        assert "and 12 more" in cell.text_content()
        assert members[MEMBERS_SHOWN] not in cell.text_content()
    assert row.xpath("td[4]")[0].text_content() == "theme:cheap: " + ", ".join(members[:5])


def test_market_as_a_locale_is_the_same_market_and_a_wrong_one_exits_2(report):
    """"en_US" (a locale's spelling) was read as the language "en_us", no page's: every link was off-market."""
    db = report["tmp"] / "profile.db"
    written = {}
    for market in ("en-US", "en_US", "EN"):
        out = report["tmp"] / f"disavow-{market}.txt"
        run = run_cli(["disavow", "--db", str(db), "--out", str(out), "--market", market])
        assert run.returncode == 0, run.stderr
        written[market] = [line for line in out.read_text(encoding="utf-8").splitlines() if not line.startswith("# Disavow file written")]
    assert written["en_US"] == written["en-US"] == written["EN"]
    out = report["tmp"] / "report-locale.html"
    assert run_cli(["report", "--db", str(db), "--out", str(out), "--market", "en_US"]).returncode == 0
    share = re.compile(r"(\d+%)</[^>]+>\s*<[^>]+>same language as market")
    assert share.search(out.read_text(encoding="utf-8")).group(1) == share.search(report["html"]).group(1) != "0%"
    for wrong in ("xx-YY", "x-default", ""):
        run = run_cli(["disavow", "--db", str(db), "--out", str(report["tmp"] / "no.txt"), "--market", wrong])
        assert run.returncode == 2 and "--market" in run.stderr and "Traceback" not in run.stderr, run.stderr
