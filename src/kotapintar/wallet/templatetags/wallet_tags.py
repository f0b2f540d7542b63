"""Template filters of the wallet pages: rupiah, grouped card numbers, dict lookup."""

from __future__ import annotations

from typing import Any

from django import template

from kotapintar.lib.money import format_idr

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    try:
        return format_idr(int(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def cardnumber(value: Any) -> str:
    text = str(value or "")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key


@register.filter
def split(value: str) -> list[str]:
    return str(value).split()


@register.filter
def intword_id(value: Any) -> str:
    """25000 -> '25rb' (Indonesian shorthand on quick-amount buttons)."""
    n = int(value)
    return f"{n // 1000}rb" if n % 1000 == 0 and n < 1_000_000 else format_idr(n)
