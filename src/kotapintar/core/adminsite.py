"""Django's `/admin/` site, opened to the city administrator's role as well as to staff.

Installed as the default admin site (`core.apps.AdminConfig`), so every app's `admin.py` registers on
it as usual. What the role may see there comes from its permissions: every model's view permission
(`core.permissions.admin_view_permissions`, granted by the authentication backend).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role


class AdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return super().has_permission(request) or (user.is_active and has_role(user, Role.ADMIN_KOTA))
