"""CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, xorout 0), as QRIS/EMVCo MPM uses.

Pure Python, no Django. The standard check value of b"123456789" is 0x29B1.
"""

from __future__ import annotations

POLY = 0x1021
INIT = 0xFFFF


def _table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ POLY) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
        table.append(crc)
    return tuple(table)


_TABLE = _table()


def crc16_ccitt_false(data: bytes, crc: int = INIT) -> int:
    """The CRC-16/CCITT-FALSE of `data` (optionally continuing from `crc`)."""
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _TABLE[((crc >> 8) ^ byte) & 0xFF]
    return crc


def crc16_hex(text: str) -> str:
    """The CRC of the UTF-8 bytes of `text` as 4 uppercase hex digits (the QRIS tag 63 value)."""
    return f"{crc16_ccitt_false(text.encode('utf-8')):04X}"
