"""The records of one page's analysis: the picklable ones that cross between the crawling process and
the analysis processes, one fetch (FetchedPage) and what a target page gave (TargetProfile); and what a
source page gave (PageAnalysis), which the analysis process turns into result records."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["FetchedPage", "TargetProfile", "PageAnalysis", "TargetLinks"]


@dataclass
class FetchedPage:
    url: str  # as requested (the input's source URL)
    final_url: str
    status: int
    headers: dict[str, list[str]]  # lower-case names
    body: bytes
    redirects: list[dict] = field(default_factory=list)  # [{"url":…, "status":…}]
    googlebot_allowed: bool = True
    hosting: dict | None = None  # where the final host is served from (crawler.hosting.lookup), when looked up

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def header_list(self, name: str) -> list[str]:
        return self.headers.get(name.lower(), [])


@dataclass(frozen=True)
class TargetProfile:
    """What the verifier knows of a target page: its language, the text its topic is read from, its
    hreflang alternates; or, when it could not be read (``ok`` false), why."""

    ok: bool
    error: str | None = None
    url: str | None = None
    language: str | None = None
    topic_text: str = ""
    alternates: tuple[tuple[str, str], ...] = ()  # (hreflang, absolute URL)

    @classmethod
    def unreachable(cls, error: str) -> TargetProfile:
        return cls(ok=False, error=error)


@dataclass(frozen=True)
class TargetLinks:
    """The links a source page has to one target, best first (each as the result record writes it),
    and whether only its scripts name the target."""

    links: tuple[dict, ...] = ()
    js_link: bool = False


@dataclass(frozen=True)
class PageAnalysis:
    """What a source page gave; or, when it is not an HTML page that can be read (``error`` set), why."""

    error: str | None
    noindex: bool = False
    page_nofollow: bool = False
    canonical_url: str | None = None
    canonical_elsewhere: bool = False
    page: dict = field(default_factory=dict)  # the result record's ``page`` object, as written out
    per_target: dict[str, TargetLinks] = field(default_factory=dict)  # by Target.key
    topic_text: str = ""  # the lead of the main text, read for topical fit
    links: tuple[str, ...] = ()  # every link of the page, when asked for (discover crawls on from them)
    dead_end: str | None = None  # "soft_404" or "parked_domain": a page without the link that is itself gone
    message: str | None = None  # with ``error``, when the answer's status and type do not say why

    @classmethod
    def unreadable(cls, error: str, message: str | None = None) -> PageAnalysis:
        return cls(error=error, message=message)

    def links_to(self, key: str) -> TargetLinks:
        return self.per_target.get(key, TargetLinks())
