"""BMKG rain categories and the rain alarm's raw level (pure: no database).

Hourly intensity bands (mm/h) judge the 1, 3 and 6 h windows by their mean intensity; daily bands
(mm/day) judge the 24 h sum (flood.md §4). Sedang → Waspada, Lebat → Siaga, Sangat lebat / Ekstrem → Awas.
"""

from __future__ import annotations

from kotapintar.lib import hysteresis

RAIN_HOURLY_LIMITS = (5.0, 10.0, 20.0)
RAIN_DAILY_LIMITS = (20.0, 50.0, 100.0)
RAIN_WINDOWS_H = (1, 3, 6, 24)


def rain_category(mm: float, hours: int) -> str:
    """The BMKG category name for a rain sum over a window."""
    if hours >= 24:
        bands = [
            (150.0, "ekstrem"),
            (100.0, "sangat_lebat"),
            (50.0, "lebat"),
            (20.0, "sedang"),
            (0.5, "ringan"),
        ]
        for limit, name in bands:
            if mm > limit or (name != "ekstrem" and mm >= limit):
                return name
        return "none"
    rate = mm / hours
    for limit, name in [(20.0, "sangat_lebat"), (10.0, "lebat"), (5.0, "sedang"), (1.0, "ringan")]:
        if rate > limit or (name != "sangat_lebat" and rate >= limit):
            return name
    return "none"


def rain_level(sums: dict[int, float]) -> int:
    """The highest alert level (0–3) any window's sum reaches."""
    level = 0
    for hours, mm in sums.items():
        limits = RAIN_DAILY_LIMITS if hours >= 24 else RAIN_HOURLY_LIMITS
        value = mm if hours >= 24 else mm / hours
        level = max(level, hysteresis.raw_level(value, limits))
    return level
