"""The set of rows a run has answered, one bit a row.

A run keeps it to its end and asks it once per answer; as a Python set of
ints 100,000 rows cost ~7 MB, here 12.5 kB. Row numbers are indexes into the
input, so the bits stay as many as the list is long.
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["RowSet"]


class RowSet:
    def __init__(self) -> None:
        self._bits = bytearray()
        self._count = 0

    def add(self, row: int) -> None:
        if row < 0:
            raise ValueError(f"row {row} is not an input row")
        byte, bit = divmod(row, 8)
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))  # doubling: amortised O(1)
        if not self._bits[byte] >> bit & 1:
            self._bits[byte] |= 1 << bit
            self._count += 1

    def __contains__(self, row: object) -> bool:
        if not isinstance(row, int) or row < 0:
            return False
        byte, bit = divmod(row, 8)
        return byte < len(self._bits) and bool(self._bits[byte] >> bit & 1)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[int]:
        for byte, value in enumerate(self._bits):
            if value:
                yield from (byte * 8 + bit for bit in range(8) if value >> bit & 1)
