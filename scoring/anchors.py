"""Anchor text classes: brand, exact match, partial match, URL, generic, image, other.

An unnatural profile shows in its anchors: natural links mostly carry the
brand, the URL or generic words; bought links carry the money keyword.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["ANCHOR_CLASSES", "GENERIC_ANCHORS", "anchor_class", "brand_terms"]

ANCHOR_CLASSES = ("brand", "exact", "partial", "url", "generic", "image", "other")
# Generic anchors in the 30 market languages' most common forms.
GENERIC_ANCHORS = frozenset("""
click here|here|this|this link|link|read more|more|learn more|see more|website|this website|this site|site|source|
visit|visit site|go|details|more info|more information|continue reading|this article|article|page|homepage|official site|
hier|hier klicken|mehr|weiterlesen|mehr erfahren|quelle|webseite|website|link|diese seite|zur website|
ici|cliquez ici|en savoir plus|lire la suite|source|site|ce lien|ce site|
aquí|haga clic aquí|haz clic aquí|leer más|más información|fuente|sitio web|este enlace|
qui|clicca qui|leggi di più|fonte|sito|questo link|
aqui|clique aqui|saiba mais|leia mais|fonte|
hier|klik hier|lees meer|meer informatie|bron|
tutaj|kliknij tutaj|więcej|czytaj więcej|źródło|
здесь|тут|подробнее|читать далее|источник|сайт|ссылка|
тут|детальніше|джерело|
burada|buraya tıklayın|daha fazla|kaynak|
هنا|المزيد|المصدر|
כאן|לחץ כאן|מקור|
اینجا|بیشتر|منبع|
यहाँ|यहां क्लिक करें|और पढ़ें|स्रोत|
di sini|klik di sini|selengkapnya|sumber|
tại đây|xem thêm|nguồn|
ที่นี่|คลิกที่นี่|อ่านต่อ|ที่มา|
こちら|ここ|詳細|続きを読む|出典|
여기|자세히|출처|
这里|点击这里|更多|阅读更多|来源|這裡|
här|klicka här|läs mer|källa|
her|klik her|læs mere|kilde|les mer|
täällä|lue lisää|lähde|
zde|klikněte zde|více|zdroj|
aici|click aici|citește mai mult|sursa|
itt|kattints ide|tovább|forrás|
εδώ|περισσότερα|πηγή|
тук|още|източник
""".replace("\n", "").split("|"))
_URL = re.compile(r"^(https?://|www\.)|^[\w.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)


@lru_cache(maxsize=65536)  # a profile repeats its anchors, brands and keywords: 3.7 M character lookups -> ~0.4 M at 50,000 links
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
    return " ".join(text.split())


def brand_terms(domain: str, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """``acme-secure.com`` -> ``["acme secure", "acmesecure"]`` plus the given brand names."""
    return list(_brand_terms(domain, tuple(extra)))


@lru_cache(maxsize=256)  # one target domain and brand list per profile, asked once a link
def _brand_terms(domain: str, extra: tuple[str, ...]) -> tuple[str, ...]:
    name = domain.split(".")[0]
    terms = {_norm(name), _norm(name).replace(" ", "")}
    terms |= {_norm(term) for term in extra if term.strip()}
    return tuple(sorted(t for t in terms if t))


def anchor_class(anchor: str, anchor_type: str, brands: list[str], keywords: list[str]) -> str:
    if anchor_type == "image":
        return "image"
    raw = anchor.strip()
    text = _norm(raw)
    if not text:
        return "other"
    if _URL.match(raw):
        return "url"
    if any(brand and (brand in text or brand in text.replace(" ", "")) for brand in brands):
        return "brand"
    normalized_keywords = [_norm(k) for k in keywords if k.strip()]
    if text in normalized_keywords:
        return "exact"
    words = set(text.split())
    for keyword in normalized_keywords:
        keyword_words = set(keyword.split())
        if keyword in text or (keyword_words and len(words & keyword_words) * 2 >= len(keyword_words)):
            return "partial"
    if text in GENERIC_ANCHORS:
        return "generic"
    return "other"
