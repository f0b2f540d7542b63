"""Integer rupiah helpers (no floats near money). Pure Python, no Django."""

from __future__ import annotations


def format_idr(amount_idr: int, *, symbol: bool = True) -> str:
    """Indonesian formatting with a dot as thousands separator: 1250000 -> 'Rp1.250.000'."""
    if not isinstance(amount_idr, int) or isinstance(amount_idr, bool):
        raise TypeError("amount_idr must be an int")
    sign = "-" if amount_idr < 0 else ""
    digits = f"{abs(amount_idr):,}".replace(",", ".")
    return f"{sign}Rp{digits}" if symbol else f"{sign}{digits}"


def fee_idr(amount_idr: int, *, bps: int) -> int:
    """A fee of `bps` basis points of `amount_idr`, rounded half up to whole rupiah."""
    if amount_idr < 0 or bps < 0:
        raise ValueError("amount and rate must not be negative")
    return (amount_idr * bps + 5_000) // 10_000


def luhn_check_digit(digits: str) -> str:
    """The Luhn (mod 10) check digit to append to `digits`."""
    if not digits.isdigit() or not digits.isascii():
        raise ValueError("digits only")
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    """True if the last digit of `number` is its Luhn check digit."""
    if len(number) < 2 or not number.isdigit() or not number.isascii():
        return False
    return luhn_check_digit(number[:-1]) == number[-1]
