"""The report at the size of a real profile (#27): tables drawn from data, only the rows in view in the DOM,
sorting and filtering right on every row, crawled strings inert. Timed in `make bench-report`, asserted here
for correctness only, on a generated database written through the store."""

from __future__ import annotations

import json
import sqlite3

import pytest

from bench.chromium import evaluate_in_chromium
from bench.profile_db import build
from tests.conftest import run_cli

LINKS = 3000


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scale")
    db = build(tmp / "profile.db", LINKS)
    run = run_cli(["report", "--db", str(db), "--out", str(tmp / "report.html")])
    assert run.returncode == 0, run.stderr
    with sqlite3.connect(db) as connection:
        results = [json.loads(r) for (r,) in connection.execute("SELECT result FROM checks ORDER BY id")]
    return tmp / "report.html", results


def _in_chromium(path, script: str):
    result, errors, _ready = evaluate_in_chromium(path, script)
    return result, errors


SCRIPT = """() => {
    const table = document.getElementById('links'), box = table.parentNode;
    const column = label => [...table.tHead.rows[0].cells].findIndex(th => th.textContent === label);
    const visible = index => [...table.tBodies[0].rows].filter(r => r.className === 'vr').map(r => r.cells[index].textContent);
    const out = {rows_in_dom: table.tBodies[0].rows.length, count: document.getElementById('links-count').textContent};
    const fit = column('fit');
    table.tHead.rows[0].cells[fit].click();  // ascending
    table.tHead.rows[0].cells[fit].click();  // descending
    out.fit_desc = visible(fit);
    box.scrollTop = box.scrollHeight; box.dispatchEvent(new Event('scroll'));
    out.fit_desc_end = visible(fit);
    const q = document.getElementById('q');
    q.value = 'site12-example'; q.dispatchEvent(new Event('input'));
    out.filtered_count = document.getElementById('links-count').textContent;
    out.filtered_urls = visible(0);
    document.getElementById('status').value = 'lost'; document.getElementById('status').dispatchEvent(new Event('change'));
    out.lost_statuses = visible(column('status'));
    out.pwned = document.body.dataset.pwned || null;
    out.images = document.querySelectorAll('img').length;
    out.hostile_shown = [...document.querySelectorAll('#links td')].some(td => td.textContent.includes('<img src=x'));
    return out;
}"""


def test_tables_sort_filter_and_scroll_on_every_row(report):
    path, results = report
    out, errors = _in_chromium(path, SCRIPT)
    assert errors == []
    assert out["rows_in_dom"] < 200 and out["count"] == f"{LINKS:,} rows"  # virtual: the rows in view, not 3,000
    fits = [float(v) for v in out["fit_desc"] if v]
    assert fits == sorted(fits, reverse=True) and fits[0] == max(r["topical_fit"] for r in results if r["topical_fit"] is not None)
    assert all(v == "" for v in out["fit_desc_end"])  # the end of a descending sort: rows with no fit
    expected = [r for r in results if "site12-example" in r["source_url"]]
    assert out["filtered_count"] == f"{len(expected)} of {LINKS:,} rows"
    assert all("site12-example" in url for url in out["filtered_urls"])
    assert out["lost_statuses"] and all(s.startswith("lost") for s in out["lost_statuses"])
    assert out["pwned"] is None and out["images"] == 0


def test_hostile_strings_are_text(report):
    path, _results = report
    html = path.read_text(encoding="utf-8")
    assert "<img src=x" not in html and "onerror" not in html  # the data travels packed, never as markup
    out, errors = _in_chromium(path, """() => {
        const q = document.getElementById('q');
        q.value = '<img src=x'; q.dispatchEvent(new Event('input'));
        return {shown: [...document.querySelectorAll('#links td')].filter(td => td.textContent.includes('<img src=x')).length,
                images: document.querySelectorAll('img').length, pwned: document.body.dataset.pwned || null};
    }""")
    assert errors == [] and out["shown"] > 0 and out["images"] == 0 and out["pwned"] is None
