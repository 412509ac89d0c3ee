"""Which localized version of the target a foreign-language link should point at."""

from __future__ import annotations

from extract.language_codes import split_code

__all__ = ["localized_target"]


def localized_target(
    source_language: str | None,
    source_country: str | None,
    target_language: str | None,
    alternates: list[tuple[str, str]],
) -> str | None:
    """The alternate in the source's language (and region, when the cluster has regions).

    None when the languages agree, the source language is unknown, or the
    cluster has no version in that language.
    """
    if not source_language or source_language == target_language:
        return None
    candidates = []
    for code, url in alternates:
        if code.lower() == "x-default":
            continue
        language, region = split_code(code)
        if language == source_language:
            candidates.append((region, url))
    if not candidates:
        return None
    country = (source_country or "").lower()
    for region, url in candidates:
        if region and region == country:
            return url
    for region, url in candidates:
        if region is None:
            return url
    return candidates[0][1]
