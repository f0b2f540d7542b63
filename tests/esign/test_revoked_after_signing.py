"""A certificate revoked after a timestamped signature: the signature stays valid (it was made in time)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from kotapintar.core.models import Role
from kotapintar.esign import services, verification
from tests.esign.helpers import latest_pdf, sign_in_sequence


def test_revocation_after_signing_keeps_the_signature_valid(
    make_official: Any, make_user: Any, opd: Any, letter_pdf: Any, passphrase: str
) -> None:
    official, cert = make_official()
    doc = sign_in_sequence(
        creator=make_user(Role.OPD, opd=opd), officials=[official], pdf=letter_pdf(), passphrase=passphrase
    )
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5), tick=False):
        services.certificate_revoke(actor=None, certificate=cert, reason="affiliation_changed")
    report = verification.verify_pdf(latest_pdf(doc))
    sig = report["signatures"][0]
    assert sig["revocation"]["status"] == "revoked_after_signing"
    assert sig["valid"] is True
