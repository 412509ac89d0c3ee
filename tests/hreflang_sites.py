"""Multilingual fixture sites for the hreflang audit, served by LocalWeb."""

from __future__ import annotations

import gzip

from crawler.demo.localweb import LocalWeb, Route

TEXT = {
    "en": ("Our hiking boots are made from waterproof leather and have a grippy rubber sole. They keep your feet dry "
           "on long mountain trails, in rain and in snow. Every pair is tested in the Alps before it reaches our shop, "
           "and we repair worn soles for free during the first three years."),
    "de": ("Unsere Wanderschuhe bestehen aus wasserdichtem Leder und haben eine griffige Gummisohle. Sie halten Ihre "
           "Füße auf langen Bergwegen trocken, bei Regen und bei Schnee. Jedes Paar wird in den Alpen getestet, bevor "
           "es in unseren Laden kommt, und abgenutzte Sohlen reparieren wir in den ersten drei Jahren kostenlos."),
    "fr": ("Nos chaussures de randonnée sont fabriquées en cuir imperméable et possèdent une semelle en caoutchouc "
           "très adhérente. Elles gardent vos pieds au sec sur les longs sentiers de montagne, sous la pluie comme "
           "sous la neige. Chaque paire est testée dans les Alpes avant d'arriver dans notre boutique."),
    "es": ("Nuestras botas de montaña están hechas de cuero impermeable y tienen una suela de goma con mucho agarre. "
           "Mantienen tus pies secos en largas rutas de montaña, con lluvia y con nieve. Cada par se prueba en los "
           "Alpes antes de llegar a nuestra tienda y reparamos las suelas gastadas gratis durante tres años."),
    # Traditional Chinese (Taiwan, Hong Kong): langdetect alone reads it as Korean.
    "zh": ("我們的登山鞋採用防水皮革製成，鞋底為橡膠材質。每雙鞋都經過實地測試，購買後三年內免費維修。"
           "本店販售各種戶外用品，包括登山鞋、背包、帳篷與睡袋。所有商品均提供七天鑑賞期，會員購物滿千元即享免運費服務。"
           "門市營業時間為每日上午十點至晚上九點，歡迎親自試穿。如有任何問題，請來電或寄送電子郵件與客服人員聯繫，我們將儘快回覆。"
           "新品上市期間，全館登山鞋享八折優惠，數量有限，售完為止。本公司成立於民國八十年，專營戶外休閒用品。"
           "每筆訂單皆附贈防水噴霧一瓶，並提供專人到府收送維修服務，讓您的旅程更加安心。"),
    # The same in Simplified characters (mainland China, Singapore).
    "zh-Hans": ("我们的登山鞋采用防水皮革制成，鞋底为橡胶材质。每双鞋都经过实地测试，购买后三年内免费维修。"
                "本店销售各种户外用品，包括登山鞋、背包、帐篷与睡袋。所有商品均提供七天鉴赏期，会员购物满千元即享免运费服务。"
                "门市营业时间为每日上午十点至晚上九点，欢迎亲自试穿。如有任何问题，请来电或发送电子邮件与客服人员联系，我们将尽快回复。"
                "新品上市期间，全馆登山鞋享八折优惠，数量有限，售完为止。本公司成立于一九九一年，专营户外休闲用品。"
                "每笔订单皆附赠防水喷雾一瓶，并提供专人上门收送维修服务，让您的旅程更加安心。"),
}


def hpage(url: str, lang: str, alternates=(), links=(), *, text_lang: str | None = None, html_lang: str | None = "same",
          canonical: str | None = "self", body_alternates=(), head_extra: str = "", robots: str | None = None) -> str:
    tags = "".join(f'<link rel="alternate" hreflang="{code}" href="{href}">' for code, href in alternates)
    body_tags = "".join(f'<link rel="alternate" hreflang="{code}" href="{href}">' for code, href in body_alternates)
    canonical_tag = f'<link rel="canonical" href="{url if canonical == "self" else canonical}">' if canonical else ""
    robots_tag = f'<meta name="robots" content="{robots}">' if robots else ""
    lang_attr = f' lang="{lang if html_lang == "same" else html_lang}"' if html_lang else ""
    nav = "".join(f'<a href="{link}">{link}</a> ' for link in links)
    text = TEXT[text_lang or lang.split("-")[0]]
    return (f"<!doctype html><html{lang_attr}><head><meta charset='utf-8'><title>Boots {lang}</title>{canonical_tag}"
            f"{robots_tag}{tags}{head_extra}</head><body><nav>{nav}</nav>{body_tags}<article><h1>Boots</h1>"
            f"<p>{text}</p><p>{text}</p></article></body></html>")


