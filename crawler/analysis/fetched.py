"""The picklable records that cross between the crawling process and the analysis processes: one fetch
(FetchedPage) and what a target page gave (TargetProfile)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["FetchedPage", "TargetProfile"]


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
