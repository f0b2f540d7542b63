"""The city's time zone (`TIME_ZONE`: WIB, WITA or WIT) and the abbreviation printed after local times.

Indonesia has three zones: WIB (Asia/Jakarta, Asia/Pontianak), WITA (Asia/Makassar) and WIT
(Asia/Jayapura). Times are stored in UTC and shown in the configured zone; a city in Sulawesi, Bali or
Nusa Tenggara sets `TIME_ZONE=Asia/Makassar`, one in Maluku or Papua `TIME_ZONE=Asia/Jayapura`.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings

ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def abbreviation() -> str:
    """WIB, WITA or WIT; the zone's name for a zone outside Indonesia."""
    return ABBREVIATIONS.get(settings.TIME_ZONE, settings.TIME_ZONE)
