"""``linkverifier report``: one self-contained HTML file about the backlink profile.

Works offline: no CDN, charts are inline SVG drawn here, the only script is
ours (table sorting and filtering) and a Content-Security-Policy with a
per-report nonce forbids any other. Every string that came from a crawled
page is HTML-escaped, and only http(s) URLs become links.
"""

from __future__ import annotations

import html
import secrets
import sqlite3
from collections import Counter, defaultdict

from crawler.reports.profile import Profile
from crawler.store.database import History
from scoring.profile_summary import summarize
from scoring.triage import VERDICTS

__all__ = ["render_report"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}
main{padding:20px 28px;max-width:1400px}section{background:#fff;border-radius:8px;padding:16px 20px;margin:0 0 18px;box-shadow:0 1px 2px #0001;min-width:0;overflow-x:auto}
h2{font-size:16px;margin:0 0 12px}.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:18px}
.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:140px;box-shadow:0 1px 2px #0001}
.card b{display:block;font-size:22px}.card span{color:#5b6475;font-size:12px}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:18px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6e8ee;vertical-align:top}
th{cursor:pointer;background:#fafbfc;position:sticky;top:0}td.num{text-align:right}.bad{color:#b42318}.ok{color:#067647}.muted{color:#5b6475}
.tag{display:inline-block;background:#eef0f4;border-radius:4px;padding:0 5px;margin:1px;font-size:12px}.tag.r{background:#fde8e7;color:#b42318}.v-good{background:#c6efce}.v-risky{background:#ffeb9c}.v-disavow{background:#ffc7ce}svg text.axis,svg text.week{fill:#5b6475}
input,select{font:inherit;padding:4px 8px;margin:0 8px 10px 0}svg text{font-size:11px;fill:#1d2330}
"""
_SCRIPT = """
// A header sorts its own table by its own column (cellIndex: counted within its row, not across the page).
function cellValue(row, column){
  var cell = row.cells[column];
  return cell ? (cell.dataset.v !== undefined ? cell.dataset.v : cell.textContent.trim()) : '';
}
document.querySelectorAll('table.sortable th').forEach(function(th){
  th.addEventListener('click', function(){
    var column = th.cellIndex, body = th.closest('table').tBodies[0], rows = Array.from(body.rows);
    var asc = th.dataset.dir !== 'asc'; th.dataset.dir = asc ? 'asc' : 'desc';
    rows.sort(function(a, b){
      var x = cellValue(a, column), y = cellValue(b, column);
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
function applyFilter(){
  var q = document.getElementById('q').value.toLowerCase(), s = document.getElementById('status').value;
  Array.from(document.querySelectorAll('#links tbody tr')).forEach(function(r){
    var show = r.textContent.toLowerCase().indexOf(q) >= 0 && (!s || r.dataset.status === s);
    r.style.display = show ? '' : 'none';
  });
}
document.getElementById('q').addEventListener('input', applyFilter);
document.getElementById('status').addEventListener('change', applyFilter);
document.body.dataset.ready = "1";
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _link(url: str | None, label: str | None = None) -> str:
    if not url:
        return ""
    text = _e(label or url)
    return f'<a href="{_e(url)}" rel="noopener noreferrer nofollow">{text}</a>' if url.lower().startswith(("http://", "https://")) else text


def _bars(items: list[tuple[str, float]], unit: str = "", highlight: set[str] = frozenset(), css_id: str = "") -> str:
    """A horizontal bar chart as inline SVG."""
    if not items:
        return '<p class="muted">no data</p>'
    top = max(v for _, v in items) or 1
    height = 22 * len(items) + 6
    rows = []
    for i, (label, value) in enumerate(items):
        width = 260 * value / top
        color = "#c4320a" if label in highlight else "#2e5aac"
        rows.append(f'<text x="0" y="{22 * i + 15}">{_e(label)}</text>'
                    f'<rect x="110" y="{22 * i + 4}" width="{width:.1f}" height="15" fill="{color}" rx="2"></rect>'
                    f'<text x="{116 + width:.1f}" y="{22 * i + 15}">{_e(value)}{_e(unit)}</text>')
    return f'<svg class="chart" id="{_e(css_id)}" width="440" height="{height}" role="img">{"".join(rows)}</svg>'


def _timeline(series: dict, spike_weeks: list) -> str:
    """New referring domains per week: bars with their counts, a count axis, and week labels that do not overlap."""
    if not series:
        return '<p class="muted">no first-seen dates</p>'
    weeks = list(series)
    top = max(series.values()) or 1
    bar = max(3.0, min(24.0, 900 / len(weeks)))
    left, base = 34, 130  # room for the axis labels; the bars' baseline
    parts = [f'<line x1="{left - 2}" y1="10" x2="{left - 2}" y2="{base}" stroke="#5b6475"></line>',
             f'<line x1="{left - 2}" y1="{base}" x2="{left + len(weeks) * bar:.1f}" y2="{base}" stroke="#5b6475"></line>',
             f'<text class="axis" x="{left - 6}" y="14" text-anchor="end">{top}</text>',
             f'<text class="axis" x="{left - 6}" y="{base}" text-anchor="end">0</text>']
    every = max(1, int(64 // bar) + 1)  # a week label at most every 64 px
    for i, week in enumerate(weeks):
        x = left + i * bar
        h = 120 * series[week] / top
        spike = week in spike_weeks
        parts.append(f'<rect class="{"spike" if spike else "week"}" x="{x:.1f}" y="{base - h:.1f}" width="{bar - 1:.1f}" '
                     f'height="{h:.1f}" fill="{"#c4320a" if spike else "#2e5aac"}"><title>{_e(week)}: {series[week]}</title></rect>')
        if series[week] and (bar >= 14 or spike):
            parts.append(f'<text class="count" x="{x + (bar - 1) / 2:.1f}" y="{max(20, base - h - 3):.1f}" text-anchor="middle">'
                         f'{"▲ " if spike else ""}{series[week]}</text>')
        if i % every == 0:
            parts.append(f'<text class="week" x="{x:.1f}" y="{base + 14}">{_e(week)}</text>')
    width = left + len(weeks) * bar + 70
    return f'<svg id="velocity" width="{max(300, width):.0f}" height="{base + 22}" role="img" aria-label="new referring domains per week">{"".join(parts)}</svg>'


def _anchor_table(by_language: dict[str, list[tuple[str, int]]]) -> str:
    """Anchor classes per language of the linking page: a bought cluster shows as exact match in one language."""
    if not by_language:
        return ""
    classes = [name for name, _ in next(iter(by_language.values()))]
    head = "".join(f"<th>{_e(name)}</th>" for name in classes)
    rows = "".join(
        f"<tr><td>{_e(language)}</td>{''.join(f'<td class=num>{count}</td>' for _, count in counts)}</tr>"
        for language, counts in sorted(by_language.items())
    )
    return f'<table id="anchors-by-language"><thead><tr><th>language</th>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _from_history(db_path: str) -> tuple[list[tuple], dict[str, dict]]:
    """The latest hreflang audit's issues and the engagement per referring domain."""
    try:
        with History(db_path) as history:
            return history.latest_hreflang_issues(), history.referral_traffic()
    except sqlite3.Error:
        return [], {}


def _localization(profile: Profile) -> str:
    by_language: dict[str, set[str]] = defaultdict(set)
    localized: dict[str, Counter] = defaultdict(Counter)
    foreign_links = []
    for link in profile.links:
        language = (link.result.get("page") or {}).get("language")
        if not language or language in profile.market_languages:
            continue
        by_language[language].add(link.domain)
        if link.result.get("localized_target"):
            localized[language][link.result["localized_target"]] += 1
        foreign_links.append(link)
    if not by_language:
        return '<p class="muted">no foreign-language referring domains</p>'
    items = []
    for language, domains in sorted(by_language.items(), key=lambda kv: -len(kv[1])):
        if localized[language]:
            page, _ = localized[language].most_common(1)[0]
            advice = f"you have a {_e(language)} page: point them to {_link(page)}"
        else:
            advice = f"you have no {_e(language)} page"
        plural = len(domains) != 1
        items.append(f"<li><b>{len(domains)}</b> referring domain{'s write' if plural else ' writes'} in <b>{_e(language)}</b>; {advice}</li>")
    by_domain: dict[str, list] = defaultdict(list)
    for link in foreign_links:
        by_domain[link.domain].append(link)
    rows = []
    for domain, links in sorted(by_domain.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        first = links[0].result
        localized_page = next((link.result["localized_target"] for link in links if link.result.get("localized_target")), None)
        rows.append(
            f"<tr><td>{_e(domain)}</td><td class=num data-v=\"{len(links)}\">{_plural(len(links), 'link')}</td>"
            f"<td>{_e((first.get('page') or {}).get('language'))}</td><td>{_link(first['source_url'])}</td>"
            f"<td>{_link(first['links'][0]['href'] if first['links'] else None)}</td><td>{_link(localized_page) or '—'}</td></tr>")
    return (f'<ul id="localization">{"".join(items)}</ul><table class="sortable" id="localization-domains"><thead><tr>'
            f"<th>referring domain</th><th>links</th><th>language</th><th>a linking page</th><th>links to</th>"
            f"<th>should link to</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _domain_rows(profile: Profile, disavowed: set[str], traffic: dict[str, dict]) -> str:
    """One row per referring domain: its links, best verdict, risk, language, country, disavow, engagement."""
    rows = []
    for domain, links in sorted(profile.domains().items(), key=lambda kv: (-len(kv[1]), kv[0])):
        verdicts = {"disavow" if domain in disavowed else link.verdict for link in links}
        best = min(verdicts, key=VERDICTS.index)
        page = (min(links, key=lambda link: (not link.good, link.risk)).result.get("page") or {})
        risk = max(link.risk for link in links)
        visits = traffic.get(domain, {})
        numbers = "".join(
            f'<td class="num" data-v="{visits[key] if visits.get(key) is not None else -1}">'
            f'{"" if visits.get(key) is None else f"{visits[key]:,.0f}"}</td>'
            for key in ("sessions", "engaged_sessions", "conversions"))
        rows.append(
            f'<tr><td>{_e(domain)}</td><td class="num" data-v="{len(links)}">{len(links)}</td>'
            f'<td><span class="tag v-{_e(best)}">{_e(best)}</span></td><td class="num" data-v="{risk}">{risk:.2f}</td>'
            f'<td>{_e(page.get("language"))}</td><td>{_e(page.get("country"))}</td>'
            f'<td>{"yes" if domain in disavowed else "no"}</td>{numbers}</tr>')
    return "".join(rows)


def _link_rows(profile: Profile) -> str:
    verdicts = {(link.result["source_url"], link.result["target"]): link for link in profile.links}
    rows = []
    for check in profile.checks:
        verdict = verdicts.get((check["source_url"], check["target"]))
        best = check["links"][0] if check.get("links") else {}
        page = check.get("page") or {}
        reasons = "".join(f'<span class="tag r">{_e(r)}</span>' for r in (verdict.reasons if verdict else []))
        flags = "".join(f'<span class="tag">{_e(f)}</span>' for f in check.get("flags", []))
        status = check["status"] + (f"/{check['reason']}" if check.get("reason") else "")
        fit = check.get("topical_fit")
        risk = verdict.risk if verdict else None
        rows.append(
            f'<tr data-status="{_e(check["status"])}"><td>{_link(check["source_url"])}<div class="muted">{_e(page.get("title"))}</div></td>'
            f'<td class="{"ok" if check["status"] == "live" else "bad"}">{_e(status)}</td>'
            f'<td>{_e({True: "followed", False: "nofollow"}.get(check.get("follow"), ""))}</td>'
            f'<td>{_e(best.get("placement"))} <span class="muted">{_e(best.get("region"))}</span></td>'
            f'<td>{_e(best.get("anchor_text"))} <span class="tag">{_e(verdict.anchor_class if verdict else "")}</span></td>'
            f'<td>{_e(page.get("language"))}</td><td>{_e(page.get("country"))}</td>'
            f'<td class="num" data-v="{fit if fit is not None else -1}">{"" if fit is None else f"{fit:.2f}"}</td>'
            f'<td class="num" data-v="{risk if risk is not None else -1}">{"" if risk is None else f"{risk:.2f}"}</td>'
            f"<td>{reasons}{flags}</td></tr>"
        )
    return "".join(rows)


def render_report(profile: Profile, db_path: str, generated_at: str) -> str:
    from crawler.reports.disavow import plan_disavow

    figures = summarize(profile)
    issues, traffic = _from_history(db_path)
    disavowed = {line[len("domain:"):] for entry in plan_disavow(profile) for line in [entry.line] if line.startswith("domain:")}
    nonce = secrets.token_urlsafe(16)
    live = sum(1 for c in profile.checks if c["status"] == "live")
    links = max(1, figures["links"])
    counted = [(len(profile.checks), "link checked", "links checked"), (live, "live", "live"),
               (figures["domains"], "referring domain", "referring domains"), (len(profile.networks), "network", "networks"),
               (figures["risky_domains"], "risky domain", "risky domains")]
    cards = [(value, one if value == 1 else many) for value, one, many in counted[:3]] + [
        (f"{figures['followed'] / links:.0%}", "followed"), (f"{figures['editorial'] / links:.0%}", "editorial"),
        (f"{figures['same_language_share']:.0%}", "same language as market"),
    ] + [(value, one if value == 1 else many) for value, one, many in counted[3:]]
    market = set(figures["market"])
    networks = "".join(
        f"<tr><td>{len(n['domains'])}</td><td>{''.join(f'<span class=tag>{_e(d)}</span>' for d in n['domains'])}</td>"
        f"<td>{'<br>'.join(_e(k) + ': ' + _e(', '.join(v)) for k, v in n['shared'].items())}</td>"
        f"<td>{'<br>'.join(_e(k) + ': ' + _e(', '.join(v)) for k, v in n['evidence'].items()) or '—'}</td></tr>"
        for n in profile.networks
    ) or '<tr><td colspan="4" class="muted">no network: no three linking domains share a tracking ID</td></tr>'
    language_spikes = "".join(
        f"<li>{_e(kind)} <b>{_e(value)}</b>: {', '.join(_e(w) for w in v['spikes'])}</li>"
        for kind, key in (("language", "velocity_by_language"), ("country", "velocity_by_country"))
        for value, v in figures[key].items() if v["spikes"]
    ) or "<li class=muted>no spike in any single language or country</li>"
    issue_rows = "".join(f"<tr>{''.join(f'<td>{_e(v)}</td>' for v in issue)}</tr>" for issue in issues)
    hreflang = (f'<table class="sortable" id="hreflang"><thead><tr><th>severity</th><th>code</th><th>url</th><th>href</th>'
                f"<th>hreflang</th><th>detail</th></tr></thead><tbody>{issue_rows}</tbody></table>") if issues else '<p class="muted">no hreflang audit in this database (run linkverifier hreflang)</p>'
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'nonce-{nonce}'">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Backlink profile — linkverifier</title>
<style>{_CSS}</style></head><body>
<header><h1>Backlink profile</h1><div>{_e(_plural(figures['links'], 'live link'))} from {_e(_plural(figures['domains'], 'referring domain'))} · market {_e(', '.join(figures['market']) or 'unknown')} · generated {_e(generated_at)}</div></header>
<main>
<div class="cards" id="cards">{''.join(f'<div class="card"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for v, k in cards)}</div>
<div class="grid">
<section><h2>Languages of referring domains</h2>{_bars([(k, n) for k, n, _ in figures['languages']], highlight=market, css_id='languages')}<p class="muted">Market languages in orange. Foreign links are fine when they are editorial and on topic.</p></section>
<section><h2>Countries (ccTLD)</h2>{_bars([(k, n) for k, n, _ in figures['countries']], css_id='countries')}</section>
<section><h2>Anchor text</h2>{_bars(figures['anchors'], css_id='anchors')}{_anchor_table(figures['anchors_by_language'])}</section>
<section><h2>Topical fit of referring domains</h2>{_bars(figures['fit_buckets'], css_id='fit')}</section>
<section><h2>Placement and credit</h2>{_bars([('editorial', figures['editorial']), ('boilerplate', figures['links'] - figures['editorial']), ('followed', figures['followed']), ('qualified', figures['links'] - figures['followed'])], css_id='placement')}<p class="muted" id="qualified-note">Of the live links: editorial (an author put it in the main content) or boilerplate (navigation, footer, sidebar, widgets); followed (passes credit) or qualified (rel nofollow, sponsored or ugc, or a page-level nofollow: Google may ignore it).</p></section>
</div>
<section><h2>Link velocity: new referring domains per week</h2>{_timeline(figures['velocity']['series'], figures['velocity']['spikes'])}
<p>Spikes (▲, at least 3 new domains and 3× the median week before): {', '.join(_e(w) for w in figures['velocity']['spikes']) or 'none'}</p><ul>{language_spikes}</ul></section>
<section><h2>Referring domains</h2><table class="sortable" id="domains"><thead><tr><th>referring domain</th><th>links</th><th>best verdict</th><th>risk</th><th>lang</th><th>country</th><th>in disavow file</th><th>sessions</th><th>engaged sessions</th><th>conversions</th></tr></thead>
<tbody>{_domain_rows(profile, disavowed, traffic)}</tbody></table><p class="muted">Sessions, engaged sessions and conversions come from the analytics exports read by <code>linkverifier referrers</code>: compare engagement per referring domain.</p></section>
<section><h2>Link networks</h2><table id="networks"><thead><tr><th>domains</th><th>members</th><th>shared tracking IDs</th><th>other evidence</th></tr></thead><tbody>{networks}</tbody></table></section>
<section><h2>Localization opportunities</h2>{_localization(profile)}</section>
<section><h2>Every link</h2><input id="q" placeholder="filter…" aria-label="filter"><select id="status" aria-label="status"><option value="">all statuses</option><option>live</option><option>lost</option><option>error</option></select>
<table class="sortable" id="links"><thead><tr><th>linking page</th><th>status</th><th>follow</th><th>placement</th><th>anchor</th><th>lang</th><th>country</th><th>fit</th><th>risk</th><th>reasons and flags</th></tr></thead>
<tbody>{_link_rows(profile)}</tbody></table></section>
<section><h2>hreflang issues</h2>{hreflang}</section>
</main><script nonce="{nonce}">{_SCRIPT}</script></body></html>
"""
