"""Pages that answer 200 but are no longer the page: not-found pages and parked domains.

A backlink page that is gone does not always say so with a 404. Many sites
answer a missing page with 200 and a "Page not found" template (a soft 404);
an expired domain answers with a parking page ("This domain may be for sale",
ads from Sedo, Bodis, ParkingCrew…). Both are ``lost`` like a page whose link
was edited out, but a practitioner acts differently on each: a removed link is
a conversation with the editor, a dead page a reclamation, an expired domain
a dead end (or a domain to buy). So the lost row says which.

Both need two signals, as commercial auditors do, so that an article about
404 errors or about buying domains is never taken for one: the page's title or
main heading says "not found" (in any of the market languages) and the page
has little text or asks not to be indexed; or a parking service serves it, or
its heading or text offers the domain for sale, on a page of little text.
Only pages without the link are looked at (a page holding the link is live,
whatever its template): live pages cost nothing.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["dead_end", "SOFT_404", "PARKED_DOMAIN", "redirected_home"]

SOFT_404 = "soft_404"
PARKED_DOMAIN = "parked_domain"

# Under this many words of main text a page is a template, not an article: the 5 not-found pages among the
# placement sets' 1,893 real pages have 84-140 words; a "404" title over a long text is an article about 404s.
_FEW_WORDS = 250

# "Not found" as titles and headings say it, in the 30 market languages (and the code).
_NOT_FOUND = re.compile("|".join([
    r"\b404\b", r"not found", r"can[’']?t be found", r"cannot be found", r"could ?n[o’']t be found",
    r"(page|content) (does ?n[o’']t|does not|no longer) exists?", r"page (is )?(no longer )?(un)?available",
    r"page isn[’']t available", r"nothing (was )?found", r"we couldn[’']t find",
    r"nicht gefunden", r"existiert nicht", r"introuvable", r"non trouvée", r"n[’']existe (pas|plus)",
    r"no encontrad[ao]", r"no se (ha )?encontr", r"no existe", r"non trovat[ao]", r"non esiste",
    r"não encontrad[ao]", r"nao encontrad[ao]", r"não existe", r"niet gevonden", r"bestaat niet",
    r"nie znaleziono", r"nie został[ao] znalezion", r"nie istnieje", r"не найден", r"не существует",
    r"не знайден", r"не існує", r"не е намерен", r"не съществува", r"kunde inte hittas", r"hittades inte",
    r"ikke fundet", r"findes ikke", r"fant ikke", r"finnes ikke", r"ble ikke funnet", r"ei löytynyt",
    r"ei löydy", r"nenalezen", r"nebyla nalezena", r"neexistuje", r"nem található", r"nu a fost găsit",
    r"nu există", r"δεν βρέθηκε", r"δεν υπάρχει", r"bulunamadı", r"sayfa yok", r"見つかりません",
    r"見つかりませんでした", r"存在しません", r"页面不存在", r"找不到", r"未找到", r"頁面不存在",
    r"찾을 수 없", r"غير موجودة", r"لم يتم العثور", r"הדף לא נמצא", r"העמוד לא נמצא", r"לא נמצא",
    r"پیدا نشد", r"یافت نشد", r"नहीं मिला", r"không tìm thấy", r"không tồn tại", r"ไม่พบ",
    r"tidak ditemukan",
]), re.IGNORECASE)

# The domain offered for sale or parked, as parking pages say it.
_FOR_SALE = re.compile("|".join([
    r"domain (name )?(is |may be |might be |could be )?for sale", r"buy this domain", r"domain is parked",
    r"parked (free|domain)", r"(make an? )?offer (on|for) this domain", r"this domain (name )?is available",
    r"diese domain (steht zum verkauf|kaufen|ist zu verkaufen|ist käuflich|kann erworben)",
    r"domain (ist )?zu verkaufen", r"domaine (est )?à vendre", r"dominio (está |esta )?(a la |en )?venta",
    r"dominio (è )?in vendita", r"domein (is )?te koop", r"domena (jest )?na sprzedaż",
    r"домен продаётся", r"домен продается", r"домен на продаж", r"doménu (lze )?koupit", r"doména je na prodej",
    r"domänen (är )?till salu", r"domænet (er )?til salg", r"domenet (er )?til salgs", r"verkkotunnus on myynnissä",
    r"ドメインは販売", r"该域名(正在)?出售", r"도메인(을|은)? 판매",
]), re.IGNORECASE)

# Parking and domain-sale services, as their landers load them (scripts, frames, forms, the redirect).
_PARKING_HOSTS = re.compile(
    r"(sedoparking\.com|parkingcrew\.net|bodis\.com|parklogic\.com|above\.com/marketplace|afternic\.com|"
    r"hugedomains\.com|undeveloped\.com|domainmarket\.com|buydomains\.com|parkingpage\.namecheap\.com|"
    r"wsimg\.com/parking-lander|parked-content\.godaddy\.com|skenzo\.com|domainsponsor\.com|searchvity\.com|"
    r"dan\.com/buy-domain|sedo\.com/search/details|porkbun\.com/parked|spaceship\.com/domain-parking|"
    r"parking\.reg\.ru|parking\.nic\.ru|dsultra\.com|brandbucket\.com/names|atom\.com/name/)")
# Parking landers are small (a few KB of scripts): their first 32 KB is read, lower-cased, not the whole page.
_LANDER_CHARS = 32_768
# Parking landers are scripts and frames around a few words; still, a page of real text naming a
# parking service (an article on domain investing) is no parking page.
_PARKING_WORDS = 400


def dead_end(title: str | None, headings: list[str], text: str, words: int, noindex: bool, source: str) -> str | None:
    """``SOFT_404``, ``PARKED_DOMAIN`` or None for a page (without the link) that answered 200.

    ``headings`` are the page's first ``<h1>``/``<h2>`` texts, ``text`` its main text and ``words``
    its length, ``source`` the page's HTML.
    """
    names = [title or "", *headings[:3]]
    if words < _PARKING_WORDS and (_PARKING_HOSTS.search(source[:_LANDER_CHARS].lower())
                                   or (words < _FEW_WORDS and any(_FOR_SALE.search(n) for n in [*names, text[:2000]]))):
        return PARKED_DOMAIN
    if any(_NOT_FOUND.search(name) for name in names) and (words < _FEW_WORDS or noindex or "__next_error__" in source[:4096]):
        return SOFT_404
    return None


def redirected_home(source_url: str, final_url: str, same_site: bool) -> bool:
    """A deep page sent to its site's home page (a removed page redirected wholesale: a soft 404 to Google)."""
    source, final = urlsplit(source_url), urlsplit(final_url)
    deep = source.path.strip("/") not in ("", "index.html", "index.php") or bool(source.query)
    home = final.path.strip("/") in ("", "index.html", "index.php") and not final.query
    return same_site and deep and home
