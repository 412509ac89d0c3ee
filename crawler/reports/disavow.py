"""Write a disavow file in Google's format.

Google's rules (Search Console help, "Disavow links to your site"): a UTF-8
(or 7-bit ASCII) ``.txt`` file, one URL or ``domain:`` entry per line, ``#``
comments, at most 2 MB and 100,000 lines; an upload replaces the previous
file, so ``--merge`` keeps what the existing file already disavows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crawler.reports.profile import Profile
from extract.urls import ascii_host, host_of, invalid_url_reason
from scoring.triage import domain_disavowed

__all__ = ["DisavowError", "Entry", "plan_disavow", "read_disavow", "render_disavow", "MAX_BYTES", "MAX_LINES"]

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 100_000


class DisavowError(Exception):
    """The file cannot be written as Google requires, or an input file is unusable."""


@dataclass
class Entry:
    line: str  # "domain:example.com" or a full URL
    reason: str
    urls: list[str] = field(default_factory=list)


def _domain_line(domain: str) -> str:
    """Google's ``domain:`` line, the name in ASCII as the DNS knows it (IDNA 2008: "fußball.de" is
    xn--fuball-cta.de). A name no IDNA can write stays as it came (the file is UTF-8)."""
    return "domain:" + ascii_host(domain)


def read_disavow(path: str) -> list[str]:
    """Entries (not comments) of an existing disavow or keep file."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DisavowError(f"cannot read {path}: {exc}") from exc
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        domain = line.split(":", 1)[1].strip() if line.lower().startswith("domain:") else None
        if domain is None and invalid_url_reason(line) is None:
            entries.append(line)
            continue
        if domain is None and "." in line and " " not in line:
            domain = line  # a bare host in a keep list
        if domain is None or not ascii_host(domain).isascii():  # ("ü" * 70 + ".de": a traceback until December 2026)
            raise DisavowError(f"{path}:{number}: not a URL or domain: {line!r}")
        entries.append(_domain_line(domain))
    return entries


def _kept(entry_line: str, urls: list[str], keep: set[str]) -> bool:
    if entry_line in keep:
        return True
    hosts = {host_of(u) for u in urls}
    return any(k.startswith("domain:") and any(h == k[7:] or h.endswith("." + k[7:]) for h in hosts) for k in keep)


def plan_disavow(profile: Profile, keep: list[str] = ()) -> list[Entry]:
    """Domain entries for networks, then for domains whose riskiest link crosses the threshold.

    A domain with a link the analysis calls good is never disavowed; neither
    is anything on the keep list.
    """
    keep_set = set(keep)
    domains = profile.domains()
    entries: list[Entry] = []
    planned: set[str] = set()
    for network in profile.networks:
        shared = ", ".join(network["shared"]) or "a shared footprint"
        for domain in network["domains"]:
            links = domains.get(domain, [])
            if not domain_disavowed(True, 0.0, any(link.good for link in links)):
                continue
            urls = [link.result["source_url"] for link in links]
            line = _domain_line(domain)
            if not _kept(line, urls, keep_set):
                entries.append(Entry(line, f"link network of {len(network['domains'])} domains sharing {shared}", urls))
                planned.add(domain)
    for domain, links in sorted(domains.items()):
        worst = max(links, key=lambda link: link.risk)
        if domain in planned or not domain_disavowed(False, worst.risk, any(link.good for link in links)):
            continue
        urls = [link.result["source_url"] for link in links]
        line = _domain_line(domain)
        if not _kept(line, urls, keep_set):
            entries.append(Entry(line, f"risk {worst.risk:.2f}: {', '.join(worst.reasons)}", urls))
    return entries


def render_disavow(entries: list[Entry], previous: list[str] = (), generated_at: str = "") -> str:
    lines = [f"# Disavow file written by linkverifier {generated_at}".rstrip(),
             "# Uploading replaces the previous file: keep every line you still want disavowed."]
    new_lines = {entry.line for entry in entries}
    carried = [line for line in previous if line not in new_lines]
    if carried:
        lines.append("# Kept from the previous file")
        lines.extend(dict.fromkeys(carried))
    last_reason = None
    for entry in entries:
        if entry.reason != last_reason:  # one comment per group (a network's domains share theirs)
            lines.append(f"# {entry.reason}")
            last_reason = entry.reason
        lines.append(entry.line)
    text = "\n".join(lines) + "\n"
    if len(text.encode("utf-8")) > MAX_BYTES or len(lines) > MAX_LINES:
        raise DisavowError(f"the file would exceed Google's limits ({MAX_BYTES} bytes, {MAX_LINES} lines)")
    return text
