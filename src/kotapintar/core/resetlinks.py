"""One-time password links: an administrator issues one; the user opens it and chooses a password.

The link is `/akun/sandi/<uid>/<token>/` with a token from Django's `PasswordResetTokenGenerator`
(under its own salt): an HMAC keyed with SECRET_KEY over the user's id, password hash, last sign-in
and the time it was made. So it is
- signed: nobody can make one without SECRET_KEY;
- expiring: refused PASSWORD_RESET_TIMEOUT seconds after it was made (24 hours unless configured);
- single use: setting the password changes the hash the token covers, so the link (and every other
  link issued for that user before) stops working once used.
The token itself is never stored or written to the audit log; issuing and using a link are audited.
"""

from __future__ import annotations

import dataclasses
import logging
import smtplib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from kotapintar.core import audit, siteurl
from kotapintar.core.errors import NoEmail, PasswordLinkInvalid, PasswordRejected, UserNotFound
from kotapintar.core.types import Actor
from kotapintar.core.useradmin import require_admin

log = logging.getLogger(__name__)


class PasswordLinkTokens(PasswordResetTokenGenerator):
    key_salt = "kotapintar.core.resetlinks.PasswordLinkTokens"


tokens = PasswordLinkTokens()


@dataclasses.dataclass(frozen=True)
class PasswordLink:
    url: str
    emailed_to: str  # "" when not asked to send it by e-mail
    valid_hours: int
    email_failed: bool = False  # the mail server refused it: the administrator passes the link on


def password_link_create(*, actor: Actor, user_id: int, send_email: bool = False) -> PasswordLink:
    """A one-time link for the user to set a password, for the administrator to pass on; also
    e-mailed to the user when `send_email` (through Django's mail backend)."""
    admin = require_admin(actor)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise UserNotFound()
    if send_email and not user.email:
        raise NoEmail()
    path = reverse(
        "password_link", args=[urlsafe_base64_encode(force_bytes(user.pk)), tokens.make_token(user)]
    )
    link = PasswordLink(
        url=siteurl.absolute_url(path),
        emailed_to=user.email if send_email else "",
        valid_hours=max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
    )
    with transaction.atomic():
        audit.record(
            action="core.password_link_create",
            actor=admin,
            obj=user,
            data={"emailed_to": link.emailed_to, "valid_hours": link.valid_hours},
        )
    if send_email and not _send(user, link):
        return dataclasses.replace(link, email_failed=True)
    return link


def _send(user: Any, link: PasswordLink) -> bool:
    body = _(
        "An administrator of Kota Pintar has made a link for you to choose your password.\n\n"
        "%(url)s\n\nIt works once, for %(hours)s hours. Your username is %(username)s."
    ) % {"url": link.url, "hours": link.valid_hours, "username": user.get_username()}
    try:
        send_mail(
            subject=_("[Kota Pintar] Choose your password"),
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    except (smtplib.SMTPException, OSError):
        # The administrator still holds the link and can pass it on; the failure is in the log.
        log.exception("could not e-mail the password link to user %s", user.pk)
        return False
    return True


def password_link_user(*, uidb64: str, token: str) -> Any:
    """The active user a link is valid for, or `password_link_invalid`."""
    try:
        user_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, OverflowError):
        raise PasswordLinkInvalid() from None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not tokens.check_token(user, token):
        raise PasswordLinkInvalid()
    return user


def password_link_redeem(*, uidb64: str, token: str, password: str) -> Any:
    """Set the user's password through a valid link; the link is spent."""
    with transaction.atomic():
        user = password_link_user(uidb64=uidb64, token=token)
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if not tokens.check_token(user, token):  # another request spent it while we waited
            raise PasswordLinkInvalid()
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise PasswordRejected(detail={"password": list(exc.messages)}) from None
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(action="core.password_link_redeem", actor=user, obj=user)
    return user
