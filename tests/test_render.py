"""--render: a link that only scripts add is found in headless Chromium (real
Chromium, real scrapy-playwright, through the local web as its proxy)."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ARTICLE_EN, page, run_cli

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="make test installs Chromium (make system-deps)")

TARGET = "http://www.acme-render.com/whitepaper"
SCRIPTED = f"""<article>{ARTICLE_EN}<p id="cite"></p></article>
<script>document.getElementById("cite").innerHTML = 'Read the <a href="' + "http://www.acme-render.com" + '/whitepaper">whitepaper</a>.';</script>"""


def build(web) -> list[str]:
    web.add(TARGET, page(ARTICLE_EN, "Whitepaper", "en"))
    pages = {
        "http://scripted.example/post": page(SCRIPTED, lang="en"),  # the link exists only once scripts run
        "http://served.example/post": page(f'<article>{ARTICLE_EN}<p><a href="{TARGET}">whitepaper</a></p></article>', lang="en"),
        "http://nolink.example/post": page(f"<article>{ARTICLE_EN}</article>", lang="en"),
    }
    for url, body in pages.items():
        web.add(url, body)
    return list(pages)


def verify(web, tmp_path, *extra):
    urls = build(web)
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n")
    run = run_cli(["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--db", str(tmp_path / "r.db"), "-q", *extra], web)
    assert run.returncode == 0, run.stderr[-3000:]
    return {r["source_url"]: r for r in run.results}


def test_render_finds_links_that_scripts_add(web, tmp_path):
    results = verify(web, tmp_path, "--render")
    scripted = results["http://scripted.example/post"]
    assert scripted["status"] == "live" and "js_link" in scripted["flags"]
    assert scripted["links"][0]["anchor_text"] == "whitepaper" and scripted["links"][0]["placement"] == "editorial"
    assert scripted["page"]["language"] == "en"
    served = results["http://served.example/post"]
    assert served["status"] == "live" and "js_link" not in served["flags"]
    nolink = results["http://nolink.example/post"]
    assert (nolink["status"], nolink["reason"]) == ("lost", "link_removed") and "js_link" not in nolink["flags"]
    # Only pages without the link as served go to Chromium: the served one is fetched once.
    assert web.log.count("served.example/post") == 1
    assert web.log.count("scripted.example/post") == 2 and web.log.count("nolink.example/post") == 2


def test_without_render_the_scripted_link_is_lost_but_flagged(web, tmp_path):
    results = verify(web, tmp_path)
    scripted = results["http://scripted.example/post"]
    assert (scripted["status"], scripted["reason"]) == ("lost", "link_removed")
    assert web.log.count("scripted.example/post") == 1


def test_render_without_chromium_is_a_clear_error(web, tmp_path, monkeypatch):
    (tmp_path / "list.txt").write_text("http://served.example/post\n")
    run = run_cli(["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--render"], web,
                  env={"LINKVERIFIER_CHROMIUM": "", "PATH": "/nonexistent", "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path)})
    assert run.returncode == 2 and "--render needs Chromium" in run.stderr
