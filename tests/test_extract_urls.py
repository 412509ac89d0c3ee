import pytest

from extract.urls import (
    Target,
    country_from_host,
    invalid_url_reason,
    match_href,
    normalized_key,
    registered_domain,
    resolve_href,
)


@pytest.mark.parametrize("a, b", [
    ("http://www.acme.com/page/", "https://acme.com/page"),
    ("http://acme.com:80/page", "http://acme.com/page"),
    ("https://acme.com:443/page", "http://acme.com/page"),
    ("http://acme.com/%7Euser", "http://acme.com/~user"),
    ("http://acme.com/page?utm_source=x&utm_medium=y&gclid=1&fbclid=2&mc_eid=3", "http://acme.com/page"),
    ("http://acme.com/page?b=2&a=1", "http://acme.com/page?a=1&b=2"),
    ("http://www.bücher.de/x", "http://www.xn--bcher-kva.de/x"),
    # IDNA 2008, as browsers resolve it: ß is not ss (Python's IDNA 2003 codec made fußball.de fussball.de)
    ("http://www.fußball.de/x", "http://www.xn--fuball-cta.de/x"),
    ("http://www.FUSSBALL.de/x", "http://www.fussball.de/x"),
    ("http://xn--n3h.com/", "http://☃.com/"),  # a symbol IDNA 2008 refuses: as IDNA 2003 writes it
    ("http://ACME.com/page#section", "http://acme.com/page"),
])
def test_same_page(a, b):
    assert normalized_key(a) == normalized_key(b)


@pytest.mark.parametrize("a, b", [
    ("http://acme.com/page", "http://acme.com/page2"),
    ("http://acme.com/page?id=1", "http://acme.com/page?id=2"),
    ("http://acme.com:8080/page", "http://acme.com/page"),
    ("http://blog.acme.com/page", "http://acme.com/page"),
    ("http://www.fußball.de/x", "http://www.fussball.de/x"),  # two domains
])
def test_different_pages(a, b):
    assert normalized_key(a) != normalized_key(b)


@pytest.mark.parametrize("url, problem", [
    ("", "empty"), ("ftp://a.com/x", "not an http(s) URL"), ("http://exa mple.com", "spaces"),
    ("http://-bad.com/", "malformed host"), ("http://", "no host"), ("mailto:a@b.com", "not an http(s) URL"),
    ("http://a..com/", "malformed host"), ("http://a.com:99999/", "malformed URL"),
    ("http://[2001:db8::1/", "malformed URL"), ("http://[not-an-address]/", "malformed URL"),
])
def test_invalid_urls(url, problem):
    assert problem in invalid_url_reason(url)


def test_valid_urls():
    for url in ("http://a.com", "https://bücher.de/ä", "http://127.0.0.1:8080/x", "http://xn--bcher-kva.de/",
                "http://[2001:db8::1]/post", "http://[::1]:8080/x"):  # IPv6 addresses were "malformed host"
        assert invalid_url_reason(url) is None


def test_resolve_href():
    assert resolve_href("//acme.com/x", "https://blog.de/a") == "https://acme.com/x"
    assert resolve_href("../x", "http://blog.de/a/b/c") == "http://blog.de/a/x"
    assert resolve_href("javascript:void(0)", "http://blog.de/") is None
    assert resolve_href("JavaScript:go('http://acme.com')", "http://blog.de/") is None
    assert resolve_href("mailto:x@acme.com", "http://blog.de/") is None
    assert resolve_href("#top", "http://blog.de/") is None


def test_targets():
    page = Target.parse("https://www.acme.com/page")
    assert match_href("https://www.acme.com/page", page) == "exact"
    assert match_href("http://acme.com/page/?utm_source=a", page) == "normalized"
    assert match_href("http://acme.com/other", page) is None
    domain = Target.parse("acme.com")
    assert domain.is_domain and domain.fetch_url == "http://acme.com/"
    assert match_href("http://blog.acme.com/any", domain) == "domain"
    assert match_href("http://notacme.com/", domain) is None
    assert Target.parse("www.acme.co.uk").domain == "acme.co.uk"
    with pytest.raises(ValueError):
        Target.parse("not a domain")


@pytest.mark.parametrize("host, country", [
    ("www.bbc.co.uk", "GB"), ("shop.example.uk", "GB"), ("blog.de", "DE"), ("x.com.br", "BR"),
    ("example.com", None), ("startup.io", None), ("brand.co", None), ("site.tv", None), ("me.me", None),
    ("ai.ai", None), ("europa.eu", None), ("127.0.0.1", None),
])
def test_country_from_cctld(host, country):
    assert country_from_host(host) == country


def test_a_target_written_with_sharp_s_matches_its_punycode_link():
    target = Target.parse("fußball.de")
    assert target.domain == "xn--fuball-cta.de"
    assert match_href("http://www.xn--fuball-cta.de/spiel", target) is not None
    assert match_href("http://www.fussball.de/spiel", target) is None


def test_registered_domain():
    assert registered_domain("a.b.example.co.uk") == "example.co.uk"
    assert registered_domain("WWW.Bücher.de") == "xn--bcher-kva.de"


def test_a_page_matched_against_many_targets_finds_what_one_by_one_finds():
    """``LinkIndex`` looks a page's links up by domain and normalized URL instead of matching each link
    against each target: the same links, matches and contexts for every kind of target."""
    from extract.document import parse_html
    from extract.links import LinkIndex, find_links, resolve_links

    base = "http://blog.example.org/post"
    links = [f'<a href="https://www.acme.com/p{i}?utm_source=x#s{i % 3}">page {i}</a>' for i in range(40)]
    links += ['<a href="http://acme.com/p7/">again</a>', '<a href="/local">here</a>', '<a href="https://shop.acme.com/">shop</a>',
              '<a href="https://other.net/p1">other</a>', '<a href="HTTPS://WWW.ACME.COM/p3">caps</a>']
    tree = parse_html(f"<html><body><article><p>Intro.</p><ul>{''.join(f'<li>{a}</li>' for a in links)}</ul></article></body></html>")
    resolved = resolve_links(tree, base)
    index = LinkIndex(resolved)
    targets = ["https://www.acme.com/p7", "http://acme.com/p7#top", "https://www.acme.com/p3", "acme.com", "shop.acme.com",
               "https://www.acme.com/p99", "other.net", "https://other.net/p1", "http://blog.example.org/local"]
    found_any = 0
    for raw in targets:
        target = Target.parse(raw)
        one_by_one = [(f.href, f.match, f.anchor_text, f.context) for f in find_links(tree, base, target, resolved)]
        indexed = [(f.href, f.match, f.anchor_text, f.context) for f in find_links(tree, base, target, resolved, index)]
        assert indexed == one_by_one, raw
        found_any += bool(indexed)
    assert found_any == 8  # all but p99
    p7 = find_links(tree, base, Target.parse("https://www.acme.com/p7"), resolved, index)
    assert [(f.anchor_text, f.match) for f in p7] == [("page 7", "normalized"), ("again", "normalized")]
