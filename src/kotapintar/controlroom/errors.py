"""Every error code of the control room, declared once (see kotapintar.core.errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import NotFound, PermissionDenied, ValidationFailed, declare

DisplayTokenInvalid = declare("display_token_invalid", PermissionDenied, _("This display link is not valid."))
DisplayTokenRevoked = declare(
    "display_token_revoked", PermissionDenied, _("This display link has been revoked.")
)
DisplayTokenExpired = declare("display_token_expired", PermissionDenied, _("This display link has expired."))
DisplayNameInvalid = declare(
    "display_name_invalid", ValidationFailed, _("Give the display a name (at most 120 characters).")
)
DisplayNotFound = declare("display_not_found", NotFound, _("Display not found."))
NotRoomManager = declare(
    "not_room_manager", PermissionDenied, _("Only Bappeda and the city administrator manage displays.")
)
