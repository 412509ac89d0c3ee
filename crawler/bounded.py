"""Per-host memories kept to a size: the ones used longest ago go first.

A backlink list is mostly distinct hosts, so anything kept per host for the whole run
(robots.txt parsers, cookies, addresses, failed lookups, unreachable hosts) grows with the
list. Each such dict keeps insertion order; ``touch`` moves an entry to the end as used last,
and ``trim_oldest`` drops from the front.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

__all__ = ["touch", "trim_oldest"]


def touch(mapping: MutableMapping, key) -> None:
    """``key`` (if there) becomes the entry used last."""
    if key in mapping:
        mapping[key] = mapping.pop(key)


def trim_oldest(mapping: MutableMapping, most: int, keep: Callable[[object], bool] | None = None) -> None:
    """Drop the oldest entries down to ``most``, except those whose value ``keep`` says to keep (still in
    use: a lookup or a fetch others wait on)."""
    for key in list(mapping)[: max(0, len(mapping) - most)]:
        if keep is None or not keep(mapping[key]):
            del mapping[key]
