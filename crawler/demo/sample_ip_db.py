"""The demo's IP database: made-up addresses for the sample web's hosts, and their ASN and country.

The sample web is served on 127.0.0.1; ``run_demo`` pins each host to an
address from the documentation ranges (RFC 5737) with ``--resolve``, and this
MaxMind-format file, shipped beside it, gives those addresses an ASN and a
country, so the demo's report shows hosting as a real profile would. Made-up
data, no licence strings attached. Rebuild with ``python -m crawler.demo.sample_ip_db``
(needs ``mmdb-writer``, in the ``test`` extra).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SAMPLE_IP_DB", "PINNED"]

SAMPLE_IP_DB = Path(__file__).parent / "sample-ip.mmdb"

# host -> address, for every host of the sample web (the demo makes no DNS query). links.example.net,
# news.example.co.uk and vkusnye-recepty.ru share a /24.
PINNED = {
    "www.sicherheit-blog.de": "198.51.100.7",
    "blog.securite-info.fr": "192.0.2.10",
    "www.tech-forum.jp": "192.0.2.200",
    "www.vkusnye-recepty.ru": "203.0.113.21",
    "news.example.co.uk": "203.0.113.22",
    "links.example.net": "203.0.113.23",
    "old-blog.example.com": "198.51.100.80",
    "members.example.com": "198.51.100.81",
    "gone.example.org": "198.51.100.90",
    "www.acme-secure.com": "198.51.100.200",
}

_NETWORKS = {
    "198.51.100.0/24": ({"autonomous_system_number": 64501, "autonomous_system_organization": "Beispiel Hosting GmbH"}, "DE"),
    "192.0.2.0/25": ({"autonomous_system_number": 64502, "autonomous_system_organization": "Hébergement Exemple SAS"}, "FR"),
    "192.0.2.128/25": ({"autonomous_system_number": 13335, "autonomous_system_organization": "CLOUDFLARENET"}, "US"),
    "203.0.113.0/24": ({"autonomous_system_number": 64503, "autonomous_system_organization": "Primer Hosting LLC"}, "RU"),
}


def build(path: Path = SAMPLE_IP_DB) -> None:
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    # One file with both, as IPinfo Lite's: ASN fields and the country, in MaxMind's names.
    writer = MMDBWriter(ip_version=4, database_type="linkverifier demo: made-up addresses", languages=["en"],
                        description="linkverifier demo: made-up hosting of the sample web")
    for network, (asn, country) in _NETWORKS.items():
        writer.insert_network(IPSet([network]), {**asn, "country": {"iso_code": country}})
    writer.to_db_file(str(path))


if __name__ == "__main__":
    build()
