from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def platform(request: HttpRequest) -> dict[str, Any]:
    from kotapintar.core.permissions import user_roles
    from kotapintar.core.selectors import city_get_or_none, notification_unread_count

    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    return {
        "KP_ROLES": user_roles(user) if authenticated else frozenset(),
        "KP_UNREAD": notification_unread_count(user=user) if authenticated else 0,
        "KP_TILE_URL": settings.MAP_TILE_URL,
        "KP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "KP_DEBUG": settings.DEBUG,
        # The city this installation serves (its name, bounds, boundary source); read when a page uses it.
        "KP_CITY": SimpleLazyObject(city_get_or_none),
    }
