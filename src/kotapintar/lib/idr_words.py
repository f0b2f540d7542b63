"""Short Indonesian rupiah figures as officials write them: 7_411_000_000 -> 'Rp7,4 miliar'.

Pure Python, no Django. Rounds half up on integers (no floats), uses a decimal comma.
"""

from __future__ import annotations

UNITS: tuple[tuple[int, str], ...] = (
    (1_000_000_000_000, "triliun"),
    (1_000_000_000, "miliar"),
    (1_000_000, "juta"),
    (1_000, "ribu"),
)


def format_idr_short(amount_idr: int, *, decimals: int = 1) -> str:
    """'Rp7,4 miliar', 'Rp650 juta', 'Rp12,5 ribu', 'Rp900'; negative amounts get a leading minus."""
    if not isinstance(amount_idr, int) or isinstance(amount_idr, bool):
        raise TypeError("amount_idr must be an int")
    if decimals < 0:
        raise ValueError("decimals must not be negative")
    sign = "-" if amount_idr < 0 else ""
    value = abs(amount_idr)
    for index, (size, word) in enumerate(UNITS):
        if value >= size:
            text = _scaled(value, size, decimals)
            if text.startswith("1.000") and index > 0 and len(text.split(",")[0]) == 5:
                # 999,96 juta rounds up to "1.000 juta": say "1 miliar" instead
                size, word = UNITS[index - 1]
                text = _scaled(value, size, decimals)
            return f"{sign}Rp{text} {word}"
    return f"{sign}Rp{value}"


def _scaled(value: int, size: int, decimals: int) -> str:
    scale = 10**decimals
    scaled = (value * scale * 2 + size) // (size * 2)  # round half up, integers only
    whole, frac = divmod(scaled, scale)
    text = f"{whole:,}".replace(",", ".")
    if decimals and frac:
        text += "," + f"{frac:0{decimals}d}".rstrip("0")
    return text
