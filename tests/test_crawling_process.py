"""The crawling process stays light: page analysis (trafilatura, scikit-learn,
langdetect and the models, ~110 MB) is imported by the analysis workers only.

Scrapy imports every spider module when a crawl starts, so one careless
import in any spider puts all of it into the crawling process (it did once,
through the hreflang spider). This runs real `verify` and `hreflang` crawls,
each in its own Python process, and then looks at what that process imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from tests.conftest import ARTICLE_EN, ROOT, page

ANALYSIS_LIBRARIES = ["langdetect", "numpy", "scipy", "sklearn", "trafilatura"]

SCRIPT = textwrap.dedent("""
    import json, sys
    from crawler.cli import main
    try:
        main(json.loads(sys.argv[1]), standalone_mode=False)
    except SystemExit as exc:
        assert not exc.code, exc.code
    print(json.dumps(sorted(name for name in json.loads({libraries!r}) if name in sys.modules)))
""")


def test_analysis_libraries_stay_out_of_the_crawling_process(web, tmp_path):
    target = "http://www.acme-light.com/whitepaper"
    web.add(target, page(ARTICLE_EN, "Whitepaper", "en"))
    web.add("http://blog.example/post", page(f'<article>{ARTICLE_EN}<p>See the <a href="{target}">whitepaper</a>.</p></article>', lang="en"))
    web.add("http://www.acme-light.com/", page('<p><a href="/whitepaper">paper</a></p>', lang="en",
                                               head='<link rel="alternate" hreflang="en" href="/">'))
    (tmp_path / "list.txt").write_text("http://blog.example/post\n")
    verify = ["verify", str(tmp_path / "list.txt"), "--target", target, "--db", str(tmp_path / "v.db"),
              "--out", str(tmp_path / "v.jsonl"), "-q"]
    hreflang = ["hreflang", "http://www.acme-light.com/", "--db", str(tmp_path / "h.db"), "--out", str(tmp_path / "h.jsonl"), "-q"]
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "no_proxy")}
    env.update(http_proxy=web.proxy_url, no_proxy="", PYTHONPATH=str(ROOT))
    script = SCRIPT.format(libraries=json.dumps(ANALYSIS_LIBRARIES))
    imported = {}
    for args in (verify, hreflang):
        done = subprocess.run([sys.executable, "-c", script, json.dumps(args)], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        imported[args[0]] = json.loads(done.stdout.splitlines()[-1])
    # The crawls really analysed pages (in the workers) ...
    result = json.loads((tmp_path / "v.jsonl").read_text().splitlines()[0])
    assert result["status"] == "live" and result["page"]["language"] == "en"
    pages = [json.loads(line) for line in (tmp_path / "h.jsonl").read_text().splitlines()]
    assert pages, "the hreflang crawl wrote nothing"
    # ... and neither crawling process imported the analysis.
    assert imported == {"verify": [], "hreflang": []}
