"""Language codes as pages, hreflang, langdetect and exports write them, read one way.

Its own module, without langdetect: the crawling process reads codes too (hreflang, ``lang``
attributes) and must not load the detector's profiles.
"""

from __future__ import annotations

import re

__all__ = ["primary_subtag", "same_language_code", "split_code"]

# Languages that detectors and sites name differently.
_SAME_LANGUAGE = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "tl": "fil"}
_SEPARATORS = re.compile(r"[-_,;\s]")
_PRIMARY = re.compile(r"[a-z]{2,3}")


def split_code(code: str) -> tuple[str, str | None]:
    """``pt_BR`` -> ``("pt", "br")``, ``zh-Hant-TW`` -> ``("zh", "tw")``: the language and the region, if any."""
    parts = code.strip().lower().replace("_", "-").split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    return parts[0], region


def primary_subtag(code: str | None) -> str | None:
    """``de-AT`` -> ``de``; None for empty or junk values (a ``lang`` attribute or header as found)."""
    if not code:
        return None
    first = _SEPARATORS.split(code.strip().lower(), maxsplit=1)[0]
    return first if _PRIMARY.fullmatch(first) else None


def same_language_code(code: str | None) -> str | None:
    """langdetect's, hreflang's and ``lang`` attributes' codes as one: ``zh-cn`` -> ``zh``,
    ``pt_BR`` -> ``pt``, ``nb`` -> ``no``, ``iw`` -> ``he``; None for an empty code."""
    if not code:
        return None
    primary = split_code(code)[0]
    return _SAME_LANGUAGE.get(primary, primary)
