"""--render: a link that only scripts add is found in headless Chromium (real
Chromium, real scrapy-playwright, through the local web as its proxy)."""

from __future__ import annotations

import json
import os
import shutil
import signal

import pytest

from tests.conftest import ARTICLE_EN, page, run_cli, start

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


ARTICLE_DE = ("<p>Zero-Day-Schwachstellen sind Sicherheitslücken, die der Hersteller noch nicht kennt, sodass es keinen "
              "Patch gibt, wenn Angreifer beginnen, sie auszunutzen. Sicherheitsteams müssen Angriffsversuche erkennen, "
              "betroffene Systeme isolieren und virtuelle Patches einspielen, bis der Hersteller eine Korrektur liefert.</p>")


def test_discover_with_render_finds_a_link_scripts_add(web, tmp_path):
    web.add(TARGET, page(ARTICLE_EN, "Whitepaper", "en"))
    web.add("http://jsblog.example/", page('<nav><a href="/post">Latest post</a></nav>', lang="en"))
    web.add("http://jsblog.example/post", page(SCRIPTED, lang="en"))
    found = {}
    for mode, extra in (("served", []), ("rendered", ["--render"])):
        run = run_cli(["discover", "http://jsblog.example/", "--target", TARGET, "--db", str(tmp_path / f"{mode}.db"), "-q",
                       *extra], web)
        assert run.returncode == 0, run.stderr[-3000:]
        found[mode] = {r["source_url"]: r for r in run.results}
    assert found["served"] == {}
    post = found["rendered"]["http://jsblog.example/post"]
    assert post["status"] == "live" and "js_link" in post["flags"]


def test_hreflang_with_render_reads_alternates_scripts_add(web, tmp_path):
    site = "http://jshl.example"
    tags = (f'<link rel="alternate" hreflang="en" href="{site}/"><link rel="alternate" hreflang="de" href="{site}/de/">'
            f'<link rel="alternate" hreflang="x-default" href="{site}/">')
    injected = f"<script>document.head.insertAdjacentHTML('beforeend', '{tags}');</script>"
    web.add(f"{site}/", page(ARTICLE_EN + '<p><a href="/de/">Deutsch</a></p>', "Home", "en", head=injected))
    web.add(f"{site}/de/", page(ARTICLE_DE + '<p><a href="/">English</a></p>', "Start", "de", head=tags))
    codes = {}
    for mode, extra in (("served", []), ("rendered", ["--render"])):
        out = tmp_path / f"{mode}.jsonl"
        run = run_cli(["hreflang", f"{site}/", "--db", str(tmp_path / f"{mode}.db"), "--out", str(out), "-q", *extra], web)
        assert run.returncode == 0, run.stderr[-3000:]
        codes[mode] = {issue["code"] for issue in map(json.loads, out.read_text().splitlines())}
    # As served, the English page names no alternates, so the German one's links are not returned ...
    assert "missing_return_link" in codes["served"]
    # ... while Chromium sees the tags the script adds, and the cluster is whole.
    assert "missing_return_link" not in codes["rendered"]


def test_queue_workers_render_too(web, tmp_path, redis_url):
    urls = build(web)
    (tmp_path / "list.txt").write_text("\n".join(urls) + "\n")
    out = tmp_path / "out.jsonl"
    coordinator = start(["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--queue", redis_url,
                         "--db", str(tmp_path / "q.db"), "--out", str(out), "-q"], web)
    worker = start(["worker", "--queue", redis_url, "--render", "-q"], web)
    try:
        _, stderr = coordinator.communicate(timeout=180)
    finally:
        for process in (worker, coordinator):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    assert coordinator.returncode == 0, stderr[-3000:]
    results = {r["source_url"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert results["http://scripted.example/post"]["status"] == "live" and "js_link" in results["http://scripted.example/post"]["flags"]
    assert results["http://served.example/post"]["status"] == "live"
    assert results["http://nolink.example/post"]["reason"] == "link_removed"


def test_a_page_chromium_cannot_load_in_time_keeps_its_verdict_as_served(web, tmp_path):
    web.add(TARGET, page(ARTICLE_EN, "Whitepaper", "en"))
    # Served at once, but its script never arrives within --timeout: the browser's "load" never comes.
    web.add("http://slow.example/post", page(f'<article>{ARTICLE_EN}</article><script src="/slow.js"></script>', lang="en"))
    web.add("http://slow.example/slow.js", "void 0;", headers={"Content-Type": "application/javascript"}, delay=6)
    (tmp_path / "list.txt").write_text("http://slow.example/post\n")
    run = run_cli(["verify", str(tmp_path / "list.txt"), "--target", TARGET, "--render", "--timeout", "2",
                   "--db", str(tmp_path / "r.db")], web)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (run.results[0]["status"], run.results[0]["reason"]) == ("lost", "link_removed")
    assert "rendering http://slow.example/post failed" in run.stderr and "Traceback" not in run.stderr


def test_kill9_during_render_leaves_no_chromium_or_worker_behind(web, tmp_path):
    """Chromium, its Playwright driver and the analysis processes all end with a verify killed by SIGKILL."""
    import time

    from bench.proctree import live_cmdline, tree_pids

    urls = build(web)
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(urls * 10) + "\n")
    process = start(["verify", str(listing), "--target", TARGET, "--render", "--db", str(tmp_path / "db.sqlite"),
                     "--out", str(tmp_path / "out.jsonl")], web)
    deadline = time.monotonic() + 60
    seen: set[int] = set()
    while time.monotonic() < deadline:  # wait until Chromium runs under it
        seen |= set(tree_pids(process.pid))
        if any("chrom" in live_cmdline(pid) for pid in seen):
            break
        time.sleep(0.2)
    assert any("chrom" in live_cmdline(pid) for pid in seen), "Chromium never started"
    settle = time.monotonic() + 2
    while time.monotonic() < settle:  # its renderer and helper processes too
        seen |= set(tree_pids(process.pid))
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    time.sleep(10)
    left = [f"{pid} {live_cmdline(pid)[:80]}" for pid in seen - {process.pid} if live_cmdline(pid)]
    assert left == []
