"""Decode an HTML body the way browsers do.

Stages, in the WHATWG order:
1. a byte-order mark wins;
2. then the charset of the HTTP ``Content-Type`` header;
3. then ``<meta charset>`` / ``http-equiv`` in the first kilobytes;
4. then strict UTF-8 when the bytes are valid UTF-8;
5. then statistical detection (charset-normalizer), as browsers' detectors do
   for undeclared Shift_JIS, windows-1251 or GB18030 pages;
6. windows-1252 as the last resort (never fails).
Labels are resolved with the WHATWG aliases (``latin1`` -> windows-1252,
``gb2312`` -> GB18030, ``shift_jis`` -> cp932 …) through w3lib.
"""

from __future__ import annotations

import charset_normalizer
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

__all__ = ["decode_html"]

# Detection on more bytes is slower and no more accurate for these languages.
_DETECT_BYTES = 64 * 1024


def _usable(encoding: str | None) -> str | None:
    if not encoding:
        return None
    resolved = resolve_encoding(encoding)
    if resolved is None:
        return None
    try:
        "".encode(resolved)
    except LookupError:
        return None
    return resolved


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for an HTML body."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        encoding = _usable(bom_encoding) or "utf-8"
        return body[len(bom) :].decode(encoding, errors="replace"), encoding
    for declared in (
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(body),
    ):
        encoding = _usable(declared)
        if encoding:
            # A page that claims UTF-16 in its meta tag is really ASCII-compatible.
            if encoding.startswith("utf-16"):
                encoding = "utf-8"
            return body.decode(encoding, errors="replace"), encoding
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:_DETECT_BYTES]).best()
    encoding = _usable(best.encoding) if best is not None else None
    encoding = encoding or "cp1252"
    return body.decode(encoding, errors="replace"), encoding