def sitemap(entries: list[tuple[str, list[tuple[str, str]]]]) -> str:
    urls = "".join(
        f"<url><loc>{loc}</loc>" + "".join(f'<xhtml:link rel="alternate" hreflang="{c}" href="{h}"/>' for c, h in alts) + "</url>"
        for loc, alts in entries
    )
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:xhtml="http://www.w3.org/1999/xhtml">{urls}</urlset>')


S = "http://www.shop.com"
HOME = {"en": f"{S}/en/", "de": f"{S}/de/", "de-AT": "http://www.shop.at/", "fr-FR": "http://www.shop.fr/", "x-default": f"{S}/"}
PRODUCT = {"en": f"{S}/en/boots", "de": f"{S}/de/stiefel", "x-default": f"{S}/en/boots"}
GUIDE = {"en": f"{S}/en/guide", "es": f"{S}/es/guia", "x-default": f"{S}/en/guide"}
NAV = [HOME["x-default"], HOME["en"], HOME["de"], PRODUCT["en"], PRODUCT["de"], GUIDE["en"], GUIDE["es"], HOME["de-AT"], HOME["fr-FR"]]


def clean_site(web: LocalWeb) -> None:
    """Three correct clusters: HTML tags (incl. a ccTLD), Link headers, a gzip sitemap behind an index."""
    home_alts = list(HOME.items())
    nav = NAV
    for code, url in HOME.items():
        lang = "en" if code == "x-default" else code
        web.add(url, hpage(url, lang, home_alts, nav))
    header = ", ".join(f'<{url}>; rel="alternate"; hreflang="{code}"' for code, url in PRODUCT.items())
    for code in ("en", "de"):
        url = PRODUCT[code]
        web.add(url, hpage(url, code, (), nav), headers={"Link": header, "Content-Type": "text/html"})
    for code in ("en", "es"):
        web.add(GUIDE[code], hpage(GUIDE[code], code, (), nav))
    web.add(f"{S}/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {S}/sitemap-index.xml\n", headers={"Content-Type": "text/plain"})
    web.add(f"{S}/sitemap-index.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{S}/sitemap-guides.xml.gz</loc></sitemap></sitemapindex>", headers={"Content-Type": "application/xml"})
    guide_alts = list(GUIDE.items())
    web.add(f"{S}/sitemap-guides.xml.gz", gzip.compress(sitemap([(GUIDE["en"], guide_alts), (GUIDE["es"], guide_alts)]).encode()),
            headers={"Content-Type": "application/gzip"})


B = "http://www.brand.com"


