"""The picklable record of one fetch that crosses into the analysis processes."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["FetchedPage"]


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
