"""PAdES levels of city-PKI signatures: B-LT embeds chain, CRLs and OCSP; B-T has a timestamp; B-B neither."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from kotapintar.esign import verification
from kotapintar.esign.backends import SignerIdentity
from kotapintar.esign.pki_signing import CityPkiBackend


def sign(cert: Any, pdf: bytes, passphrase: str, level: str) -> bytes:
    return CityPkiBackend().sign(
        document_pdf=pdf,
        signer=SignerIdentity(name=cert.common_name, certificate_id=cert.pk),
        passphrase=passphrase,
        field_name="TTE",
        certify=True,
        stamp=None,
        level=level,
    )


def test_blt_embeds_revocation_data_in_the_dss(make_official: Any, letter_pdf: Any, passphrase: str) -> None:
    _user, cert = make_official()
    signed = sign(cert, letter_pdf(), passphrase, "B-LT")
    dss = PdfFileReader(io.BytesIO(signed)).root["/DSS"]
    assert len(dss["/OCSPs"]) >= 1
    assert len(dss["/CRLs"]) >= 1
    assert len(dss["/Certs"]) >= 3


@pytest.mark.parametrize(("level", "has_timestamp"), [("B-B", False), ("B-T", True)])
def test_timestamp_only_from_b_t(
    make_official: Any, letter_pdf: Any, passphrase: str, level: str, has_timestamp: bool
) -> None:
    _user, cert = make_official()
    report = verification.verify_pdf(sign(cert, letter_pdf(), passphrase, level))
    assert report["valid"]
    assert report["signatures"][0]["timestamp"]["present"] is has_timestamp
    assert "/DSS" not in PdfFileReader(io.BytesIO(sign(cert, letter_pdf(), passphrase, level))).root