def broken_site(web: LocalWeb) -> set[tuple[str, str]]:
    """A site with one planted mistake per cluster; returns the (code, url) issues it must yield."""
    pages: dict[str, str] = {}  # url -> html
    headers: dict[str, dict] = {}
    hub_links: list[str] = []
    expected: set[tuple[str, str]] = set()
    language_routes: dict[str, dict[str, Route]] = {}  # url -> {language: its answer to a reader of that language}
    redirects: dict[str, tuple[str, dict[str, Route]]] = {}  # url -> (where it sends Googlebot, by language)

    def cluster(n: int, en_alts=None, de_alts=None, *, link_de=True, **de_options):
        en, de = f"{B}/c{n}/en", f"{B}/c{n}/de"
        standard = [("en", en), ("de", de), ("x-default", en)]
        pages[en] = hpage(en, "en", standard if en_alts is None else en_alts)
        pages[de] = hpage(de, "de", standard if de_alts is None else de_alts, **de_options)
        hub_links.extend([en, de] if link_de else [en])
        return en, de

    en, de = cluster(1, en_alts=[("en", f"{B}/c1/en"), ("en-UK", f"{B}/c1/en"), ("de", f"{B}/c1/de"), ("x-default", f"{B}/c1/en")])
    expected.add(("invalid_code", en))
    en, de = cluster(2, en_alts=[("en", f"{B}/c2/en"), ("de", f"{B}/c2/de"), ("x-default", f"{B}/c2/de")],
                     de_alts=[("de", f"{B}/c2/de"), ("x-default", f"{B}/c2/de")])
    expected.add(("missing_return_link", en))
    en, de = cluster(3, de_alts=[("en-US", f"{B}/c3/en"), ("de", f"{B}/c3/de"), ("x-default", f"{B}/c3/en")])
    expected.add(("inconsistent_return_code", de))
    en, de = cluster(4, en_alts=[("de", f"{B}/c4/de"), ("x-default", f"{B}/c4/de")],
                     de_alts=[("en", f"{B}/c4/en"), ("de", f"{B}/c4/de"), ("x-default", f"{B}/c4/de")])
    expected.add(("missing_self_reference", en))
    en, de = cluster(5, en_alts=[("en", f"{B}/c5/en"), ("de", f"{B}/c5/de"), ("fr", f"{B}/c5/fr"), ("x-default", f"{B}/c5/en")])
    expected.add(("target_not_200", en))  # /c5/fr answers 404
    en, de = cluster(6, robots="noindex")
    expected.add(("target_noindex", en))
    en, de = cluster(7, canonical=f"{B}/c7/de-canonical")
    expected |= {("target_not_canonical", en), ("self_not_canonical", de)}
    en, de = cluster(8, en_alts=[("en", f"{B}/c8/en"), ("de", f"{B}/c8/de"), ("de", f"{B}/c8/de2"), ("x-default", f"{B}/c8/en")])
    de2 = f"{B}/c8/de2"
    pages[de2] = hpage(de2, "de", [("en", f"{B}/c8/en"), ("de", de2), ("x-default", f"{B}/c8/en")])
    hub_links.append(de2)
    expected.add(("duplicate_code", en))
    en, de = cluster(9, en_alts=[("en", f"{B}/c9/en"), ("de", f"{B}/c9/de"), ("de-CH", f"{B}/c9/de"), ("x-default", f"{B}/c9/en")])
    expected.add(("duplicate_url", en))
    no_default = [("en", f"{B}/c10/en"), ("de", f"{B}/c10/de")]
    en, de = cluster(10, en_alts=no_default, de_alts=no_default)
    expected |= {("missing_x_default", en), ("missing_x_default", de)}
    en, de = cluster(11, en_alts=[("en", f"{B}/c11/en"), ("de", "/c11/de"), ("x-default", f"{B}/c11/en")])
    expected.add(("relative_url", en))
    en, de = cluster(12)
    pages[en] = pages[en].replace("<nav>", f'<link rel="alternate" hreflang="de" href="{de}"><nav>')
    expected.add(("outside_head", en))
    en, de = cluster(13, link_de=False)
    expected.add(("unlinked_target", de))
    plain = f"{B}/c14/plain"
    pages[plain] = hpage(plain, "en")
    hub_links.append(plain)
    expected.add(("missing_hreflang", plain))
    en, de = cluster(15)
    headers[en] = {"Link": f'<{en}>; rel="alternate"; hreflang="en", <{en}>; rel="alternate"; hreflang="x-default"'}
    expected.add(("methods_disagree", en))
    en, de = cluster(16, html_lang="en")
    expected.add(("html_lang_mismatch", de))
    en, de = cluster(17, text_lang="fr")
    expected.add(("content_language_mismatch", de))
    en, ch = f"{B}/c18/en", "http://www.brand.ch/c18/"
    alts = [("en", en), ("de-AT", ch), ("x-default", en)]
    pages[en], pages[ch] = hpage(en, "en", alts), hpage(ch, "de-AT", alts)
    hub_links.extend([en, ch])
    expected.add(("region_cctld_mismatch", ch))
    # Locale-adaptive pages (answers by Accept-Language; Googlebot sends none).
    en, de = cluster(19)
    language_routes[en] = {"de": Route(302, b"", {"Location": de})}
    expected.add(("locale_adaptive_redirect", en))
    en, de = cluster(20)
    language_routes[en] = {"de": Route(200, hpage(en, "en", [("en", en), ("de", de), ("x-default", en)], text_lang="de").encode())}
    expected.add(("locale_adaptive_content", en))
    selector = f"{B}/c21/"  # x-default: a language selector, the use Google documents for it
    en, de = cluster(21, en_alts=[("en", f"{B}/c21/en"), ("de", f"{B}/c21/de"), ("x-default", selector)],
                     de_alts=[("en", f"{B}/c21/en"), ("de", f"{B}/c21/de"), ("x-default", selector)])
    redirects[selector] = (en, {"de": Route(302, b"", {"Location": de})})
    expected.add(("x_default_language_selector", selector))
    no_default = [("en", f"{B}/c22/en"), ("de", f"{B}/c22/de")]
    en, de = cluster(22, en_alts=no_default, de_alts=no_default)
    headers[en] = {"Vary": "Accept-Language"}
    expected |= {("vary_without_x_default", en), ("missing_x_default", en), ("missing_x_default", de)}
    # The hub: a correct en/de pair linking to every page above.
    hub_en, hub_de = f"{B}/", f"{B}/de/"
    hub_alts = [("en", hub_en), ("de", hub_de), ("x-default", hub_en)]
    pages[hub_en] = hpage(hub_en, "en", hub_alts, hub_links + [hub_de])
    pages[hub_de] = hpage(hub_de, "de", hub_alts, [hub_en])
    for url, body in pages.items():
        web.add(url, body, headers={"Content-Type": "text/html", **headers.get(url, {})}, languages=language_routes.get(url))
    for url, (default, languages) in redirects.items():
        web.add(url, status=302, headers={"Location": default}, languages=languages)
    return expected
