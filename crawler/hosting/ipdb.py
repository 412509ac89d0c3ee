"""ASN, its organisation and the hosting country of an address, from MaxMind-format files.

``--ip-db PATH`` (repeatable; also ``LINKVERIFIER_IP_DB``, paths separated by
the OS path separator) takes any of the free databases below, read offline
with the ``maxminddb`` package; one ASN file and one country (or city) file
give every field, an IPinfo Lite file gives both at once:

- GeoLite2 ASN / Country / City (MaxMind; GeoLite2 EULA, attribution required)
- DB-IP Lite ASN / Country / City (db-ip.com; CC BY 4.0, attribution required)
- IPinfo Lite (ipinfo.io; CC BY-SA 4.0, attribution required)

Each vendor names its fields its own way; ``lookup`` reads all three. The
attribution each licence asks for is printed in the report's footer.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["IpDatabases", "IpDatabaseError", "ip_network", "attribution", "paths_from_env"]


class IpDatabaseError(ValueError):
    """An --ip-db that cannot be read (the CLI exits 2 naming it)."""


# database_type (from the file's metadata) -> the attribution its licence asks for.
_ATTRIBUTIONS = (
    ("geolite2", "This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com"),
    ("geoip2", "IP data: GeoIP2 by MaxMind, https://www.maxmind.com"),
    ("dbip", "IP Geolocation by DB-IP, https://db-ip.com (CC BY 4.0)"),
    ("db-ip", "IP Geolocation by DB-IP, https://db-ip.com (CC BY 4.0)"),
    ("ipinfo", "IP address data powered by IPinfo, https://ipinfo.io (CC BY-SA 4.0)"),
)


def attribution(database_type: str) -> str:
    kind = database_type.lower()
    return next((text for key, text in _ATTRIBUTIONS if key in kind), f"IP data: {database_type}")


def paths_from_env(value: str | None) -> list[str]:
    return [path for path in (value or "").split(os.pathsep) if path]


def ip_network(address: str | None) -> str | None:
    """The /24 of an IPv4 address, the /48 of an IPv6 one (what the suites call a subnet), or None."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False))


@dataclass
class _Database:
    path: str
    reader: object
    database_type: str


class IpDatabases:
    """Every --ip-db file, looked up together: ``lookup(address)`` -> asn, asn_org, hosting_country."""

    def __init__(self, paths: list[str] | tuple[str, ...] = ()):
        import maxminddb

        self.databases: list[_Database] = []
        for path in paths:
            if not Path(path).is_file():
                raise IpDatabaseError(f"{path}: no such file")
            try:
                reader = maxminddb.open_database(path)
            except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
                raise IpDatabaseError(f"{path}: not a MaxMind-format (.mmdb) database ({exc})") from None
            self.databases.append(_Database(path, reader, reader.metadata().database_type or Path(path).stem))

    @property
    def attributions(self) -> list[str]:
        return list(dict.fromkeys(attribution(db.database_type) for db in self.databases))

    def lookup(self, address: str | None) -> dict:
        fields = {"asn": None, "asn_org": None, "hosting_country": None}
        if not address or not self.databases:
            return fields
        for database in self.databases:
            try:
                record = database.reader.get(address)
            except ValueError:  # an IPv6 address in an IPv4-only file
                continue
            if isinstance(record, dict):
                for key, value in _fields(record).items():
                    if fields[key] is None and value is not None:
                        fields[key] = value
        return fields

    def close(self) -> None:
        for database in self.databases:
            database.reader.close()


def _fields(record: dict) -> dict:
    """One vendor's record in our names: MaxMind and DB-IP (``autonomous_system_*``, ``country.iso_code``),
    IPinfo Lite (``asn: "AS15169"``, ``as_name``, ``country_code``) and IPinfo's older country_asn files."""
    asn = record.get("autonomous_system_number", record.get("asn"))
    if isinstance(asn, str):
        digits = asn.upper().removeprefix("AS")
        asn = int(digits) if digits.isdigit() else None
    country = record.get("country")
    if isinstance(country, dict):
        country = country.get("iso_code")
    elif not (isinstance(country, str) and len(country) == 2):  # IPinfo Lite: "country" is the name
        country = None
    country = record.get("country_code") or country
    return {
        "asn": asn if isinstance(asn, int) else None,
        "asn_org": record.get("autonomous_system_organization") or record.get("as_name"),
        "hosting_country": country.upper() if isinstance(country, str) else None,
    }
