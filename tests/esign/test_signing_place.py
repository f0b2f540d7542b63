"""A signature names where it was made: the configured city, not a fixed one."""

from __future__ import annotations

import io
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader

from kotapintar.core.models import City, Role
from tests.esign.helpers import latest_pdf, sign_in_sequence


def test_a_signature_location_is_the_configured_citys_name(
    city: City, make_official: Any, make_user: Any, opd: Any, letter_pdf: Any, passphrase: str
) -> None:
    City.objects.filter(pk=city.pk).update(name="Kota Teluk Uji")
    official, _cert = make_official()
    creator = make_user(Role.OPD, opd=opd, username="staf")
    doc = sign_in_sequence(creator=creator, officials=[official], pdf=letter_pdf(), passphrase=passphrase)
    sig = PdfFileReader(io.BytesIO(latest_pdf(doc))).embedded_signatures[-1]
    assert str(sig.sig_object["/Location"]) == "Kota Teluk Uji"
