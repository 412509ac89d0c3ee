"""Hosting as evidence: which addresses many unrelated sites share, and how hosting joins the judgement.

A CDN or a mass host puts thousands of unrelated sites on one address, so an
IP or /24 shared there says nothing about ownership. ``shared_host`` names
such a host from the page's ASN (when an --ip-db gives one) or from the
response headers its edge adds (which need no database). Everywhere else,
several referring domains on one IP or /24 is a footprint: weak alone
(``shared_hosting``, scoring.risk), a network when they also share something
else (scoring.networks).

ASNs: each operator's own network as listed in its PeeringDB record
(peeringdb.com) and its bgp.he.net page; headers: the operators' documentation
of the headers their edge adds (Cloudflare ``cf-ray``, Fastly ``x-served-by``
``cache-…``, CloudFront ``x-amz-cf-id``, Akamai ``x-akamai-…``…).
"""

from __future__ import annotations

__all__ = ["SHARED_HOST_ASNS", "shared_host", "hosting_key", "MIN_SHARED"]

# Referring domains on one IP or /24 before it counts as shared hosting (the suites flag a class C from 3 up).
MIN_SHARED = 3

SHARED_HOST_ASNS = {
    # CDNs and edge networks
    13335: "Cloudflare", 209242: "Cloudflare",
    54113: "Fastly",
    20940: "Akamai", 16625: "Akamai", 21342: "Akamai", 32787: "Akamai",
    16509: "Amazon", 14618: "Amazon",
    15169: "Google", 396982: "Google", 19527: "Google",
    8075: "Microsoft",
    19551: "Imperva", 30148: "Sucuri", 60068: "CDN77", 200325: "Bunny",
    # website builders and hosted blogs
    2635: "Automattic (WordPress.com)", 58182: "Wix", 53831: "Squarespace", 36459: "GitHub",
    # mass shared hosting
    26496: "GoDaddy", 398101: "GoDaddy", 46606: "Unified Layer (Bluehost, HostGator)", 47583: "Hostinger",
    22612: "Namecheap", 8560: "IONOS", 6724: "Strato",
}
# Words in an ASN's organisation name that mean the same, for numbers the list does not hold.
_ORG_WORDS = {"cloudflare": "Cloudflare", "fastly": "Fastly", "akamai": "Akamai", "amazon": "Amazon",
              "google": "Google", "microsoft": "Microsoft", "incapsula": "Imperva", "automattic": "Automattic (WordPress.com)",
              "godaddy": "GoDaddy", "unified layer": "Unified Layer (Bluehost, HostGator)", "hostinger": "Hostinger"}
# Response headers a CDN's or a host's edge adds: header -> (what its value must contain, or "", name).
_HEADERS = (
    ("cf-ray", "", "Cloudflare"),
    ("server", "cloudflare", "Cloudflare"),
    ("x-fastly-request-id", "", "Fastly"),
    ("x-served-by", "cache-", "Fastly"),
    ("x-amz-cf-id", "", "Amazon"),
    ("via", "cloudfront", "Amazon"),
    ("server", "akamaighost", "Akamai"),
    ("x-akamai-transformed", "", "Akamai"),
    ("x-iinfo", "", "Imperva"),
    ("x-sucuri-id", "", "Sucuri"),
    ("x-vercel-id", "", "Vercel"),
    ("x-nf-request-id", "", "Netlify"),
    ("x-github-request-id", "", "GitHub"),
    ("x-wix-request-id", "", "Wix"),
    ("server", "squarespace", "Squarespace"),
    ("server", "bunnycdn", "Bunny"),
    ("x-ac", "", "Automattic (WordPress.com)"),
)


def shared_host(asn: int | None, asn_org: str | None, headers: dict[str, list[str]] | None = None) -> str | None:
    """The CDN or mass host serving a page ("Cloudflare"), or None when nothing says so."""
    if asn in SHARED_HOST_ASNS:
        return SHARED_HOST_ASNS[asn]
    org = (asn_org or "").lower()
    for word, name in _ORG_WORDS.items():
        if word in org:
            return name
    for header, contains, name in _HEADERS:
        values = (headers or {}).get(header)
        if values and (not contains or any(contains in value.lower() for value in values)):
            return name
    return None


def hosting_key(page: dict) -> tuple[str | None, str | None]:
    """The page's IP and /24 as hosting evidence: (None, None) when unknown or on a CDN or mass host."""
    if not page or page.get("shared_host") or not page.get("ip"):
        return None, None
    return page["ip"], page.get("ip_network")
