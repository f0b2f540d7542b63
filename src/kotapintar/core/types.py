"""Types shared by every app.

`Actor` is whoever asks a service to act: a signed-in user, Django's anonymous user, or nobody at all
(a management command, a task, the MQTT consumer). Narrow it with `core.permissions.is_signed_in`, which
mypy understands as a type guard, before reading user attributes.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

Actor: TypeAlias = "User | AnonymousUser | None"

__all__ = ["Actor", "User"]
