"""`{% zone_abbr %}`: WIB, WITA or WIT, the abbreviation of the city's time zone (core.localtime)."""

from __future__ import annotations

from django import template

from kotapintar.core import localtime

register = template.Library()


@register.simple_tag
def zone_abbr() -> str:
    return localtime.abbreviation()
